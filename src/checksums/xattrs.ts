/**
 * Reading extended attributes through the fs-xattr native binding (listxattr/getxattr in one
 * N-API call each; measured at ~15 us a file here, where a getfattr subprocess costs ~2 ms).
 * Values can be secrets: only their SHA-256 leaves this module, except for the values people
 * read by name and that are not secret: ACLs and file capabilities (decoded, xattr-decode.ts)
 * and the SELinux context. The buffer of every other value is zeroed once digested.
 *
 * The binding's calls follow symbolic links (getxattr, not lgetxattr), so links are never
 * given to it: their own xattrs are not read (user.* ones cannot exist on a link). When the
 * binding cannot be loaded, or a file system has no xattr support, the caller says so once.
 */
import { createHash } from 'node:crypto';
import { hasEscapedBytes } from '../domain/byte-path.js';
import type { XattrValues } from './attributes.js';
import { reasonFor } from './reasons.js';
import { ACL_XATTR, aclText, CAPS_XATTR, capsText, decodeAcl, decodeCaps, SELINUX_XATTR } from './xattr-decode.js';

interface Binding {
  listAttributesSync(path: string): string[];
  getAttributeSync(path: string, name: string): Buffer;
}

let binding: Binding | undefined;
let unavailable: string | undefined;
try {
  binding = (await import('fs-xattr')) as unknown as Binding;
} catch (err) {
  unavailable = `the fs-xattr binding could not be loaded (${(err as Error).message.split('\n')[0]})`;
}

/** Why extended attributes cannot be read on this system at all, or undefined when they can. */
export function xattrsUnavailable(): string | undefined {
  return unavailable;
}

// What a path carries beyond its stat ('' = read and absent): `xattrs` is a JSON object of
// name -> SHA-256 of the value, names sorted; the ACL xattrs are left to `acl`/`default_acl`.
export type { XattrValues };

export type XattrRead = { ok: true; values: XattrValues } | { ok: false; reason: string; unsupported: boolean };

const NONE: XattrValues = { xattrs: '', acl: '', default_acl: '', caps: '', selinux: '' };

/**
 * Read every extended attribute of a regular file or directory. `fd`, when given, is an open
 * descriptor of that same file: a name the binding cannot pass as UTF-8 is reached through it.
 */
export function readXattrs(path: string, fd?: number): XattrRead {
  if (!binding) return { ok: false, reason: unavailable ?? 'no binding', unsupported: true };
  let target = path;
  if (hasEscapedBytes(path)) {
    if (fd === undefined) return { ok: false, reason: 'extended attributes of a name that is not UTF-8 are read only for regular files', unsupported: true };
    target = `/proc/self/fd/${fd}`;
  }
  let names: string[];
  try {
    names = binding.listAttributesSync(target);
  } catch (err) {
    return failure(err);
  }
  if (names.length === 0) return { ok: true, values: NONE };
  const values = { ...NONE };
  const digests: Array<[string, string]> = [];
  for (const name of names.sort()) {
    let value: Buffer;
    try {
      value = binding.getAttributeSync(target, name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENODATA') continue; // removed since the listing
      return failure(err);
    }
    try {
      if (name === ACL_XATTR.access) values.acl = decoded(() => aclText(decodeAcl(value)), value);
      else if (name === ACL_XATTR.default) values.default_acl = decoded(() => aclText(decodeAcl(value)), value);
      else {
        if (name === CAPS_XATTR) values.caps = decoded(() => capsText(decodeCaps(value)), value);
        if (name === SELINUX_XATTR) values.selinux = value.toString('utf8').replace(/\0+$/, '');
        digests.push([name, createHash('sha256').update(value).digest('hex')]);
      }
    } finally {
      value.fill(0);
    }
  }
  values.xattrs = digests.length ? JSON.stringify(Object.fromEntries(digests)) : '';
  return { ok: true, values };
}

/** A value that does not decode is still recorded, as its digest, so a change is still seen. */
function decoded(decode: () => string, value: Buffer): string {
  try {
    return decode();
  } catch (err) {
    return `undecodable (${(err as Error).message}) sha256:${createHash('sha256').update(value).digest('hex')}`;
  }
}

function failure(err: unknown): XattrRead {
  const code = (err as NodeJS.ErrnoException).code;
  const unsupported = code === 'ENOTSUP' || code === 'EOPNOTSUPP';
  return { ok: false, reason: unsupported ? 'not supported by the file system' : reasonFor(err), unsupported };
}

/**
 * What one file system supports, asked once per device: getxattr of a name nobody sets answers
 * ENODATA where the namespace is supported and ENOTSUP where it is not (listxattr cannot tell:
 * it lists nothing either way).
 */
export function probeFilesystem(path: string): { user: boolean; acl: boolean } {
  if (!binding || hasEscapedBytes(path)) return { user: true, acl: true };
  const supports = (name: string) => {
    try {
      binding!.getAttributeSync(path, name);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code !== 'ENOTSUP' && code !== 'EOPNOTSUPP';
    }
  };
  return { user: supports('user.payrecon.probe'), acl: supports(ACL_XATTR.access) };
}
