-- Journals (issue #10): dated entries kept beside a record — an incident's
-- timeline and the communications sent about it, each sending of a
-- communication. An entry is never edited (the trigger refuses it); it
-- goes only with its record.
CREATE TABLE record_entries (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    record_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    entry_type   TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    body         TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX record_entries_by_record ON record_entries (record_id, occurred_at);
CREATE FUNCTION record_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a journal entry is never edited';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER record_entries_append_only BEFORE UPDATE ON record_entries
FOR EACH ROW EXECUTE FUNCTION record_entries_append_only();

-- Supplier due-diligence questionnaires (issue #10, A.10.3): the questions
-- sent, the private answer link (its SHA-256 only, cleared once answered),
-- and the answers, kept as given (the trigger refuses to change them).
CREATE TABLE supplier_questionnaires (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    supplier_id  TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    template     TEXT NOT NULL,
    questions    TEXT NOT NULL,
    sent_to      TEXT NOT NULL,
    sent_on      TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    token_hash   TEXT UNIQUE,
    state        TEXT NOT NULL,
    answers      TEXT,
    answered_at  TEXT,
    answered_by  TEXT,
    reviewed_at  TEXT,
    reviewed_by  TEXT,
    conclusion   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    owner_id     TEXT
);
CREATE INDEX supplier_questionnaires_by_supplier ON supplier_questionnaires (supplier_id, sent_on);
CREATE FUNCTION supplier_questionnaires_answers_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.answers IS NOT NULL AND (NEW.answers IS DISTINCT FROM OLD.answers OR NEW.questions <> OLD.questions) THEN
        RAISE EXCEPTION 'answers to a questionnaire are kept as given';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supplier_questionnaires_answers_kept BEFORE UPDATE ON supplier_questionnaires
FOR EACH ROW EXECUTE FUNCTION supplier_questionnaires_answers_kept();
