//! Imported catalogue files (frameworks and mapping sets), versioned.

use crate::conn::{on_conn, Conn};
use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogImportRow {
    pub id: String,
    /// `framework` or `mapping_set`.
    pub kind: String,
    pub catalog_id: String,
    pub version: i64,
    pub format: String,
    pub name: String,
    pub content: String,
    pub imported_at: String,
    pub imported_by: String,
}

const COLS: &str = "id, kind, catalog_id, version, format, name, content, imported_at, imported_by";

impl Conn<'_> {
    pub async fn catalog_import_insert(&mut self, r: &CatalogImportRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO catalog_imports ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.kind).bind(&r.catalog_id).bind(r.version).bind(&r.format)
            .bind(&r.name).bind(&r.content).bind(&r.imported_at).bind(&r.imported_by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The highest version imported for this id (0 when none).
    pub async fn catalog_import_version(&mut self, kind: &str, catalog_id: &str) -> Result<i64> {
        let v: Option<i64> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT MAX(version) FROM catalog_imports WHERE kind = $1 AND catalog_id = $2")
            .bind(kind).bind(catalog_id).fetch_one(&mut **c).await)?;
        Ok(v.unwrap_or(0))
    }

    /// The latest version of every imported id: frameworks first, then mapping
    /// sets, each in import order.
    pub async fn catalog_imports_latest(&mut self) -> Result<Vec<CatalogImportRow>> {
        let sql = format!(
            "SELECT {COLS} FROM catalog_imports i WHERE version = (
                SELECT MAX(version) FROM catalog_imports j WHERE j.kind = i.kind AND j.catalog_id = i.catalog_id)
             ORDER BY CASE kind WHEN 'framework' THEN 0 ELSE 1 END, imported_at, id"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?)
    }

    /// Changes whenever something is imported: the number of imports and the newest id.
    pub async fn catalog_imports_fingerprint(&mut self) -> Result<String> {
        let (n, max): (i64, Option<String>) = on_conn!(self, c => sqlx::query_as(
            "SELECT COUNT(*), MAX(id) FROM catalog_imports").fetch_one(&mut **c).await)?;
        Ok(format!("{n}:{}", max.unwrap_or_default()))
    }
}
