//! AI systems (the inventory's first record type).

use crate::conn::{on_conn, Conn};
use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SystemRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub purpose: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: String,
    pub updated_by: String,
}

/// Keyset pagination: rows with `id > after`, at most `limit` of them.
#[derive(Debug, Clone, Default)]
pub struct SystemFilter {
    /// Case-insensitive substring of the name or purpose.
    pub q: Option<String>,
    pub after: Option<String>,
    pub limit: i64,
}

/// One page of results; `next` is the cursor for the following page.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

const COLS: &str =
    "id, workspace_id, name, purpose, version, created_at, updated_at, created_by, updated_by";

/// What the list filter searches: name and purpose, lowercased by Rust's full
/// Unicode rules so both backends match the same rows.
fn search_text(s: &SystemRow) -> String {
    format!("{} {}", s.name, s.purpose).to_lowercase()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for ch in q.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

impl Conn<'_> {
    /// Recomputes `search_text` of every AI system with full Unicode folding,
    /// once, when a migration asked for it (0003 folded only ASCII on SQLite).
    pub(crate) async fn systems_refold_search_text(&mut self) -> Result<u64> {
        let pending: Option<String> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT task FROM maintenance WHERE task = 'refold_ai_system_search_text'")
            .fetch_optional(&mut **c).await)?;
        if pending.is_none() {
            return Ok(0);
        }
        let sql = format!("SELECT {COLS} FROM ai_systems");
        let rows: Vec<SystemRow> =
            on_conn!(self, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?;
        let mut changed = 0;
        for row in &rows {
            changed += on_conn!(self, c => sqlx::query(
                "UPDATE ai_systems SET search_text = $1 WHERE id = $2 AND search_text <> $1")
                .bind(search_text(row)).bind(&row.id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        on_conn!(self, c => sqlx::query("DELETE FROM maintenance WHERE task = 'refold_ai_system_search_text'")
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(changed)
    }

    pub async fn system_insert(&mut self, s: &SystemRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO ai_systems (id, workspace_id, name, purpose, version, created_at, updated_at, created_by, updated_by, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(&s.id).bind(&s.workspace_id).bind(&s.name).bind(&s.purpose).bind(s.version)
            .bind(&s.created_at).bind(&s.updated_at).bind(&s.created_by).bind(&s.updated_by).bind(search_text(s))
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn system_get(&mut self, workspace_id: &str, id: &str) -> Result<Option<SystemRow>> {
        let sql = format!("SELECT {COLS} FROM ai_systems WHERE workspace_id = $1 AND id = $2");
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Writes `s` if the stored version is `expected_version`; false when it is not
    /// (or the record is gone), in which case nothing was written.
    pub async fn system_update(&mut self, s: &SystemRow, expected_version: i64) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE ai_systems SET name = $3, purpose = $4, version = $5, updated_at = $6, updated_by = $7, search_text = $9
             WHERE workspace_id = $1 AND id = $2 AND version = $8")
            .bind(&s.workspace_id).bind(&s.id).bind(&s.name).bind(&s.purpose).bind(s.version)
            .bind(&s.updated_at).bind(&s.updated_by).bind(expected_version).bind(search_text(s))
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn system_delete(&mut self, workspace_id: &str, id: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query("DELETE FROM ai_systems WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn systems_list(
        &mut self,
        workspace_id: &str,
        f: &SystemFilter,
    ) -> Result<Page<SystemRow>> {
        let limit = f.limit.clamp(1, 500);
        let mut sql = format!("SELECT {COLS} FROM ai_systems WHERE workspace_id = $1 AND id > $2");
        if f.q.is_some() {
            sql.push_str(" AND search_text LIKE $4 ESCAPE '\\'");
        }
        sql.push_str(" ORDER BY id LIMIT $3");
        let after = f.after.clone().unwrap_or_default();
        let pattern = f.q.as_deref().map(like_pattern).unwrap_or_default();
        let mut items: Vec<SystemRow> = on_conn!(self, c => {
            let q = sqlx::query_as(&sql).bind(workspace_id).bind(&after).bind(limit + 1);
            let q = if f.q.is_some() { q.bind(&pattern) } else { q };
            q.fetch_all(&mut **c).await
        })?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|s| s.id.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    pub async fn systems_count(&mut self, workspace_id: &str) -> Result<i64> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM ai_systems WHERE workspace_id = $1")
            .bind(workspace_id).fetch_one(&mut **c).await)?,
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("50%_A\\"), "%50\\%\\_a\\\\%");
    }
}
