// Produce the README's screenshots from a real run, never by hand:
//   docs/report.png  the HTML report of a sample reconcile run (headless chromium)
//   docs/tui.png     `payrecon tui` on that run (tmux capture-pane, rendered as HTML by chromium)
//
//   npm run build && node scripts/screenshots.mjs
//
// Needs /usr/bin/chromium (apt-get install -y chromium) and, for the TUI, tmux.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'payrecon');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found: apt-get install -y chromium`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'payrecon-shots-'));
const db = join(dir, 'demo.db');
const key = join(dir, 'hmac.key');

function payrecon(...args) {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', PAYRECON_ACTOR: 'ana' } });
  if (r.status >= 16) throw new Error(`payrecon ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

// ---- a sample night: two Stripe accounts (EUR, USD), one yen account, one ledger ----------
const STRIPE_HEADER = 'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id,payment_metadata[order_id]';
const ledger = ['entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description'];
const files = { 'stripe-eu': [STRIPE_HEADER], 'stripe-us': [STRIPE_HEADER], 'stripe-jp': [STRIPE_HEADER] };
const plan = { 'stripe-eu': ['eur', 2, 34], 'stripe-us': ['usd', 2, 26], 'stripe-jp': ['jpy', 0, 10] };
const money = (minor, exp) => (exp ? `${Math.trunc(minor / 10 ** exp)}.${String(Math.abs(minor) % 10 ** exp).padStart(exp, '0')}` : String(minor));
let n = 0;
for (const [account, [cur, exp, count]] of Object.entries(plan)) {
  for (let i = 0; i < count; i++) {
    n++;
    const minor = exp ? 1500 + ((n * 7919) % 40000) : 800 + ((n * 389) % 30000);
    const day = String(3 + (n % 20)).padStart(2, '0');
    const ts = `2025-03-${day} 1${n % 10}:0${n % 6}:00`;
    const ref = `ORD-${2000 + n}`;
    files[account].push(`txn_${n},${ts},${ts},${cur},${money(minor, exp)},0.00,${money(minor, exp)},charge,ch_${n},Order ${ref},po_${account}_${day},${ref}`);
    const fault = n % 9;
    if (fault === 1) continue; // missing in the ledger
    const booked = fault === 2 ? minor - (exp ? 8 + n : 100) : minor; // amount mismatch
    const when = fault === 3 && n % 2 ? `2025-04-${day}` : `2025-03-${day}`; // booked far too late
    ledger.push(`L-${n},${when},${ref},ch_${n},charge,${money(booked, exp)},${cur.toUpperCase()},,sale ${ref}`);
  }
}
for (let j = 0; j < 5; j++) ledger.push(`L-X${j},2025-03-1${j},ORD-9${j}0,,charge,${99 + j * 41}.00,${j % 2 ? 'USD' : 'EUR'},,booked but never settled`);
for (const [account, lines] of Object.entries(files)) writeFileSync(join(dir, `${account}.csv`), lines.join('\n') + '\n');
writeFileSync(join(dir, 'ledger.csv'), ledger.join('\n') + '\n');

payrecon('import', 'ledger', join(dir, 'ledger.csv'));
for (const account of Object.keys(files)) payrecon('import', 'psp', join(dir, `${account}.csv`), '--source', account);
const doc = JSON.parse(payrecon('reconcile', '--json').stdout);
const ids = doc.discrepancies.map((d) => d.id);
payrecon('resolve', String(ids[0]), String(ids[3]), '--note', 'booked in April, matched by hand');
payrecon('resolve', String(ids[5]), '--status', 'acknowledged', '--note', 'asked Stripe support');
payrecon('resolve', String(ids[7]), '--status', 'written_off', '--reason', 'fx_rounding', '--note', 'conversion rounding, agreed with finance');

// A baseline of a key directory and one changed key, so the report shows integrity findings.
const keys = join(dir, 'keys');
spawnSync('mkdir', ['-p', keys]);
writeFileSync(key, 'a'.repeat(64) + '\n');
chmodSync(key, 0o600);
writeFileSync(join(keys, 'api.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
writeFileSync(join(keys, 'webhook.secret'), 'whsec_1\n');
chmodSync(join(keys, 'api.pem'), 0o600);
chmodSync(join(keys, 'webhook.secret'), 0o600);
try {
  payrecon('baseline', 'init', 'keys', '--path', keys, '--key-file', key);
  writeFileSync(join(keys, 'webhook.secret'), 'whsec_2\n');
  chmodSync(join(keys, 'api.pem'), 0o644);
  payrecon('scan', 'keys', '--key-file', key);
} catch (err) {
  console.warn(`(no integrity findings in the screenshot: ${err.message.split('\n')[0]})`);
}

const reportHtml = join(dir, 'report.html');
payrecon('report', '--out', reportHtml);

// ---- the browser ---------------------------------------------------------------------------
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(reportHtml).href);
  await page.screenshot({ path: join(ROOT, 'docs', 'report.png') });
  console.log('wrote docs/report.png');

  const tui = captureTui();
  if (tui) {
    const term = join(dir, 'tui.html');
    writeFileSync(term, terminalPage(tui));
    const p2 = await browser.newPage({ viewport: { width: 1100, height: 600 }, deviceScaleFactor: 1 });
    await p2.goto(pathToFileURL(term).href);
    await p2.locator('pre').screenshot({ path: join(ROOT, 'docs', 'tui.png') });
    console.log('wrote docs/tui.png');
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Run the TUI in tmux: sort by difference (largest first), select two items with space, open
 * the resolve prompt for both and type a note; return the screen with colours. Every step
 * waits for the screen to show its effect, so a busy machine takes longer, not a wrong picture.
 */
function captureTui() {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.warn('tmux not found: docs/tui.png not produced (apt-get install -y tmux)');
    return null;
  }
  const socket = `payrecon-shots-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const cmd = `env -u CI -u NO_COLOR TERM=xterm-256color PAYRECON_ACTOR=ana '${process.execPath}' '${BIN}' --db '${db}' tui`;
  tmux('new-session', '-d', '-s', 'shot', '-x', '110', '-y', '24', cmd);
  const screen = () => tmux('capture-pane', '-p', '-t', 'shot').stdout ?? '';
  const waitFor = (text) => {
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      if (screen().includes(text)) return;
      spawnSync('sleep', ['0.05']); // a poll interval, not a wait for something to happen
    }
    throw new Error(`tui never showed "${text}":\n${screen()}`);
  };
  const key = (k, then) => {
    tmux('send-keys', '-t', 'shot', k);
    waitFor(then);
  };
  try {
    waitFor('payrecon triage');
    key('s', 'sort: kind');
    key('s', 'sort: reference');
    key('s', 'sort: difference ↓');
    key('g', '[1/');
    key('Space', '1 selected');
    key('Space', '2 selected');
    key('r', 'Resolve 2 selected');
    const note = 'refund booked twice; reversed L-';
    tmux('send-keys', '-t', 'shot', '-l', note);
    waitFor(note);
    return tmux('capture-pane', '-e', '-p', '-t', 'shot').stdout;
  } finally {
    tmux('kill-server');
  }
}

