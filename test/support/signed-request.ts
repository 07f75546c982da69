// Raw HTTP requests signed exactly as taskcluster-client 1.6.3 signs them (its own hawk
// 2.x), for the cases its generated methods cannot express: malformed JSON, huge bodies.
const hawk = require('taskcluster-client/node_modules/hawk');

export interface Credentials { clientId: string; accessToken: string }

export interface RawResponse { status: number; body: unknown; text: string }

export async function signedRequest(
  url: string, method: string, body: string | undefined, credentials: Credentials | null,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (credentials) {
    const { field } = hawk.client.header(url, method, {
      credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
    });
    all.authorization = field;
  }
  const res = await fetch(url, { method, headers: all, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}
