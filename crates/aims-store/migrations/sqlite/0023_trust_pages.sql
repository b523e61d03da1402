-- The public trust page (issue #12): opt-in per workspace. It shows the
-- certification status, the approved scope statement, the published
-- documents classified public, and a contact form that lands as a concern.
CREATE TABLE trust_pages (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    enabled      BOOLEAN NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);

-- Public submissions are counted per form: a flood of the trust page's
-- contact form never uses up the anonymous reporting link's day.
ALTER TABLE intake_submissions ADD COLUMN source TEXT NOT NULL DEFAULT 'anonymous';
