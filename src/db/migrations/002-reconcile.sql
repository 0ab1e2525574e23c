-- Reconcile runs, the pairs they matched, and discrepancies that live across runs.

CREATE TABLE recon_runs (
  id                INTEGER PRIMARY KEY,
  started_at        TEXT    NOT NULL,
  finished_at       TEXT    NOT NULL,
  actor             TEXT    NOT NULL,
  window_from       TEXT,                    -- YYYY-MM-DD of PSP rows in scope, NULL = open
  window_to         TEXT,
  amount_tolerance  TEXT    NOT NULL,        -- exact decimal text, major units
  date_window       INTEGER NOT NULL,        -- days
  fail_on           TEXT,                    -- JSON array of kinds, NULL = all kinds
  exit_code         INTEGER NOT NULL,
  psp_count         INTEGER NOT NULL,
  ledger_count      INTEGER NOT NULL,
  matched_count     INTEGER NOT NULL,
  discrepancy_count INTEGER NOT NULL
);

-- Clean matches per run and currency: the report headline, kept for every run.
CREATE TABLE recon_run_totals (
  run_id       INTEGER NOT NULL REFERENCES recon_runs (id),
  currency     TEXT    NOT NULL,
  matched      INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,             -- sum of the PSP gross of the matched rows
  PRIMARY KEY (run_id, currency)
) WITHOUT ROWID;

-- The pairs of the latest run (a million a night would otherwise pile up; totals stay above).
-- One row per (PSP row, ledger row) edge; a split booking has several rows with one group_no.
CREATE TABLE recon_matches (
  run_id       INTEGER NOT NULL,
  psp_tx_id    INTEGER NOT NULL,
  ledger_tx_id INTEGER NOT NULL,
  rule         TEXT    NOT NULL,             -- id, reference, split, amount_date, payout
  group_no     INTEGER
);

CREATE TABLE discrepancies (
  id               INTEGER PRIMARY KEY,
  fingerprint      TEXT    NOT NULL,         -- kind + identities + what differs: identity across runs
  kind             TEXT    NOT NULL,
  severity         TEXT    NOT NULL,
  reason           TEXT    NOT NULL,
  currency         TEXT,
  reference        TEXT,
  psp              TEXT,                     -- JSON DiscrepancySide or NULL
  ledger           TEXT,                     -- JSON DiscrepancySide or NULL
  difference       TEXT,                     -- PSP minus ledger, decimal string
  difference_minor INTEGER,                  -- the same in minor units, for ordering
  scope_date       TEXT,                     -- YYYY-MM-DD deciding whether a windowed run covers it
  reject_id        INTEGER,                  -- rejected_row: the rejects row
  status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved', 'closed')),
  note             TEXT,
  resolved_by      TEXT,
  resolved_at      TEXT,
  first_seen_run   INTEGER NOT NULL REFERENCES recon_runs (id),
  first_seen_at    TEXT    NOT NULL,
  last_seen_run    INTEGER NOT NULL,
  closed_run       INTEGER,
  closed_at        TEXT
);
-- A cause is live at most once; a closed item that comes back is a new discrepancy.
CREATE UNIQUE INDEX discrepancies_live ON discrepancies (fingerprint) WHERE status <> 'closed';
CREATE INDEX discrepancies_status ON discrepancies (status, kind);

-- Which discrepancies a run saw, with the status they had then (so its document can be reprinted).
CREATE TABLE recon_run_discrepancies (
  run_id         INTEGER NOT NULL,
  discrepancy_id INTEGER NOT NULL,
  status_at_run  TEXT    NOT NULL,
  PRIMARY KEY (run_id, discrepancy_id)
) WITHOUT ROWID;

-- Resolving a rejected_row discrepancy resolves the reject itself (it stops setting bit 8).
ALTER TABLE rejects ADD COLUMN resolved_at TEXT;
ALTER TABLE rejects ADD COLUMN resolved_by TEXT;
ALTER TABLE rejects ADD COLUMN resolution_note TEXT;

-- No extra index on transactions: it would slow every bulk import; candidate generation uses
-- transaction_ids' primary key and indexes temporary tables of what is left after each stage.
