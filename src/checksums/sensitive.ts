/**
 * What counts as secret: private keys recognised by their content (the first block the hasher
 * reads anyway; nothing of it is kept) and credentials files recognised by their name. A
 * certificate is public and may be world-readable; a key next to it may not. Pure.
 */
import { basename } from 'node:path';

export type PrivateKeyKind = 'pem' | 'openssh' | 'pkcs12' | 'jks' | 'jceks' | 'putty';

const PEM_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
// 1.2.840.113549.1.12 (pkcs-12): its bag types and PBE schemes sit near the start of a PFX.
const PKCS12_OID = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c]);
// 1.2.840.113549.1.7.1 (pkcs7-data): the PFX's authSafe content type.
const PKCS7_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
const MARKER = Buffer.from('PRIVATE KEY');
const PUTTY = Buffer.from('PuTTY-User-Key-File-');

/**
 * Does this first block of a file hold a private key or a key store? Looks for PEM private key
 * blocks (any, incl. OpenSSH and PGP), PKCS#12 (DER SEQUENCE, version 3, pkcs-12 OIDs), JKS
 * (0xFEEDFEED) and JCEKS (0xCECECECE) magic, and PuTTY key files.
 */
export function detectPrivateKey(head: Uint8Array): PrivateKeyKind | null {
  const buf = Buffer.isBuffer(head) ? head : Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buf.length >= 4) {
    const magic = buf.readUInt32BE(0);
    if (magic === 0xfeedfeed) return 'jks';
    if (magic === 0xcececece) return 'jceks';
  }
  if (buf.length > 8 && buf[0] === 0x30 && isPkcs12(buf)) return 'pkcs12';
  if (buf.length >= PUTTY.length && buf.compare(PUTTY, 0, PUTTY.length, 0, PUTTY.length) === 0) return 'putty';
  const at = buf.indexOf(MARKER);
  if (at >= 0) {
    // Only decode the neighbourhood of the marker, and keep nothing of it.
    const around = buf.subarray(Math.max(0, at - 64), at + 32).toString('latin1');
    if (around.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) return 'openssh';
    if (PEM_KEY.test(around)) return 'pem';
  }
  return null;
}

function isPkcs12(buf: Buffer): boolean {
  // SEQUENCE { INTEGER 3, ContentInfo { pkcs7-data ... } ... }: the version follows the outer
  // length (1-5 bytes), then a pkcs-12 OID appears in the first kilobytes.
  const lenByte = buf[1];
  const hdr = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7f);
  if (buf[hdr] !== 0x02 || buf[hdr + 1] !== 0x01 || buf[hdr + 2] !== 0x03) return false;
  const window = buf.subarray(0, 8192);
  return window.indexOf(PKCS7_DATA_OID) > 0 && window.indexOf(PKCS12_OID) > 0;
}

const CREDENTIAL_NAMES = new Set([
  '.netrc',
  '_netrc',
  '.pgpass',
  '.git-credentials',
  '.my.cnf',
  '.npmrc',
  '.pypirc',
  'shadow',
  'gshadow',
  'shadow-',
  'gshadow-',
  'credentials', // ~/.aws/credentials, gcloud, etc.
  'credentials.json',
  'application_default_credentials.json',
  'access_tokens.db',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'id_ecdsa_sk',
  'id_ed25519_sk',
]);

/** Is this path, by its name, a credentials file (secret even when not a PEM key)? */
export function isCredentialsPath(path: string): boolean {
  const name = basename(path);
  if (CREDENTIAL_NAMES.has(name)) return true;
  if (name === '.env' || (name.startsWith('.env.') && !/\.(example|sample|template|dist)$/.test(name))) return true;
  if (/\.(kdbx|keystore|jks|p12|pfx|key)$/i.test(name)) return true;
  return /(^|\/)\.gnupg\/(private-keys-v1\.d\/|secring\.gpg$)/.test(path);
}
