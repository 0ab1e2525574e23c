/**
 * Loading the integrity key. There is no unsigned mode: no key file is a usage error (16), a key
 * file that cannot be read is an I/O error (18), and one that is empty, too short or readable
 * by group or others is refused as invalid input (17) with the command that fixes it.
 * A key file is one of: raw bytes (an HMAC key), a PEM Ed25519 private key (signs baselines),
 * or a PEM Ed25519 public key (verifies only; it may be readable by all, but not writable by
 * group or others, since replacing it would let another key's baselines pass).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { openRegularFile } from '../domain/input-file.js';
import { resolve } from 'node:path';
import { InputError, ioErrorFor, UsageError } from '../errors.js';
import { ed25519Key, signingKey, type SigningKey } from './signing.js';

const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 64 * 1024;

/** The key file path from `--key-file`, else `$PAYRECON_KEY_FILE`. */
export function keyFilePath(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const given = option ?? env.PAYRECON_KEY_FILE;
  if (!given) {
    throw new UsageError(
      'a key file is required: pass --key-file <path> or set PAYRECON_KEY_FILE',
      'create one with: payrecon key generate --out <dir> (Ed25519), or head -c 32 /dev/urandom > payrecon.key && chmod 600 payrecon.key (HMAC)',
    );
  }
  return resolve(cwd, given);
}

/** Read and check the key file; never falls back to anything. */
export function loadKeyFile(path: string): SigningKey {
  // Symlinks are followed (Kubernetes mounts secrets as links); the checks below apply to
  // the file actually opened. A FIFO or device is refused without blocking (openRegularFile).
  const { fd, size } = openRegularFile(path, `key file ${path}`);
  try {
    const st = fstatSync(fd);
    if (size > MAX_KEY_BYTES) throw new InputError(`key file ${path} holds ${size} bytes; an HMAC key file holds at most ${MAX_KEY_BYTES}`);
    const bytes = readFileSync(fd);
    const pem = bytes.subarray(0, 64).toString('latin1');
    if (PUBLIC_PEM.test(pem)) {
      if ((st.mode & 0o022) !== 0) {
        throw new InputError(`public key file ${path} is writable by group or others (mode 0${(st.mode & 0o777).toString(8)})`, undefined, `chmod 644 ${path}`);
      }
      return ed25519Key(parseEd25519(path, () => createPublicKey(bytes)));
    }
    if ((st.mode & 0o077) !== 0) {
      throw new InputError(
        `key file ${path} is accessible by group or others (mode 0${(st.mode & 0o777).toString(8)})`,
        undefined,
        `chmod 600 ${path}`,
      );
    }
    if (PRIVATE_PEM.test(pem)) return ed25519Key(parseEd25519(path, () => createPrivateKey(bytes)));
    if (bytes.toString('latin1').trim().length === 0) throw new InputError(`key file ${path} is empty`);
    if (bytes.length < MIN_KEY_BYTES) {
      throw new InputError(
        `key file ${path} holds ${bytes.length} bytes; an HMAC key needs at least ${MIN_KEY_BYTES}`,
        undefined,
        `head -c 32 /dev/urandom > ${path} && chmod 600 ${path}`,
      );
    }
    return signingKey(bytes);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw ioErrorFor(`key file ${path}`, err);
  } finally {
    closeSync(fd);
  }
}

const PUBLIC_PEM = /^\s*-----BEGIN PUBLIC KEY-----/;
const PRIVATE_PEM = /^\s*-----BEGIN PRIVATE KEY-----/;

function parseEd25519(path: string, parse: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = parse();
  } catch (err) {
    throw new InputError(`key file ${path} is not a readable PEM key (${(err as Error).message})`, undefined, 'create a key pair with: payrecon key generate --out <dir>');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InputError(`key file ${path} holds an ${key.asymmetricKeyType} key; payrecon signs with Ed25519 (or an HMAC key of raw bytes)`, undefined, 'create a key pair with: payrecon key generate --out <dir>');
  }
  return key;
}

export function loadKey(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): SigningKey {
  return loadKeyFile(keyFilePath(option, env, cwd));
}
