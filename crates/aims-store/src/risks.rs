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
    /// The records of a kind counted by pairs of numeric fields (each risk
    /// assessment's likelihood and impact): for each pair, in order,
    /// `(likelihood, impact, count)`; a missing or non-numeric value is
    /// `None`. One scan reads each record's fields once and the database
    /// does the counting, so a heat map never reads the records themselves.
    pub async fn level_counts(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        pairs: &[(&str, &str)],
    ) -> Result<Vec<Vec<(Option<i64>, Option<i64>, i64)>>> {
        let mut out = vec![vec![]; pairs.len()];
        if pairs.is_empty() {
            return Ok(out);
        }
        let fields: Vec<&str> = pairs.iter().flat_map(|(l, i)| [*l, *i]).collect();
        let groups = |l: &dyn Fn(usize) -> String| -> String {
            (0..pairs.len())
                .map(|p| {
                    format!(
                        "SELECT CAST({p} AS BIGINT) AS p, {a} AS l, {b} AS i, COUNT(*) AS n FROM x GROUP BY {a}, {b}",
                        a = l(2 * p),
                        b = l(2 * p + 1)
                    )
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        };
        let level = |s: Option<&str>| s.and_then(|s| s.trim().parse::<i64>().ok());
        let rows: Vec<(i64, Option<i64>, Option<i64>, i64)> = match self {
            Conn::Sqlite(c) => {
                // Materialised once; the groups come back as one value (a row
                // crossing from SQLite's thread costs more than counting).
                let extract: Vec<String> = (0..fields.len())
                    .map(|n| format!("CAST(json_extract(fields, ${}) AS INTEGER) AS f{n}", n + 3))
                    .collect();
                let sql = format!(
                    "WITH x AS MATERIALIZED (SELECT {} FROM records WHERE workspace_id = $1 AND kind = $2)
                     SELECT COALESCE(group_concat(p || ',' || COALESCE(l, '') || ',' || COALESCE(i, '') || ',' || n, ';'), '') FROM ({})",
                    extract.join(", "),
                    groups(&|n| format!("f{n}"))
                );
                let mut q = sqlx::query_scalar(&sql)
                    .bind(workspace_id)
                    .bind(record_type);
                for f in &fields {
                    q = q.bind(format!("$.{f}"));
                }
                let packed: String = q.fetch_one(&mut **c).await?;
                packed
                    .split(';')
                    .filter(|r| !r.is_empty())
                    .filter_map(|r| {
                        let mut it = r.split(',');
                        let p = level(it.next())?;
                        let (l, i) = (level(it.next()), level(it.next()));
                        Some((p, l, i, level(it.next())?))
                    })
                    .collect()
            }
            Conn::Postgres(c) => {
                // Each record's text parsed once, into the named keys as text
                // (numbers are read here: anything else is "not assessed").
                // The names are field names, spelled as identifiers.
                if let Some(bad) = fields.iter().find(|f| {
                    f.is_empty() || !f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                }) {
                    return Err(crate::StoreError::Database(sqlx::Error::Protocol(format!(
                        "not a field name: {bad}"
                    ))));
                }
                let columns: Vec<String> = fields.iter().map(|f| format!("{f} text")).collect();
                let sql = format!(
                    "WITH x AS MATERIALIZED (SELECT t.* FROM records, json_to_record(records.fields::json) AS t({})
                                            WHERE workspace_id = $1 AND kind = $2)
                     {}",
                    columns.join(", "),
                    groups(&|n| fields[n].to_owned())
                );
                let raw: Vec<(i64, Option<String>, Option<String>, i64)> = sqlx::query_as(&sql)
                    .bind(workspace_id)
                    .bind(record_type)
                    .fetch_all(&mut **c)
                    .await?;
                raw.into_iter()
                    .map(|(p, l, i, n)| (p, level(l.as_deref()), level(i.as_deref()), n))
                    .collect()
            }
        };
        for (p, l, i, n) in rows {
            if let Some(slot) = usize::try_from(p).ok().and_then(|p| out.get_mut(p)) {
                slot.push((l, i, n));
            }
        }
        Ok(out)
    }
}

/// A record with a few of its facets as text (see [`Conn::facet_texts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTexts {
    pub id: String,
    pub title: String,
    pub owner_id: Option<String>,
    /// In the order asked; `None` when the record has no such facet.
    pub values: Vec<Option<String>>,
}

impl Conn<'_> {
    /// Every record of a kind with the named facets (fields its index row
    /// holds: a choice, key, flag or member; the first value of a multiple
    /// choice), ordered by id. Read from the narrow index rows joined to
    /// each record's title and owner, so no record's JSON is read or parsed
    /// (what readiness reads of 20,000 risks).
    /// With `only`, just that record (none when it is not of the kind).
    pub async fn facet_texts(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        fields: &[&str],
        only: Option<&str>,
    ) -> Result<Vec<FieldTexts>> {
        let from = format!(
            "FROM record_index i JOIN records r ON r.id = i.id
             WHERE i.workspace_id = $1 AND i.kind = $2{}",
            if only.is_some() { " AND i.id = $3" } else { "" }
        );
        let mut binds = vec![workspace_id, record_type];
        binds.extend(only);
        let mut rows: Vec<(String, String, Option<String>, String)> = self
            .rows_in_one("i.id, r.title, r.owner_id, i.facets", &from, &binds)
            .await?;
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(rows
            .into_iter()
            .map(|(id, title, owner_id, facets)| FieldTexts {
                values: fields
                    .iter()
                    .map(|f| crate::facets::facet_value(&facets, f))
                    .collect(),
                id,
                title,
                owner_id,
            })
            .collect())
    }
}
