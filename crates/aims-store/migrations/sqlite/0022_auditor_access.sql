-- Auditor access (issue #12): a membership may end on a day (an external
-- auditor's, say), after which the workspace is "not found" to them; an
-- invitation is a private link, kept as its SHA-256, that lets the invited
-- person choose a password and join with the role and end day given; every
-- page an auditor opens and every file they download is logged for managers.
ALTER TABLE memberships ADD COLUMN expires_on TEXT;

CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    expires_on    TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    accepted_at   TEXT
);
CREATE INDEX invitations_by_workspace ON invitations (workspace_id, created_at);

CREATE TABLE access_log (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor        TEXT NOT NULL,
    actor_label  TEXT NOT NULL,
    at           TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL
);
CREATE INDEX access_log_by_workspace ON access_log (workspace_id, at);
