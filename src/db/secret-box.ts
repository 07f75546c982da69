// Encryption at rest: AES-256-GCM with a random 96-bit IV per value. The associated data
// binds a ciphertext to its row (e.g. the token hash), so a ciphertext copied to another
// row does not decrypt. Format: v1.<iv>.<tag>.<ciphertext>, each base64url.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
/** IVs drawn per refill of the pool: one call into the system's random generator per this many encryptions. */
const IVS_PER_REFILL = 256;

export class SecretBox {
  /** Random bytes not yet used as an IV; each byte is handed out once, then the pool is refilled. */
  private ivPool = Buffer.alloc(0);
  private ivOffset = 0;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  /**
   * A fresh random IV. Drawn from a pool of CSPRNG output rather than one randomBytes call each:
   * a call costs a lock and a DRBG round in OpenSSL whatever its size, and every signed
   * createSecret encrypts. The bytes are as random either way, and none is used twice.
   */
  private nextIv(): Buffer {
    if (this.ivOffset + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomBytes(IV_BYTES * IVS_PER_REFILL);
      this.ivOffset = 0;
    }
    const iv = this.ivPool.subarray(this.ivOffset, this.ivOffset + IV_BYTES);
    this.ivOffset += IV_BYTES;
    return iv;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Throws when the value was tampered with, bound to other data or made with another key. */
  decrypt(value: string, associatedData: string): string {
    const [version, iv, tag, body] = value.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Secrets are stored under the hash of their token, never the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
