-- The public trust page (issue #12): opt-in per workspace. It shows the
-- certification status, the approved scope statement, the published
-- documents classified public, and a contact form that lands as a concern.
CREATE TABLE trust_pages (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    enabled      BOOLEAN NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);
