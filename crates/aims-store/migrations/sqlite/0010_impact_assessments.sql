-- AI system impact assessments (issue #8): one row per version of a system's
-- assessment. A draft is edited in place (its revision counts the edits); an
-- approved version never changes again (the trigger refuses it), so editing
-- it starts the next version. `facts` keeps the system's purpose, life-cycle
-- stage and EU AI Act tier as they were when the version was last written, so
-- a later change flags the system for re-assessment.
CREATE TABLE impact_assessments (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    system_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    state        TEXT NOT NULL,
    body         TEXT NOT NULL,
    facts        TEXT NOT NULL,
    revision     BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by TEXT,
    approved_at  TEXT,
    approved_by  TEXT,
    note         TEXT NOT NULL,
    UNIQUE (workspace_id, system_id, number)
);
CREATE TRIGGER impact_assessments_approved_immutable BEFORE UPDATE ON impact_assessments
WHEN OLD.state = 'approved'
BEGIN
    SELECT RAISE(ABORT, 'approved impact assessments are immutable');
END;
