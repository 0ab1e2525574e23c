// PostgreSQL benchmark (issue 16): the 1M x 1M pipeline of bench/reconcile.mjs (import a Stripe
// report, import a ledger, `reconcile --json`) on a PostgreSQL server, beside the same pipeline
// on SQLite and the sqlite3 CLI's native version of the job, in one run on one machine. Goal:
// PostgreSQL within 2x of the SQLite path, the payrecon process under 300 MB peak RSS, every
// planted fault found and nothing else. The server's own CPU per step is read from the
// postmaster (it reaps each session's backend), so a step's cost is seen on both sides.
//
//   npm run build && node bench/postgres.mjs [rows...]        default 1000000
//
// The server is a throw-away cluster on this machine (scripts/pg-cluster.mjs, as the tests
// start: fsync off), or the one PAYRECON_PG_URL names (a database is created on it per run).
// Without PostgreSQL binaries or a URL it says so and exits 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, destroyCluster, postgresMissing, startCluster } from '../scripts/pg-cluster.mjs';
import { fmt, loadNow, met, ratio, removeDb, summary, table } from './lib.mjs';
import { checkFaults, payreconPipeline, pipelineData, sqliteBaseline } from './pipeline.mjs';

const sizes = process.argv.slice(2).length ? process.argv.slice(2).map(Number) : [1_000_000];
const given = process.env.PAYRECON_PG_URL;
if (!given && postgresMissing()) {
  console.log(`postgres: skipped, ${postgresMissing()} (or set PAYRECON_PG_URL to a server)`);
  process.exit(0);
}
const cluster = given ? null : await startCluster();
const server = given ?? cluster.url;

/** CPU seconds the cluster's processes have used so far (null for a server elsewhere). */
function serverCpu() {
  if (!cluster) return null;
  const pid = readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  // Fields after the command name: utime stime cutime cstime are 14-17 of /proc/<pid>/stat.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

async function compare(rows) {
  const { dir, planted } = pipelineData(rows);
  const n = rows.toLocaleString('en-US');
  console.log(`\n${n} x ${n} (load average ${loadNow()})`);

  const file = join(dir, 'payrecon-sqlite.db');
  removeDb(file);
  const lite = payreconPipeline(file, dir);
  removeDb(file);

  const url = await createDatabase(server, 'bench');
  const pgSteps = [];
  let before = serverCpu();
  const pg = payreconPipeline(url, dir, (name) => {
    const now = serverCpu();
    pgSteps.push({ name, server: now === null || before === null ? NaN : now - before });
    before = now;
  });

  const base = sqliteBaseline(dir);
  const total = (r) => r.results.reduce((s, x) => s + x.seconds, 0);
  const cpu = (r) => r.results.reduce((s, x) => s + x.cpu, 0);
  const peak = (r) => Math.max(...r.results.map((x) => x.maxRssMB));
  const serverTotal = pgSteps.reduce((s, x) => s + x.server, 0);
  table([
    ['step', 'SQLite wall s', 'cpu s', 'RSS MB', 'PostgreSQL wall s', 'cpu s', 'RSS MB', 'server cpu s', 'PG / SQLite'],
    ...lite.results.map((r, i) => {
      const p = pg.results[i];
      return [r.name, fmt(r.seconds), fmt(r.cpu), fmt(r.maxRssMB, 0), fmt(p.seconds), fmt(p.cpu), fmt(p.maxRssMB, 0), fmt(pgSteps[i]?.server), ratio(p.seconds, r.seconds)];
    }),
    ['total', fmt(total(lite)), fmt(cpu(lite)), fmt(peak(lite), 0), fmt(total(pg)), fmt(cpu(pg)), fmt(peak(pg), 0), fmt(serverTotal), ratio(total(pg), total(lite))],
    ['sqlite3 CLI (import+index+join)', fmt(base?.seconds), fmt(base?.cpu), fmt(base?.maxRssMB, 0), '', '', '', '', ''],
  ]);
  console.log(`exit codes: SQLite ${lite.results.map((r) => r.code).join(' ')}, PostgreSQL ${pg.results.map((r) => r.code).join(' ')}`);
  console.log(`PostgreSQL / SQLite ${ratio(total(pg), total(lite))}; PostgreSQL / sqlite3 CLI ${ratio(total(pg), base?.seconds)}; SQLite / sqlite3 CLI ${ratio(total(lite), base?.seconds)}`);
  const faults = { sqlite: checkFaults(planted, lite.doc), postgres: checkFaults(planted, pg.doc) };
  for (const [k, f] of Object.entries(faults)) {
    console.log(`faults on ${k}: ${f.want} planted, ${f.got} reported, ${f.missed.length} missed, ${f.extra.length} unexpected`);
    for (const x of [...f.missed.slice(0, 5).map((m) => `missed ${m}`), ...f.extra.slice(0, 5).map((m) => `unexpected ${m}`)]) console.log(`  ${x}`);
  }
  return [
    [`PostgreSQL import + reconcile ${n} x ${n}`, `${fmt(total(pg))} s, ${ratio(total(pg), total(lite))} SQLite ${fmt(total(lite))} s (sqlite3 CLI ${fmt(base?.seconds)} s)`, '<= 2.00x the SQLite path', met(total(pg) <= 2 * total(lite))],
    [`PostgreSQL peak RSS of payrecon, ${n} x ${n}`, `${fmt(peak(pg), 0)} MB`, '< 300 MB', met(peak(pg) < 300)],
    [
      `planted faults on PostgreSQL, ${n} x ${n}`,
      `${faults.postgres.want - faults.postgres.missed.length} of ${faults.postgres.want} found, ${faults.postgres.extra.length} unexpected`,
      'all, nothing else',
      met(faults.postgres.missed.length === 0 && faults.postgres.extra.length === 0),
    ],
  ];
}

try {
  const rows = [];
  for (const size of sizes) rows.push(...(await compare(size)));
  summary('postgres', rows);
} finally {
  if (cluster) destroyCluster(cluster);
}
