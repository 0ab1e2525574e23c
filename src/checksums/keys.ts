/**
 * The two kinds of integrity key, and what each can do. An HMAC key (raw bytes) both signs and
 * verifies: whoever can check a baseline can also forge one. An Ed25519 key pair separates the
 * two: the private key signs baselines (`baseline init/update`), the public key only verifies
 * (`scan`, the scheduler), so a host that holds just the public key cannot accept a change.
 *
 * Three primitives, over canonical JSON arrays of the signed fields:
 * - `mac`: a per-row seal (entries, scans, finding changes, checkpoints). With HMAC it is the
 *   HMAC; with Ed25519 it is a SHA-256 bound to the key id and carries no secret, because a
 *   verify-only host must extend the scan history. Entries are still protected there: their
 *   seals are digested into the baseline record, which is signed.
 * - `sign`/`checkSignature`: what only the holder of the signing key may write (the baseline
 *   record, audit entries). HMAC, or an Ed25519 signature that needs the private key.
 * Pure: keys come in as bytes or KeyObjects; nothing touches the disk.
 */
import { createHash, createHmac, createPublicKey, sign as edSign, timingSafeEqual, verify as edVerify, type KeyObject } from 'node:crypto';

export type KeyKind = 'hmac' | 'ed25519';

export interface SigningKey {
  kind: KeyKind;
  /** A fingerprint safe to store and print: tells "signed with another key" apart from "altered". Ed25519 ids start with `ed25519:`. */
  id: string;
  /** HMAC key bytes (HMAC only). */
  bytes?: Buffer;
  /** Ed25519: the public key (always) and the private key (only where baselines are signed). */
  publicKey?: KeyObject;
  privateKey?: KeyObject;
}

export const ED25519_PREFIX = 'ed25519:';

export function signingKey(bytes: Buffer): SigningKey {
  const id = createHmac('sha256', bytes).update('payrecon key id v1').digest('hex').slice(0, 16);
  return { kind: 'hmac', bytes, id };
}

/** An Ed25519 key from its private half (signs and verifies) or its public half (verifies only). */
export function ed25519Key(key: KeyObject): SigningKey {
  const isPrivate = key.type === 'private';
  const publicKey = isPrivate ? createPublicKey(key) : key;
  const raw = publicKey.export({ format: 'der', type: 'spki' });
  const id = ED25519_PREFIX + createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return { kind: 'ed25519', id, publicKey, ...(isPrivate ? { privateKey: key } : {}) };
}

/** Whether the key can sign a baseline: an HMAC key, or an Ed25519 private key. */
export const canSign = (key: SigningKey): boolean => key.kind === 'hmac' || key.privateKey !== undefined;

/** The kind of key a stored key id names. */
export const kindOfKeyId = (id: string): KeyKind => (id.startsWith(ED25519_PREFIX) ? 'ed25519' : 'hmac');

export type Canonical = ReadonlyArray<string | number | null>;

export function mac(key: SigningKey, parts: Canonical): string {
  if (key.kind === 'hmac') return createHmac('sha256', key.bytes!).update(JSON.stringify(parts)).digest('hex');
  return createHash('sha256').update(key.id).update('\n').update(JSON.stringify(parts)).digest('hex');
}

/** Constant-time comparison of two hex MACs. */
export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Thrown when a verify-only key is asked to sign; the caller words the refusal. */
export class VerifyOnlyKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`key ${keyId} is an Ed25519 public key: it verifies but cannot sign`);
  }
}

/** Sign what only the key holder may write: HMAC, or Ed25519 with the private key. */
export function sign(key: SigningKey, parts: Canonical): string {
  if (key.kind === 'hmac') return mac(key, parts);
  if (!key.privateKey) throw new VerifyOnlyKeyError(key.id);
  return edSign(null, Buffer.from(JSON.stringify(parts)), key.privateKey).toString('hex');
}

export function checkSignature(key: SigningKey, parts: Canonical, signature: string | null): boolean {
  if (!signature) return false;
  if (key.kind === 'hmac') return macEquals(mac(key, parts), signature);
  const sig = Buffer.from(signature, 'hex');
  return sig.length === 64 && edVerify(null, Buffer.from(JSON.stringify(parts)), key.publicKey!, sig);
}
