/**
 * The PostgreSQL server a URL names, as it may be printed (password never shown), and as the
 * worker connects to it: the password from the URL, else PGPASSWORD, else ~/.pgpass (libpq's
 * order); TLS from `sslmode` (or PGSSLMODE) with libpq's meaning of each mode.
 */
import { userInfo } from 'node:os';
import { parse } from 'pg-connection-string';
import type { ClientConfig } from 'pg';

const HIDDEN = '***';

/** The URL with its password (userinfo or `password=` parameter) replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = HIDDEN;
    if (u.searchParams.has('password')) u.searchParams.set('password', HIDDEN);
    return u.toString().replace(encodeURIComponent(HIDDEN), HIDDEN);
  } catch {
    // Not a URL (a libpq keyword string, or garbage): hide whatever looks like a password.
    return url.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, `$1${HIDDEN}`).replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, `$1${HIDDEN}@`);
  }
}

/** Every string that must never leave in a message: the password, raw and URL-encoded. */
export function secretsOf(url: string, password?: string | null): string[] {
  const out = new Set<string>();
  try {
    const u = new URL(url);
    if (u.password) {
      out.add(u.password);
      out.add(decodeURIComponent(u.password));
    }
    const p = u.searchParams.get('password');
    if (p) out.add(p);
  } catch {
    /* not a URL: nothing to learn from it */
  }
  if (password) out.add(password);
  return [...out].filter((s) => s.length > 0);
}

/** `text` with every secret replaced by ***. */
export function scrub(text: string, secrets: readonly string[]): string {
  let t = text;
  for (const s of secrets) t = t.split(s).join(HIDDEN);
  return t;
}

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface ConnectPlan {
  config: ClientConfig;
  /** libpq's `prefer` (its default): try TLS, and fall back to plain text when the server has none. */
  fallBackToPlain: boolean;
}

/**
 * The pg client configuration for a URL. libpq semantics (`useLibpqCompat`): `require` encrypts
 * without verifying the certificate, `verify-full` verifies it and the host name; no sslmode
 * means `prefer`, as with psql.
 */
export function connectPlan(url: string, env: NodeJS.ProcessEnv = process.env): ConnectPlan {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    u = new URL('invalid:');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error('not a PostgreSQL URL: write postgres://user:password@host:port/database');
  }
  const mode = (u.searchParams.get('sslmode') ?? env.PGSSLMODE ?? 'prefer') as SslMode;
  u.searchParams.delete('sslmode');
  u.searchParams.delete('uselibpqcompat');
  const plain = mode === 'disable' || mode === 'allow';
  if (!plain) u.searchParams.set('sslmode', mode);
  const parsed = parse(u.toString(), { useLibpqCompat: !plain }) as ClientConfig & Record<string, unknown>;
  if (plain) parsed.ssl = false;
  const config: ClientConfig = {
    host: (parsed.host as string | undefined) || env.PGHOST || 'localhost',
    port: Number(parsed.port || env.PGPORT || 5432),
    user: (parsed.user as string | undefined) || env.PGUSER || userInfo().username,
    database: (parsed.database as string | undefined) || env.PGDATABASE || undefined,
    password: parsed.password as string | undefined,
    ssl: parsed.ssl as ClientConfig['ssl'],
    application_name: (parsed.application_name as string | undefined) ?? 'payrecon',
    options: parsed.options as string | undefined,
  };
  if (!config.database) config.database = config.user;
  if (!config.password && env.PGPASSWORD) config.password = env.PGPASSWORD;
  return { config, fallBackToPlain: mode === 'prefer' };
}
