/** The two key kinds (src/checksums/keys.ts): who can sign, who can check, and what a seal binds. */
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canSign, checkSignature, ed25519Key, kindOfKeyId, mac, sign, signingKey, VerifyOnlyKeyError } from '../../src/checksums/keys.js';

const hmac = signingKey(Buffer.alloc(32, 7));
const { privateKey } = generateKeyPairSync('ed25519');
const edPrivate = ed25519Key(privateKey);
const edPublic = ed25519Key(createPublicKey(privateKey));
const other = ed25519Key(generateKeyPairSync('ed25519').publicKey);
const parts = ['baseline', 1, 'keys', null];

describe('keys', () => {
  it('an Ed25519 key has the same id from either half; ids name their kind', () => {
    expect(edPrivate.id).toBe(edPublic.id);
    expect(edPublic.id).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(kindOfKeyId(edPublic.id)).toBe('ed25519');
    expect(kindOfKeyId(hmac.id)).toBe('hmac');
    expect(other.id).not.toBe(edPublic.id);
  });

  it.each([
    ['HMAC', hmac, true],
    ['Ed25519 private', edPrivate, true],
    ['Ed25519 public', edPublic, false],
  ])('%s: can sign = %s', (_name, key, signs) => {
    expect(canSign(key)).toBe(signs);
    if (!signs) expect(() => sign(key, parts)).toThrow(VerifyOnlyKeyError);
  });

  it('a signature checks under the public key, not under another key, not over other fields', () => {
    const sig = sign(edPrivate, parts);
    expect(checkSignature(edPublic, parts, sig)).toBe(true);
    expect(checkSignature(other, parts, sig)).toBe(false);
    expect(checkSignature(edPublic, ['baseline', 1, 'keys', 'x'], sig)).toBe(false);
    expect(checkSignature(edPublic, parts, null)).toBe(false);
    expect(checkSignature(edPublic, parts, 'ab')).toBe(false);
    expect(checkSignature(hmac, parts, sign(hmac, parts))).toBe(true);
    expect(checkSignature(hmac, parts, sig)).toBe(false);
  });

  it('row seals: HMAC needs the key; an Ed25519 seal is the same from either half and bound to the key id', () => {
    expect(mac(edPublic, parts)).toBe(mac(edPrivate, parts));
    expect(mac(other, parts)).not.toBe(mac(edPublic, parts));
    expect(mac(hmac, parts)).not.toBe(mac(signingKey(Buffer.alloc(32, 8)), parts));
  });
});
