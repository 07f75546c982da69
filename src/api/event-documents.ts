// The machine-readable reference of the Pulse exchanges, served next to the OpenAPI document
// (`/v1/exchanges.json`, in TaskCluster's exchanges-reference format) with the message schema
// it points to. Static: built once from src/events/exchanges.ts.
import type Koa from 'koa';
import { MESSAGE_SCHEMA_PATH, exchangesReference, messageSchemaDocument } from '../events/exchanges';
import { API_PREFIXES } from './router';
import type { ApiServices } from './services';

export function eventDocuments(services: ApiServices): Koa.Middleware {
  const base = `${services.config.publicUrl}/v1`;
  const documents = new Map<string, { route: string; build: () => unknown }>();
  for (const prefix of API_PREFIXES) {
    documents.set(`${prefix}/exchanges.json`, { route: 'exchanges', build: () => exchangesReference(base) });
    documents.set(`${prefix}${MESSAGE_SCHEMA_PATH}`, { route: 'messageSchema', build: () => messageSchemaDocument(base) });
  }
  const built = new Map<string, unknown>();
  return async (ctx, next) => {
    const document = ctx.method === 'GET' ? documents.get(ctx.path) : undefined;
    if (!document) return next();
    if (!built.has(document.route)) built.set(document.route, document.build());
    ctx.state.routeName = document.route;
    ctx.body = built.get(document.route);
  };
}
