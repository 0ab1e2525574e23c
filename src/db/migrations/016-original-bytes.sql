-- Each imported file's original bytes are kept once, compressed, in blocks that start where a
-- record starts (import_blocks); a row finds its original record by its import and line
-- (src/db/original-bytes.ts). Before, every row carried its fields again as a JSON array in
-- `raw`: that was 40% of the store and a fifth of a million-row import's CPU
-- (docs/benchmarks/import.md). Rows imported before this migration keep their `raw`; rows
-- imported after it have none, so `raw` may be NULL.
--
-- SQLite cannot drop a NOT NULL constraint in place: both tables are rebuilt with the same
-- rows, ids and indexes. transaction_ids is the only table with a foreign key to transactions;
-- it is rebuilt too, and dropped first, so no row is ever left without its parent.
CREATE TABLE transactions_016 (
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
  line                INTEGER NOT NULL,     -- where the record starts in the file of import_id
  raw                 TEXT                  -- rows imported before migration 016: JSON array of the record's fields
);
INSERT INTO transactions_016 SELECT * FROM transactions;

CREATE TABLE transaction_ids_016 (
  ident TEXT    NOT NULL,
  tx_id INTEGER NOT NULL REFERENCES transactions_016 (id),
  PRIMARY KEY (ident, tx_id)
) WITHOUT ROWID;
INSERT INTO transaction_ids_016 SELECT ident, tx_id FROM transaction_ids;

DROP TABLE transaction_ids;
DROP TABLE transactions;
ALTER TABLE transactions_016 RENAME TO transactions;
ALTER TABLE transaction_ids_016 RENAME TO transaction_ids;

CREATE UNIQUE INDEX transactions_identity ON transactions (external_id, side, source);
CREATE INDEX transactions_window ON transactions (side, booked_at);
CREATE INDEX transactions_psp_ref ON transactions (psp_reference) WHERE psp_reference IS NOT NULL;
CREATE INDEX transactions_payout ON transactions (payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX transaction_ids_tx ON transaction_ids (tx_id);

-- The delimiter the file was read with (a mapping may say ';'), so its blocks read back alike.
ALTER TABLE imports ADD COLUMN delimiter TEXT NOT NULL DEFAULT ',';

-- A block: the file's bytes from byte_offset to the next block's, deflated (zlib raw
-- deflate). A block starts where the record on first_line starts, or (first_line NULL) inside
-- a record longer than a block. The first starts at byte 0 (BOM and header included), so the
-- blocks of an import, in order, are the file.
CREATE TABLE import_blocks (
  import_id   INTEGER NOT NULL REFERENCES imports (id),
  byte_offset INTEGER NOT NULL,
  first_line  INTEGER,
  size        INTEGER NOT NULL,             -- bytes before compression
  data        BLOB    NOT NULL,
  PRIMARY KEY (import_id, byte_offset)
);
