-- Case-insensitive search that behaves the same on both backends: the text is
-- lowercased by aims (full Unicode rules), not by the database (SQLite's LOWER
-- only folds ASCII).
ALTER TABLE ai_systems ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE ai_systems SET search_text = LOWER(name || ' ' || purpose);
