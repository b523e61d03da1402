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
-- to the new one (only for an item that has such links: a new item's index
-- row and duties, written before any link, cost one index probe). Each
-- trigger reads the other two inputs as they are, so the counts stay right
-- in whatever order a delete's cascades run. No foreign key to the
-- workspace: a trigger may add a row while a cascade runs.
CREATE TABLE evidence_counts (
    workspace_id TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    rejected     INTEGER NOT NULL,
    valid_until  TEXT NOT NULL,
    items        INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, target_id, rejected, valid_until)
) WITHOUT ROWID;

INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
SELECT l.workspace_id, l.to_id,
       EXISTS (SELECT 1 FROM record_index i
               WHERE i.workspace_id = l.workspace_id AND i.kind = 'evidence' AND i.id = l.from_id
                 AND i.facets LIKE '% review_status=rejected %') AS rejected,
       COALESCE((SELECT d.due_on FROM record_duties d
                 WHERE d.record_id = l.from_id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '') AS valid_until,
       COUNT(*)
FROM record_links l
WHERE l.relation = 'evidence_for'
GROUP BY l.workspace_id, l.to_id, rejected, valid_until;

CREATE TRIGGER evidence_counts_link_added AFTER INSERT ON record_links
WHEN NEW.relation = 'evidence_for'
BEGIN
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    VALUES (NEW.workspace_id, NEW.to_id,
            EXISTS (SELECT 1 FROM record_index i
                    WHERE i.workspace_id = NEW.workspace_id AND i.kind = 'evidence' AND i.id = NEW.from_id
                      AND i.facets LIKE '% review_status=rejected %'),
            COALESCE((SELECT d.due_on FROM record_duties d
                      WHERE d.record_id = NEW.from_id AND d.duty = 'valid_until' AND d.kind = 'evidence'), ''),
            1)
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER evidence_counts_link_removed AFTER DELETE ON record_links
WHEN OLD.relation = 'evidence_for'
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = OLD.workspace_id AND target_id = OLD.to_id
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.from_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = OLD.from_id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '');
    DELETE FROM evidence_counts
    WHERE workspace_id = OLD.workspace_id AND target_id = OLD.to_id
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.from_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = OLD.from_id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND items <= 0;
END;

-- An item's review status crossing `rejected` (written, changed or removed
-- with its index row): each of its links moves to the other flag.
CREATE TRIGGER evidence_counts_rejected_set AFTER INSERT ON record_index
WHEN NEW.kind = 'evidence' AND NEW.facets LIKE '% review_status=rejected %'
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = NEW.workspace_id AND rejected = 0
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = NEW.workspace_id AND rejected = 0
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT NEW.workspace_id, l.to_id, 1,
           COALESCE((SELECT d.due_on FROM record_duties d
                     WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), ''),
           1
    FROM record_links l WHERE l.from_id = NEW.id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER evidence_counts_rejected_changed AFTER UPDATE OF facets ON record_index
WHEN NEW.kind = 'evidence'
 AND (OLD.facets LIKE '% review_status=rejected %') <> (NEW.facets LIKE '% review_status=rejected %')
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = NEW.workspace_id AND rejected = (OLD.facets LIKE '% review_status=rejected %')
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = NEW.workspace_id AND rejected = (OLD.facets LIKE '% review_status=rejected %')
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT NEW.workspace_id, l.to_id, (NEW.facets LIKE '% review_status=rejected %'),
           COALESCE((SELECT d.due_on FROM record_duties d
                     WHERE d.record_id = NEW.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), ''),
           1
    FROM record_links l WHERE l.from_id = NEW.id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER evidence_counts_rejected_removed AFTER DELETE ON record_index
