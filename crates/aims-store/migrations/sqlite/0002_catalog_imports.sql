-- Frameworks and mapping sets imported by an organisation. Every import is kept
-- as a new version; the catalogue uses the latest version of each id. The file
-- is stored as it was imported and parsed again on load.
CREATE TABLE catalog_imports (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('framework', 'mapping_set')),
    catalog_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    format      TEXT NOT NULL,
    name        TEXT NOT NULL,
    content     TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (kind, catalog_id, version)
);
