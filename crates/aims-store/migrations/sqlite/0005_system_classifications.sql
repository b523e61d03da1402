-- EU AI Act classifications of AI systems: each answer set is a version; the
-- result (tier, roles, reasoning) is stored as computed then, with the system's
-- purpose at the time so a later change of purpose flags it for review.
CREATE TABLE ai_system_classifications (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    system_id    TEXT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    answers      TEXT NOT NULL,
    result       TEXT NOT NULL,
    risk_tier    TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (system_id, version)
);
CREATE INDEX ai_system_classifications_system ON ai_system_classifications (workspace_id, system_id, version);