WHEN OLD.kind = 'evidence' AND OLD.facets LIKE '% review_status=rejected %'
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = OLD.id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = OLD.workspace_id AND rejected = 1
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = OLD.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = OLD.workspace_id AND rejected = 1
      AND valid_until = COALESCE((SELECT d.due_on FROM record_duties d
                                  WHERE d.record_id = OLD.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), '')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT OLD.workspace_id, l.to_id, 0,
           COALESCE((SELECT d.due_on FROM record_duties d
                     WHERE d.record_id = OLD.id AND d.duty = 'valid_until' AND d.kind = 'evidence'), ''),
           1
    FROM record_links l WHERE l.from_id = OLD.id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

-- An item's validity set, moved or cleared: each of its links moves to the
-- new day ('' for none).
CREATE TRIGGER evidence_counts_validity_set AFTER INSERT ON record_duties
WHEN NEW.kind = 'evidence' AND NEW.duty = 'valid_until'
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = NEW.record_id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = NEW.workspace_id AND valid_until = ''
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = NEW.workspace_id AND i.kind = 'evidence' AND i.id = NEW.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.record_id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = NEW.workspace_id AND valid_until = ''
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = NEW.workspace_id AND i.kind = 'evidence' AND i.id = NEW.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = NEW.record_id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT NEW.workspace_id, l.to_id,
           EXISTS (SELECT 1 FROM record_index i
                   WHERE i.workspace_id = NEW.workspace_id AND i.kind = 'evidence' AND i.id = NEW.record_id
                     AND i.facets LIKE '% review_status=rejected %'),
           NEW.due_on, 1
    FROM record_links l WHERE l.from_id = NEW.record_id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER evidence_counts_validity_changed AFTER UPDATE ON record_duties
WHEN ((OLD.kind = 'evidence' AND OLD.duty = 'valid_until') OR (NEW.kind = 'evidence' AND NEW.duty = 'valid_until'))
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = OLD.workspace_id
      AND valid_until = CASE WHEN OLD.kind = 'evidence' AND OLD.duty = 'valid_until' THEN OLD.due_on ELSE '' END
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = OLD.workspace_id
      AND valid_until = CASE WHEN OLD.kind = 'evidence' AND OLD.duty = 'valid_until' THEN OLD.due_on ELSE '' END
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT NEW.workspace_id, l.to_id,
           EXISTS (SELECT 1 FROM record_index i
                   WHERE i.workspace_id = NEW.workspace_id AND i.kind = 'evidence' AND i.id = NEW.record_id
                     AND i.facets LIKE '% review_status=rejected %'),
           CASE WHEN NEW.kind = 'evidence' AND NEW.duty = 'valid_until' THEN NEW.due_on ELSE '' END, 1
    FROM record_links l WHERE l.from_id = NEW.record_id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER evidence_counts_validity_removed AFTER DELETE ON record_duties
WHEN OLD.kind = 'evidence' AND OLD.duty = 'valid_until'
 AND EXISTS (SELECT 1 FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for')
BEGIN
    UPDATE evidence_counts SET items = items - 1
    WHERE workspace_id = OLD.workspace_id AND valid_until = OLD.due_on
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for');
    DELETE FROM evidence_counts
    WHERE workspace_id = OLD.workspace_id AND valid_until = OLD.due_on
      AND rejected = EXISTS (SELECT 1 FROM record_index i
                             WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.record_id
                               AND i.facets LIKE '% review_status=rejected %')
      AND target_id IN (SELECT to_id FROM record_links WHERE from_id = OLD.record_id AND relation = 'evidence_for')
      AND items <= 0;
    INSERT INTO evidence_counts (workspace_id, target_id, rejected, valid_until, items)
    SELECT OLD.workspace_id, l.to_id,
           EXISTS (SELECT 1 FROM record_index i
                   WHERE i.workspace_id = OLD.workspace_id AND i.kind = 'evidence' AND i.id = OLD.record_id
                     AND i.facets LIKE '% review_status=rejected %'),
           '', 1
    FROM record_links l WHERE l.from_id = OLD.record_id AND l.relation = 'evidence_for'
    ON CONFLICT (workspace_id, target_id, rejected, valid_until) DO UPDATE SET items = items + 1;
END;
