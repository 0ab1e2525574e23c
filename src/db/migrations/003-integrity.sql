-- Integrity monitoring: signed baselines, their entries, and the signed history of scans.
-- Every row carries an HMAC-SHA-256 (mac) under the operator's key; see src/checksums/signing.ts.
-- Entry columns follow the attribute table in src/checksums/attributes.ts (a test holds them equal).

CREATE TABLE baselines (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  spec           TEXT    NOT NULL,          -- JSON: profile, roots, excludes, sha512 (what is watched)
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL,
  generation     INTEGER NOT NULL,          -- 1 at init, +1 per `baseline update`
  entry_count    INTEGER NOT NULL,
  entries_digest TEXT    NOT NULL,          -- SHA-256 over the entry MACs in path order
  key_id         TEXT    NOT NULL,          -- fingerprint of the signing key (not the key)
  last_scan_id   INTEGER,                   -- head of the scan chain, so deleting scans is caught
  last_scan_mac  TEXT,
  mac            TEXT    NOT NULL
);

CREATE TABLE baseline_entries (
  baseline_id INTEGER NOT NULL REFERENCES baselines (id),
  path        TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  mode        INTEGER NOT NULL,
  uid         INTEGER NOT NULL,
  gid         INTEGER NOT NULL,
  inode       INTEGER NOT NULL,
  nlink       INTEGER NOT NULL,
  mtime_ns    INTEGER NOT NULL,
  ctime_ns    INTEGER NOT NULL,
  link_target TEXT,
  sha256      TEXT,                         -- null: not a regular file, or unreadable at baseline time
  sha512      TEXT,
  mac         TEXT    NOT NULL,
  PRIMARY KEY (baseline_id, path)
) WITHOUT ROWID;

CREATE TABLE scans (
  id              INTEGER PRIMARY KEY,
  baseline_id     INTEGER NOT NULL REFERENCES baselines (id),
  generation      INTEGER NOT NULL,         -- the baseline generation compared against
  started_at      TEXT    NOT NULL,
  finished_at     TEXT    NOT NULL,
  fail_on         TEXT,                     -- JSON array of kinds, null = default
  exit_code       INTEGER NOT NULL,
  counts          TEXT    NOT NULL,         -- JSON: files, added, removed, changed, unreadable
  finding_count   INTEGER NOT NULL,
  findings_digest TEXT    NOT NULL,
  prev_mac        TEXT,                     -- the previous scan of this baseline: a chain
  mac             TEXT    NOT NULL
);
CREATE INDEX scans_by_baseline ON scans (baseline_id, id);

CREATE TABLE scan_findings (
  scan_id         INTEGER NOT NULL REFERENCES scans (id),
  seq             INTEGER NOT NULL,
  path            TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  attributes      TEXT,                     -- JSON array of attribute names (changed)
  severity        TEXT    NOT NULL,
  reason          TEXT,
  first_seen_scan INTEGER NOT NULL,
  mac             TEXT    NOT NULL,
  PRIMARY KEY (scan_id, seq)
) WITHOUT ROWID;
