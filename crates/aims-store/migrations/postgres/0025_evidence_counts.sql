-- Each control's (or any record's) evidence counted as it changes, so the
-- Statement of Applicability, the control pages and readiness read a few
-- rows per control instead of counting every `evidence_for` link.
--
-- A row counts the `evidence_for` links to `target_id` whose item is in one
-- state: rejected or not (its review status, as `record_index` holds it), and
-- valid until which day (its `valid_until` duty, '' for none). Staleness is
-- judged when read (`valid_until` before the day asked about), so the day
-- turning writes nothing. A row whose count reaches 0 is removed.
--
-- Triggers keep it: a link added or removed counts its item in the item's
-- state at that moment; an item's review status crossing `rejected`, or its
-- validity set, moved or cleared, moves each of its links from the old state
-- to the new one. Each trigger reads the other two inputs as they are, so the
-- counts stay right in whatever order a delete's cascades run. Deletions are
-- counted BEFORE each row goes: PostgreSQL fires AFTER row triggers once the
-- cascades have run, when the item's other rows may be gone already and the
-- state read would not be the one its links were counted in. Insertions and
-- updates are counted AFTER (a row an `ON CONFLICT DO NOTHING` skips is not
-- counted). No foreign key to the workspace: a trigger may add a row while a
-- cascade runs.
CREATE TABLE evidence_counts (
    workspace_id TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    rejected     INTEGER NOT NULL,
    valid_until  TEXT NOT NULL,
    items        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, target_id, rejected, valid_until)
);

-- 1 when the evidence item's review status is `rejected`, else 0.
CREATE FUNCTION evidence_rejected(ws TEXT, item TEXT) RETURNS INTEGER AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = ws AND i.kind = 'evidence' AND i.id = item
                               AND i.facets LIKE '% review_status=rejected %') THEN 1 ELSE 0 END
$$ LANGUAGE sql VOLATILE;

