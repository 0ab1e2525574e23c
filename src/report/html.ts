/**
 * The HTML report: one self-contained, printable file. Headline figures, what was resolved this
 * period (html-resolved.ts), four inline SVG charts, the grouped discrepancy table and the latest
 * integrity findings. No network, no external fonts or scripts; every interpolated string is
 * escaped (html-escape.ts).
 */
import { DISCREPANCY_KINDS, type DiscrepancyKind } from '../domain/discrepancy.js';
import type { ScanDocument } from '../domain/integrity.js';
import { barChart, columnChart, shareChart, type Bar } from './html-charts.js';
import { html, raw, type Html } from './html-escape.js';
import { formatMinor } from '../domain/money.js';
import { CSS, SORT_SCRIPT, kindClass } from './html-style.js';
import { HtmlTally } from './html-tally.js';
import { discrepancyTable, integritySection } from './html-table.js';
import { auditLine, resolvedSection } from './html-resolved.js';
import { collect } from './stream.js';
import { listOpenBySeverity, sortRisk } from './summary.js';
import type { CashSection, MatchedTotal, WrittenOffTotal, ReconcileReportData, ReconcileStreamData, Reporter, RunHeader, ScanReportData, Write } from './types.js';

function page(title: string, body: Html): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
${html`<title>${title}</title>`}<style>${CSS}</style></head>
<body>${body}<script>${SORT_SCRIPT}</script></body></html>
`;
}

function card(label: string, value: string | number, cls = ''): Html {
  return html`<div class="card ${cls}"><b>${typeof value === 'number' ? value.toLocaleString('en-US') : value}</b><span>${label}</span></div>`;
}

function legend(items: Array<{ cls: string; label: string }>): Html {
  return html`<div class="legend">${items.map((i) => html`<span class="sw ${i.cls}"></span>${i.label}`)}</div>`;
}

const STATUS_LEGEND = legend([
  { cls: 'c-open', label: 'open or acknowledged' },
  { cls: 'c-settled', label: 'resolved or closed' },
]);

function splitBars(m: Map<string, { unresolved: number; settled: number }>, order: readonly string[] = []): Bar[] {
  const keys = [...m.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    const ta = m.get(a)!;
    const tb = m.get(b)!;
    return tb.unresolved + tb.settled - (ta.unresolved + ta.settled) || a.localeCompare(b);
  });
  return keys.map((k) => {
    const e = m.get(k)!;
    return {
      label: k.replaceAll('_', ' '),
      segments: [
        { value: e.unresolved, cls: 'c-open', title: `${k}: ${e.unresolved} open or acknowledged` },
        { value: e.settled, cls: 'c-settled', title: `${k}: ${e.settled} resolved or closed` },
      ],
    };
  });
}

function headline(d: RunHeader, tally: HtmlTally, matchedTotals: MatchedTotal[]): Html {
  const unresolved = tally.unresolved;
  const bySev = listOpenBySeverity(tally.openBySeverity);
  const matched = matchedTotals.length
    ? html`<table class="compact"><thead><tr><th>Currency</th><th class="num">Matched items</th><th class="num">Matched amount</th></tr></thead><tbody>${matchedTotals.map(
        (m) => html`<tr><td>${m.currency}</td><td class="num">${m.count.toLocaleString('en-US')}</td><td class="num">${m.amount}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No matched items.</p>`;
  const open = bySev.length
    ? html`<table class="compact"><thead><tr><th>Kind</th><th class="num">High</th><th class="num">Medium</th><th class="num">Low</th><th class="num">Total</th></tr></thead><tbody>${bySev.map(
        (r) =>
          html`<tr><td><span class="sw ${kindClass(r.kind)}"></span>${r.kind.replaceAll('_', ' ')}</td>${(['high', 'medium', 'low'] as const).map((sev) => html`<td class="num ${r.bySeverity[sev] ? `sev-${sev}` : 'zero'}">${r.bySeverity[sev]}</td>`)}<td class="num"><b>${r.total}</b></td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No open discrepancies.</p>`;
  return html`<div class="cards">${card('PSP rows', d.counts.psp)}${card('Ledger entries', d.counts.ledger)}${card('Matched', d.counts.matched, 'ok')}${card('Discrepancies', d.counts.discrepancies)}${card('Still open', unresolved, unresolved ? 'bad' : 'ok')}${card('Exit code', d.exit_code, d.exit_code ? 'bad' : 'ok')}</div>
<div class="grid"><div><h3>Matched per currency</h3>${matched}</div><div><h3>Open discrepancies by kind and severity</h3>${open}</div></div>`;
}

/** Written off to date, per reason code and currency (nothing when there is none). */
function writtenOffSection(totals: WrittenOffTotal[]): Html {
  if (totals.length === 0) return raw('');
  return html`<h3 id="written-off">Written off per reason</h3><table class="compact written-off"><thead><tr><th>Reason</th><th>Currency</th><th class="num">Items</th><th class="num">Amount</th></tr></thead><tbody>${totals.map(
    (t) => html`<tr><td>${t.reason}</td><td>${t.currency}</td><td class="num">${t.count.toLocaleString('en-US')}</td><td class="num">${t.amount}</td></tr>`,
  )}</tbody></table>`;
}

function charts(tally: HtmlTally): Html {
  const risk = sortRisk(tally.risk);
  const kindsSeen = new Set<DiscrepancyKind>();
  for (const r of risk) for (const k of r.byKind.keys()) kindsSeen.add(k);
  const riskBars: Bar[] = risk.map((r) => ({
    label: r.currency,
    note: `${formatMinor(r.total, r.currency)} ${r.currency}`,
    segments: DISCREPANCY_KINDS.filter((k) => r.byKind.has(k)).map((k) => {
      const minor = r.byKind.get(k)!;
      // Shares in parts per million of that currency's total: money is never a JS number, and
      // currencies are never compared with each other.
      const share = r.total > 0n ? Number((minor * 1_000_000n) / r.total) : 0;
      return { value: share, cls: kindClass(k), title: `${k}: ${formatMinor(minor, r.currency)} ${r.currency}` };
    }),
  }));
  const ages = tally.ages.map((b) => ({ ...b, value: b.count, cls: 'c-age' }));
  return html`<div class="grid">
<div>${barChart('chart-kind', 'Discrepancies by kind', splitBars(tally.byKind, DISCREPANCY_KINDS))}${STATUS_LEGEND}</div>
<div>${barChart('chart-source', 'Discrepancies by provider (source)', splitBars(tally.bySource))}${STATUS_LEGEND}</div>
<div>${shareChart('chart-risk', 'Amount at risk by currency (open items; bar = 100% of that currency)', riskBars)}${legend(
    DISCREPANCY_KINDS.filter((k) => kindsSeen.has(k)).map((k) => ({ cls: kindClass(k), label: k.replaceAll('_', ' ') })),
  )}</div>
<div>${columnChart('chart-age', 'Open items by age (days since first seen)', ages)}</div>
</div>`;
}

/** Payouts and deposits: did the money reach the bank (docs/bank.md)? */
function cashSection(c: CashSection): Html {
  const accounts = html`<table class="compact"><thead><tr><th>Account</th><th>Currency</th><th class="num">Statements</th><th class="num">Credits</th><th class="num">Credited</th><th class="num">Paired with payouts</th><th class="num">Unexplained</th></tr></thead><tbody>${c.accounts.map(
    (a) =>
      html`<tr><td>${a.account}</td><td>${a.currency}</td><td class="num">${a.statements}</td><td class="num">${a.credits}</td><td class="num">${a.credits_amount}</td><td class="num">${a.paired} · ${a.paired_amount}</td><td class="num">${a.unexplained_amount}</td></tr>`,
  )}</tbody></table>`;
  const payouts = html`<table class="compact"><thead><tr><th>Currency</th><th class="num">PSP payouts</th><th class="num">Found at the bank</th><th class="num">Not deposited</th><th class="num">In transit</th></tr></thead><tbody>${c.payouts.map(
    (p) =>
      html`<tr><td>${p.currency}</td><td class="num">${p.payouts} · ${p.payouts_amount}</td><td class="num">${p.found} · ${p.found_amount}</td><td class="num">${p.not_deposited} · ${p.not_deposited_amount}</td><td class="num">${p.in_transit} · ${p.in_transit_amount}</td></tr>`,
  )}</tbody></table>`;
  return html`<h2 id="cash">Cash: payouts and bank deposits</h2><div class="grid"><div><h3>Bank accounts</h3>${accounts}</div><div><h3>Payouts by currency</h3>${payouts}</div></div>`;
}

/** Rows read once into a bounded tally; the page (about a megabyte at most) is written whole. */
export function streamReconcileHtml(data: ReconcileStreamData, write: Write): void {
  const tally = new HtmlTally();
  for (const r of data.rows) tally.add(r);
  write(reconcilePage(data, tally));
}

export function renderReconcileHtml(data: ReconcileReportData): string {
  return collect(streamReconcileHtml, data);
}

function reconcilePage(data: ReconcileStreamData, tally: HtmlTally): string {
  const d = data.header;
  const window = d.window.from || d.window.to ? `${d.window.from ?? 'start'} to ${d.window.to ?? 'end'}` : 'all dates';
  const title = `payrecon reconciliation report · run ${d.run}`;
  const integrity = data.scans.length
    ? html`<h2 id="integrity">Integrity findings (latest scans)</h2>${integritySection(data.scans)}`
    : raw('');
  const cash = data.cash && (data.cash.accounts.length || data.cash.payouts.length) ? cashSection(data.cash) : raw('');
  return page(
    title,
    html`<h1>${title}</h1><p class="meta">Window: ${window} · generated ${data.generatedAt}</p>${auditLine(data.audit, data.auditChain)}
<h2>Summary</h2>${headline(d, tally, data.matched)}
${cash}${writtenOffSection(data.writtenOff ?? [])}
${resolvedSection(data.resolved)}
<h2>Charts</h2>${charts(tally)}
<h2>Discrepancies</h2>${discrepancyTable(tally.table)}
${integrity}`,
  );
}

export function renderScanHtml(data: ScanReportData): string {
  const title = 'payrecon integrity report';
  const totals = sumCounts(data.scans);
  return page(
    title,
    html`<h1>${title}</h1><p class="meta">${data.scans.length} scan(s) · generated ${data.generatedAt}</p>${auditLine(data.audit)}
<div class="cards">${card('Files', totals.files)}${card('Added', totals.added, totals.added ? 'bad' : 'ok')}${card('Removed', totals.removed, totals.removed ? 'bad' : 'ok')}${card('Changed', totals.changed, totals.changed ? 'bad' : 'ok')}${card('Unreadable', totals.unreadable, totals.unreadable ? 'bad' : 'ok')}</div>
<h2>Findings</h2>${data.scans.length ? integritySection(data.scans) : html`<p class="empty">No scans.</p>`}`,
  );
}


function sumCounts(scans: ScanDocument[]): ScanDocument['counts'] {
  const t = { files: 0, added: 0, removed: 0, changed: 0, unreadable: 0 };
  for (const s of scans) for (const k of Object.keys(t) as Array<keyof typeof t>) t[k] += s.counts[k];
  return t;
}

export const htmlReporter: Reporter = {
  extension: '.html',
  name: 'HTML',
  renderReconcile: renderReconcileHtml,
  streamReconcile: streamReconcileHtml,
  renderScan: renderScanHtml,
};
