//! Every kind of record in one table (the record path): fields as JSON, with
//! the title, search text, owner, facets (filterable values) and dated duties
//! derived from the kind's declaration on every write.

use crate::conn::{on_conn, Conn};
use crate::facets::{facet_token, facets_text, merge_facets};
use crate::{Result, StoreError};
use aims_domain::par::par_map;
use aims_domain::record::{kind_by_record_type, Fields, Kind};

/// A record as stored, with its owner's e-mail and name when it has one;
/// `F` is its fields: parsed ([`RecordRow`]) or the JSON text they are kept
/// as ([`RecordJson`], what a list hands to the API, which copies each value
/// out without parsing it).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Record<F> {
    pub id: String,
    pub workspace_id: String,
    /// The kind's record type (`ai_system`).
    pub kind: String,
    pub title: String,
    pub owner_id: Option<String>,
    pub owner_email: Option<String>,
    pub owner_name: Option<String>,
    pub fields: F,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: String,
    pub updated_by: String,
}

/// A record with its fields parsed.
pub type RecordRow = Record<Fields>;

/// A record with its fields as stored: a JSON object's text.
pub type RecordJson = Record<String>;

impl TryFrom<RecordJson> for RecordRow {
    type Error = StoreError;
    fn try_from(r: RecordJson) -> Result<RecordRow> {
        let fields: Fields = serde_json::from_str(&r.fields).map_err(|e| {
            StoreError::Database(sqlx::Error::Decode(
                format!(
                    "record {} holds fields that are not a JSON object: {e}",
                    r.id
                )
                .into(),
            ))
        })?;
        Ok(r.with_fields(fields))
    }
}

impl<F> Record<F> {
    /// The same record with other fields.
    fn with_fields<G>(self, fields: G) -> Record<G> {
        Record {
            id: self.id,
            workspace_id: self.workspace_id,
            kind: self.kind,
            title: self.title,
            owner_id: self.owner_id,
            owner_email: self.owner_email,
            owner_name: self.owner_name,
            fields,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            created_by: self.created_by,
            updated_by: self.updated_by,
        }
    }
}

/// A page of records as SQLite sends it (see `records_list`): records
/// separated by `\x1f`, each its other columns as a JSON array, `\x1e`, and
/// its fields' JSON text.
fn page_rows(page: &str) -> Result<Vec<RecordJson>> {
    type Head = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        String,
        String,
        String,
        String,
    );
    let bad = |e: String| {
        StoreError::Database(sqlx::Error::Decode(
            format!("a page of records is not in the form expected: {e}").into(),
        ))
    };
    page.split('\x1f')
        .filter(|r| !r.is_empty())
        .map(|record| {
            let (head, fields) = record
                .split_once('\x1e')
                .ok_or_else(|| bad("a record without its fields".into()))?;
            let h: Head = serde_json::from_str(head).map_err(|e| bad(e.to_string()))?;
            Ok(RecordJson {
                id: h.0,
                workspace_id: h.1,
                kind: h.2,
                title: h.3,
                owner_id: h.4,
                owner_email: h.5,
                owner_name: h.6,
                fields: fields.to_owned(),
                version: h.7,
                created_at: h.8,
                updated_at: h.9,
                created_by: h.10,
                updated_by: h.11,
            })
        })
        .collect()
}

/// What a list reads its rows into: [`RecordRow`] (fields parsed) or
/// [`RecordJson`] (fields as stored).
pub trait ListItem: Sized + Send + Unpin {
    fn from_json(r: RecordJson) -> Result<Self>;
    fn id(&self) -> &str;
}

