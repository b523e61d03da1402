-- Statement of Applicability (issue #9): one row per version of a
-- workspace's SoA, with the columns of impact_assessments (the store's
-- versioned documents share their queries). A draft is edited in place; an
-- approved version never changes again (the trigger refuses it).
CREATE TABLE soa_versions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    subject_id   TEXT NOT NULL,
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
    UNIQUE (workspace_id, subject_id, number)
);
CREATE FUNCTION soa_versions_approved_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'approved' THEN
        RAISE EXCEPTION 'approved statements of applicability are immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER soa_versions_approved_immutable BEFORE UPDATE ON soa_versions
FOR EACH ROW EXECUTE FUNCTION soa_versions_approved_immutable();

-- Evidence files: each upload is a new version of an evidence item (a
-- record of kind `evidence`); the content is a blob named by its SHA-256,
-- stored once however many versions share it. Versions are never updated.
CREATE TABLE evidence_files (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    evidence_id  TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    source       TEXT NOT NULL,
    ci           TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (evidence_id, number)
);
CREATE INDEX evidence_files_by_blob ON evidence_files (sha256);
CREATE FUNCTION evidence_files_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'evidence files are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_files_immutable BEFORE UPDATE ON evidence_files
FOR EACH ROW EXECUTE FUNCTION evidence_files_immutable();
