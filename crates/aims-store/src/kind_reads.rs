//! Every record of one kind in a workspace, for views that take in a whole
//! kind at once (the Statement of Applicability's controls, risk and system
//! names).

use crate::conn::{on_conn, Conn};
use crate::records::{RecordJson, RecordRow, SELECT};
use crate::Result;
use aims_domain::record::kind_by_record_type;

/// `'<record type>'` for a declared kind, written into the query as a
/// literal rather than bound: PostgreSQL's generic plans
/// (`plan_cache_mode = force_generic_plan`) then know how many records that
/// kind has from its statistics per value, and read the 38 controls of a
/// workspace holding 50,000 evidence items through an index; with
/// `kind = $2` the plan is made for the average kind and reads the whole
/// table (or walks all of `records_pkey`). Only the declared names (letters
/// and `_`, checked by a test) are ever written into the text; `None` for an
/// undeclared one, which has no records.
fn kind_literal(record_type: &str) -> Option<String> {
    kind_by_record_type(record_type).map(|k| format!("'{}'", k.record_type))
}

impl Conn<'_> {
    /// Every record of one kind as `(id, title)`: names for views that link many.
    pub async fn record_titles(
        &mut self,
        workspace_id: &str,
        record_type: &str,
    ) -> Result<Vec<(String, String)>> {
        let Some(kind) = kind_literal(record_type) else {
            return Ok(vec![]);
        };
        let from = format!("FROM records WHERE workspace_id = $1 AND kind = {kind}");
        match self {
            // One value for all (`json_rows`): a workspace may hold 20,000 risks.
            Conn::Sqlite(c) => {
                let sql = format!(
                    "SELECT COALESCE(json_group_array(json_array(id, title)), '[]') {from}"
                );
                let text: String = sqlx::query_scalar(&sql)
                    .bind(workspace_id)
                    .fetch_one(&mut **c)
                    .await?;
                crate::conn::json_rows(&text)
            }
            Conn::Postgres(c) => {
                let sql = format!("SELECT id, title {from}");
                Ok(sqlx::query_as(&sql)
                    .bind(workspace_id)
                    .fetch_all(&mut **c)
                    .await?)
            }
        }
    }

    /// How many records of one kind the workspace holds. Through the index
    /// rows' primary key: with the kind bound, PostgreSQL's generic plan
    /// counted the whole table in parallel (15 ms at 120,000 records, for
    /// a kind the workspace holds none of).
    pub async fn records_count(&mut self, workspace_id: &str, record_type: &str) -> Result<i64> {
        let Some(kind) = kind_literal(record_type) else {
            return Ok(0);
        };
        let sql =
            format!("SELECT COUNT(*) FROM record_index WHERE workspace_id = $1 AND kind = {kind}");
        Ok(
            on_conn!(self, c => sqlx::query_scalar(&sql).bind(workspace_id).fetch_one(&mut **c).await)?,
        )
    }

    /// Every record of one kind, oldest first (for a kind a workspace holds
    /// a few of; lists page through `records_list`).
    pub async fn records_of_kind(
        &mut self,
        workspace_id: &str,
        record_type: &str,
    ) -> Result<Vec<RecordRow>> {
        let Some(kind) = kind_literal(record_type) else {
            return Ok(vec![]);
        };
        // Sorted here: an `ORDER BY r.id` could tempt the planner back to
        // walking the primary key.
        let sql = format!("{SELECT} WHERE r.workspace_id = $1 AND r.kind = {kind}");
        let raw: Vec<RecordJson> =
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?;
        let mut rows = raw
            .into_iter()
            .map(RecordRow::try_from)
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn declared_record_types_are_safe_as_sql_literals() {
        for k in aims_domain::record::KINDS {
            assert!(
                !k.record_type.is_empty()
                    && k.record_type
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                k.record_type
            );
            assert_eq!(
                super::kind_literal(k.record_type),
                Some(format!("'{}'", k.record_type))
            );
        }
        assert_eq!(super::kind_literal("x' OR '1' = '1"), None);
    }
}