impl ListItem for RecordRow {
    fn from_json(r: RecordJson) -> Result<Self> {
        RecordRow::try_from(r)
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl ListItem for RecordJson {
    fn from_json(r: RecordJson) -> Result<Self> {
        Ok(r)
    }
    fn id(&self) -> &str {
        &self.id
    }
}

const COLUMNS: &str = "r.id, r.workspace_id, r.kind, r.title, r.owner_id, u.email AS owner_email, u.name AS owner_name, r.fields, r.version, r.created_at, r.updated_at, r.created_by, r.updated_by";
pub(crate) const SELECT: &str = "SELECT r.id, r.workspace_id, r.kind, r.title, r.owner_id, u.email AS owner_email, u.name AS owner_name, r.fields, r.version, r.created_at, r.updated_at, r.created_by, r.updated_by
     FROM records r LEFT JOIN users u ON u.id = r.owner_id";

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    /// Oldest first (ids are time-ordered).
    #[default]
    Created,
    Title,
    Updated,
}

impl Sort {
    fn column(self) -> &'static str {
        match self {
            Sort::Created => "r.id",
            Sort::Title => "r.title",
            Sort::Updated => "r.updated_at",
        }
    }
}

/// A list query: search text, facet filters (all must hold), order and a
/// keyset cursor (`after`: the id of the last record of the previous page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RecordFilter {
    /// Case-insensitive substring of the record's text fields.
    pub q: Option<String>,
    /// Only these records (the matches of `q` a kept text index found, so
    /// the search reads a few records instead of every record's text).
    pub ids: Option<Vec<String>>,
    /// `(field, value)` pairs; a record must have every one.
    pub facets: Vec<(String, String)>,
    /// Only records linked to this record (either direction).
    pub linked: Option<String>,
    /// Only records with an open dated duty before this date (`YYYY-MM-DD`): overdue work.
    pub due_before: Option<String>,
    pub sort: Sort,
    pub descending: bool,
    pub after: Option<String>,
    pub limit: i64,
}

/// One page of results; `next` is the cursor for the following page.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A link between two records, seen from one of them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkRow {
    pub id: String,
    pub relation: String,
    pub from_id: String,
    pub to_id: String,
    /// The record at the other end: its id, kind and title.
    pub other_id: String,
    pub other_kind: String,
    pub other_title: String,
    pub created_at: String,
    pub created_by: String,
}

