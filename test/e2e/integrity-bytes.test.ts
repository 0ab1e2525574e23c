/**
 * Names that are not UTF-8 are monitored like any other (SECURITY.md, "an attacker who can
 * write to the monitored tree"): a directory named with the byte 0xfe is walked with everything
 * below it, a file named with 0xff is hashed (not "vanished while scanning"), changes under them
 * are found, and paths are shown with the byte escaped (`\xfe`) for people and exactly (the
 * surrogate escape U+DCFE) in JSON.
 */
import { appendFileSync, chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let env: IntegrityEnv;
afterEach(() => env?.cleanup());

/** A path with raw bytes in it, for fs calls. */
const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
/** The same path as payrecon's JSON carries it: each non-UTF-8 byte as U+DC00 + byte. */
const escaped = (s: string, b: number) => s.replace('@', String.fromCharCode(0xdc00 + b));

/** A JSON path back to its bytes (what Python's os.fsencode does with the same string). */
const toBytes = (p: string) =>
  Buffer.concat([...p].map((c) => (c.charCodeAt(0) >= 0xdc80 && c.charCodeAt(0) <= 0xdcff ? Buffer.from([c.charCodeAt(0) - 0xdc00]) : Buffer.from(c))));

describe('names that are not UTF-8', () => {
  it('a directory named \\xfe and a file named \\xff are baselined, and changes under them are found', () => {
    env = integrityEnv({ 'plain.conf': 'x\n' });
    const dir = bytes(env.tree, '/ssh-', [0xfe]);
    mkdirSync(dir);
    writeFileSync(bytes(env.tree, '/ssh-', [0xfe], '/authorized_keys'), 'ssh-ed25519 AAAA admin\n', { mode: 0o600 });
    writeFileSync(bytes(env.tree, '/note-', [0xff, 0x41], '.conf'), 'y\n', { mode: 0o600 });
    // Valid UTF-8 around and inside the invalid byte stays as it is.
    writeFileSync(bytes(env.tree, '/caf', [0xc3, 0xa9], '-', [0xe2, 0x28], '.conf'), 'z\n', { mode: 0o600 });

    const init = env.run(['--json', 'baseline', 'init', 'tree', '--path', env.tree]);
    expect(init.code, init.stderr).toBe(0);
    expect(parseJson(init).files).toBe(6); // tree, plain.conf, ssh-\xfe, its authorized_keys, note-\xffA.conf, café-\xe2(.conf
    const clean = env.run(['--json', 'scan', 'tree']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(parseJson(clean).scans[0].findings).toEqual([]);

    // The attack of issue 13: a line appended under the odd directory, a setuid script next to it.
    appendFileSync(bytes(env.tree, '/ssh-', [0xfe], '/authorized_keys'), 'ssh-ed25519 BBBB attacker\n');
    const script = bytes(env.tree, '/ssh-', [0xfe], '/x.sh');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o4755);
    const scan = env.run(['--json', 'scan', 'tree']);
    expect(scan.code & 5).toBe(5); // added (1) and changed (4)
    const findings = parseJson(scan).scans[0].findings as Array<{ path: string; kind: string }>;
    const sshDir = escaped(join(env.tree, 'ssh-@'), 0xfe);
    expect(findings).toContainEqual(expect.objectContaining({ path: `${sshDir}/authorized_keys`, kind: 'changed' }));
    expect(findings).toContainEqual(expect.objectContaining({ path: `${sshDir}/x.sh`, kind: 'added' }));
    expect(findings.some((f) => f.kind === 'unreadable')).toBe(false);

    // People see the byte escaped; the JSON path turns back into the exact bytes.
    const human = env.run(['scan', 'tree']);
    expect(human.stdout).toContain(`${join(env.tree, 'ssh-')}\\xfe/authorized_keys`);
    const added = findings.find((f) => f.kind === 'added')!.path;
    expect(toBytes(added)).toEqual(script);
  });

  it('a file with such a name that changes is "changed", not "vanished while scanning"; removing it is "removed"', () => {
    env = integrityEnv({ 'plain.conf': 'x\n' });
    const odd = bytes(env.tree, '/key-', [0xfe], '.pem');
    writeFileSync(odd, 'one\n', { mode: 0o600 });
    expect(env.run(['baseline', 'init', 'tree', '--path', env.tree]).code).toBe(0);
    writeFileSync(odd, 'two\n');
    const scan = env.run(['--json', 'scan', 'tree']);
    const oddPath = escaped(join(env.tree, 'key-@.pem'), 0xfe);
    expect(parseJson(scan).scans[0].findings).toEqual([expect.objectContaining({ path: oddPath, kind: 'changed' })]);
    expect(scan.code).toBe(4);
    expect(env.run(['baseline', 'update', 'tree']).code).toBe(0);
    expect(env.run(['--json', 'scan', 'tree']).code).toBe(0);
    unlinkSync(odd);
    const gone = env.run(['--json', 'scan', 'tree']);
    expect(gone.code).toBe(6); // removed, and the directory it was in changed
    expect(parseJson(gone).scans[0].findings).toEqual([expect.objectContaining({ path: env.tree, kind: 'changed' }), expect.objectContaining({ path: oddPath, kind: 'removed' })]);
    expect(env.run(['audit', 'verify']).code).toBe(0);
  });
});
