/**
 * Bearer-token auth for the console API. Tokens are configured only as SHA-256 hashes (config
 * `serve.tokens`) or given through RECKON_VIEWER_TOKEN / RECKON_OPERATOR_TOKEN, hashed at start;
 * a presented token is hashed and compared in constant time. Tokens are never logged or stored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'viewer' | 'operator';

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

interface Entry { readonly name: string; readonly role: Role; readonly digest: Buffer }

export const sha256Hex = (token: string): string => createHash('sha256').update(token).digest('hex');

export class TokenAuth {
  private readonly entries: Entry[];

  /**
   * @example
   * const auth = TokenAuth.from(cfg.raw.serve?.tokens ?? [], process.env);
   * auth.authenticate('Bearer s3cret') // { name: 'env-operator', role: 'operator' } or null
   */
  static from(configured: readonly { name: string; role: Role; sha256: string }[], env: NodeJS.ProcessEnv): TokenAuth {
    const entries: Entry[] = configured.map((t) => ({ name: t.name, role: t.role, digest: Buffer.from(t.sha256, 'hex') }));
    if (env.RECKON_VIEWER_TOKEN) entries.push({ name: 'env-viewer', role: 'viewer', digest: Buffer.from(sha256Hex(env.RECKON_VIEWER_TOKEN), 'hex') });
    if (env.RECKON_OPERATOR_TOKEN) entries.push({ name: 'env-operator', role: 'operator', digest: Buffer.from(sha256Hex(env.RECKON_OPERATOR_TOKEN), 'hex') });
    return new TokenAuth(entries);
  }

  private constructor(entries: Entry[]) { this.entries = entries; }

  get configured(): boolean { return this.entries.length > 0; }

  /** The principal of an `Authorization: Bearer <token>` header (the scheme in any case), or null. */
  authenticate(header: string | undefined): Principal | null {
    const token = header === undefined ? undefined : /^bearer +(.*)$/i.exec(header)?.[1]?.trim();
    if (!token) return null;
    const digest = createHash('sha256').update(token).digest();
    let found: Principal | null = null;
    // Compare against every entry (no early exit) so timing does not reveal which one matched.
    for (const e of this.entries) if (timingSafeEqual(e.digest, digest) && !found) found = { name: e.name, role: e.role };
    return found;
  }
}
