/**
 * Issue 12, items 3 and 5 through `payrecon schedule`: a scan job's findings and a guarded
 * reconcile job's refusal reach a syslog collector on 127.0.0.1 (UDP) and a jsonl file as
 * events, the finding events valid against docs/schemas/finding-event.schema.json.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, expect, it } from 'vitest';
import { FIXTURES, ROOT, startCli } from '../helpers/cli.js';
import { integrityEnv } from '../helpers/integrity-env.js';
import { configStore } from '../helpers/config-store.js';
import { udpCollector } from '../helpers/syslog-collector.js';

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(join(ROOT, 'docs/schemas'))) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'docs/schemas', f), 'utf8')), f);

it('findings and a refused reconcile arrive at a syslog collector and in a jsonl file', async () => {
  const t = integrityEnv({ 'provider.conf': 'stripe\n' });
  cleanups.push(() => t.cleanup());
  const mapping = join(t.tree, 'erp.mapping.json');
  copyFileSync(join(FIXTURES, 'mapping/erp-export-de.mapping.json'), mapping);
  expect(t.run(['baseline', 'init', 'inputs', '--path', t.tree]).code).toBe(0);
  writeFileSync(mapping, '{"changed": true}\n');
  const rx = await udpCollector();
  cleanups.push(() => rx.close());
  const events = join(t.dir, 'events.jsonl');
  const config = join(t.dir, 'schedule.json');
  writeFileSync(
    config,
    JSON.stringify({
      db: configStore(t.dir, t.db),
      keyFile: t.key,
      alerts: [
        { type: 'jsonl', path: 'events.jsonl' },
        { type: 'syslog', host: '127.0.0.1', port: rx.port, protocol: 'udp', facility: 'local1' },
      ],
      jobs: [
        { name: 'guarded', cron: '* * * * * *', reconcile: { requireClean: ['inputs'] } },
        { name: 'inputs', cron: '* * * * * *', scan: { baselines: ['inputs'] } },
      ],
    }),
  );
  const p = startCli(['schedule', '--config', config], { cwd: t.dir });
  cleanups.push(() => p.child.exitCode === null && p.child.kill('SIGKILL'));

  const received = async (action: string) => {
    for (let n = 1; ; n++) {
      const msgs = await rx.next(n, 30_000);
      const hit = msgs.find((m) => m.msgId === action);
      if (hit) return hit;
    }
  };
  const failed = await received('job-failed');
  const changed = await received('file-changed');
  expect(failed.pri).toBe(17 * 8 + 3);
  expect(JSON.parse(failed.msg)).toMatchObject({ payrecon: { job: 'guarded', exit_code: 20 }, error: { message: expect.stringContaining(`changed ${mapping}`) } });
  const ev = JSON.parse(changed.msg);
  expect(ev).toMatchObject({ file: { path: mapping, mode: expect.stringMatching(/^0[0-7]{3}$/), owner: expect.any(String) }, payrecon: { job: 'inputs', baseline: 'inputs', kind: 'changed' } });
  const validate = ajv.getSchema('finding-event.schema.json')!;
  expect(validate(ev), ajv.errorsText(validate.errors)).toBe(true);

  p.child.kill('SIGTERM');
  const done = await p.done;
  expect(done.code, done.stderr).toBe(0);
  // The file sink got the same events (delivered before exit, or within the grace period).
  expect(existsSync(events)).toBe(true);
  const lines = readFileSync(events, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => l.event.action)).toEqual(expect.arrayContaining(['job-failed', 'file-changed']));
});
