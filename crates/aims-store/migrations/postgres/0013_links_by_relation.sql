-- Reads of one relation across a workspace (the Statement of Applicability's
-- treatment chain, its evidence counted per control) find that relation's
-- links without reading every link of every workspace, and count them per
-- target in index order. The relation leads, so lookups by one record
-- (`from_id` or `to_id` without a relation: a record's links, list filters)
-- keep their own indexes instead of scanning a workspace's links here.
CREATE INDEX record_links_by_relation ON record_links (relation, workspace_id, to_id, from_id);
-- Statistics for the links already there, so the planner does not take the
-- table for empty until autovacuum gets to it.
ANALYZE record_links;
