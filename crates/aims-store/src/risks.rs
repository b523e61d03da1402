//! Risk methods (one row per version) and acceptances of residual risks.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One version of a workspace's risk method.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskMethodRow {
    pub workspace_id: String,
    pub version: i64,
    /// The method as JSON.
    pub method: String,
    /// Why it changed, as the editor said.
    pub note: String,
    pub created_at: String,
    pub created_by: String,
}

/// One acceptance of a risk's residual level.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskAcceptanceRow {
    pub id: String,
    pub workspace_id: String,
    pub risk_id: String,
    /// The acceptance as JSON.
    pub acceptance: String,
    pub created_at: String,
}

const METHOD_COLS: &str = "workspace_id, version, method, note, created_at, created_by";
const ACCEPT_COLS: &str = "id, workspace_id, risk_id, acceptance, created_at";

impl Conn<'_> {
    pub async fn risk_method_insert(&mut self, r: &RiskMethodRow) -> Result<()> {
        let sql =
            format!("INSERT INTO risk_methods ({METHOD_COLS}) VALUES ($1, $2, $3, $4, $5, $6)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.workspace_id).bind(r.version).bind(&r.method).bind(&r.note)
            .bind(&r.created_at).bind(&r.created_by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The method in force: the latest version, if the workspace set one.
    pub async fn risk_method_latest(
        &mut self,
        workspace_id: &str,
    ) -> Result<Option<RiskMethodRow>> {
        let sql = format!(
            "SELECT {METHOD_COLS} FROM risk_methods WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Every version, newest first.
    pub async fn risk_method_versions(&mut self, workspace_id: &str) -> Result<Vec<RiskMethodRow>> {
        let sql = format!(
            "SELECT {METHOD_COLS} FROM risk_methods WHERE workspace_id = $1 ORDER BY version DESC"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    pub async fn risk_acceptance_insert(&mut self, r: &RiskAcceptanceRow) -> Result<()> {
        let sql =
            format!("INSERT INTO risk_acceptances ({ACCEPT_COLS}) VALUES ($1, $2, $3, $4, $5)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.workspace_id).bind(&r.risk_id).bind(&r.acceptance).bind(&r.created_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A risk's acceptances, newest first.
    pub async fn risk_acceptances_of(
        &mut self,
        workspace_id: &str,
        risk_id: &str,
    ) -> Result<Vec<RiskAcceptanceRow>> {
        let sql = format!(
            "SELECT {ACCEPT_COLS} FROM risk_acceptances WHERE workspace_id = $1 AND risk_id = $2
             ORDER BY created_at DESC, id DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(risk_id).fetch_all(&mut **c).await)?,
        )
    }

    /// The newest acceptance of every accepted risk of a workspace.
    pub async fn risk_acceptances_latest(
        &mut self,
        workspace_id: &str,
    ) -> Result<Vec<RiskAcceptanceRow>> {
        let sql = format!(
            "SELECT {} FROM risk_acceptances a WHERE a.workspace_id = $1 AND NOT EXISTS (
               SELECT 1 FROM risk_acceptances b WHERE b.risk_id = a.risk_id
                 AND (b.created_at > a.created_at OR (b.created_at = a.created_at AND b.id > a.id)))",
            ACCEPT_COLS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}

impl Conn<'_> {
    /// The records of a kind counted by two numeric fields (a risk
    /// assessment's likelihood and impact): `(likelihood, impact, count)`;
    /// a missing or non-numeric value is `None`. The database does the
    /// counting, so a heat map never reads the records themselves.
    pub async fn level_counts(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        likelihood_field: &str,
        impact_field: &str,
    ) -> Result<Vec<(Option<i64>, Option<i64>, i64)>> {
        let rows = match self {
            Conn::Sqlite(c) => {
                sqlx::query_as(
                    "SELECT CAST(json_extract(fields, $3) AS INTEGER) AS l, CAST(json_extract(fields, $4) AS INTEGER) AS i, COUNT(*)
                     FROM records WHERE workspace_id = $1 AND kind = $2 GROUP BY l, i",
                )
                .bind(workspace_id)
                .bind(record_type)
                .bind(format!("$.{likelihood_field}"))
                .bind(format!("$.{impact_field}"))
                .fetch_all(&mut **c)
                .await?
            }
            Conn::Postgres(c) => {
                sqlx::query_as(
                    "SELECT CASE WHEN jsonb_typeof(j -> $3::text) = 'number' THEN (j ->> $3::text)::numeric::bigint END AS l,
                            CASE WHEN jsonb_typeof(j -> $4::text) = 'number' THEN (j ->> $4::text)::numeric::bigint END AS i,
                            COUNT(*)
                     FROM (SELECT fields::jsonb AS j FROM records WHERE workspace_id = $1 AND kind = $2) r GROUP BY 1, 2",
                )
                .bind(workspace_id)
                .bind(record_type)
                .bind(likelihood_field)
                .bind(impact_field)
                .fetch_all(&mut **c)
                .await?
            }
        };
        Ok(rows)
    }
}
