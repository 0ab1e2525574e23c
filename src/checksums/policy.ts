/**
 * Policy findings, beyond what changed: a secret (private key by content, credentials file by
 * name) that group or others can read or write, or that is now owned by another user than at
 * baseline time. Reported at init too: baselining an insecure file does not make it secure. Pure.
 */
import { basename } from 'node:path';
import type { ScanFinding } from '../domain/integrity.js';
import { octal, type FileRecord } from './attributes.js';
import { isCredentialsPath, type PrivateKeyKind } from './sensitive.js';

const GROUP_READ_BY_DESIGN = new Set(['shadow', 'gshadow', 'shadow-', 'gshadow-']);

const KEY_WORDS: Record<PrivateKeyKind, string> = {
  pem: 'private key',
  openssh: 'OpenSSH private key',
  pkcs12: 'PKCS#12 key store',
  jks: 'JKS key store',
  jceks: 'JCEKS key store',
  putty: 'PuTTY private key',
};

/** What makes this file secret, in words, or null when it is not. */
export function secretKind(path: string, key: PrivateKeyKind | null): string | null {
  if (key) return KEY_WORDS[key];
  return isCredentialsPath(path) ? 'credentials file' : null;
}

/**
 * Policy findings for one current record. `key` is the content classification from this read
 * (null when unread or not a key); `baseline` is the record at baseline time, if any.
 */
export function policyFindings(current: FileRecord, key: PrivateKeyKind | null, baseline?: FileRecord): ScanFinding[] {
  if (current.type !== 'file') return [];
  const what = secretKind(current.path, key);
  if (!what) return [];
  const out: ScanFinding[] = [];
  // /etc/shadow is group-readable by design (group shadow, for unix_chkpwd): only others count.
  const access = exposure(GROUP_READ_BY_DESIGN.has(basename(current.path)) ? current.mode & ~0o070 : current.mode);
  if (access) {
    out.push({ path: current.path, kind: 'policy', severity: 'high', reason: `${what} ${access} (mode ${octal(current.mode)}; chmod 600 it)` });
  }
  if (baseline && baseline.uid !== current.uid) {
    out.push({
      path: current.path,
      kind: 'policy',
      severity: 'high',
      reason: `${what} now owned by uid ${current.uid}, was uid ${baseline.uid} at baseline`,
    });
  }
  return out;
}

/** "readable by group and others", "writable by others", ... or null when private. */
export function exposure(mode: number): string | null {
  const can = (bits: number) => [bits & 4 ? 'readable' : '', bits & 2 ? 'writable' : ''].filter(Boolean).join(' and ');
  const group = can((mode >> 3) & 0o7);
  const others = can(mode & 0o7);
  if (group && group === others) return `${group} by group and others`;
  return [group ? `${group} by group` : '', others ? `${others} by others` : ''].filter(Boolean).join(', ') || null;
}
