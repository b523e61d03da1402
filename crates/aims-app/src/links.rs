//! Links between records of one workspace, under a named relation declared in
//! `aims_domain::record::RELATIONS`. Both ends see the link; each link and
//! unlink is a history event of the record it starts from.

use crate::records::record_of_kind;
use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::record::{kind_by_record_type, relation, Kind, CONTROLS, RELATIONS};
use aims_domain::validation::is_record_id;
use aims_store::{LinkRow, StoreError};
use serde::Serialize;
use serde_json::json;

/// A link as seen from one of its records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    pub id: String,
    pub relation: String,
    /// How the link reads from this record ("uses model", "used by").
    pub label: String,
    /// `outgoing` when this record is the link's source, else `incoming`.
    pub direction: &'static str,
    pub other: LinkedRecord,
    pub created_at: String,
    pub created_by: String,
}

/// The record at the other end of a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedRecord {
    pub id: String,
    /// Its kind's API name (`models`).
    pub kind: String,
    pub title: String,
}

impl LinkView {
    pub(crate) fn of(record_id: &str, l: LinkRow) -> LinkView {
        let outgoing = l.from_id == record_id;
        let rel = relation(&l.relation);
        let label = rel
            .map(|r| if outgoing { r.label } else { r.inverse })
            .unwrap_or(&l.relation)
            .to_owned();
        LinkView {
            id: l.id,
            relation: l.relation,
            label,
            direction: if outgoing { "outgoing" } else { "incoming" },
            other: LinkedRecord {
                id: l.other_id,
                kind: kind_by_record_type(&l.other_kind)
                    .map_or(l.other_kind.clone(), |k| k.name.to_owned()),
                title: l.other_title,
            },
            created_at: l.created_at,
            created_by: l.created_by,
        }
    }
}

impl App {
    /// Every link of a record, both directions.
    pub async fn links(&self, ws: &Scope, kind: &Kind, id: &str) -> Result<Vec<LinkView>> {
        self.record(ws, kind, id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .links_of(&ws.workspace.id, id)
            .await?
            .into_iter()
            .map(|l| LinkView::of(id, l))
            .collect())
    }

