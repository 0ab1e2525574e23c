/**
 * Bank statements as payrecon keeps them: the third leg next to PSP settlement files and the
 * ledger. Amounts are signed bigint minor units of the statement currency (credit +, debit -).
 */

export const BANK_FORMATS = ['camt053', 'mt940', 'bai2'] as const;
export type BankFormat = (typeof BANK_FORMATS)[number];

/** A balance of a statement: signed minor units, the date it is struck at, the code the file gave it. */
export interface BankBalance {
  minor: bigint;
  date: string | null; // YYYY-MM-DD
  code: string; // OPBD, CLBD, PRCD, 60F, 62M, 010, 015, ...
}

/** What is known of a statement before its entries (camt Bal, MT940 :60F:, BAI2 03). */
export interface StatementHead {
  /** The account as the file names it (IBAN, account number), or --account. */
  account: string;
  currency: string;
  /** The statement's own id: camt Stmt/Id, MT940 :20:/:28C:, BAI2 as-of date/account/section. */
  statementId: string;
  /** camt ElctrncSeqNb/LglSeqNb, MT940 :28C: statement number; null where the format has none. */
  sequence: number | null;
  /** camt.053/052/054, MT940/MT942, BAI2: what kind of message it came from. */
  message: string;
  opening: BankBalance | null;
  /** Known up front in camt and BAI2; MT940 tells it after the entries (see StatementTail). */
  closing: BankBalance | null;
  line: number;
}

/** One transaction detail of an entry (a batch entry keeps all of them). */
export interface EntryDetail {
  minor: bigint | null;
  endToEndId: string | null;
  reference: string | null;
  remittance: string | null;
}

export interface BankEntry {
  line: number;
  /** Signed: credit +, debit -. A reversal keeps the sign its indicator gives. */
  minor: bigint;
  currency: string;
  bookingDate: string | null; // YYYY-MM-DD
  valueDate: string | null;
  /** The bank's own reference of the entry (AcctSvcrRef, :61: bank reference, BAI2 bank ref). */
  bankReference: string | null;
  /** The customer's / sender's reference (:61: reference for the account owner, BAI2 customer ref). */
  customerReference: string | null;
  endToEndId: string | null;
  /** Free text and structured remittance information, joined. */
  remittance: string | null;
  reversal: boolean;
  /** Bank transaction code as the file gives it (camt Domn/Fmly/SubFmly or Prtry, MT940 NMSC, BAI2 142). */
  typeCode: string | null;
  details: EntryDetail[];
  /** Amount of a different currency the entry was converted from, with its rate, when the file says. */
  fx: { currency: string; minor: bigint; rate: string | null } | null;
  /** Charges the bank took on this entry, in the entry currency. */
  chargesMinor: bigint | null;
}

/** What is known after the entries: MT940's closing balance, BAI2's control figures. */
export interface StatementTail {
  closing: BankBalance | null;
  line: number;
}

/** A parser's output, in file order. */
export type BankEvent =
  | { kind: 'statement'; head: StatementHead }
  | { kind: 'entry'; entry: BankEntry }
  | { kind: 'end'; tail: StatementTail };
