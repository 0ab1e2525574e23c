/**
 * The HTML report's story since the last run: every item acknowledged, resolved, written off,
 * closed or reopened in the report's period, newest first, with who, when, the reason code and
 * the note, and the audit head the page was written against. Read from the audit log
 * (src/db/triage-history.ts), so an item the run no longer lists still shows how it went.
 */
import { describeAnchor, type AuditAnchor } from '../domain/audit.js';
import type { ResolvedEvent, ResolvedSection } from '../domain/discrepancy.js';
import { html, raw, type Html } from './html-escape.js';
import type { AuditChainCheck } from './types.js';

const ACTION_WORDS: Record<ResolvedEvent['action'], string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  write_off: 'written off',
  auto_close: 'closed by a run',
  match_close: 'closed by a manual match',
  unmatch_close: 'closed: match undone',
  reopen: 'reopened',
};

const ACTION_CLASS: Record<ResolvedEvent['action'], string> = {
  acknowledge: 'st-acknowledged',
  resolve: 'st-resolved',
  write_off: 'st-resolved',
  auto_close: 'st-closed',
  match_close: 'st-closed',
  unmatch_close: 'st-closed',
  reopen: 'st-reopened',
};

export function resolvedSection(r: ResolvedSection | undefined): Html {
  if (!r) return raw('');
  const period = `${r.since ? `since ${r.since}` : 'from the start of the audit log'} until ${r.until}`;
  const counts = Object.entries(r.by_action)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([a, n]) => `${n} ${ACTION_WORDS[a as ResolvedEvent['action']] ?? a}`)
    .join(' · ');
  if (r.total === 0) {
    return html`<h2 id="resolved">Resolved this period</h2><p class="meta">${period}</p><p class="empty">Nothing was acknowledged, resolved, written off, closed or reopened in this period.</p>`;
  }
  const more = r.total > r.items.length ? html`<p class="meta">The newest ${r.items.length} of ${r.total} are listed; <code>payrecon audit log</code> has every one.</p>` : raw('');
  return html`<h2 id="resolved">Resolved this period</h2><p class="meta">${period} · ${counts}</p>
<table class="resolved"><thead><tr><th>When</th><th>Item</th><th>Reference</th><th class="num">Difference</th><th>What</th><th>By</th><th>Reason</th><th>Note</th><th>Now</th></tr></thead><tbody>${r.items.map(
    (e) =>
      html`<tr data-id="${e.id}" data-action="${e.action}"><td class="when">${e.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z')}</td><td>#${e.id} ${e.kind.replaceAll('_', ' ')}</td><td class="ref">${e.reference ?? ''}</td><td class="num">${e.difference === null ? '' : `${e.difference} ${e.currency ?? ''}`}</td><td class="${ACTION_CLASS[e.action]}">${ACTION_WORDS[e.action] ?? e.action}</td><td class="by">${e.by}</td><td>${e.reason_code ?? ''}</td><td class="note-text">${e.note ?? ''}</td><td class="st-${e.status_now}">${e.status_now.replaceAll('_', ' ')}</td></tr>`,
  )}</tbody></table>${more}`;
}

/** The audit log's anchor (entries = the newest entry's number, head hash) and whether its chain walked clean. */
export function auditLine(a: AuditAnchor | undefined, chain?: AuditChainCheck): Html {
  if (!a) return raw('');
  const scope = chain && chain.checked < a.entries ? `the newest ${chain.checked} entries and the head` : 'hashes and links';
  const walked = !chain
    ? ''
    : chain.ok
      ? a.entries
        ? ` · chain intact when written (${scope}; the whole chain and MACs: payrecon audit verify)`
        : ''
      : ` · CHAIN BROKEN at entry ${chain.broken?.id}: ${chain.broken?.reason} (run payrecon audit verify)`;
  return html`<p class="meta audit${chain && !chain.ok ? ' bad' : ''}">${describeAnchor(a)}${walked}</p>`;
}
