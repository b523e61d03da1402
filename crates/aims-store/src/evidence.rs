//! Evidence files (the versions of an evidence item's content) and the
//! narrow reads that judge every item of a workspace at once.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One uploaded version of an evidence item.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct EvidenceFile {
    pub id: String,
    pub workspace_id: String,
    pub evidence_id: String,
    /// 1 for the first upload, then 2, …
    pub number: i64,
    pub sha256: String,
    pub size: i64,
    /// The name the client gave (its last component), shown and offered on download.
    pub file_name: String,
    /// The type sniffed from the content, not the one the client claimed.
    pub media_type: String,
    /// `manual`, `cli`, `api` or `ci`.
    pub source: String,
    /// The CI run it came from, as JSON (`{}` outside CI).
    pub ci: String,
    pub created_at: String,
    pub created_by: String,
}

const COLS: &str = "id, workspace_id, evidence_id, number, sha256, size, file_name, media_type, source, ci, created_at, created_by";

/// How many of the evidence items for one record share what their standing
/// depends on (`aims_domain::evidence::standing`): rejected or not, and past
/// their validity on the day asked about or not. A record has at most four
/// groups; the caller judges each one by the domain's rule.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceGroup {
    /// The record the evidence is for (a control's id, …).
    pub target_id: String,
    /// `rejected`, or empty for any other review status (or none).
    pub review_status: String,
    /// When the items are past their validity: the earliest `valid_until`
    /// among them (before the day asked about). None when they are not.
    pub valid_until: Option<String>,
    pub items: i64,
}

impl Conn<'_> {
    pub async fn evidence_file_insert(&mut self, f: &EvidenceFile) -> Result<()> {
        let sql = format!(
            "INSERT INTO evidence_files ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&f.id).bind(&f.workspace_id).bind(&f.evidence_id).bind(f.number).bind(&f.sha256)
            .bind(f.size).bind(&f.file_name).bind(&f.media_type).bind(&f.source).bind(&f.ci)
            .bind(&f.created_at).bind(&f.created_by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Every file version of an evidence item, newest first.
    pub async fn evidence_files(
        &mut self,
        workspace_id: &str,
        evidence_id: &str,
    ) -> Result<Vec<EvidenceFile>> {
        let sql = format!(
            "SELECT {COLS} FROM evidence_files WHERE workspace_id = $1 AND evidence_id = $2 ORDER BY number DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(evidence_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Every stored content hash with the workspace, item and version that
    /// use it (all workspaces when `workspace_id` is `None`), by hash.
    pub async fn evidence_blobs(
        &mut self,
        workspace_id: Option<&str>,
    ) -> Result<Vec<EvidenceFile>> {
        let sql = format!(
            "SELECT {COLS} FROM evidence_files WHERE ($1 = '' OR workspace_id = $1) ORDER BY sha256, workspace_id, evidence_id, number"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id.unwrap_or_default()).fetch_all(&mut **c).await)?,
        )
    }

    /// The workspace's `evidence_for` links counted per target in at most
    /// four groups (see [`EvidenceGroup`]), judged against `today`
    /// (`YYYY-MM-DD`). Read from `evidence_counts`, which triggers keep as
    /// links, review statuses and validity dates change (migration 0025):
    /// one row per target, flag and day, however many items there are.
    pub async fn evidence_groups(
        &mut self,
        workspace_id: &str,
        today: &str,
    ) -> Result<Vec<EvidenceGroup>> {
        let sql = "SELECT target_id, CASE WHEN rejected = 1 THEN 'rejected' ELSE '' END AS review_status,
                          MIN(CASE WHEN valid_until <> '' AND valid_until < $2 THEN valid_until END) AS valid_until,
                          CAST(SUM(items) AS BIGINT) AS items
                   FROM evidence_counts WHERE workspace_id = $1
                   GROUP BY target_id, rejected, CASE WHEN valid_until <> '' AND valid_until < $2 THEN 1 ELSE 0 END";
        let groups: Vec<EvidenceGroup> = on_conn!(self, c => sqlx::query_as(sql)
            .bind(workspace_id).bind(today).fetch_all(&mut **c).await)?;
        Ok(groups.into_iter().filter(|g| g.items > 0).collect())
    }

    /// `(target, system)` for every target of `evidence_for` whose evidence
    /// is also for an AI system: the systems a control's evidence is about.
    /// Read from the systems' side (a workspace has few), link by link.
    pub async fn evidence_systems(&mut self, workspace_id: &str) -> Result<Vec<(String, String)>> {
        let sql = format!(
            "SELECT DISTINCT l.to_id, s.to_id FROM record_index si {} {}
             WHERE si.workspace_id = $1 AND si.kind = 'ai_system'",
            self.links_row_by_row(
                "s",
                "s.relation = 'evidence_for' AND s.workspace_id = $1 AND s.to_id = si.id"
            ),
            self.links_row_by_row(
                "l",
                "l.from_id = s.from_id AND l.relation = 'evidence_for' AND l.to_id <> s.to_id"
            ),
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    /// Joins `record_links` as `alias` (its `from_id` and `to_id`) to each
    /// row of what precedes it, found by `on` through an index, in the order
    /// written. PostgreSQL: a LATERAL subquery kept whole by `OFFSET 0`, so
    /// a planner without statistics for `record_links` (it takes the table
    /// for nearly empty until it is analyzed) cannot put the links first and
    /// read what follows once per link; SQLite: `CROSS JOIN`, which it never
    /// reorders.
    fn links_row_by_row(&self, alias: &str, on: &str) -> String {
        match self {
            Conn::Postgres(_) => format!(
                "CROSS JOIN LATERAL (SELECT {alias}.from_id, {alias}.to_id FROM record_links {alias} WHERE {on} OFFSET 0) {alias}"
            ),
            Conn::Sqlite(_) => format!("CROSS JOIN record_links {alias} ON {on}"),
        }
    }

    /// The substring test of each backend (`instr` is several times faster
    /// than `LIKE` on SQLite).
    pub(crate) fn find_function(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => "instr",
            Conn::Postgres(_) => "strpos",
        }
    }
}

#[cfg(test)]
mod tests {
    /// The triggers that keep `evidence_counts` know a rejected item by its
    /// facet token, written out in their SQL.
    #[test]
    fn the_counts_triggers_match_the_rejected_facet_token() {
        let token = crate::facets::facet_token("review_status", "rejected");
        let pattern = format!("LIKE '%{token}%'");
        for sql in [
            include_str!("../migrations/sqlite/0025_evidence_counts.sql"),
            include_str!("../migrations/postgres/0025_evidence_counts.sql"),
        ] {
            let likes = sql.matches("LIKE '").count();
            assert!(likes > 5, "{likes}");
            assert_eq!(sql.matches(&pattern).count(), likes);
        }
    }
}
