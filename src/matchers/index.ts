/**
 * The matchers, in the order the engine applies them. Each stage claims the rows it pairs,
 * so nothing is matched twice:
 *   1. id          ledger psp_reference = any identifier of a PSP row (resolveGroup)
 *   2. reference   merchant reference + currency + type, amount within tolerance (resolveGroup)
 *   3. split       one-to-many / many-to-one by reference, parts summing exactly (matchSplit)
 *   4. payout_id   a ledger payout naming the PSP payout (batch) id
 *   5. reference   one leftover row each side sharing reference + type, any amount or currency
 *                  (so a wrong amount or currency is reported as such, not as two missing items)
 *   6. amount_date amount + currency + type within the date window, unique both ways (pickUniquePairs)
 * then payouts are verified (verifyPayout), pairs classified (classifyPair) and leftovers
 * reported (missingFinding, rejectedFinding). Splits and the unique-reference stage come before
 * amount + date because a shared reference is stronger evidence than an equal amount.
 */
export { classifyPair, differences } from './classify-pair.js';
export { resolveGroup, duplicateFinding, type GroupDecision } from './resolve-group.js';
export { matchSplit } from './split.js';
export { pickUniquePairs } from './amount-date.js';
export { components } from './components.js';
export { verifyPayout, rowNet, type PayoutSummary } from './payout.js';
export { missingFinding, rejectedFinding, type RejectRow } from './missing.js';
export * from './facts.js';
export type * from './types.js';
