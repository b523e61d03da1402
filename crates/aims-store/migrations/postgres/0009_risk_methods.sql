-- A workspace's risk method, one row per version (issue #8): scales, grid,
-- bands and acceptance rules as JSON. The latest version is in force; older
-- ones stay readable, so every score can be traced to the method behind it.
CREATE TABLE risk_methods (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    method       TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, version)
);

-- Acceptances of residual risks: the newest of a risk is the one that counts;
-- whether it still holds is judged on reading (its state hash, band, expiry).
CREATE TABLE risk_acceptances (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    risk_id      TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    acceptance   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX risk_acceptances_by_risk ON risk_acceptances (workspace_id, risk_id, created_at);
