/**
 * A statement's own proof: opening balance + entries = closing balance. Pure; the import
 * operation feeds it the entries as they stream by and refuses the file when it fails.
 * Statements without both balances (camt.054 notifications, MT942, BAI2 without 010/015 or
 * 040/045) have nothing to prove here; their other controls are checked by their parsers.
 */
import type { BankEntry, StatementHead, StatementTail } from '../../domain/bank.js';
import { formatMinor } from '../../domain/money.js';

export interface ProofResult {
  /** Sum of the entries in the statement currency. */
  entriesMinor: bigint;
  entries: number;
  /** The closing balance used (the head's, else the tail's), signed minor units. */
  closingMinor: bigint | null;
  /** Why the statement does not hold together, or null. */
  failure: string | null;
}

export class StatementProof {
  private sum = 0n;
  private n = 0;
  private foreign = 0;

  constructor(private readonly head: StatementHead) {}

  add(e: BankEntry): void {
    this.n++;
    if (e.currency === this.head.currency) this.sum += e.minor;
    else this.foreign++;
  }

  finish(tail: StatementTail): ProofResult {
    const h = this.head;
    const closing = h.closing ?? tail.closing;
    const base = { entriesMinor: this.sum, entries: this.n, closingMinor: closing?.minor ?? null };
    if (!h.opening || !closing) return { ...base, failure: null };
    const computed = h.opening.minor + this.sum;
    if (computed === closing.minor) return { ...base, failure: null };
    const f = (m: bigint) => `${formatMinor(m, h.currency)} ${h.currency}`;
    const foreign = this.foreign ? ` (${this.foreign} entries in other currencies not counted)` : '';
    return {
      ...base,
      failure:
        `statement ${h.statementId} of account ${h.account} does not balance: opening ${f(h.opening.minor)} + ${this.n} entries ${f(this.sum)}${foreign} = ` +
        `${f(computed)}, but the closing balance is ${f(closing.minor)} (difference ${f(closing.minor - computed)})`,
    };
  }
}
