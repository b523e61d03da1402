-- Monitoring (issue #11): a metric is a record of kind `metric`; its
-- measurements are kept here, appended and never edited (a correction is a
-- new row that supersedes an earlier one). `measured_at` is when the value
-- was measured (or the end of the period it covers, `period_start` its
-- start), in Unix seconds; `recorded_at` when aims received it.
-- No foreign keys here (each would cost a lookup per value at a million
-- values a batch): a trigger on `records` takes a metric's measurements
-- with it instead.
CREATE TABLE measurements (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    metric_id    TEXT NOT NULL,
    measured_at  BIGINT NOT NULL,
    period_start BIGINT,
    value        DOUBLE PRECISION NOT NULL,
    supersedes   TEXT,
    note         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX measurements_by_metric ON measurements (metric_id, measured_at);
CREATE INDEX measurements_corrections ON measurements (metric_id, supersedes) WHERE supersedes IS NOT NULL;

CREATE FUNCTION measurements_go_with_their_metric() RETURNS trigger AS $$
BEGIN
    DELETE FROM measurements WHERE metric_id = OLD.id;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER measurements_go_with_their_metric AFTER DELETE ON records
FOR EACH ROW WHEN (OLD.kind = 'metric') EXECUTE FUNCTION measurements_go_with_their_metric();

-- Each metric's values summed up per hour (the first, lowest, highest and
-- last value, each with its time, and how many), kept with each batch, so
-- a chart of a year reads some 9,000 rows instead of every value; an hour
-- holding a corrected value is summed again from the measurements.
CREATE TABLE measurement_hours (
    metric_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    hour      BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    first_at  BIGINT NOT NULL,
    first_v   DOUBLE PRECISION NOT NULL,
    min_at    BIGINT NOT NULL,
    min_v     DOUBLE PRECISION NOT NULL,
    max_at    BIGINT NOT NULL,
    max_v     DOUBLE PRECISION NOT NULL,
    last_at   BIGINT NOT NULL,
    last_v    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (metric_id, hour)
);
CREATE FUNCTION measurements_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a measurement is never edited: record a correction that supersedes it';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER measurements_append_only BEFORE UPDATE ON measurements
FOR EACH ROW EXECUTE FUNCTION measurements_append_only();

-- Where each metric stands, kept with each batch: its latest value, the
-- level of the breach episode running (if any) and when it began.
CREATE TABLE metric_state (
    metric_id     TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    last_at       BIGINT NOT NULL,
    last_value    DOUBLE PRECISION NOT NULL,
    level         TEXT NOT NULL,
    episode_worst TEXT NOT NULL,
    episode_start BIGINT,
    count         BIGINT NOT NULL
);

-- Each breach episode that raised an alert, and the record it opened.
CREATE TABLE metric_episodes (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    metric_id    TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    started_at   BIGINT NOT NULL,
    worst        TEXT NOT NULL,
    raised_id    TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX metric_episodes_by_metric ON metric_episodes (metric_id, started_at);
