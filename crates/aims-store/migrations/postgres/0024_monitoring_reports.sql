-- Monitoring analytics (issue #13): the fairness and drift reports
-- `aims monitor` computes from prediction logs, filed on an AI system. The
-- report is kept as it was sent (JSON text, at most 2 MiB), with the line
-- the server read out of it and the period of the log it covers (times as
-- written in the log); appended, never edited. A system's reports go with it.
CREATE TABLE monitoring_reports (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    system_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('fairness', 'drift')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    time_from    TEXT,
    time_to      TEXT,
    summary      TEXT NOT NULL,
    report       TEXT NOT NULL
);
-- The latest of each kind, and a system's reports newest first.
CREATE INDEX monitoring_reports_by_kind ON monitoring_reports (workspace_id, system_id, kind, created_at);
CREATE INDEX monitoring_reports_by_system ON monitoring_reports (workspace_id, system_id, created_at);

CREATE FUNCTION monitoring_reports_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a monitoring report is never edited: file a new one';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER monitoring_reports_append_only BEFORE UPDATE ON monitoring_reports
FOR EACH ROW EXECUTE FUNCTION monitoring_reports_append_only();
