-- A night's reconcile reads that night's rows, not the history (docs/benchmarks.md, "Nightly
-- cost"). Indexes for what a windowed run selects:
--   transactions_window  the rows of the window (and the ledger window widened by --date-window),
--                        by side: each import appends to its own side's dates instead of
--                        interleaving with the other side's (measured: far fewer pages touched)
--   transactions_psp_ref the ledger entries booked outside the window that name a PSP row in it
--   transactions_payout  the rows of the batches the window's payout rows pay out
--   transaction_ids_tx   the aliases of one PSP row (the reverse of the primary key)
-- A run without --from/--to still scans the table once (src/reconcile/rows.ts says why).
CREATE INDEX transactions_window ON transactions (side, booked_at);
CREATE INDEX transactions_psp_ref ON transactions (psp_reference) WHERE psp_reference IS NOT NULL;
CREATE INDEX transactions_payout ON transactions (payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX transaction_ids_tx ON transaction_ids (tx_id);
