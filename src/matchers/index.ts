/**
 * The matchers: pure decisions over rows that the engine's SQL stages put together. The order
 * the engine applies them in is stated once, in STAGE_TABLE (src/reconcile/stage-table.ts; the
 * table in docs/reconcile.md is tested against it), and not repeated here. Who decides what:
 *   resolveGroup     several candidates share a row: pair, call it a duplicate, or leave it
 *   matchSplit       one-to-many / many-to-one by reference, parts summing exactly
 *   pickUniquePairs  amount + currency + type within the date window, unique both ways
 *   classifyPair     clean, or the one discrepancy a paired set of rows shows
 *   verifyPayout     the rows of a PSP payout net to it
 *   missingFinding, rejectedFinding  what no stage paired, and rows that could not be read
 *   manualMatchFinding  what a pairing a person made leaves to explain (one amount difference)
 */
export { classifyPair, differences, RULE_LABELS } from './classify-pair.js';
export { resolveGroup, duplicateFinding, type GroupDecision } from './resolve-group.js';
export { matchSplit } from './split.js';
export { pickUniquePairs } from './amount-date.js';
export { components } from './components.js';
export { verifyPayout, rowNet, type PayoutSummary } from './payout.js';
export { manualMatchFinding } from './manual.js';
export { missingFinding, rejectedFinding, type RejectRow } from './missing.js';
export { matchDeposits, addBusinessDays, normaliseText, MIN_IDENT, type PayoutItem, type DepositItem, type DepositPair, type DepositDecision, type DepositOptions } from './deposit.js';
export * from './facts.js';
export type * from './types.js';
