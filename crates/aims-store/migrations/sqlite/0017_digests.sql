-- The daily e-mail digest (issue #10). `digest_runs`: one row per day claims
-- that day's digest for one replica (`worker`) until `lease_until`, renewed
-- with every message; another replica takes over an unfinished day only once
-- the lease ran out. `digest_messages`: one row per member and day, written
-- before the message is sent (its primary key lets only one replica send
-- it), then marked sent or failed — the log administrators read.
-- `digest_opt_outs`: members who switched the digest off.
CREATE TABLE digest_runs (
    day         TEXT PRIMARY KEY,
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    sent        BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE digest_messages (
    day         TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    workspaces  BIGINT NOT NULL,
    items       BIGINT NOT NULL,
    overdue     BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    error       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (day, user_id)
);

CREATE TABLE digest_opt_outs (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    since   TEXT NOT NULL
);
