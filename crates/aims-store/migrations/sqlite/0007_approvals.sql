-- Approved versions of approvable records (scope statements now; the SoA and
-- documents later): a snapshot of the fields as approved, numbered per
-- record. A snapshot never changes; editing the record starts a new draft.
CREATE TABLE record_approvals (
    id             TEXT PRIMARY KEY,
    record_id      TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    workspace_id   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    number         BIGINT NOT NULL,
    record_version BIGINT NOT NULL,
    fields         TEXT NOT NULL,
    approved_at    TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    note           TEXT NOT NULL,
    UNIQUE (record_id, number)
);
CREATE TRIGGER record_approvals_immutable BEFORE UPDATE ON record_approvals
BEGIN
    SELECT RAISE(ABORT, 'approved versions are immutable');
END;

-- The life-cycle stage a system was classified in, so a later change of
-- stage flags the classification for review (unknown for older ones).
ALTER TABLE ai_system_classifications ADD COLUMN lifecycle_stage TEXT;
