//! The one record path: create, read, list, update (optimistic concurrency)
//! and delete any kind of record, each write with its history event, the
//! history diff computed from the fields. Kinds are declared in
//! `aims_domain::record`; nothing here is written per kind.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::history::field_changes;
use aims_domain::record::{Derived, FieldType, Fields, Input, Kind};
use aims_domain::validation::{has_control_chars, is_record_id, CONTROL_MESSAGE};
use aims_domain::FieldErrors;
use aims_store::{Conn, MemberRow, Page, RecordFilter, RecordRow, Sort};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Longest search text: enough for any name, short enough for every backend's
/// pattern matcher (SQLite refuses LIKE patterns past 50,000 bytes).
pub const MAX_QUERY_CHARS: usize = 200;
/// The derived facet holding a system's EU AI Act tier, filterable as `tier`.
pub const TIER_FACET: &str = "eu_ai_act_tier";
/// The list filter for records linked to a record (`linked=<id>`), any kind.
pub const LINKED_FILTER: &str = "linked";
/// The list filter for records with an open dated duty before a date
/// (`due_before=2026-11-26`: overdue work), any kind.
pub const DUE_BEFORE_FILTER: &str = "due_before";

/// A list request as people and API clients write it: every value is text
/// until checked here, so the page, the API and the CLI accept the same forms.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub q: Option<String>,
    /// `title`, `created`, `updated`, optionally prefixed with `-` for descending.
    pub sort: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
    /// Facet filters by field name (`lifecycle_stage=deployment`, `owner=ada@example.com`, `tier=high_risk`).
    pub filters: BTreeMap<String, String>,
}

impl ListRequest {
    /// A search with the filters that are given (`None` ones left out).
    pub fn filtered<'a>(
        q: Option<String>,
        filters: impl IntoIterator<Item = (&'a str, Option<String>)>,
    ) -> ListRequest {
        ListRequest {
            q,
            filters: filters
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
                .collect(),
            ..Default::default()
        }
    }

    /// Every record linked to record `id`.
    pub fn linked_to(id: &str) -> ListRequest {
        ListRequest::filtered(None, [(LINKED_FILTER, Some(id.to_owned()))])
    }
}

impl App {
    /// Resolves every member reference (e-mail or user id) in `fields` to the
    /// user id of a member of this workspace.
    async fn resolve_members(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        fields: &mut Fields,
        members: &mut Option<Vec<MemberRow>>,
    ) -> Result<()> {
        if kind.owner_of(fields).is_none() {
            return Ok(());
        }
        if members.is_none() {
            *members = Some(conn.members_of(&ws.workspace.id).await?);
        }
        Ok(resolve_member_fields(
            kind,
            fields,
            members.as_deref().unwrap_or(&[]),
        )?)
    }

    pub async fn create_record(
        &self,
        ws: &Scope,
        kind: &Kind,
        input: Input<'_>,
    ) -> Result<RecordRow> {
        ws.require(kind.access.create)?;
        let mut tx = self.store.begin().await?;
        let row = self.create_in(&mut tx.conn(), ws, kind, input).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Creates a record inside the caller's transaction, through the same
    /// parsing, derivation and rules as [`App::create_record`].
    pub(crate) async fn create_in(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        input: Input<'_>,
    ) -> Result<RecordRow> {
        ws.require(kind.access.create)?;
        let mut fields = kind.parse_new(input)?;
        let derivation = self.derivation(conn, ws, kind).await?;
        derive_fields(&derivation, &mut fields)?;
        self.before_write(conn, ws, kind, None, &mut fields).await?;
        let row = self
            .insert_record(conn, ws, kind, fields, &mut None)
            .await?;
        self.after_write(conn, ws, kind, &row).await?;
        Ok(row)
    }

    /// Inserts a parsed record with its history event, inside the caller's transaction.
    pub(crate) async fn insert_record(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        mut fields: Fields,
        members: &mut Option<Vec<MemberRow>>,
    ) -> Result<RecordRow> {
        self.resolve_members(conn, ws, kind, &mut fields, members)
            .await?;
        let row = self.new_row(ws, kind, fields);
        conn.record_insert(kind, &row).await?;
        conn.history_append(self.event(
            &ws.principal,
            &row.workspace_id,
            "create",
            kind.record_type,
            &row.id,
            Value::Object(row.fields.clone()),
        ))
        .await?;
        Ok(row)
    }

    /// A new record of `kind` holding `fields`, version 1, made now by the caller.
    pub(crate) fn new_row(&self, ws: &Scope, kind: &Kind, fields: Fields) -> RecordRow {
        let now = self.now();
        RecordRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            kind: kind.record_type.to_owned(),
            title: kind.title_of(&fields).to_owned(),
            owner_id: kind.owner_of(&fields).map(str::to_owned),
            owner_email: None,
            owner_name: None,
            fields,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            created_by: ws.principal.label.clone(),
            updated_by: ws.principal.label.clone(),
        }
    }

