-- A PSP row's own identifier is found through the identity index, so transaction_ids keeps only
-- its aliases (other identifiers the ledger may have recorded, e.g. Stripe's source_id).
-- Why: on a million-row Stripe import maintaining two transaction_ids entries per row was a
-- quarter of the insert work; the identity index is written anyway. Leading it with
-- external_id lets reconcile's exact-id stage look a reference up in it directly. The same
-- columns, so the same uniqueness (ON CONFLICT (side, source, external_id) still names it).
DROP INDEX transactions_identity;
CREATE UNIQUE INDEX transactions_identity ON transactions (external_id, side, source);

DELETE FROM transaction_ids
WHERE ident = (SELECT t.external_id FROM transactions t WHERE t.id = transaction_ids.tx_id);
