-- The history head is sealed with a key kept outside the database (an HMAC of
-- its seq and hash), so nobody with only database access can rewrite history
-- undetected. key_id names the key that sealed it.
ALTER TABLE history_head ADD COLUMN seal TEXT NOT NULL DEFAULT '';
ALTER TABLE history_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
-- Migration 0003 filled search_text with SQLite's LOWER, which folds only
-- ASCII; aims refolds every row with full Unicode rules after this migration.
CREATE TABLE maintenance (task TEXT PRIMARY KEY);
INSERT INTO maintenance (task) VALUES ('refold_ai_system_search_text');
CREATE INDEX login_failures_window ON login_failures (window_start);
ALTER TABLE login_failures ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
