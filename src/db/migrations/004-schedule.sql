-- The scheduler's alert outbox and the memory of what was already alerted.

-- One row per alert. `id` is the delivery id: the same on every retry and after restarts, so
-- a receiver can deduplicate. `body` holds the exact bytes sent (the signature covers them).
CREATE TABLE schedule_alerts (
  id         TEXT PRIMARY KEY,
  job        TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body       TEXT NOT NULL
);

-- One row per alert and sink, until delivered (or refused for good by the receiver).
-- `sink` is the sink's stable key (type + url/path/argv), so a restart finds its own rows.
CREATE TABLE schedule_outbox (
  alert_id        TEXT    NOT NULL REFERENCES schedule_alerts (id),
  sink            TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,        -- epoch milliseconds
  last_error      TEXT,
  delivered_at    TEXT,
  PRIMARY KEY (alert_id, sink)
);
CREATE INDEX schedule_outbox_due ON schedule_outbox (sink, status, next_attempt_at);

-- Fingerprints of the findings (and the failure) a job last alerted about. A finding that
-- persists unchanged is not alerted again; one that disappears is forgotten, so its return
-- (or any change to it, which changes the fingerprint) is alerted as new.
CREATE TABLE schedule_alerted (
  job              TEXT NOT NULL,
  fingerprint      TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('finding', 'failure')),
  alert_id         TEXT NOT NULL,
  first_alerted_at TEXT NOT NULL,
  PRIMARY KEY (job, fingerprint)
) WITHOUT ROWID;
