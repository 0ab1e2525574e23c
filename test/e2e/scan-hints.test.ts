/** The right hint (issue 17, item 12): what a user who ran scan without a key, or saw a policy finding, needs to read. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
beforeEach(() => (t = integrityEnv()));
afterEach(() => t.cleanup());

describe('scan hints', () => {
  it('without a key on an existing baseline: pass the key it was created with (its key id), not a new one', () => {
    const init = t.run(['--json', 'baseline', 'init', 'conf', '--path', t.tree]);
    expect(init.code, init.stderr).toBe(0);
    const r = t.run(['scan', 'conf'], { PAYRECON_KEY_FILE: '' });
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/hint: pass the key file baseline "conf" was created with \(key id [0-9a-f]+\); a new key would not verify them/);
    expect(r.stderr).not.toMatch(/head -c 32/);
  });

  it('policy findings say in the summary that they fail the scan only with --fail-on policy', () => {
    writeFileSync(join(t.tree, 'id.txt'), '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o644 });
    expect(t.run(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
    const r = t.run(['scan', 'conf']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 policy \(fails the scan only with --fail-on policy\)/);
    expect(t.run(['scan', 'conf', '--fail-on', 'policy']).code).toBe(4);
  });
});
