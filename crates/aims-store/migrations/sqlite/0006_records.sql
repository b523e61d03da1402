-- One table for every kind of record (the record path): the kind's fields as
-- a JSON object, plus what lists need indexed — the title, the folded search
-- text, the owner. Choice, yes/no and owner values are indexed in
-- record_facets (one row per value) so any kind filters the same way; dated
-- duties (next review, due, expiry) of every kind sit in record_duties so work
-- lists and readiness query them at once; links join two records of one
-- workspace under a named relation.
CREATE TABLE records (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    owner_id     TEXT,
    fields       TEXT NOT NULL,
    version      BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE INDEX records_by_id ON records (workspace_id, kind, id);
CREATE INDEX records_by_title ON records (workspace_id, kind, title, id);
CREATE INDEX records_by_updated ON records (workspace_id, kind, updated_at, id);
CREATE INDEX records_by_owner ON records (workspace_id, owner_id);

CREATE TABLE record_facets (
    record_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (record_id, field, value)
);
CREATE INDEX record_facets_lookup ON record_facets (workspace_id, kind, field, value, record_id);

CREATE TABLE record_duties (
    record_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    duty         TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    owner_id     TEXT,
    PRIMARY KEY (record_id, duty)
);
CREATE INDEX record_duties_due ON record_duties (workspace_id, due_on);
CREATE INDEX record_duties_owner ON record_duties (owner_id, due_on);

CREATE TABLE record_links (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    from_id      TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    relation     TEXT NOT NULL,
    to_id        TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (from_id, relation, to_id)
);
CREATE INDEX record_links_to ON record_links (to_id);

-- AI systems move onto the record path, keeping their ids.
INSERT INTO records (id, workspace_id, kind, title, search_text, owner_id, fields, version,
                     created_at, updated_at, created_by, updated_by)
SELECT id, workspace_id, 'ai_system', name, search_text, NULL,
       CASE WHEN purpose = '' THEN json_object('name', name)
            ELSE json_object('name', name, 'purpose', purpose) END,
       version, created_at, updated_at, created_by, updated_by
FROM ai_systems;

CREATE TABLE ai_system_classifications_new (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    system_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    answers      TEXT NOT NULL,
    result       TEXT NOT NULL,
    risk_tier    TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (system_id, version)
);
INSERT INTO ai_system_classifications_new SELECT * FROM ai_system_classifications;
DROP TABLE ai_system_classifications;
ALTER TABLE ai_system_classifications_new RENAME TO ai_system_classifications;
CREATE INDEX ai_system_classifications_system ON ai_system_classifications (workspace_id, system_id, version);

-- The EU AI Act tier is a facet of a system, so lists filter on it.
INSERT INTO record_facets (record_id, workspace_id, kind, field, value)
SELECT c.system_id, c.workspace_id, 'ai_system', 'eu_ai_act_tier', c.risk_tier
FROM ai_system_classifications c
WHERE c.version = (SELECT MAX(version) FROM ai_system_classifications d WHERE d.system_id = c.system_id);

DROP TABLE ai_systems;
INSERT INTO maintenance (task) VALUES ('reindex_records');
DELETE FROM maintenance WHERE task = 'refold_ai_system_search_text';
