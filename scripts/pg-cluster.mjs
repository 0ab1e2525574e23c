/**
 * A throw-away PostgreSQL cluster for the tests that need a real server (issue 16: never a
 * mock). `initdb` + `pg_ctl` in a private temp directory, listening on 127.0.0.1 at a free
 * port with password (SCRAM) authentication, so the tests exercise a login the way a team's
 * server asks for one. PostgreSQL refuses to run as root, so under root the directory is given
 * to an unprivileged account (`postgres` when the package created it, else `nobody`) and the
 * server runs as that account through `runuser`.
 *
 * Plain JavaScript so that `npm run bench` (bench/postgres.mjs) starts the same cluster as the
 * tests; test/helpers/pg-cluster.ts gives the tests its types.
 *
 * test/setup/pg-global.ts starts one cluster per `vitest run` and hands its URL to the test
 * files (`inject('pgUrl')`); each file creates its own database with `createDatabase`, so files
 * running side by side never see each other's rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The directory holding initdb/pg_ctl/postgres, or null when no server is installed. */
/** @returns {string | null} */
export function postgresBinDir() {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  /** @type {string[]} */
  const candidates = [];
  if (fromConfig.status === 0) candidates.push(fromConfig.stdout.trim());
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  return null;
}

/** Why the PostgreSQL tests are skipped on this machine, or null when they can run. */
/** @returns {string | null} */
export function postgresMissing() {
  return postgresBinDir() === null
    ? 'no PostgreSQL server binaries (initdb, pg_ctl): install the postgresql package to run these tests'
    : null;
}

/**
 * @typedef {object} Cluster
 * @property {string} url postgres://payrecon_test:<password>@127.0.0.1:<port>/postgres
 * @property {number} port
 * @property {string} password
 * @property {string} dataDir
 * @property {string} root the private directory holding the data, the socket and the server log
 * @property {(mode?: 'fast' | 'immediate') => void} stop `pg_ctl stop -m <mode>`: fast for teardown, immediate to play a crashed server
 * @property {() => void} start start it again after stop() (same data, same port)
 */

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = /** @type {{ port: number }} */ (srv.address()).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The account the server runs as: ourselves, or an unprivileged one when we are root. */
/** @returns {{ uid: number, gid: number, name: string } | null} */
function serverAccount() {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), name };
  }
  throw new Error('running as root and no unprivileged account (postgres, nobody) to run PostgreSQL as');
}

/** @returns {Promise<Cluster>} */
export async function startCluster() {
  const bin = postgresBinDir();
  if (bin === null) throw new Error(postgresMissing() ?? 'no PostgreSQL server');
  const account = serverAccount();
  const root = mkdtempSync(join(tmpdir(), 'payrecon-pg-'));
  const dataDir = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (account) {
    // The server's account must reach its directory: /tmp is world-searchable, the temp dir is ours.
    chmodSync(root, 0o700);
    chownSync(root, account.uid, account.gid);
    chownSync(pwfile, account.uid, account.gid);
  }
  /** @param {string} cmd @param {string[]} args */
  const run = (cmd, args) => {
    /** @type {[string, string[]]} */
    const [file, argv] = account ? ['runuser', ['-u', account.name, '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  };
  run('initdb', ['-D', dataDir, '-U', 'payrecon_test', '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  rmSync(pwfile);
  const port = await freePort();
  // fsync off: a test cluster lives for one run; a crash test stops the server (immediate),
  // not the machine, so the OS still holds every flushed write. synchronous_commit stays on:
  // an immediate stop must keep every commit the client was told about, as a real server does.
  const options = [`-p ${port}`, `-k ${root}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200'].join(' ');
  const start = () => run('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '120', 'start']);
  start();
  return {
    url: `postgres://payrecon_test:${password}@127.0.0.1:${port}/postgres`,
    port,
    password,
    dataDir,
    root,
    start,
    stop(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
    },
  };
}

/** Stop the server and delete its directory. */
/** @param {Cluster} c */
export function destroyCluster(c) {
  try {
    c.stop('fast');
  } finally {
    rmSync(c.root, { recursive: true, force: true });
  }
}

/** The same URL naming another database on that server. */
/** @param {string} url @param {string} name */
export function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let counter = 0;

/** Create a fresh, empty database on the cluster at `url`; its URL. */
/** @param {string} url @param {string} [prefix] @returns {Promise<string>} */
export async function createDatabase(url, prefix = 't') {
  const name = `${prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`.toLowerCase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return withDatabase(url, name);
}
