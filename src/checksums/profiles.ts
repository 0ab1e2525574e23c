/**
 * What a baseline watches: built-in profiles (default locations under $HOME and /etc) plus
 * `--path` files, directories and globs, minus `--exclude` globs. The expanded selection is
 * stored in the signed baseline, so a later scan looks at exactly the same places whatever its
 * environment. `PAYRECON_PROFILE_ROOT` moves the system locations (/etc ...) under another
 * root, and HOME the home ones, so profiles can be tried on a copy or in tests.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseAttributes, PROFILE_ATTRIBUTES } from './attribute-groups.js';
import { compileGlob, rootFromPath, type Selection, type SelectionRoot } from './walker.js';

export const PROFILES = ['credentials', 'keystores', 'configs'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** A profile location: `~/` is the home directory, `/` the profile root. */
type Location = [path: string, pattern?: string];

const KEY_FILES = '**/*.{pem,key,p12,pfx,jks,keystore,kdbx}';

const PROFILE_LOCATIONS: Record<ProfileName, Location[]> = {
  credentials: [
    ['~/.ssh'],
    ['~/.netrc'],
    ['~/.pgpass'],
    ['~/.git-credentials'],
    ['~/.my.cnf'],
    ['~/.npmrc'],
    ['~/.pypirc'],
    ['~/.env'],
    ['~/.aws/credentials'],
    ['~/.aws/config'],
    ['~/.config/gcloud', '**/*credentials*'],
    ['~/.azure', '*.json'],
    ['~/.kube/config'],
    ['~/.docker/config.json'],
    ['/etc/shadow'],
    ['/etc/gshadow'],
    ['/etc/sudoers'],
    ['/etc/sudoers.d'],
    ['/etc/ssh', 'ssh_host_*_key'],
    ['/etc/ssh/sshd_config'],
  ],
  keystores: [
    ['~/.gnupg'],
    ['~/.pki'],
    ['~/.keystore'],
    ['~', '{*,*/*}.{pem,key,p12,pfx,jks,keystore,kdbx}'],
    ['/etc/ssl/private'],
    ['/etc/pki', KEY_FILES],
    ['/etc/letsencrypt', KEY_FILES],
    ['/etc/ssl', '*.{pem,key,p12,pfx,jks,keystore}'],
  ],
  configs: [
    ['/etc'],
    ['~/.config/payrecon'],
    ['~/.payrecon.json'],
    ['/etc/payrecon'],
  ],
};

/** The signed description of a selection. */
export interface BaselineSpec {
  version: 1;
  profile: ProfileName | null;
  roots: SelectionRoot[];
  excludes: string[];
  sha512: boolean;
  /**
   * The attributes recorded and compared (src/checksums/attribute-groups.ts); absent in
   * baselines made before it existed, which keep recording what they always did.
   */
  attributes?: string[];
}

export interface SpecOptions {
  profile?: string;
  path?: string[];
  exclude?: string[];
  sha512?: boolean;
  /** `--attributes`: groups and attribute names, "content,owner,-times"; default: the profile's. */
  attributes?: string;
}

export function profileRoots(profile: ProfileName, env: NodeJS.ProcessEnv): SelectionRoot[] {
  const root = resolve(env.PAYRECON_PROFILE_ROOT || '/');
  const home = resolve(env.HOME || homedir());
  return PROFILE_LOCATIONS[profile].map(([loc, pattern]) => {
    const base = loc === '~' ? home : loc.startsWith('~/') ? join(home, loc.slice(2)) : join(root, loc);
    return { base, optional: true, ...(pattern ? { pattern } : {}) };
  });
}

/** Build (and validate) the selection from `baseline init` options. */
export function buildSpec(opts: SpecOptions, env: NodeJS.ProcessEnv, cwd: string): BaselineSpec {
  const profile = (opts.profile ?? null) as ProfileName | null;
  if (profile !== null && !PROFILES.includes(profile)) {
    throw new UsageError(`unknown profile "${opts.profile}"; known: ${PROFILES.join(', ')}`);
  }
  const paths = opts.path ?? [];
  if (!profile && paths.length === 0) {
    throw new UsageError('nothing to monitor: give --profile credentials|keystores|configs and/or --path <path|glob>');
  }
  const roots: SelectionRoot[] = profile ? profileRoots(profile, env) : [];
  for (const p of paths) {
    if (p.trim() === '') throw new UsageError('--path must not be empty');
    const abs = resolve(cwd, p);
    const tree = KERNEL_TREES.find((t) => abs === t || abs.startsWith(t + '/'));
    if (tree) {
      throw new UsageError(
        `--path ${p}: ${tree} is not monitored: its files are made by the kernel on read (or are devices), they change all the time and some never end`,
      );
    }
    roots.push(asUsage(() => rootFromPath(abs)));
  }
  const excludes = (opts.exclude ?? []).map((g) => {
    if (g.trim() === '') throw new UsageError('--exclude must not be empty');
    // A relative glob with a slash is anchored at the working directory, like --path.
    const anchored = g.includes('/') && !g.startsWith('/') && !g.startsWith('**') ? resolve(cwd, g) : g;
    asUsage(() => compileGlob(anchored));
    return anchored;
  });
  if (opts.attributes !== undefined && opts.attributes.trim() === '') throw new UsageError('--attributes must not be empty');
  // --sha512 and an attribute list naming sha512 mean the same thing.
  const list = opts.attributes ?? PROFILE_ATTRIBUTES[profile ?? 'none'];
  const attributes = asUsage(() => parseAttributes(opts.sha512 ? `${list},sha512` : list));
  const sha512 = attributes.includes('sha512');
  return { version: 1, profile, roots, excludes, sha512, attributes };
}

/**
 * Kernel trees every selection leaves out (a walk of / or a glob passing through them): files
 * there are generated on read, device nodes may never end (/dev/zero) and some reads block.
 * Not part of the signed spec: the same for every baseline (a baseline recorded before this
 * rule that holds such files reports them removed once, on its next scan).
 */
export const KERNEL_TREES: readonly string[] = ['/proc', '/sys', '/dev'];
const KERNEL_EXCLUDES = KERNEL_TREES.flatMap((t) => [t, `${t}/**`]);

export function selectionOf(spec: BaselineSpec): Selection {
  return { roots: spec.roots, excludes: [...spec.excludes, ...KERNEL_EXCLUDES] };
}

function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
