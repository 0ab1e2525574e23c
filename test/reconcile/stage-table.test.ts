/**
 * STAGE_TABLE is the one statement of the stage order: the constraints the stages rely on,
 * the engine following it, and docs/reconcile.md's table agreeing with it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, test } from 'vitest';
import { RULE_LABELS } from '../../src/matchers/classify-pair.js';
import { runReconcile } from '../../src/reconcile/engine.js';
import { STAGE_TABLE } from '../../src/reconcile/stage-table.js';
import { RECONCILE_DEFAULTS } from '../../src/domain/discrepancy.js';
import { ROOT } from '../helpers/cli.js';
import { TestStore } from '../helpers/test-store.js';

const rules = STAGE_TABLE.map((s) => s.rule);
const at = (rule: string, label?: string) => STAGE_TABLE.findIndex((s) => s.rule === rule && (label === undefined || s.label === label));

describe('the stage table', () => {
  test('every MatchRule the matchers can record is produced by some stage', () => {
    // RULE_LABELS is a Record<MatchRule, ...>: its keys are exactly the MatchRule values.
    for (const rule of Object.keys(RULE_LABELS)) expect(rules, `no stage records rule '${rule}'`).toContain(rule);
  });

  test('labels are unique, so progress tells the stages apart', () => {
    const labels = STAGE_TABLE.map((s) => s.label);
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
    expect(labels).not.toContain('store'); // the engine's own last progress step
  });

  test('what a person paired comes first, then the identifier stage, and the leftovers right after it (they read its claims)', () => {
    expect(at('manual')).toBe(0);
    expect(at('id')).toBe(1);
    expect(at('leftovers')).toBe(2);
  });

  test('every stage pairing PSP rows with ledger entries states a confidence; amount + date alone is below the default --auto-confirm, the rest are not', () => {
    for (const s of STAGE_TABLE) {
      // Payouts to bank pair PSP payouts with bank entries: no ledger side, so no proposals either.
      const pairs = !['leftovers', 'payouts', 'deposits', 'unmatched'].includes(s.rule);
      expect(s.confidence === null, `${s.label}`).toBe(!pairs);
      if (s.confidence !== null) expect(s.confidence).toBeGreaterThanOrEqual(0);
      if (s.confidence !== null) expect(s.confidence).toBeLessThanOrEqual(100);
    }
    const below = STAGE_TABLE.filter((s) => s.confidence !== null && s.confidence < RECONCILE_DEFAULTS.autoConfirm).map((s) => s.label);
    expect(below).toEqual(['amount + date']);
    expect(STAGE_TABLE.find((s) => s.rule === 'manual')!.confidence).toBe(100);
    expect(STAGE_TABLE.find((s) => s.rule === 'id')!.confidence).toBe(100);
  });

  test('reference evidence comes before amount + date; the unique-reference stage after the tolerant ones', () => {
    const amountDate = at('amount_date');
    for (const label of ['reference', 'unique reference']) expect(at('reference', label)).toBeLessThan(amountDate);
    expect(at('split')).toBeLessThan(amountDate);
    for (const tolerant of [at('reference', 'reference'), at('split'), at('payout_id')]) {
      expect(tolerant).toBeLessThan(at('reference', 'unique reference'));
    }
  });

  test('payouts are verified after every pairing stage, and what is left is reported last', () => {
    expect(at('payouts')).toBeGreaterThan(at('amount_date'));
    expect(rules[rules.length - 1]).toBe('unmatched');
  });
});

describe('the engine follows the table', () => {
  let store: TestStore | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
  });

  test('progress reports each stage label in table order, then store, ending at the full count', async () => {
    store = new TestStore().add(
      { side: 'psp', id: 't1', amount: '1.00' },
      { side: 'ledger', id: 'L1', amount: '1.00', pspReference: 't1' },
      { side: 'psp', id: 't2', amount: '2.00' },
    );
    const ctx = store.context();
    const seen: Array<[string, number, number]> = [];
    try {
      await runReconcile(ctx, { tolerance: new Decimal(0), toleranceText: '0', dateWindow: 3, autoConfirm: 50, onStage: (name, done, total) => seen.push([name, done, total]) });
    } finally {
      ctx.close();
    }
    expect(seen.map(([name]) => name)).toEqual([...STAGE_TABLE.map((s) => s.label), 'store']);
    expect(seen[seen.length - 1].slice(1)).toEqual([3, 3]);
    const done = seen.map(([, d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });
});

describe('docs/reconcile.md', () => {
  /** The rows of the stage table under "How matching works": the table whose header names `rule` and `progress`. */
  function docStages(): Array<{ n: string; rule: string; label: string; confidence: string }> {
    const md = readFileSync(join(ROOT, 'docs', 'reconcile.md'), 'utf8');
    const section = md.split(/^## /m).find((s) => s.startsWith('How matching works'));
    if (!section) throw new Error('docs/reconcile.md has no "## How matching works" section');
    const lines = section.split('\n');
    const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    const head = lines.findIndex((l) => l.trim().startsWith('|') && cells(l).includes('rule') && cells(l).includes('progress'));
    if (head < 0) throw new Error('docs/reconcile.md: no table with "rule" and "progress" columns under "How matching works"');
    const cols = cells(lines[head]);
    const body: string[] = [];
    for (const l of lines.slice(head + 2)) {
      if (!l.trim().startsWith('|')) break;
      body.push(l);
    }
    return body.map((l) => {
      const c = cells(l);
      const get = (name: string) => (c[cols.indexOf(name)] ?? '').replace(/`/g, '');
      return { n: get('#'), rule: get('rule'), label: get('progress'), confidence: get('confidence') };
    });
  }

  test('its stage table lists the stages of STAGE_TABLE, in order, with their rules and progress labels', () => {
    const doc = docStages();
    const code = STAGE_TABLE.map((s, i) => ({ n: String(i + 1), rule: s.rule, label: s.label, confidence: s.confidence === null ? '-' : String(s.confidence) }));
    expect(
      doc,
      'docs/reconcile.md "How matching works" table differs from STAGE_TABLE (src/reconcile/stage-table.ts): update whichever is wrong',
    ).toEqual(code);
  });
});
