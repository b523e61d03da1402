-- Anonymous reporting (issue #10): one public link per workspace, known by
-- the SHA-256 of its secret only; rotating replaces it, disabling turns it
-- off. Submissions are counted for rate limits under a keyed hash of the
-- sender's address (never the address) and forgotten after a day.
CREATE TABLE intake_links (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    enabled      BOOLEAN NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE TABLE intake_submissions (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    sender       TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX intake_submissions_by_time ON intake_submissions (workspace_id, at);
