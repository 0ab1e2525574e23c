/** Spawn the built CLI (`bin/payrecon`) the way a user or CI job would. Run `npm run build` first. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { onBackend, openTestStore } from './backend.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'payrecon');
export const FIXTURES = join(ROOT, 'fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** Environment for spawned runs: CI set (plain output), no colour, no inherited PAYRECON_* settings. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PAYRECON_')) env[k] = v;
  return { ...env, CI: '1', NO_COLOR: '1', ...extra };
}

export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const run = onBackend(args, cliEnv(opts.env), opts.cwd ?? ROOT);
  const r = spawnSync(process.execPath, [BIN, ...run.args], {
    cwd: opts.cwd ?? ROOT,
    env: run.env,
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Async variant, for tests that must send signals or run two commands at once. */
export function startCli(args: string[], opts: CliOptions = {}) {
  const run = onBackend(args, cliEnv(opts.env), opts.cwd ?? ROOT);
  const child = spawn(process.execPath, [BIN, ...run.args], { cwd: opts.cwd ?? ROOT, env: run.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((res) => child.on('close', (code) => res({ code: code ?? -1, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'payrecon-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh temporary directory and database path for every test of the file, removed after it.
 * `use` receives them before each test: `useTempDb((t) => ({ dir, db } = t));`.
 */
export function useTempDb(use: (t: { dir: string; db: string }) => void): void {
  let cleanup = () => {};
  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    use({ dir: t.dir, db: join(t.dir, 'test.db') });
  });
  afterEach(() => cleanup());
}

/** Parse the single JSON document a --json run prints; fails loudly when stdout is anything else. */
export function parseJson<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** A new, migrated, empty database at `path`, as the first import would leave it (read-only commands refuse a missing one). */
export function emptyDatabase(path: string): string {
  openTestStore(path).close();
  return path;
}
