// What the router asks of authentication, whoever performs it: the local `Client` table
// (hawk-authenticator.ts) or TaskCluster's Auth service (delegated-authenticator.ts).
//
// Contract of every Authenticator: credentials that are bad in any way resolve to
// `{ ok: false, reason }` (the reason is for server logs only, the client always gets the
// same 401 body); a failure to check them at all (storage down, the Auth service
// unreachable, an oversized body) is thrown, so the answer names that failure rather than
// blaming the client's credentials.

export interface HawkRequest {
  method: string;
  /** Path and query exactly as received (Node's `req.url`), including a bare trailing `?`. */
  url: string;
  /** Host and port the client addressed (the public ones when behind a proxy). */
  host: string;
  port: number;
  authorization?: string;
  /** The client's address, for the Auth service's audit log only; omitted when unknown. */
  sourceIp?: string;
  /**
   * The raw body and its Content-Type header. Called only when the header carries a payload
   * `hash` and the signature is otherwise valid, so a request whose body was swapped in
   * transit is refused. Without it such a request fails.
   */
  readPayload?: () => Promise<{ body: Buffer; contentType: string }>;
}

/**
 * A verified request's Hawk replay key (client id, timestamp and nonce) and its timestamp in
 * milliseconds. The caller records it once before acting on the request (src/api/admission.ts),
 * so that a replay is refused however the request fares otherwise.
 */
export interface ReplayKey { key: string; tsMs: number }

export type AuthResult =
  /**
   * `certificateSeed` is set for temporary credentials only: it tells certificates of one issuer
   * apart. `replay` is set when the caller must record the nonce (local mode); the Auth service
   * guards against replays itself, so its results carry none.
   */
  | { ok: true; clientId: string; scopes: string[]; certificateSeed?: string; replay?: ReplayKey }
  | { ok: false; reason: string };

export type Authenticator = (req: HawkRequest) => Promise<AuthResult>;
