-- Readiness (issue #12): each workspace's overall score on each day it was
-- read, the last reading of the day kept, so the page draws a trend.
CREATE TABLE readiness_days (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    percent      BIGINT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, day)
);
