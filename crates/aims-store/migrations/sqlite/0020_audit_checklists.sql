-- Internal audit checklists (issue #11): one row per clause requirement or
-- control an audit checks, generated from the catalogue and the Statement
-- of Applicability, with the result on the finding scale, the objective
-- evidence, the evidence sampled (and the seed that draws the same sample
-- again) and the finding a result became.
CREATE TABLE audit_items (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    audit_id     TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    reference    TEXT NOT NULL,
    title        TEXT NOT NULL,
    item_kind    TEXT NOT NULL,
    result       TEXT NOT NULL,
    notes        TEXT NOT NULL,
    sample       TEXT NOT NULL,
    seed         TEXT NOT NULL,
    finding_id   TEXT,
    updated_at   TEXT,
    updated_by   TEXT,
    UNIQUE (audit_id, reference)
);
CREATE INDEX audit_items_by_workspace ON audit_items (workspace_id, reference);
