-- Outgoing webhooks (issue #10): receivers of a workspace's history events.
-- The history is the outbox: each webhook keeps a cursor, `cursor_seq`, the
-- last history event it has taken (delivered, being delivered, given up or
-- not matching its filter). The secret is never stored: it is derived from
-- the history key (kept outside the database) and `secret_salt`; a new salt
-- is a new secret. `retry_at` is set while a delivery waits for its next
-- attempt (the webhook takes no later event before it ends), so the worker
-- finds due webhooks in one read. `lease_owner`/`lease_until`: the replica
-- working on the webhook; another takes it over only once the lease ran out.
CREATE TABLE webhooks (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url               TEXT NOT NULL,
    events            TEXT NOT NULL,
    enabled           BOOLEAN NOT NULL,
    secret_salt       TEXT NOT NULL,
    cursor_seq        BIGINT NOT NULL,
    retry_at          TEXT,
    lease_owner       TEXT,
    lease_until       TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    secret_rotated_at TEXT NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, created_at);

-- One delivery per webhook and event, in the order of the history; at most
-- one is pending per webhook.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq       BIGINT NOT NULL,
    event_id        TEXT NOT NULL,
    action          TEXT NOT NULL,
    record_type     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    last_attempt_at TEXT,
    last_status     BIGINT,
    last_error      TEXT NOT NULL,
    next_attempt_at TEXT,
    finished_at     TEXT,
    UNIQUE (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, event_seq)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at);

-- Every attempt, written before the request is sent: the primary key lets
-- only one replica make attempt n of a delivery.
CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    number      BIGINT NOT NULL,
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      BIGINT,
    error       TEXT NOT NULL,
    PRIMARY KEY (delivery_id, number)
);
