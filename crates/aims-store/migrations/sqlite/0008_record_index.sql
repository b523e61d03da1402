-- Lists filter and search one narrow table kept in list order instead of a
-- facet table (three B-trees and five rows a record) and a search column in
-- the wide records table: an import writes half as many B-tree entries, and a
-- filtered or searched page reads the workspace's records in order, a few
-- hundred bytes each, until it has its page.
-- facets: ' field=value field=value ' (values with space or % escaped as %20, %25).
CREATE TABLE record_index (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    id           TEXT NOT NULL,
    facets       TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, id)
) WITHOUT ROWID;

INSERT INTO record_index (workspace_id, kind, id, facets, search_text)
SELECT r.workspace_id, r.kind, r.id,
       ' ' || COALESCE((SELECT group_concat(f.field || '=' || f.value, ' ')
                        FROM (SELECT field, value FROM record_facets
                              WHERE record_id = r.id ORDER BY field, value) f), '') || ' ',
       r.search_text
FROM records r;

DROP TABLE record_facets;
DROP INDEX records_by_id;
DROP INDEX records_by_owner;
ALTER TABLE records DROP COLUMN search_text;
