// API clients (Hawk credentials). Access tokens are encrypted at rest because Hawk needs
// the plaintext key to verify a request MAC; they are shown once, when created.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { SecretBox } from './secret-box';
import { isUniqueViolation } from './worker-types';

export interface ClientInfo { clientId: string; scopes: string[]; description: string; expires: string | null; created: string }
export interface ClientCredentials { clientId: string; accessToken: string; scopes: string[]; expires: Date | null }

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9!@/:.+|_-]{1,128}$/;
/** The built-in client configured by ROOT_ACCESS_TOKEN; it is never stored. */
export const ROOT_CLIENT_ID = 'root';
/** The built-in issuer of worker credentials when none is configured (src/api/auth/worker-issuer.ts); never stored. */
export const BUILT_IN_ISSUER_ID = 'worker-credentials';
const BUILT_IN_IDS = [ROOT_CLIENT_ID, BUILT_IN_ISSUER_ID];

export class ClientExistsError extends Error {}

export function createClientRepository(db: PrismaClient, box: SecretBox) {
  const aad = (clientId: string) => `client:${clientId}`;
  return {
    /** Creates a client with a fresh random access token and returns it (the only time it is visible). */
    async create(clientId: string, scopes: string[], description: string, expires: Date | null): Promise<ClientCredentials> {
      if (!CLIENT_ID_PATTERN.test(clientId) || BUILT_IN_IDS.includes(clientId)) throw new Error(`invalid clientId "${clientId}"`);
      const accessToken = randomBytes(32).toString('base64url');
      try {
        await db.client.create({
          data: { clientId, scopes, description, expires, accessTokenEncrypted: box.encrypt(accessToken, aad(clientId)) },
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ClientExistsError(`client "${clientId}" already exists`);
        throw err;
      }
      return { clientId, accessToken, scopes, expires };
    },

    async credentials(clientId: string): Promise<ClientCredentials | null> {
      const row = await db.client.findUnique({ where: { clientId } });
      if (!row) return null;
      return {
        clientId, scopes: row.scopes, expires: row.expires,
        accessToken: box.decrypt(row.accessTokenEncrypted, aad(clientId)),
      };
    },

    async list(): Promise<ClientInfo[]> {
      const rows = await db.client.findMany({ orderBy: { clientId: 'asc' } });
      return rows.map((r) => ({
        clientId: r.clientId, scopes: r.scopes, description: r.description,
        expires: r.expires?.toISOString() ?? null, created: r.createdAt.toISOString(),
      }));
    },

    async remove(clientId: string): Promise<boolean> {
      return (await db.client.deleteMany({ where: { clientId } })).count > 0;
    },
  };
}

export type ClientRepository = ReturnType<typeof createClientRepository>;
