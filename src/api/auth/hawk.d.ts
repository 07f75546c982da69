// Minimal types for the parts of `hawk` (9.x, which ships no declarations) used here.
// Only the request-object form of `server.authenticate` is declared: the caller supplies
// method, url, host and port itself, so no Host header parsing takes place.
declare module 'hawk' {
  export interface HawkCredentials {
    key: string;
    algorithm: 'sha1' | 'sha256';
  }

  /** Request description accepted by `server.authenticate` in place of a Node request. */
  export interface HawkRequestObject {
    method: string;
    /** Path and query exactly as the client signed them. */
    url: string;
    host: string;
    port: number;
    authorization: string;
    contentType?: string;
  }

  export interface HawkArtifacts {
    method: string;
    host: string;
    port: number;
    resource: string;
    ts: string;
    nonce: string;
    hash?: string;
    ext?: string;
    mac: string;
    id: string;
  }

  export interface HawkAuthenticateOptions {
    /** Allowed clock difference either way; hawk treats 0 as "use the default" (60). */
    timestampSkewSec?: number;
    /** Added to Date.now() to obtain the server's notion of now. */
    localtimeOffsetMsec?: number;
    payload?: string;
  }

  export interface HeaderAttributes {
    id?: string;
    ts?: string;
    nonce?: string;
    hash?: string;
    ext?: string;
    mac?: string;
    app?: string;
    dlg?: string;
  }

  export const server: {
    /** Resolves when the MAC and timestamp are valid; rejects with a Boom error otherwise. */
    authenticate<C extends HawkCredentials>(
      req: HawkRequestObject,
      credentialsFunc: (id: string) => Promise<C | null>,
      options?: HawkAuthenticateOptions,
    ): Promise<{ credentials: C; artifacts: HawkArtifacts }>;
  };

  export const client: {
    /** The Authorization header for a request; no payload hash unless `payload` is given. */
    header(uri: string, method: string, options: { credentials: { id: string; key: string; algorithm: 'sha1' | 'sha256' }; ext?: string }): { header: string };
  };

  export const crypto: {
    /**
     * base64 hash over `hawk.1.payload`, the media type of `contentType` (lowercased, without
     * parameters) and the payload; a Buffer is hashed as its bytes, a string as UTF-8.
     */
    calculatePayloadHash(payload: string | Buffer, algorithm: 'sha1' | 'sha256', contentType: string | undefined): string;
  };

  export const utils: {
    /** Throws a Boom error for a missing, oversized or malformed header. */
    parseAuthorizationHeader(header: string | undefined, keys?: string[]): HeaderAttributes;
  };
}
