-- Bank statements (camt.053/052/054, MT940/942, BAI2): the third leg next to PSP and ledger.
-- Amounts are signed minor units of the statement currency (credit +, debit -).

CREATE TABLE bank_imports (
  id          INTEGER PRIMARY KEY,
  path        TEXT    NOT NULL,
  file_name   TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT    NOT NULL UNIQUE,      -- of the file's bytes: the idempotency key
  format      TEXT    NOT NULL,             -- camt053, mt940, bai2
  statements  INTEGER NOT NULL DEFAULT 0,
  entries     INTEGER NOT NULL DEFAULT 0,
  imported_at TEXT    NOT NULL
);

CREATE TABLE bank_statements (
  id              INTEGER PRIMARY KEY,
  import_id       INTEGER NOT NULL REFERENCES bank_imports (id),
  account         TEXT    NOT NULL,         -- as the file names it, or --account
  currency        TEXT    NOT NULL,
  statement_id    TEXT    NOT NULL,         -- camt Stmt/Id, MT940 :20:/:28C:, BAI2 as-of date/account
  sequence        INTEGER,                  -- camt LglSeqNb/ElctrncSeqNb, MT940 :28C: number
  message         TEXT    NOT NULL,         -- camt.053, camt.052, camt.054, MT940, MT942, BAI2
  opening_minor   INTEGER,
  opening_date    TEXT,
  opening_code    TEXT,
  closing_minor   INTEGER,
  closing_date    TEXT,
  closing_code    TEXT,
  entries         INTEGER NOT NULL DEFAULT 0,
  credits_minor   INTEGER NOT NULL DEFAULT 0,
  debits_minor    INTEGER NOT NULL DEFAULT 0,
  digest          TEXT,                     -- SHA-256 of balances and entries: an identical restatement
  line            INTEGER NOT NULL,
  -- pending while its file is read; active; superseded by a corrected statement (same account and id)
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'superseded')),
  superseded_by   INTEGER
);
CREATE UNIQUE INDEX bank_statements_active ON bank_statements (account, statement_id) WHERE status = 'active';
CREATE INDEX bank_statements_account ON bank_statements (account, status);

-- No index beyond the primary key: a million-entry statement imports at bulk speed; entries of a
-- statement are found by their id range, deposits for matching by one scan of active statements.
CREATE TABLE bank_entries (
  id                 INTEGER PRIMARY KEY,
  statement_row      INTEGER NOT NULL REFERENCES bank_statements (id),
  account            TEXT    NOT NULL,
  currency           TEXT    NOT NULL,
  amount_minor       INTEGER NOT NULL,      -- signed: credit +, debit -
  booking_date       TEXT,
  value_date         TEXT,
  bank_reference     TEXT,
  customer_reference TEXT,
  end_to_end_id      TEXT,
  remittance         TEXT,
  reversal           INTEGER NOT NULL DEFAULT 0,
  type_code          TEXT,
  details            TEXT,                  -- JSON array of a batch entry's transaction details
  fx_currency        TEXT,                  -- the instructed amount when it was in another currency
  fx_minor           INTEGER,
  fx_rate            TEXT,
  charges_minor      INTEGER,               -- bank charges on the entry, entry currency
  line               INTEGER NOT NULL
);

-- Payout -> deposit pairs of the latest reconcile run (one row per payout row x bank entry of a group).
CREATE TABLE recon_deposit_matches (
  run_id        INTEGER NOT NULL,
  group_no      INTEGER NOT NULL,
  psp_tx_id     INTEGER NOT NULL,
  bank_entry_id INTEGER NOT NULL,
  rule          TEXT    NOT NULL            -- payout_ref, amount
);

-- The bank entry a payout/deposit discrepancy names (JSON DiscrepancySide), next to psp and ledger.
ALTER TABLE discrepancies ADD COLUMN bank TEXT;
