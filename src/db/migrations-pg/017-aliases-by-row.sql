-- src/db/migrations/017-aliases-by-row.sql on a server: transaction_ids keyed in the order of
-- its rows, found by identifier through transaction_ids_ident.
ALTER TABLE transaction_ids DROP CONSTRAINT transaction_ids_pkey;
ALTER TABLE transaction_ids ADD PRIMARY KEY (tx_id, ident);
DROP INDEX transaction_ids_tx;
CREATE INDEX transaction_ids_ident ON transaction_ids (ident, tx_id);
