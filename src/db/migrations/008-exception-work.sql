-- Exception work (issue 11): proposals a person confirms, manual matches, write-offs with
-- reason codes, owners and per-item versions for bulk and spreadsheet triage.

-- The status CHECK gains written_off, and items gain the workflow columns. SQLite cannot
-- alter a CHECK constraint, so the table is rebuilt (nothing references it by foreign key).
CREATE TABLE discrepancies_new (
  id               INTEGER PRIMARY KEY,
  fingerprint      TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  severity         TEXT    NOT NULL,
  reason           TEXT    NOT NULL,
  currency         TEXT,
  reference        TEXT,
  psp              TEXT,
  ledger           TEXT,
  difference       TEXT,
  difference_minor INTEGER,
  scope_date       TEXT,
  reject_id        INTEGER,
  status           TEXT    NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'acknowledged', 'resolved', 'written_off', 'closed')),
  note             TEXT,
  resolved_by      TEXT,
  resolved_at      TEXT,
  first_seen_run   INTEGER NOT NULL REFERENCES recon_runs (id),
  first_seen_at    TEXT    NOT NULL,
  last_seen_run    INTEGER NOT NULL,
  closed_run       INTEGER,
  closed_at        TEXT,
  reason_code      TEXT,                     -- written_off: a reason_codes code
  assignee         TEXT,                     -- who owns the item (discrepancies --assignee)
  closed_by_match  INTEGER,                  -- closed because manual match N explains it
  version          INTEGER NOT NULL DEFAULT 1 -- +1 on every change: a spreadsheet row knows if it is stale
);
INSERT INTO discrepancies_new (id, fingerprint, kind, severity, reason, currency, reference, psp, ledger, difference,
  difference_minor, scope_date, reject_id, status, note, resolved_by, resolved_at, first_seen_run, first_seen_at,
  last_seen_run, closed_run, closed_at)
SELECT id, fingerprint, kind, severity, reason, currency, reference, psp, ledger, difference,
  difference_minor, scope_date, reject_id, status, note, resolved_by, resolved_at, first_seen_run, first_seen_at,
  last_seen_run, closed_run, closed_at
FROM discrepancies;
DROP TABLE discrepancies;
ALTER TABLE discrepancies_new RENAME TO discrepancies;
CREATE UNIQUE INDEX discrepancies_live ON discrepancies (fingerprint) WHERE status <> 'closed';
CREATE INDEX discrepancies_status ON discrepancies (status, kind);

-- Pairings a person made or confirmed. The engine pairs these rows first on every run and
-- never re-pairs them automatically, until the match is undone (undone_at set).
CREATE TABLE manual_matches (
  id         INTEGER PRIMARY KEY,
  origin     TEXT NOT NULL CHECK (origin IN ('manual', 'proposal')),
  currency   TEXT NOT NULL,
  note       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  undone_by  TEXT,
  undone_at  TEXT,
  undo_note  TEXT
);
-- Rows by identity (side, source, external id), never store id: re-imports do not matter.
CREATE TABLE manual_match_rows (
  match_id    INTEGER NOT NULL REFERENCES manual_matches (id),
  side        TEXT    NOT NULL CHECK (side IN ('psp', 'ledger')),
  source      TEXT    NOT NULL,
  external_id TEXT    NOT NULL,
  live        INTEGER NOT NULL DEFAULT 1,    -- 0 once the match is undone
  PRIMARY KEY (match_id, side, source, external_id)
) WITHOUT ROWID;
-- A row is in at most one live match.
CREATE UNIQUE INDEX manual_match_rows_live ON manual_match_rows (side, source, external_id) WHERE live = 1;

-- Pairings a stage below --auto-confirm suggested. One row per pair of rows, kept across runs
-- (the same pair keeps its id); rejected pairs are never proposed again.
CREATE TABLE proposals (
  id                    INTEGER PRIMARY KEY,
  psp_source            TEXT    NOT NULL,
  psp_external_id       TEXT    NOT NULL,
  ledger_source         TEXT    NOT NULL,
  ledger_external_id    TEXT    NOT NULL,
  rule                  TEXT    NOT NULL,
  confidence            INTEGER NOT NULL,
  status                TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'gone')),
  psp_discrepancy_id    INTEGER,             -- the missing_in_ledger item of the PSP row
  ledger_discrepancy_id INTEGER,             -- the missing_in_psp item of the ledger entry
  first_run             INTEGER NOT NULL,
  last_run              INTEGER NOT NULL,
  decided_by            TEXT,
  decided_at            TEXT,
  note                  TEXT,
  match_id              INTEGER              -- accepted: the manual match it became
);
CREATE UNIQUE INDEX proposals_pair ON proposals (psp_source, psp_external_id, ledger_source, ledger_external_id);
CREATE INDEX proposals_status ON proposals (status);
-- An item's open proposal, looked up as each item is listed.
CREATE INDEX proposals_psp_item ON proposals (psp_discrepancy_id) WHERE status = 'open';
CREATE INDEX proposals_ledger_item ON proposals (ledger_discrepancy_id) WHERE status = 'open';

-- Write-off reasons a team defines; a few common ones to start with.
CREATE TABLE reason_codes (
  code        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO reason_codes (code, description, created_by, created_at) VALUES
  ('fx_rounding', 'rounding difference from currency conversion', 'payrecon', '1970-01-01T00:00:00.000Z'),
  ('psp_fee_adjustment', 'fee charged or refunded by the PSP after settlement', 'payrecon', '1970-01-01T00:00:00.000Z'),
  ('bank_charge', 'charge deducted by a bank on the way', 'payrecon', '1970-01-01T00:00:00.000Z'),
  ('duplicate_refund', 'refund issued twice, recovered outside the ledger', 'payrecon', '1970-01-01T00:00:00.000Z'),
  ('test_transaction', 'test payment that never belonged in the books', 'payrecon', '1970-01-01T00:00:00.000Z');
