/**
 * `payrecon key generate`: an Ed25519 key pair for signed baselines. The private key (PKCS#8
 * PEM, mode 0600) signs baselines where they are approved; the public key (SPKI PEM, mode 0644)
 * is all a scanning host needs. Never overwrites a key: a lost private key would orphan every
 * baseline signed with it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ed25519Key } from '../checksums/signing.js';
import { ioErrorFor, UsageError } from '../errors.js';
import type { OperationContext } from './context.js';

export const PRIVATE_KEY_FILE = 'payrecon-ed25519.key';
export const PUBLIC_KEY_FILE = 'payrecon-ed25519.pub';

export interface GeneratedKey {
  keyId: string;
  privateKey: string;
  publicKey: string;
}

export function generateKey(ctx: Pick<OperationContext, 'cwd'>, out: string): GeneratedKey {
  const dir = resolve(ctx.cwd, out);
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  for (const p of [privatePath, publicPath]) {
    if (existsSync(p)) throw new UsageError(`${p} already exists; payrecon never overwrites a key`, 'choose another --out directory, or move the old key away first');
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioErrorFor(dir, err, 'create');
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  write(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
  write(publicPath, publicKey.export({ format: 'pem', type: 'spki' }) as string, 0o644);
  return { keyId: ed25519Key(publicKey).id, privateKey: privatePath, publicKey: publicPath };
}

function write(path: string, text: string, mode: number): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx', mode); // created with its mode: never readable by others, even briefly
    fchmodSync(fd, mode); // exactly this mode, whatever the umask (a public key is meant to be read)
    writeSync(fd, text);
  } catch (err) {
    throw ioErrorFor(path, err, 'write');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
