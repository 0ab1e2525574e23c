-- transaction_ids in the order of its rows: primary key (tx_id, ident), the lookup by
-- identifier through transaction_ids_ident (ident, tx_id), which replaces transaction_ids_tx
-- (the primary key now serves "the aliases of one row").
-- Why: an import stores a file's aliases in the order of its rows, so with the key in row order
-- a bulk load appends them at the end of the table instead of sorting them through a temporary
-- table first, and their foreign-key checks read transactions in id order instead of at random
-- (1M PayPal rows: the sorted move cost 6.85 s, 4.5 s of it in those lookups;
-- docs/benchmarks/import.md, "Session 8").
CREATE TABLE transaction_ids_017 (
  ident TEXT    NOT NULL,
  tx_id INTEGER NOT NULL REFERENCES transactions (id),
  PRIMARY KEY (tx_id, ident)
) WITHOUT ROWID;
INSERT INTO transaction_ids_017 (ident, tx_id) SELECT ident, tx_id FROM transaction_ids ORDER BY tx_id, ident;
DROP TABLE transaction_ids;
ALTER TABLE transaction_ids_017 RENAME TO transaction_ids;
CREATE INDEX transaction_ids_ident ON transaction_ids (ident, tx_id);
