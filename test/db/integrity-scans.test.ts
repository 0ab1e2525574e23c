/** latestScanDocuments (used by reports) returns what `scan --json` printed, per baseline. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latestScanDocuments } from '../../src/db/integrity-scans.js';
import { openDatabase } from '../../src/db/open.js';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv } from '../helpers/integrity-env.js';

describe('latestScanDocuments', () => {
  const t = integrityEnv();
  afterAll(t.cleanup);

  it('is [] for a database without scans, then the latest document of each baseline', () => {
    const empty = openDatabase(join(t.dir, 'empty.db'));
    expect(latestScanDocuments(empty)).toEqual([]);
    empty.close();

    expect(t.run(['baseline', 'init', 'b', '--path', t.tree]).code).toBe(0);
    expect(t.run(['baseline', 'init', 'a', '--path', join(t.tree, 'a.conf')]).code).toBe(0);
    const db0 = openDatabase(t.db);
    expect(latestScanDocuments(db0)).toEqual([]); // baselines, but no scans yet
    db0.close();

    expect(t.run(['scan', 'b']).code).toBe(0);
    writeFileSync(join(t.tree, 'a.conf'), 'changed');
    const printed = parseJson(t.run(['--json', 'scan']));
    const db = openDatabase(t.db);
    expect(latestScanDocuments(db)).toEqual(printed.scans);
    db.close();
  });
});
