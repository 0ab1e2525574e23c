/**
 * Which attributes a baseline records, chosen like AIDE's groups: a profile picks a set (the
 * credentials and key stores profiles everything, configs content, owner, mode, ACLs and
 * xattrs), and `baseline init --attributes` overrides it with attribute and group names.
 * The resolved list is stored in the signed baseline spec. Pure.
 */
import { ATTRIBUTE_NAMES, LEGACY_ATTRIBUTES, type AttributeName, type AttributeSet } from './attributes.js';

/** Group names for `--attributes` (a group name wins over an attribute of the same name). */
export const ATTRIBUTE_GROUPS: Readonly<Record<string, readonly AttributeName[]>> = {
  everything: ATTRIBUTE_NAMES.filter((n) => n !== 'sha512'),
  content: ['size', 'sha256', 'link_target'],
  owner: ['uid', 'gid'],
  mode: ['mode'],
  times: ['mtime', 'ctime'],
  inode: ['inode', 'nlink'],
  acl: ['acl', 'default_acl'],
  xattrs: ['xattrs', 'caps', 'selinux'],
};

/** A profile's set; no profile (only --path) records everything. */
export const PROFILE_ATTRIBUTES: Readonly<Record<string, string>> = {
  credentials: 'everything',
  keystores: 'everything',
  configs: 'content,owner,mode,acl,xattrs',
  none: 'everything',
};

/**
 * "content,owner,-times,sha512" -> attribute names in table order. `type` is always recorded.
 * Items are groups or attribute names; a leading "-" takes them away. Throws naming an
 * unknown item (the caller makes it a usage error).
 */
export function parseAttributes(list: string): AttributeName[] {
  const chosen = new Set<AttributeName>(['type']);
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const remove = raw.startsWith('-');
    const name = remove ? raw.slice(1) : raw;
    const names = ATTRIBUTE_GROUPS[name] ?? ((ATTRIBUTE_NAMES as readonly string[]).includes(name) ? [name as AttributeName] : undefined);
    if (!names) {
      throw new Error(
        `unknown attribute "${name}"; groups: ${Object.keys(ATTRIBUTE_GROUPS).join(', ')}; attributes: ${ATTRIBUTE_NAMES.join(', ')}`,
      );
    }
    for (const n of names) (remove ? chosen.delete(n) : chosen.add(n));
  }
  chosen.add('type');
  return ATTRIBUTE_NAMES.filter((n) => chosen.has(n));
}

/** The set a stored spec records: its list, or the attributes of a baseline made before lists existed. */
export function attributeSetOf(spec: { attributes?: readonly string[] }): AttributeSet {
  if (!spec.attributes) return LEGACY_ATTRIBUTES;
  return { names: new Set(spec.attributes as AttributeName[]), dirTimes: true };
}
