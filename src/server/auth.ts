import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { KefuError } from '../errors.ts';
import { ALL_TENANTS, type ApiKeyStore, type KeyRole } from '../contracts/api-key-store.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Who is calling. The bootstrap admin key (KEFU_ADMIN_KEY or the generated one) and admin keys
 * made without a tenant see every tenant; an admin key made for a tenant, and agent and channel
 * keys, see their own tenant only.
 */
export interface Principal {
  role: KeyRole;
  /** null: all tenants. */
  tenant: string | null;
  keyId: string;
  name: string;
}

const bearer = (header: string | undefined): string | null => /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? null;

export function createAuth(deps: { adminKeyHash: string; keys: Pick<ApiKeyStore, 'verify'> }) {
  const rootHash = Buffer.from(deps.adminKeyHash, 'hex');

  async function identify(key: string): Promise<Principal | null> {
    const given = createHash('sha256').update(key).digest();
    if (given.length === rootHash.length && timingSafeEqual(given, rootHash)) return { role: 'admin', tenant: null, keyId: 'root', name: 'admin' };
    const k = await deps.keys.verify(key);
    if (k === null) return null;
    return { role: k.role, tenant: k.role === 'admin' && k.tenant === ALL_TENANTS ? null : k.tenant, keyId: k.id, name: k.name };
  }

  /** Requires a key with one of `roles` (admin keys always pass) and puts it on the context. */
  function requireRole(...roles: KeyRole[]): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const key = bearer(c.req.header('authorization'));
      if (key === null) throw new KefuError('unauthorized', 'Missing Authorization: Bearer <key>', { status: 401 });
      const p = await identify(key);
      if (p === null) throw new KefuError('forbidden', 'Invalid or revoked key', { status: 403 });
      if (p.role !== 'admin' && !roles.includes(p.role)) throw new KefuError('forbidden', `This endpoint needs a ${roles.join(' or ')} key; this is a ${p.role} key`, { status: 403 });
      c.set('principal', p);
      await next();
    };
  }

  return {
    identify,
    require: requireRole,
    /**
     * What has no tenant in the data model (knowledge base, tickets, KPIs, audit log, outcome
     * statistics, red-team report, proactive rules) belongs to an admin of every tenant.
     */
    globalAdmin(): MiddlewareHandler<AppEnv> {
      const admin = requireRole('admin');
      return (c, next) =>
        admin(c, async () => {
          const tenant = c.get('principal')?.tenant ?? null;
          if (tenant !== null) throw new KefuError('tenant_admin_scope', `This key administers tenant ${tenant} only; this endpoint needs an admin key of every tenant`, { status: 403 });
          await next();
        });
    },
    /**
     * Customer endpoints: public for the web channel (tenant `default`); a channel key puts the
     * conversation in its tenant. A key that is given but wrong is refused, not ignored.
     */
    channel(options: { ignoreUnknown?: boolean } = {}): MiddlewareHandler<AppEnv> {
      return async (c, next) => {
        const key = bearer(c.req.header('authorization'));
        if (key !== null) {
          const p = await identify(key);
          if (p === null && options.ignoreUnknown !== true) throw new KefuError('forbidden', 'Invalid or revoked key', { status: 403 });
          if (p !== null) c.set('principal', p);
        }
        await next();
      };
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;

/** Whether the caller may see a tenant's data. */
export function canSee(p: Principal | undefined, tenant: string): boolean {
  return p !== undefined && (p.tenant === null || p.tenant === tenant);
}