    /// Any record of the workspace by id, whatever its kind, as a link shows it.
    pub async fn linked_record(&self, ws: &Scope, id: &str) -> Result<LinkedRecord> {
        ws.require(aims_domain::Action::Read)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound("record"));
        }
        let mut c = self.store.conn().await?;
        let r = c
            .conn()
            .record_any(&ws.workspace.id, id)
            .await?
            .ok_or(AppError::NotFound("record"))?;
        Ok(LinkedRecord {
            kind: kind_by_record_type(&r.kind).map_or(r.kind.clone(), |k| k.name.to_owned()),
            id: r.id,
            title: r.title,
        })
    }

    /// Links record `id` to record `to` of the same workspace under `relation`.
    pub async fn link(
        &self,
        ws: &Scope,
        kind: &Kind,
        id: &str,
        relation_name: &str,
        to: &str,
    ) -> Result<LinkView> {
        ws.require(kind.access.update)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound(kind.singular));
        }
        let Some(rel) = relation(relation_name.trim()) else {
            let names: Vec<&str> = RELATIONS.iter().map(|r| r.name).collect();
            return Err(AppError::field(
                "relation",
                format!("must be one of: {}", names.join(", ")),
            ));
        };
        let to = to.trim();
        // A catalogue control (`iso42001:A.6.2.4`) stands for the workspace's
        // record of it, made on first use.
        let control = if is_record_id(to) {
            None
        } else if to.contains(':') && rel.to.contains(&CONTROLS.name) {
            Some(self.catalogue_control(to, rel.name).await?)
        } else {
            return Err(AppError::field(
                "to",
                if rel.to.contains(&CONTROLS.name) {
                    "must be the id of a record in this workspace, or a catalogue control such as iso42001:A.6.2.4"
                } else {
                    "must be the id of a record in this workspace"
                },
            ));
        };
        if to == id {
            return Err(AppError::field("to", "a record cannot be linked to itself"));
        }
        let mut tx = self.store.begin().await?;
        let from = record_of_kind(&mut tx.conn(), ws, kind, id).await?;
        let other = match control {
            Some((reference, title)) => {
                self.control_record(&mut tx.conn(), ws, &reference, &title)
                    .await?
            }
            // Another workspace's record is "no such record": its existence stays secret.
            None => match tx.conn().record_any(&ws.workspace.id, to).await? {
                Some(other) => other,
                None => return Err(AppError::field("to", "no such record in this workspace")),
            },
        };
        let other_kind = kind_by_record_type(&other.kind)
            .ok_or_else(|| AppError::Internal(format!("unknown kind {}", other.kind)))?;
        if !rel.allows(kind.name, other_kind.name) {
            return Err(AppError::field(
                "relation",
                format!(
                    "`{}` cannot link {} to {}",
                    rel.name, kind.plural, other_kind.plural
                ),
            ));
        }
        // A signed-off review's decisions are part of what was signed.
        Self::check_review_unlocked(&from)?;
        Self::check_review_unlocked(&other)?;
        if rel.name == "audits_scope" {
            self.check_audit_independence(&mut tx.conn(), ws, &from, Some(&other))
                .await?;
        }
        let row = self
            .insert_link(&mut tx.conn(), ws, kind, &from, rel, &other)
            .await?;
        tx.commit().await?;
        Ok(LinkView::of(id, row))
    }

    /// Inserts a link checked by the caller, with its history event, inside
    /// the caller's transaction; an existing identical link is a conflict.
    pub(crate) async fn insert_link(
        &self,
        conn: &mut aims_store::Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        from: &aims_store::RecordRow,
        rel: &aims_domain::record::Relation,
        other: &aims_store::RecordRow,
    ) -> Result<LinkRow> {
        let link_id = new_id();
        let now = self.now();
        match conn
            .link_insert(&aims_store::NewLink {
                id: &link_id,
                workspace_id: &ws.workspace.id,
                from_id: &from.id,
                relation: rel.name,
                to_id: &other.id,
                at: &now,
                by: &ws.principal.label,
            })
            .await
        {
            Err(StoreError::Duplicate { .. }) => {
                return Err(AppError::Conflict {
                    message: format!("these records are already linked as `{}`", rel.name),
                    current_version: None,
                })
            }
            other => other?,
        }
        let other_kind = kind_by_record_type(&other.kind).map_or("", |k| k.name);
        conn.history_append(self.event(
            &ws.principal,
            &ws.workspace.id,
            "link",
            kind.record_type,
            &from.id,
            json!({"relation": rel.name, "to": other.id, "to_kind": other_kind, "to_title": other.title}),
        ))
        .await?;
        Ok(LinkRow {
            id: link_id,
            relation: rel.name.to_owned(),
            from_id: from.id.clone(),
            to_id: other.id.clone(),
            other_id: other.id.clone(),
            other_kind: other.kind.clone(),
            other_title: other.title.clone(),
            created_at: now,
            created_by: ws.principal.label.clone(),
        })
    }

    /// Removes a link of record `id` (from either end).
    pub async fn unlink(&self, ws: &Scope, kind: &Kind, id: &str, link_id: &str) -> Result<()> {
        ws.require(kind.access.update)?;
        if !is_record_id(id) || !is_record_id(link_id) {
            return Err(AppError::NotFound("link"));
        }
        let mut tx = self.store.begin().await?;
        let this = record_of_kind(&mut tx.conn(), ws, kind, id).await?;
        Self::check_review_unlocked(&this)?;
        let links = tx.conn().links_of(&ws.workspace.id, id).await?;
        let Some(link) = links.into_iter().find(|l| l.id == link_id) else {
            return Err(AppError::NotFound("link"));
        };
        if let Some(other) = tx
            .conn()
            .record_any(&ws.workspace.id, &link.other_id)
            .await?
        {
            Self::check_review_unlocked(&other)?;
        }
        tx.conn().link_delete(&ws.workspace.id, link_id).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "unlink",
                kind.record_type,
                id,
                json!({"relation": link.relation, "other": link.other_id, "other_title": link.other_title}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Catalogue items that are controls a treatment can implement.
const CONTROL_ITEM_KINDS: [&str; 2] = ["control", "subcategory"];

/// Relations whose far end may also be a clause requirement (evidence for
/// 9.2.2, a request for it, a document that satisfies 7.5.3), which becomes
/// a control record of its own.
const CLAUSE_RELATIONS: [&str; 3] = ["evidence_for", "requests_evidence_for", "satisfies"];

impl App {
    /// The catalogue control `reference` names (`framework:item`), as its
    /// canonical reference and the title its record gets; a clause
    /// requirement too when `relation` may point at one.
    pub(crate) async fn catalogue_control(
        &self,
        reference: &str,
        relation: &str,
    ) -> Result<(String, String)> {
        let catalog = self.catalog().await?;
        let (fw, item) = reference
            .split_once(':')
            .and_then(|(fw, item)| catalog.item(fw.trim(), item.trim()))
            .ok_or_else(|| {
                AppError::field(
                    "to",
                    format!("{reference} is not in the catalogue (framework:item, e.g. iso42001:A.6.2.4)"),
                )
            })?;
        let clause = item.kind == "clause" && CLAUSE_RELATIONS.contains(&relation);
        if !CONTROL_ITEM_KINDS.contains(&item.kind.as_str()) && !clause {
            return Err(AppError::field(
                "to",
                format!("{}:{} is a {}, not a control", fw.id, item.id, item.kind),
            ));
        }
        Ok((
            format!("{}:{}", fw.id, item.id),
            format!("{} {}", item.id, item.title),
        ))
    }

    /// The workspace's record of catalogue control `reference`, made now
    /// (not started, with its history event) when there is none yet.
    pub(crate) async fn control_record(
        &self,
        conn: &mut aims_store::Conn<'_>,
        ws: &Scope,
        reference: &str,
        title: &str,
    ) -> Result<aims_store::RecordRow> {
        let controls = conn
            .records_of_kind(&ws.workspace.id, CONTROLS.record_type)
            .await?;
        if let Some(c) = controls.into_iter().find(|c| {
            c.fields
                .get("reference")
                .and_then(serde_json::Value::as_str)
                == Some(reference)
        }) {
            return Ok(c);
        }
        let fields =
            json!({"title": title, "reference": reference, "implementation_status": "not_started"});
        self.insert_record(
            conn,
            ws,
            &CONTROLS,
            fields.as_object().cloned().unwrap_or_default(),
            &mut None,
        )
        .await
    }

    /// The risks treated by the actions that implement control `id`, with the action.
    pub async fn control_risks(
        &self,
        ws: &Scope,
        id: &str,
    ) -> Result<Vec<(LinkedRecord, LinkedRecord)>> {
        let actions: Vec<LinkedRecord> = self
            .links(ws, &CONTROLS, id)
            .await?
            .into_iter()
            .filter(|l| l.relation == "implements" && l.direction == "incoming")
            .map(|l| l.other)
            .collect();
        let mut c = self.store.conn().await?;
        let mut out = vec![];
        for a in actions {
            for l in c.conn().links_of(&ws.workspace.id, &a.id).await? {
                if l.relation == "treated_by" && l.to_id == a.id {
                    out.push((LinkView::of(&a.id, l).other, a.clone()));
                }
            }
        }
        Ok(out)
    }
}