    pub async fn record(&self, ws: &Scope, kind: &Kind, id: &str) -> Result<RecordRow> {
        ws.require(kind.access.read)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound(kind.singular));
        }
        let mut c = self.store.conn().await?;
        record_of_kind(&mut c.conn(), ws, kind, id).await
    }

    /// Applies `input` to the record if `version` is current (fields left out
    /// keep their value); a stale version is a conflict and writes nothing; a
    /// change that changes nothing is a no-op.
    pub async fn update_record(
        &self,
        ws: &Scope,
        kind: &Kind,
        id: &str,
        version: i64,
        input: Input<'_>,
    ) -> Result<RecordRow> {
        ws.require(kind.access.update)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound(kind.singular));
        }
        let mut tx = self.store.begin().await?;
        let old = record_of_kind(&mut tx.conn(), ws, kind, id).await?;
        if old.version != version {
            return Err(AppError::stale(old.version));
        }
        Self::check_review_unlocked(&old)?;
        let mut fields = kind.parse_update(&old.fields, input)?;
        let derivation = self.derivation(&mut tx.conn(), ws, kind).await?;
        derive_fields(&derivation, &mut fields)?;
        self.before_write(&mut tx.conn(), ws, kind, Some(&old), &mut fields)
            .await?;
        let new = self
            .update_parsed(&mut tx.conn(), ws, kind, &old, fields, &mut None)
            .await?;
        self.after_write(&mut tx.conn(), ws, kind, &new).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Writes new fields over `old` with the history event of what changed,
    /// inside the caller's transaction; unchanged fields write nothing.
    pub(crate) async fn update_parsed(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        old: &RecordRow,
        mut fields: Fields,
        members: &mut Option<Vec<MemberRow>>,
    ) -> Result<RecordRow> {
        self.resolve_members(conn, ws, kind, &mut fields, members)
            .await?;
        let change = field_changes(&old.fields, &fields);
        if change.is_empty() {
            return Ok(old.clone());
        }
        let new = RecordRow {
            title: kind.title_of(&fields).to_owned(),
            owner_id: kind.owner_of(&fields).map(str::to_owned),
            fields,
            version: old.version + 1,
            updated_at: self.now(),
            updated_by: ws.principal.label.clone(),
            ..old.clone()
        };
        if !conn.record_update(kind, old, &new).await? {
            return Err(AppError::stale(old.version + 1));
        }
        conn.history_append(self.event(
            &ws.principal,
            &new.workspace_id,
            "update",
            kind.record_type,
            &new.id,
            Value::Object(change),
        ))
        .await?;
        Ok(new)
    }

    /// Deletes a record and its links; returns the links it removed so the
    /// caller can say what was unlinked. Its history stays.
    pub async fn delete_record(
        &self,
        ws: &Scope,
        kind: &Kind,
        id: &str,
    ) -> Result<Vec<aims_store::LinkRow>> {
        ws.require(kind.access.delete)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound(kind.singular));
        }
        let mut tx = self.store.begin().await?;
        let old = record_of_kind(&mut tx.conn(), ws, kind, id).await?;
        Self::check_review_unlocked(&old)?;
        let links = tx.conn().links_of(&ws.workspace.id, id).await?;
        tx.conn().record_delete(&ws.workspace.id, id).await?;
        let unlinked: Vec<Value> = links
            .iter()
            .map(|l| json!({"relation": l.relation, "record": l.other_id, "title": l.other_title}))
            .collect();
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &old.workspace_id,
                "delete",
                kind.record_type,
                &old.id,
                json!({"fields": old.fields, "version": old.version, "unlinked": unlinked}),
            ))
            .await?;
        tx.commit().await?;
        Ok(links)
    }

    /// One page of a kind's records, read as [`RecordRow`]s (fields parsed)
    /// or [`aims_store::RecordJson`]s (fields as stored, for the API).
    pub async fn records<T: aims_store::ListItem>(
        &self,
        ws: &Scope,
        kind: &Kind,
        req: &ListRequest,
    ) -> Result<Page<T>> {
        ws.require(kind.access.read)?;
        let filter = self.list_filter(ws, kind, req).await?;
        let filter = self.narrowed(ws, kind, filter).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .records_list(&ws.workspace.id, kind.record_type, &filter)
            .await?)
    }

    /// Every record of a kind matching `req` (all pages).
    pub async fn all_records(
        &self,
        ws: &Scope,
        kind: &Kind,
        req: &ListRequest,
    ) -> Result<Vec<RecordRow>> {
        ws.require(kind.access.read)?;
        let filter = self.list_filter(ws, kind, req).await?;
        let filter = self.narrowed(ws, kind, filter).await?;
        let mut c = self.store.conn().await?;
        all_pages(&mut c.conn(), &ws.workspace.id, kind, filter).await
    }

    /// Columns a kind exports beyond its fields (a system's EU AI Act tier,
    /// a risk's acceptance), none for most kinds.
    async fn export_extra(
        &self,
        ws: &Scope,
        kind: &Kind,
        rows: &[RecordRow],
    ) -> Result<ExtraColumns> {
        if kind.record_type == crate::systems_kind().record_type {
            return self.system_export_extra(ws, rows).await;
        }
        if kind.derived == Derived::RiskScores {
            return self.risk_export_extra(ws, rows).await;
        }
        Ok(ExtraColumns {
            names: vec![],
            values: Default::default(),
        })
    }

    pub async fn count_records(&self, ws: &Scope, kind: &Kind) -> Result<i64> {
        ws.require(kind.access.read)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .records_count(&ws.workspace.id, kind.record_type)
            .await?)
    }

    /// Checks a list request: search text of sane length, a known order, a
    /// cursor that is a record id, filters on facet fields with known values.
    pub(crate) async fn list_filter(
        &self,
        ws: &Scope,
        kind: &Kind,
        req: &ListRequest,
    ) -> Result<RecordFilter> {
        let mut errors = FieldErrors::new();
        let q = req.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if let Some(q) = q {
            if q.chars().count() > MAX_QUERY_CHARS {
                errors.add("q", format!("must be at most {MAX_QUERY_CHARS} characters"));
            }
            if has_control_chars(q) {
                errors.add("q", CONTROL_MESSAGE);
            }
        }
        let after = req.after.as_deref().filter(|a| !a.is_empty());
        if after.is_some_and(|a| !is_record_id(a)) {
            errors.add("after", "must be the `next` cursor of a previous page");
        }
        let sort_raw = req.sort.as_deref().unwrap_or("").trim();
        let (descending, sort_name) = match sort_raw.strip_prefix('-') {
            Some(s) => (true, s),
            None => (false, sort_raw),
        };
        let sort = match sort_name {
            "" | "created" => Sort::Created,
            "title" | "name" => Sort::Title,
            "updated" => Sort::Updated,
            _ => {
                errors.add(
                    "sort",
                    "must be title, created or updated (prefix - for descending)",
                );
                Sort::Created
            }
        };
        let limit = req.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            errors.add("limit", "must be a whole number from 1 to 500");
        }
        let mut facets = vec![];
        let mut members = None;
        let (mut linked, mut due_before) = (None, None);
        for (name, raw) in &req.filters {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            if name == LINKED_FILTER {
                if is_record_id(raw) {
                    linked = Some(raw.to_owned());
                } else {
                    errors.add(name, "must be the id of a record");
                }
                continue;
            }
            if name == DUE_BEFORE_FILTER {
                match aims_domain::record::parse_date(raw) {
                    Some(d) => due_before = Some(d),
                    None => errors.add(name, "must be a date, YYYY-MM-DD"),
                }
                continue;
            }
            if name == "tier" && kind.name == "systems" {
                facets.push((TIER_FACET.to_owned(), raw.to_owned()));
                continue;
            }
            let Some(field) = kind.field(name).filter(|f| f.ty.is_facet()) else {
                let names: Vec<&str> = kind
                    .fields
                    .iter()
                    .filter(|f| f.ty.is_facet())
                    .map(|f| f.name)
                    .collect();
                errors.add(
                    name,
                    format!("cannot filter on this; filters: {}", names.join(", ")),
                );
                continue;
            };
            if field.ty == FieldType::Member {
                if members.is_none() {
                    members = Some(
                        self.store
                            .conn()
                            .await?
                            .conn()
                            .members_of(&ws.workspace.id)
                            .await?,
                    );
                }
                let me = ws.principal.user_id();
                let found = members.iter().flatten().find(|m| {
                    m.email.eq_ignore_ascii_case(raw)
                        || m.user_id == raw
                        || (raw == "me" && Some(m.user_id.as_str()) == me)
                });
                // An unknown owner matches nothing rather than everything.
                let id = found.map_or_else(|| "-".to_owned(), |m| m.user_id.clone());
                facets.push((field.name.to_owned(), id));
                continue;
            }
            if field.ty == FieldType::Key {
                // A computed key (a risk's band): any key may be asked for.
                if aims_domain::risk::is_key(raw) {
                    facets.push((field.name.to_owned(), raw.to_owned()));
                } else {
                    errors.add(
                        name,
                        "must be a key: lowercase letters, digits, '_' and '-'",
                    );
                }
                continue;
            }
            let mut map = BTreeMap::new();
            map.insert(field.name.to_owned(), raw.to_owned());
            let title = kind.title_field().name;
            if field.name != title {
                map.insert(title.to_owned(), "x".to_owned());
            }
            match kind.parse_new(Input::Text(&map)) {
                Ok(parsed) => {
                    for (f, v) in kind
                        .facets(&parsed)
                        .into_iter()
                        .filter(|(f, _)| *f == field.name)
                    {
                        facets.push((f.to_owned(), v));
                    }
                }
                Err(e) => {
                    for m in e.get(field.name) {
                        errors.add(name, m.clone());
                    }
                }
            }
        }
        errors.into_result()?;
        Ok(RecordFilter {
            q: q.map(str::to_owned),
            ids: None,
            facets,
            linked,
            due_before,
            sort,
            descending,
            after: after.map(str::to_owned),
            limit,
        })
    }

    /// Every record of a kind matching `req` as a file: one column per field,
    /// then the record's id, version and dates; owners as e-mail addresses.
    pub async fn export_records(
        &self,
        ws: &Scope,
        kind: &Kind,
        req: &ListRequest,
        format: aims_export::Format,
    ) -> Result<Vec<u8>> {
        ws.require(kind.access.export)?;
        let rows = self.all_records(ws, kind, req).await?;
        let extra = self.export_extra(ws, kind, &rows).await?;
        let table = export_table(kind, &rows, &extra);
        if kind.derived == Derived::RiskScores && format == aims_export::Format::Xlsx {
            // The register as auditors read it: risks, their actions, the method.
            return self.risk_workbook(ws, table).await;
        }
        aims_export::write(&table, format).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// What a kind's [`Derived`] rule needs from the workspace, loaded once per write or import.
pub(crate) enum Derivation {
    Plain,
    Risk(aims_domain::risk::RiskMethod),
    Incident,
    Certification,
    Metric,
}

impl App {
    pub(crate) async fn derivation(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
    ) -> Result<Derivation> {
        Ok(match kind.derived {
            Derived::None => Derivation::Plain,
            Derived::RiskScores => {
                Derivation::Risk(self.method_in(conn, &ws.workspace.id).await?.method)
            }
            Derived::IncidentDeadline => Derivation::Incident,
            Derived::Certification => Derivation::Certification,
            Derived::MetricThresholds => Derivation::Metric,
        })
    }
}

/// Completes parsed fields by the kind's rule (risk levels and scores).
pub(crate) fn derive_fields(
    d: &Derivation,
    fields: &mut Fields,
) -> std::result::Result<(), FieldErrors> {
    match d {
        Derivation::Plain => Ok(()),
        Derivation::Risk(method) => aims_domain::risk::fields::derive(method, fields),
        Derivation::Incident => aims_domain::incident::derive(fields),
        Derivation::Certification => aims_domain::certification::derive(fields),
        Derivation::Metric => aims_domain::metric::fields::derive(fields),
    }
}

/// Every record of `kind` matching `filter`, read page after page on `conn`
/// (inside a transaction when it is one).
pub(crate) async fn all_pages(
    conn: &mut Conn<'_>,
    workspace_id: &str,
    kind: &Kind,
    mut filter: RecordFilter,
) -> Result<Vec<RecordRow>> {
    filter.limit = 1000;
    let mut out = vec![];
    loop {
        let page = conn
            .records_list::<RecordRow>(workspace_id, kind.record_type, &filter)
            .await?;
        out.extend(page.items);
        match page.next {
            Some(n) => filter.after = Some(n),
            None => return Ok(out),
        }
    }
}

/// The record `id` of `kind` in the workspace, or "no such <kind>".
pub(crate) async fn record_of_kind(
    c: &mut aims_store::Conn<'_>,
    ws: &Scope,
    kind: &Kind,
    id: &str,
) -> Result<RecordRow> {
    c.record_of(
        &ws.workspace.id,
        kind.record_type,
        id,
        AppError::NotFound(kind.singular),
    )
    .await
}

/// Replaces every member reference (e-mail, any case, or user id) in `fields`
/// with the member's user id; a reference to anyone else is a field error.
pub(crate) fn resolve_member_fields(
    kind: &Kind,
    fields: &mut Fields,
    members: &[MemberRow],
) -> std::result::Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for f in kind.fields.iter().filter(|f| f.ty == FieldType::Member) {
        let Some(Value::String(given)) = fields.get(f.name) else {
            continue;
        };
        let given = given.trim();
        match members
            .iter()
            .find(|m| m.user_id == given || m.email.eq_ignore_ascii_case(given))
        {
            Some(m) => {
                fields.insert(f.name.to_owned(), json!(m.user_id));
            }
            None => errors.add(
                f.name,
                "must be a member of this workspace (their e-mail address)",
            ),
        }
    }
    errors.into_result()
}