-- The evidence item's `valid_until` day, '' when it has none.
CREATE FUNCTION evidence_valid_until(item TEXT) RETURNS TEXT AS $$
    SELECT COALESCE((SELECT d.due_on FROM record_duties d
                     WHERE d.record_id = item AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
$$ LANGUAGE sql VOLATILE;

INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
SELECT l.workspace_id, l.to_id, evidence_rejected(l.workspace_id, l.from_id) AS rejected,
       evidence_valid_until(l.from_id) AS valid_until, COUNT(*)
FROM record_links l
WHERE l.relation = 'evidence_for'
GROUP BY 1, 2, 3, 4;

-- Adds `delta` (+1 or -1) to one count; a count reaching 0 goes.
CREATE FUNCTION evidence_counts_add(ws TEXT, target TEXT, rej INTEGER, vu TEXT, delta BIGINT) RETURNS void AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
        VALUES (ws, target, rej, vu, delta)
        ON CONFLICT (workspace_id, target_id, rejected, valid_until)
        DO UPDATE SET items = evidence_counts.items + EXCLUDED.items;
    ELSE
        UPDATE evidence_counts SET items = items + delta
        WHERE workspace_id = ws AND target_id = target AND rejected = rej AND valid_until = vu;
        DELETE FROM evidence_counts
        WHERE workspace_id = ws AND target_id = target AND rejected = rej AND valid_until = vu AND items <= 0;
    END IF;
END;
$$ LANGUAGE plpgsql;

-- Moves each of an item's links from one state to another, target by target
-- in order (two transactions moving the same targets lock them in the same order).
CREATE FUNCTION evidence_counts_move(ws TEXT, item TEXT, from_rej INTEGER, from_vu TEXT, to_rej INTEGER, to_vu TEXT)
RETURNS void AS $$
DECLARE
    target TEXT;
BEGIN
    IF from_rej = to_rej AND from_vu = to_vu THEN
        RETURN;
    END IF;
    FOR target IN SELECT to_id FROM record_links
                  WHERE from_id = item AND relation = 'evidence_for' ORDER BY to_id LOOP
        PERFORM evidence_counts_add(ws, target, from_rej, from_vu, -1);
        PERFORM evidence_counts_add(ws, target, to_rej, to_vu, 1);
    END LOOP;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION evidence_counts_on_link() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM evidence_counts_add(NEW.workspace_id, NEW.to_id,
            evidence_rejected(NEW.workspace_id, NEW.from_id), evidence_valid_until(NEW.from_id), 1);
    ELSE
        PERFORM evidence_counts_add(OLD.workspace_id, OLD.to_id,
            evidence_rejected(OLD.workspace_id, OLD.from_id), evidence_valid_until(OLD.from_id), -1);
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_counts_link_added AFTER INSERT ON record_links
FOR EACH ROW WHEN (NEW.relation = 'evidence_for') EXECUTE FUNCTION evidence_counts_on_link();
CREATE TRIGGER evidence_counts_link_removed BEFORE DELETE ON record_links
FOR EACH ROW WHEN (OLD.relation = 'evidence_for') EXECUTE FUNCTION evidence_counts_on_link();

-- An item's review status crossing `rejected` (written, changed or removed
-- with its index row): each of its links moves to the other flag.
CREATE FUNCTION evidence_counts_on_review() RETURNS trigger AS $$
DECLARE
    was INTEGER := 0;
    now_ INTEGER := 0;
    ws TEXT;
    item TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        ws := OLD.workspace_id; item := OLD.id;
    ELSE
        ws := NEW.workspace_id; item := NEW.id;
    END IF;
    -- A new item's index row is written before any of its links.
    IF NOT EXISTS (SELECT 1 FROM record_links WHERE from_id = item AND relation = 'evidence_for') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.kind = 'evidence' AND OLD.facets LIKE '% review_status=rejected %' THEN
        was := 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'evidence' AND NEW.facets LIKE '% review_status=rejected %' THEN
        now_ := 1;
    END IF;
    PERFORM evidence_counts_move(ws, item, was, evidence_valid_until(item), now_, evidence_valid_until(item));
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_counts_rejected_set AFTER INSERT ON record_index
FOR EACH ROW WHEN (NEW.kind = 'evidence' AND NEW.facets LIKE '% review_status=rejected %')
EXECUTE FUNCTION evidence_counts_on_review();
CREATE TRIGGER evidence_counts_rejected_changed AFTER UPDATE OF facets ON record_index
FOR EACH ROW WHEN (NEW.kind = 'evidence'
                   AND (OLD.facets LIKE '% review_status=rejected %') <> (NEW.facets LIKE '% review_status=rejected %'))
EXECUTE FUNCTION evidence_counts_on_review();
CREATE TRIGGER evidence_counts_rejected_removed BEFORE DELETE ON record_index
FOR EACH ROW WHEN (OLD.kind = 'evidence' AND OLD.facets LIKE '% review_status=rejected %')
EXECUTE FUNCTION evidence_counts_on_review();

-- An item's validity set, moved or cleared: each of its links moves to the
-- new day ('' for none).
CREATE FUNCTION evidence_counts_on_validity() RETURNS trigger AS $$
DECLARE
    was TEXT := '';
    now_ TEXT := '';
    ws TEXT;
    item TEXT;
    rej INTEGER;
BEGIN
    IF TG_OP = 'DELETE' THEN
        ws := OLD.workspace_id; item := OLD.record_id;
    ELSE
        ws := NEW.workspace_id; item := NEW.record_id;
    END IF;
    -- A new item's duties are written before any of its links.
    IF NOT EXISTS (SELECT 1 FROM record_links WHERE from_id = item AND relation = 'evidence_for') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.kind = 'evidence' AND OLD.duty = 'valid_until' THEN
        was := OLD.due_on;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'evidence' AND NEW.duty = 'valid_until' THEN
        now_ := NEW.due_on;
    END IF;
    rej := evidence_rejected(ws, item);
    PERFORM evidence_counts_move(ws, item, rej, was, rej, now_);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_counts_validity_set AFTER INSERT ON record_duties
FOR EACH ROW WHEN (NEW.kind = 'evidence' AND NEW.duty = 'valid_until')
EXECUTE FUNCTION evidence_counts_on_validity();
CREATE TRIGGER evidence_counts_validity_changed AFTER UPDATE ON record_duties
FOR EACH ROW WHEN ((OLD.kind = 'evidence' AND OLD.duty = 'valid_until') OR (NEW.kind = 'evidence' AND NEW.duty = 'valid_until'))
EXECUTE FUNCTION evidence_counts_on_validity();
CREATE TRIGGER evidence_counts_validity_removed BEFORE DELETE ON record_duties
FOR EACH ROW WHEN (OLD.kind = 'evidence' AND OLD.duty = 'valid_until')
EXECUTE FUNCTION evidence_counts_on_validity();
