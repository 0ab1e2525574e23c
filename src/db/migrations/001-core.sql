-- Imports, normalised transactions, rejected rows and the audit log.

CREATE TABLE imports (
  id            INTEGER PRIMARY KEY,
  side          TEXT    NOT NULL CHECK (side IN ('psp', 'ledger')),
  path          TEXT    NOT NULL,           -- as given on the command line, resolved to absolute
  file_name     TEXT    NOT NULL,
  size          INTEGER NOT NULL,
  sha256        TEXT    NOT NULL,           -- of the file's bytes: the idempotency key
  format        TEXT    NOT NULL,           -- importer name: stripe, adyen, paypal, checkout, ledger, mapping
  source        TEXT    NOT NULL,
  header        TEXT,                       -- JSON array: the column header the rows' raw fields follow
  rows_total    INTEGER NOT NULL DEFAULT 0,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_skipped  INTEGER NOT NULL DEFAULT 0, -- identical restatements of rows already imported
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  imported_at   TEXT    NOT NULL,
  UNIQUE (side, sha256)
);

CREATE TABLE transactions (
  id                  INTEGER PRIMARY KEY,
  import_id           INTEGER NOT NULL REFERENCES imports (id),
  side                TEXT    NOT NULL CHECK (side IN ('psp', 'ledger')),
  source              TEXT    NOT NULL,
  external_id         TEXT    NOT NULL,
  reference           TEXT,
  psp_reference       TEXT,
  type                TEXT    NOT NULL,
  currency            TEXT    NOT NULL,
  amount_minor        INTEGER NOT NULL,
  fee_minor           INTEGER,
  net_minor           INTEGER,
  settlement_currency TEXT,
  exchange_rate       TEXT,
  booked_at           TEXT    NOT NULL,     -- UTC, ISO-8601 with Z
  payout_id           TEXT,
  description         TEXT,
  line                INTEGER NOT NULL,
  raw                 TEXT    NOT NULL      -- JSON array of the record's fields as in the file
);
CREATE UNIQUE INDEX transactions_identity ON transactions (side, source, external_id);

-- Every identifier of a PSP row the ledger may have recorded (primary id and aliases).
CREATE TABLE transaction_ids (
  ident TEXT    NOT NULL,
  tx_id INTEGER NOT NULL REFERENCES transactions (id),
  PRIMARY KEY (ident, tx_id)
) WITHOUT ROWID;

CREATE TABLE rejects (
  id        INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports (id),
  side      TEXT    NOT NULL,
  source    TEXT    NOT NULL,
  file      TEXT    NOT NULL,
  line      INTEGER NOT NULL,
  col       TEXT,
  reason    TEXT    NOT NULL,
  raw       TEXT    NOT NULL                -- JSON array of the record's fields
);

CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