/// Extra columns a kind exports beyond its fields (a system's EU AI Act tier).
pub(crate) struct ExtraColumns {
    pub names: Vec<&'static str>,
    pub values: std::collections::HashMap<String, Vec<String>>,
}

pub(crate) fn export_table(
    kind: &Kind,
    rows: &[RecordRow],
    extra: &ExtraColumns,
) -> aims_export::Table {
    let mut columns: Vec<String> = vec!["id".into()];
    columns.extend(kind.fields.iter().map(|f| f.name.to_owned()));
    columns.extend(extra.names.iter().map(|s| (*s).to_owned()));
    columns.extend(
        [
            "version",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.id.clone()];
            for f in kind.fields {
                cells.push(if f.ty == FieldType::Member {
                    r.owner_email.clone().unwrap_or_default()
                } else {
                    kind.cell(f, &r.fields)
                });
            }
            match extra.values.get(&r.id) {
                Some(v) => cells.extend(v.iter().cloned()),
                None => cells.extend(extra.names.iter().map(|_| String::new())),
            }
            cells.extend([
                r.version.to_string(),
                r.created_at.clone(),
                r.created_by.clone(),
                r.updated_at.clone(),
                r.updated_by.clone(),
            ]);
            cells
        })
        .collect();
    aims_export::Table {
        sheet: aims_domain::record::capitalise(kind.plural),
        columns,
        rows,
    }
}
