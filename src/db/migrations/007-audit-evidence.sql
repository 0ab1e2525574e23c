-- The audit log as evidence (src/checksums/audit-chain.ts). Entries written with a key carry
-- its id and an HMAC of their chain hash; entries of older databases keep key_id NULL and
-- verify as before. The head record holds the entry count and newest hash (signed when keyed),
-- so deleting the newest entries is found; it is seeded here from the log as it stands.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_log ADD COLUMN mac TEXT;

CREATE TABLE audit_head (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  entries INTEGER NOT NULL,
  hash    TEXT    NOT NULL,
  key_id  TEXT,
  mac     TEXT
);

INSERT INTO audit_head (id, entries, hash, key_id, mac)
SELECT 1, (SELECT count(*) FROM audit_log), hash, NULL, NULL FROM audit_log ORDER BY id DESC LIMIT 1;
