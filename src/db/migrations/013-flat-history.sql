-- Scan history that stays flat (a year of five-minute scans is ~100,000 scans) and baselines
-- that a verify-only host checks with an Ed25519 public key. See docs/integrity.md.

-- 1: the scan's findings are rows of scan_findings (how scans were stored before this
-- migration); 2: the scan stores only what changed (scan_changes) and signs a digest of the
-- findings open after it. A baseline's format-1 scans are rewritten as format 2 (verified
-- first, then signed again) the next time payrecon writes its history with the key: SQL holds
-- no key, so this migration cannot sign.
ALTER TABLE scans ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE scans ADD COLUMN change_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN changes_digest TEXT;

-- A finding opens (first seen), or closes (gone). A finding whose description changes closes
-- and a new one opens, in the same scan.
CREATE TABLE scan_changes (
  scan_id         INTEGER NOT NULL REFERENCES scans (id),
  seq             INTEGER NOT NULL,
  op              TEXT    NOT NULL CHECK (op IN ('open', 'close')),
  path            TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  attributes      TEXT,
  severity        TEXT    NOT NULL,
  reason          TEXT,
  first_seen_scan INTEGER NOT NULL,
  mac             TEXT    NOT NULL,
  PRIMARY KEY (scan_id, seq)
) WITHOUT ROWID;

-- The findings open after a baseline's newest scan, in the scan's order: what the next scan
-- compares with and what reports show. The newest scan signs a digest of exactly these rows.
CREATE TABLE open_findings (
  baseline_id     INTEGER NOT NULL REFERENCES baselines (id),
  seq             INTEGER NOT NULL,
  path            TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  attributes      TEXT,
  severity        TEXT    NOT NULL,
  reason          TEXT,
  first_seen_scan INTEGER NOT NULL,
  PRIMARY KEY (baseline_id, seq)
) WITHOUT ROWID;

-- Signed checkpoints of a baseline's scan chain (every 100 scans, and at each prune): a scan
-- verifies the history from the newest checkpoint on; `scan --verify-history` and `audit
-- verify` walk all of it. Checkpoints chain to each other (prev_mac). `pruned_before`: the
-- scans of this baseline with a smaller id were dropped by `baseline prune` (null: none).
CREATE TABLE scan_checkpoints (
  id            INTEGER PRIMARY KEY,
  baseline_id   INTEGER NOT NULL REFERENCES baselines (id),
  scan_id       INTEGER NOT NULL,          -- the scan the checkpoint vouches for
  scan_mac      TEXT    NOT NULL,          -- its MAC: the next scan's prev_mac
  created_at    TEXT    NOT NULL,
  pruned_before INTEGER,
  scans_dropped INTEGER NOT NULL DEFAULT 0,
  prev_mac      TEXT,
  mac           TEXT    NOT NULL
);
CREATE INDEX scan_checkpoints_by_baseline ON scan_checkpoints (baseline_id, id);

-- The newest checkpoint, held by the baseline record (like its newest scan), so deleting it is
-- caught. `head_mac` seals the history pointers of an Ed25519 baseline, whose record a
-- verify-only host cannot sign again (null for HMAC baselines: their record MAC covers them).
ALTER TABLE baselines ADD COLUMN checkpoint_id INTEGER;
ALTER TABLE baselines ADD COLUMN checkpoint_mac TEXT;
ALTER TABLE baselines ADD COLUMN head_mac TEXT;