/// A link to insert.
pub struct NewLink<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub from_id: &'a str,
    pub relation: &'a str,
    pub to_id: &'a str,
    pub at: &'a str,
    pub by: &'a str,
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` values on PostgreSQL, and
/// `(?, ?, …), (…)` on SQLite: SQLite looks a numbered parameter's name up by
/// walking a list, so binding thousands of `$n` costs quadratic time (it took
/// 97% of a 10,000-row import), while `?` parameters bind in order for free.
pub(crate) fn placeholders(conn: &Conn<'_>, rows: usize, cols: usize) -> String {
    if matches!(conn, Conn::Sqlite(_)) {
        let row = format!("({})", vec!["?"; cols].join(","));
        return vec![row; rows].join(",");
    }
    let mut sql = String::with_capacity(rows * cols * 5);
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for k in 1..=cols {
            if k > 1 {
                sql.push(',');
            }
            sql.push('$');
            sql.push_str(&(i * cols + k).to_string());
        }
        sql.push(')');
    }
    sql
}

fn fields_json(fields: &Fields) -> Result<String> {
    serde_json::to_string(fields).map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))
}

/// A new record's stored JSON and index values.
struct Encoded {
    json: String,
    facets: String,
    search_text: String,
}

fn own_facets_text(kind: &Kind, fields: &Fields) -> String {
    let facets = kind.facets(fields);
    facets_text(facets.iter().map(|(f, v)| (*f, v.as_str())))
}

impl Conn<'_> {
    pub async fn record_insert(&mut self, kind: &Kind, r: &RecordRow) -> Result<()> {
        self.records_insert_many(kind, std::slice::from_ref(r))
            .await
    }

    /// Inserts new records of one kind with multi-row statements (bulk
    /// imports write thousands at once): the record, its index row (facets
    /// and search text) and its dated duties.
    pub async fn records_insert_many(&mut self, kind: &Kind, rows: &[RecordRow]) -> Result<()> {
        // What each row stores besides its own values, computed on every core.
        let encoded: Vec<Result<Encoded>> = par_map(rows, |r| {
            Ok(Encoded {
                json: fields_json(&r.fields)?,
                facets: own_facets_text(kind, &r.fields),
                search_text: kind.search_text(&r.fields),
            })
        });
        let encoded = encoded.into_iter().collect::<Result<Vec<_>>>()?;
        // 11 columns a row; 400 rows stay well under every backend's bind limit.
        for (chunk, enc) in rows.chunks(400).zip(encoded.chunks(400)) {
            let sql = format!(
                "INSERT INTO records (id, workspace_id, kind, title, owner_id, fields, version, created_at, updated_at, created_by, updated_by) VALUES {}",
                placeholders(self, chunk.len(), 11)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for (r, e) in chunk.iter().zip(enc) {
                    q = q.bind(&r.id).bind(&r.workspace_id).bind(kind.record_type).bind(kind.title_of(&r.fields))
                        .bind(kind.owner_of(&r.fields)).bind(&e.json).bind(r.version)
                        .bind(&r.created_at).bind(&r.updated_at).bind(&r.created_by).bind(&r.updated_by);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
            let sql = format!(
                "INSERT INTO record_index (workspace_id, kind, id, facets, search_text) VALUES {}",
                placeholders(self, chunk.len(), 5)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for (r, e) in chunk.iter().zip(enc) {
                    q = q.bind(&r.workspace_id).bind(kind.record_type).bind(&r.id).bind(&e.facets).bind(&e.search_text);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        let duties: Vec<(&RecordRow, &str, String)> = rows
            .iter()
            .flat_map(|r| {
                kind.duties(&r.fields)
                    .into_iter()
                    .map(move |(f, v)| (r, f, v))
            })
            .collect();
        for chunk in duties.chunks(1000) {
            let sql = format!(
                "INSERT INTO record_duties (record_id, workspace_id, kind, duty, due_on, owner_id) VALUES {}",
                placeholders(self, chunk.len(), 6)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for (r, d, due) in chunk {
                    q = q.bind(&r.id).bind(&r.workspace_id).bind(kind.record_type).bind(*d).bind(due).bind(kind.owner_of(&r.fields));
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Writes `new` if the stored version is `expected_version`; false when it
    /// is not (or the record is gone), in which case nothing was written.
    pub async fn record_update(
        &mut self,
        kind: &Kind,
        old: &RecordRow,
        new: &RecordRow,
    ) -> Result<bool> {
        let json = fields_json(&new.fields)?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE records SET title = $3, owner_id = $4, fields = $5, version = $6, updated_at = $7, updated_by = $8
             WHERE workspace_id = $1 AND id = $2 AND version = $9")
            .bind(&new.workspace_id).bind(&new.id).bind(kind.title_of(&new.fields))
            .bind(kind.owner_of(&new.fields)).bind(&json)
            .bind(new.version).bind(&new.updated_at).bind(&new.updated_by).bind(old.version)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
        self.record_index_write(
            kind,
            new,
            kind.facets(&new.fields),
            Some(kind.search_text(&new.fields)),
        )
        .await?;
        self.record_duties_sync(kind, new, &old.fields, &new.fields)
            .await?;
        Ok(true)
    }

    /// Replaces the kind's own facets of a record (keeping those set from
    /// elsewhere) and, when given, its search text.
    async fn record_index_write(
        &mut self,
        kind: &Kind,
        r: &RecordRow,
        facets: Vec<(&str, String)>,
        search_text: Option<String>,
    ) -> Result<()> {
        let stored: String = on_conn!(self, c => sqlx::query_scalar(
            "SELECT facets FROM record_index WHERE workspace_id = $1 AND kind = $2 AND id = $3")
            .bind(&r.workspace_id).bind(kind.record_type).bind(&r.id).fetch_optional(&mut **c).await)?
            .unwrap_or_default();
        // The kind's own facets are replaced; those set from elsewhere (a
        // system's EU AI Act tier) stay.
        let own = |field: &str| kind.field(field).is_some_and(|f| f.ty.is_facet());
        let facets = merge_facets(&stored, own, &facets);
        on_conn!(self, c => sqlx::query(
            "UPDATE record_index SET facets = $4, search_text = COALESCE($5, search_text) WHERE workspace_id = $1 AND kind = $2 AND id = $3")
            .bind(&r.workspace_id).bind(kind.record_type).bind(&r.id).bind(&facets).bind(search_text)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Brings dated duties from `old` fields to `new` ones, touching only what changed.
    async fn record_duties_sync(
        &mut self,
        kind: &Kind,
        r: &RecordRow,
        old: &Fields,
        new: &Fields,
    ) -> Result<()> {
        let (before, after) = (kind.duties(old), kind.duties(new));
        let owner_changed = kind.owner_of(old) != kind.owner_of(new);
        for (duty, _) in before
            .iter()
            .filter(|d| owner_changed || !after.contains(d))
        {
            on_conn!(self, c => sqlx::query("DELETE FROM record_duties WHERE record_id = $1 AND duty = $2")
                .bind(&r.id).bind(*duty).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        for (duty, due) in after
            .iter()
            .filter(|d| owner_changed || !before.contains(d))
        {
            on_conn!(self, c => sqlx::query("INSERT INTO record_duties (record_id, workspace_id, kind, duty, due_on, owner_id) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&r.id).bind(&r.workspace_id).bind(kind.record_type).bind(*duty).bind(due).bind(kind.owner_of(new))
                .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Sets a facet computed elsewhere (a system's EU AI Act tier), replacing its old value.
    pub async fn record_facet_set(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        record_id: &str,
        field: &str,
        value: &str,
    ) -> Result<()> {
        let stored: String = on_conn!(self, c => sqlx::query_scalar(
            "SELECT facets FROM record_index WHERE workspace_id = $1 AND kind = $2 AND id = $3")
            .bind(workspace_id).bind(record_type).bind(record_id).fetch_optional(&mut **c).await)?
        .unwrap_or_default();
        let facets = merge_facets(&stored, |f| f == field, &[(field, value.to_owned())]);
        on_conn!(self, c => sqlx::query(
            "UPDATE record_index SET facets = $4 WHERE workspace_id = $1 AND kind = $2 AND id = $3")
            .bind(workspace_id).bind(record_type).bind(record_id).bind(&facets)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn record_get(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        id: &str,
    ) -> Result<Option<RecordRow>> {
        let sql = format!("{SELECT} WHERE r.workspace_id = $1 AND r.kind = $2 AND r.id = $3");
        let raw: Option<RecordJson> = on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(record_type).bind(id).fetch_optional(&mut **c).await)?;
        raw.map(RecordRow::try_from).transpose()
    }

    /// [`Conn::record_get`], with a missing record turned into the caller's
    /// error (its "not found"), so use cases do not each repeat the check.
    pub async fn record_of<E>(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        id: &str,
        missing: E,
    ) -> std::result::Result<RecordRow, E>
    where
        E: From<StoreError>,
    {
        self.record_get(workspace_id, record_type, id)
            .await?
            .ok_or(missing)
    }

    /// A record of any kind of this workspace (the other end of a link).
    pub async fn record_any(&mut self, workspace_id: &str, id: &str) -> Result<Option<RecordRow>> {
        let sql = format!("{SELECT} WHERE r.workspace_id = $1 AND r.id = $2");
        let raw: Option<RecordJson> = on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(id).fetch_optional(&mut **c).await)?;
        raw.map(RecordRow::try_from).transpose()
    }

    /// Deletes a record; its index row, duties, links and dependants go with it.
    pub async fn record_delete(&mut self, workspace_id: &str, id: &str) -> Result<bool> {
        on_conn!(self, c => sqlx::query(
            "DELETE FROM record_index WHERE workspace_id = $1 AND kind = (SELECT kind FROM records WHERE id = $2) AND id = $2")
            .bind(workspace_id).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        let n = on_conn!(self, c => sqlx::query("DELETE FROM records WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// One page of a kind's records. In creation order the page walks the
    /// narrow index table in order and joins each match; sorted by title or
    /// date it walks that index of the records and tests each one's index row.
    pub async fn records_list<T: ListItem>(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        f: &RecordFilter,
    ) -> Result<Page<T>> {
        let limit = f.limit.clamp(1, 1000);
        // Conditions on the index row `x`, after the workspace and kind.
        let mut conds = String::new();
        let mut n = 3;
        let mut binds: Vec<String> = vec![];
        // Plain substring tests (no wildcards to escape).
        let find = self.find_function();
        if let Some(q) = &f.q {
            conds.push_str(&format!(" AND {find}(x.search_text, ${n}) > 0"));
            binds.push(q.to_lowercase());
            n += 1;
        }
        if let Some(ids) = &f.ids {
            conds.push_str(&match self {
                Conn::Sqlite(_) => format!(" AND x.id IN (SELECT value FROM json_each(${n}))"),
                Conn::Postgres(_) => {
                    format!(" AND x.id IN (SELECT json_array_elements_text(CAST(${n} AS json)))")
                }
            });
            binds.push(serde_json::Value::from(ids.clone()).to_string());
            n += 1;
        }
        for (field, value) in &f.facets {
            conds.push_str(&format!(" AND {find}(x.facets, ${n}) > 0"));
            binds.push(facet_token(field, value));
            n += 1;
        }
        if let Some(linked) = &f.linked {
            conds.push_str(&format!(
                " AND (x.id IN (SELECT to_id FROM record_links WHERE workspace_id = $1 AND from_id = ${n})
                   OR x.id IN (SELECT from_id FROM record_links WHERE workspace_id = $1 AND to_id = ${n}))"
            ));
            binds.push(linked.clone());
            n += 1;
        }
        if let Some(before) = &f.due_before {
            conds.push_str(&format!(
                " AND x.id IN (SELECT record_id FROM record_duties WHERE workspace_id = $1 AND due_on < ${n})"
            ));
            binds.push(before.clone());
            n += 1;
        }
        let col = f.sort.column();
        let (cmp, dir) = if f.descending {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        if let Some(after) = &f.after {
            if f.sort == Sort::Created {
                conds.push_str(&format!(" AND x.id {cmp} ${n}"));
            } else {
                conds.push_str(&format!(
                    " AND ({col}, r.id) {cmp} (SELECT {}, id FROM records WHERE id = ${n})",
                    col.trim_start_matches("r.")
                ));
            }
            binds.push(after.clone());
            n += 1;
        }
        let sql = if f.sort == Sort::Created && matches!(self, Conn::Sqlite(_)) {
            // The index table walked in order, each match's record joined.
            format!(
                "SELECT {COLUMNS} FROM record_index x JOIN records r ON r.id = x.id LEFT JOIN users u ON u.id = r.owner_id
                 WHERE x.workspace_id = $1 AND x.kind = $2{conds} ORDER BY x.id {dir} LIMIT ${n}"
            )
        } else if f.sort == Sort::Created {
            // The page's ids from the narrow index table in order, then their
            // records: joined first, PostgreSQL merged the index with the
            // records' primary key from its start, walking the records of
            // every workspace made before this one (20,000 rows for a page).
            // (SQLite spent half as much again on a page of 50 this way.)
            format!(
                "SELECT {COLUMNS} FROM (SELECT x.id FROM record_index x
                 WHERE x.workspace_id = $1 AND x.kind = $2{conds} ORDER BY x.id {dir} LIMIT ${n}) x
                 JOIN records r ON r.id = x.id LEFT JOIN users u ON u.id = r.owner_id ORDER BY x.id {dir}"
            )
        } else {
            // Walks the records' index of that order and tests each one's
            // index row.
            format!(
                "SELECT {COLUMNS} FROM records r JOIN record_index x ON x.workspace_id = r.workspace_id AND x.kind = r.kind AND x.id = r.id
                 LEFT JOIN users u ON u.id = r.owner_id WHERE r.workspace_id = $1 AND r.kind = $2{conds}
                 ORDER BY {col} {dir}, r.id {dir} LIMIT ${n}"
            )
        };
        let raw: Vec<RecordJson> = match self {
            Conn::Sqlite(c) => {
                // The page as one value: rows cross from SQLite's thread to
                // the request's one at a time, with a wake-up each (14 µs a
                // row, most of a page's cost), one value crosses once. Each
                // record is its other columns as a JSON array, then its fields
                // as stored (JSON text, never holding a control character, so
                // the separators \x1e and \x1f cannot occur inside).
                let sql = format!(
                    "SELECT COALESCE(group_concat(json_array(id, workspace_id, kind, title, owner_id, owner_email, owner_name, version, created_at, updated_at, created_by, updated_by) || char(30) || fields, char(31)), '') FROM ({sql})"
                );
                let mut q = sqlx::query_scalar(&sql)
                    .bind(workspace_id)
                    .bind(record_type);
                for b in &binds {
                    q = q.bind(b);
                }
                let page: String = q.bind(limit + 1).fetch_one(&mut **c).await?;
                let mut rows = page_rows(&page)?;
                // In the order asked for, whatever order the aggregate saw.
                match f.sort {
                    Sort::Created => rows.sort_by(|a, b| a.id.cmp(&b.id)),
                    Sort::Title => rows.sort_by(|a, b| (&a.title, &a.id).cmp(&(&b.title, &b.id))),
                    Sort::Updated => {
                        rows.sort_by(|a, b| (&a.updated_at, &a.id).cmp(&(&b.updated_at, &b.id)))
                    }
                }
                if f.descending {
                    rows.reverse();
                }
                rows
            }
            Conn::Postgres(c) => {
                let mut q = sqlx::query_as(&sql).bind(workspace_id).bind(record_type);
                for b in &binds {
                    q = q.bind(b);
                }
                q.bind(limit + 1).fetch_all(&mut **c).await?
            }
        };
        let mut items = raw
            .into_iter()
            .map(T::from_json)
            .collect::<Result<Vec<_>>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|s| s.id().to_owned())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Each record of a kind with its search text, `(id, text)` (what a kept
    /// text index is built from). With `only`, just that record (none when
    /// it is gone or of another kind).
    pub async fn record_search_texts(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        only: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let from = format!(
            "FROM record_index WHERE workspace_id = $1 AND kind = $2{}",
            if only.is_some() { " AND id = $3" } else { "" }
        );
        let mut binds = vec![workspace_id, record_type];
        binds.extend(only);
        self.rows_in_one("id, search_text", &from, &binds).await
    }

    /// Refreshes the planner's statistics of the record tables after a bulk
    /// import, so filters keep their plans (on PostgreSQL a filtered list
    /// took a second right after importing 10,000 rows, 10 ms after this).
    pub async fn records_analyze(&mut self) -> Result<()> {
        if let Conn::Postgres(c) = self {
            sqlx::query("ANALYZE records, record_index, record_duties")
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    /// Recomputes title, search text, owner, facets and duties of every record
    /// from its fields, once, when a migration asked for it.
    pub(crate) async fn records_reindex(&mut self) -> Result<u64> {
        let pending: Option<String> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT task FROM maintenance WHERE task = 'reindex_records'")
            .fetch_optional(&mut **c).await)?;
        if pending.is_none() {
            return Ok(0);
        }
        let raw: Vec<RecordJson> =
            on_conn!(self, c => sqlx::query_as(SELECT).fetch_all(&mut **c).await)?;
        let mut n = 0;
        for r in raw {
            let r = RecordRow::try_from(r)?;
            let Some(kind) = kind_by_record_type(&r.kind) else {
                continue;
            };
            on_conn!(self, c => sqlx::query("UPDATE records SET title = $2, owner_id = $3 WHERE id = $1")
                .bind(&r.id).bind(kind.title_of(&r.fields)).bind(kind.owner_of(&r.fields))
                .execute(&mut **c).await.map(|r| r.rows_affected()))?;
            self.record_index_write(
                kind,
                &r,
                kind.facets(&r.fields),
                Some(kind.search_text(&r.fields)),
            )
            .await?;
            on_conn!(self, c => sqlx::query("DELETE FROM record_duties WHERE record_id = $1")
                .bind(&r.id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
            self.record_duties_sync(kind, &r, &Fields::new(), &r.fields)
                .await?;
            n += 1;
        }
        on_conn!(self, c => sqlx::query("DELETE FROM maintenance WHERE task = 'reindex_records'")
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    pub async fn link_insert(&mut self, l: &NewLink<'_>) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO record_links (id, workspace_id, from_id, relation, to_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(l.id).bind(l.workspace_id).bind(l.from_id).bind(l.relation).bind(l.to_id).bind(l.at).bind(l.by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))
        .map_err(|e| StoreError::unique(e, "link"))?;
        Ok(())
    }

    /// Every link of a record, both directions, with the record at the other end.
    pub async fn links_of(&mut self, workspace_id: &str, record_id: &str) -> Result<Vec<LinkRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT l.id, l.relation, l.from_id, l.to_id, o.id AS other_id, o.kind AS other_kind, o.title AS other_title, l.created_at, l.created_by
             FROM record_links l JOIN records o ON o.id = CASE WHEN l.from_id = $2 THEN l.to_id ELSE l.from_id END
             WHERE l.workspace_id = $1 AND (l.from_id = $2 OR l.to_id = $2)
             ORDER BY l.relation, o.title, l.id")
            .bind(workspace_id).bind(record_id).fetch_all(&mut **c).await)?)
    }

    /// Every link of one relation in a workspace, as `(from_id, to_id)`, in
    /// no particular order (through `record_links_by_relation`).
    pub async fn links_by_relation(
        &mut self,
        workspace_id: &str,
        relation: &str,
    ) -> Result<Vec<(String, String)>> {
        const FROM: &str = "FROM record_links WHERE relation = $2 AND workspace_id = $1";
        match self {
            // One value for all (`json_rows`): a relation may hold thousands.
            Conn::Sqlite(c) => {
                let sql = format!(
                    "SELECT COALESCE(json_group_array(json_array(from_id, to_id)), '[]') {FROM}"
                );
                let text: String = sqlx::query_scalar(&sql)
                    .bind(workspace_id)
                    .bind(relation)
                    .fetch_one(&mut **c)
                    .await?;
                crate::conn::json_rows(&text)
            }
            Conn::Postgres(c) => {
                let sql = format!("SELECT from_id, to_id {FROM}");
                Ok(sqlx::query_as(&sql)
                    .bind(workspace_id)
                    .bind(relation)
                    .fetch_all(&mut **c)
                    .await?)
            }
        }
    }

    /// Every link of one relation in a workspace, as `(to_id, from record's title)`:
    /// what points at each record, in one query (exports, views).
    pub async fn links_to_by_relation(
        &mut self,
        workspace_id: &str,
        relation: &str,
    ) -> Result<Vec<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT l.to_id, f.title FROM record_links l JOIN records f ON f.id = l.from_id
             WHERE l.workspace_id = $1 AND l.relation = $2 ORDER BY l.to_id, f.title")
            .bind(workspace_id).bind(relation).fetch_all(&mut **c).await)?)
    }

    pub async fn link_delete(&mut self, workspace_id: &str, link_id: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query("DELETE FROM record_links WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id).bind(link_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Whether this exact link exists (so an import links each pair once).
    pub async fn link_exists(
        &mut self,
        from_id: &str,
        relation: &str,
        to_id: &str,
    ) -> Result<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM record_links WHERE from_id = $1 AND relation = $2 AND to_id = $3")
            .bind(from_id).bind(relation).bind(to_id).fetch_one(&mut **c).await)?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_sent_as_json_reads_back_every_column() {
        let page = "[\"id1\",\"ws\",\"ai_system\",\"T\",null,\"a@x\",null,3,\"c\",\"u\",\"cb\",\"ub\"]\x1e{\"name\":\"T\"}";
        let rows = page_rows(page).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (r.id.as_str(), r.title.as_str(), r.version),
            ("id1", "T", 3)
        );
        assert_eq!(r.owner_email.as_deref(), Some("a@x"));
        assert_eq!(r.fields, r#"{"name":"T"}"#);
        let two = format!("{page}\x1f{page}");
        assert_eq!(page_rows(&two).unwrap().len(), 2);
        assert!(page_rows("[1]\x1e{}").is_err());
        assert!(page_rows("[\"id\"]").is_err());
        assert!(page_rows("").unwrap().is_empty());
    }
}
