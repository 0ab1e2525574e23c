-- A run's matched total per currency is exact at any size: past 64 bits amount_minor cannot
-- hold it (SQLite would store a rounded float), so the decimal text of the minor units is kept
-- in amount_text, and amount_minor holds 0. Readers take amount_text when it is set.
ALTER TABLE recon_run_totals ADD COLUMN amount_text TEXT;
