// Routes are declarations: method, path, scopes, input and output schema, docs and a
// short handler. The router (router.ts) enforces everything declared here, and the
// API document (openapi.ts) is generated from the same declarations.
import type { Context } from 'koa';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Admission } from '../db/admission';
import type { ApiServices } from './services';

export interface ParamSpec {
  pattern: string;
  description: string;
  /** A valid value, published in the API document (clients and API fuzzers start from it). */
  example: string;
}

export interface AuthenticatedClient {
  clientId: string;
  scopes: string[];
  /** Set for temporary credentials only (their certificate's seed); see rateKey in rate-limit.ts. */
  certificateSeed?: string;
}

export interface RouteRequest<P extends string, B> {
  params: Record<P, string>;
  body: B;
  client: AuthenticatedClient | undefined;
  ctx: Context;
  /**
   * What admitting the request still has to record (admission.ts): for a route that
   * `foldsAdmission`, all of it, which its statement must include; for any other route nothing
   * (`{}`), the router having admitted the request already.
   */
  admission: Admission;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
}

type BodyOf<I> = I extends TSchema ? Static<I> : undefined;

export interface RouteSpec<P extends string, I extends TSchema | undefined> {
  name: string;
  title: string;
  description: string;
  stability: 'stable' | 'experimental' | 'deprecated';
  method: 'get' | 'put' | 'post' | 'delete';
  /** Path under /v1 with `<param>` placeholders, as in the original API reference. */
  path: string;
  params: Record<P, ParamSpec>;
  /** Any one of the inner lists, all of its scopes (templates over params); null: anonymous. */
  scopes: string[][] | null;
  /** Values for scope templates; defaults to the URL params. */
  scopeParams?: (params: Record<P, string>, body: BodyOf<I>) => Record<string, string>;
  input?: I;
  output?: TSchema;
  /**
   * The handler admits the request itself, in the same statement as its work, and answers a
   * refusal with refuseAdmission (admission.ts); the router then runs no admission of its own.
   * The handler's checks before that statement must not depend on the database.
   */
  foldsAdmission?: true;
  /** Status for a handler that returns no body (204 for deletes and check-ins). */
  handler: (req: RouteRequest<P, BodyOf<I>>, services: ApiServices) => Promise<RouteResult>;
}

export type Route = RouteSpec<string, TSchema | undefined>;

/** Identity function that gives handlers their precise types. */
export function defineRoute<P extends string = never, I extends TSchema | undefined = undefined>(
  spec: RouteSpec<P, I>,
): Route {
  return spec as unknown as Route;
}