/** A terminal-looking page of captured text, ANSI SGR colours turned into spans. */
function terminalPage(text) {
  const PALETTE = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
  const escHtml = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
  let state = {};
  let out = '';
  for (const part of text.split(/(\u001b\[[0-9;]*m)/)) {
    const m = /^\u001b\[([0-9;]*)m$/.exec(part);
    if (!m) {
      if (!part) continue;
      const style = [];
      const fg = state.inverse ? (state.bg ?? '#1e1e1e') : state.fg;
      const bg = state.inverse ? (state.fg ?? '#d4d4d4') : state.bg;
      if (fg) style.push(`color:${fg}`);
      if (bg) style.push(`background:${bg}`);
      if (state.bold) style.push('font-weight:bold');
      if (state.dim) style.push('opacity:.6');
      out += style.length ? `<span style="${style.join(';')}">${escHtml(part)}</span>` : escHtml(part);
      continue;
    }
    const codes = (m[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) state = {};
      else if (c === 1) state.bold = true;
      else if (c === 2) state.dim = true;
      else if (c === 22) state.bold = state.dim = false;
      else if (c === 7) state.inverse = true;
      else if (c === 27) state.inverse = false;
      else if (c >= 30 && c <= 37) state.fg = PALETTE[c - 30];
      else if (c >= 90 && c <= 97) state.fg = PALETTE[c - 90];
      else if (c === 39) delete state.fg;
      else if (c >= 40 && c <= 47) state.bg = PALETTE[c - 40];
      else if (c === 49) delete state.bg;
      else if (c === 38 || c === 48) i += codes[i + 1] === 5 ? 2 : 4; // 256/true colour: skip
    }
  }
  return `<!DOCTYPE html><meta charset="utf-8"><style>body{margin:0;background:#fff}pre{display:inline-block;margin:0;padding:14px 16px;background:#1e1e1e;color:#d4d4d4;font:14px/1.35 "DejaVu Sans Mono",monospace;border-radius:8px}</style><pre>${out}</pre>`;
}
