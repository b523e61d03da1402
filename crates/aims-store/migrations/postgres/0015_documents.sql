-- The document library (issue #10): each document is a record of kind
-- `document`; its text lives in versions with the columns every versioned
-- document shares. A draft is edited in place; once approved, a version's
-- text never changes (the trigger refuses it) — it only moves on to
-- published, superseded or retired.
CREATE TABLE document_versions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    subject_id   TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
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
CREATE FUNCTION document_versions_text_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.state IN ('approved', 'published', 'superseded', 'retired')
       AND (NEW.body <> OLD.body OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
            OR NEW.approved_by IS DISTINCT FROM OLD.approved_by OR NEW.number <> OLD.number
            OR NEW.state IN ('draft', 'in_review')) THEN
        RAISE EXCEPTION 'an approved document version is immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER document_versions_text_immutable BEFORE UPDATE ON document_versions
FOR EACH ROW EXECUTE FUNCTION document_versions_text_immutable();

-- A member's acknowledgement that they read a published version.
CREATE TABLE document_acks (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    document_id  TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    user_id      TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (document_id, number, user_id)
);
CREATE INDEX document_acks_user ON document_acks (workspace_id, user_id);
