//! The internal audit programme and its checklists (9.2): the audit
//! universe is every requirement of clauses 4–10 and every control the
//! Statement of Applicability includes; an audit's checklist is generated
//! from it (all of it, or the parts named), each item gets a result on the
//! finding scale with its objective evidence — a finding graded a
//! nonconformity becomes a finding record and, in the same step if asked,
//! a nonconformity — and a reproducible sample of the evidence behind it;
//! the programme shows what the completed audits of the three-year cycle
//! have covered and what they have not.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::audit::{sample, seed_from, Grade};
use aims_domain::record::{Input, AUDITS, CONTROLS, EVIDENCE, FINDINGS};
use aims_store::AuditItemRow;
use serde::Serialize;
use serde_json::{json, Value};

/// The results an item may take: not audited, conforming, or a grade.
pub const RESULTS: &[(&str, &str)] = &[
    ("not_audited", "Not audited"),
    ("conforming", "Conforming"),
    ("major_nc", "Major nonconformity"),
    ("minor_nc", "Minor nonconformity"),
    ("observation", "Observation"),
    ("ofi", "Opportunity for improvement"),
];

/// Days in a certification cycle (three years).
const CYCLE_DAYS: i64 = 1096;

/// One requirement or control of the audit universe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UniverseItem {
    /// `iso42001:9.2.2`.
    pub reference: String,
    pub title: String,
    /// `clause` or `control`.
    pub kind: &'static str,
}

/// The audit programme over a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub cycle_start: String,
    pub cycle_end: String,
    /// `(id, title, status, start_on, end_on)` of the cycle's audits.
    pub audits: Vec<(String, String, String, String, String)>,
    pub total: usize,
    pub covered: usize,
    /// What no completed audit of the cycle has checked yet.
    pub uncovered: Vec<UniverseItem>,
}

fn text<'a>(f: &'a aims_domain::record::Fields, name: &str) -> &'a str {
    f.get(name).and_then(Value::as_str).unwrap_or("")
}

impl App {
    /// Every requirement of clauses 4–10 and every control the latest
    /// Statement of Applicability includes, in that order.
    pub async fn audit_universe(&self, ws: &Scope) -> Result<Vec<UniverseItem>> {
        let catalog = self.catalog().await?;
        let mut out = Vec::new();
        if let Some(fw) = catalog.frameworks().iter().find(|f| f.id == "iso42001") {
            let clauses: Vec<_> = fw.items.iter().filter(|i| i.kind == "clause").collect();
            for c in &clauses {
                let main: u32 =
                    c.id.split('.')
                        .next()
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(0);
                let leaf = !clauses
                    .iter()
                    .any(|o| o.parent.as_deref() == Some(c.id.as_str()));
                if (4..=10).contains(&main) && leaf {
                    out.push(UniverseItem {
                        reference: format!("{}:{}", fw.id, c.id),
                        title: c.title.clone(),
                        kind: "clause",
                    });
                }
            }
        }
        let (soa, _) = self.soa(ws).await?;
        for l in soa.lines {
            if l.row.decision == aims_domain::soa::Decision::Included {
                out.push(UniverseItem {
                    reference: l.row.control.clone(),
                    title: l.title.clone(),
                    kind: "control",
                });
            }
        }
        Ok(out)
    }

    /// An audit's checklist, in order (empty before it is generated).
    pub async fn audit_checklist(&self, ws: &Scope, audit_id: &str) -> Result<Vec<AuditItemRow>> {
        let audit = self.record(ws, &AUDITS, audit_id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn().audit_items(&ws.workspace.id, &audit.id).await?)
    }

    /// Generates an audit's checklist from the universe: the items whose id
    /// starts with one of `only` (`9`, `A.6`), or all of them.
    pub async fn generate_checklist(
        &self,
        ws: &Scope,
        audit_id: &str,
        only: &[String],
    ) -> Result<Vec<AuditItemRow>> {
        ws.require(AUDITS.access.update)?;
        let audit = self.record(ws, &AUDITS, audit_id).await?;
        let only: Vec<&str> = only
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .collect();
        let universe = self.audit_universe(ws).await?;
        let chosen: Vec<&UniverseItem> = universe
            .iter()
            .filter(|u| {
                let id = u
                    .reference
                    .split_once(':')
                    .map_or(u.reference.as_str(), |(_, i)| i);
                only.is_empty()
                    || only.iter().any(|o| {
                        id == *o
                            || id.starts_with(&format!("{o}."))
                            || (o.ends_with('.') && id.starts_with(o))
                    })
            })
            .collect();
        if chosen.is_empty() {
            return Err(AppError::field(
                "only",
                "names no clause requirement or included control (e.g. 9, 9.2, A.6)",
            ));
        }
        let rows: Vec<AuditItemRow> = chosen
            .iter()
            .enumerate()
            .map(|(n, u)| AuditItemRow {
                id: new_id(),
                workspace_id: ws.workspace.id.clone(),
                audit_id: audit.id.clone(),
                position: i64::try_from(n).unwrap_or(i64::MAX),
                reference: u.reference.clone(),
                title: u.title.clone(),
                item_kind: u.kind.to_owned(),
                result: String::new(),
                notes: String::new(),
                sample: "[]".into(),
                seed: String::new(),
                finding_id: None,
                updated_at: None,
                updated_by: None,
            })
            .collect();
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .audit_items(&ws.workspace.id, &audit.id)
            .await?
            .is_empty()
        {
            return Err(AppError::Conflict {
                message: "this audit has its checklist already".into(),
                current_version: None,
            });
        }
        tx.conn().audit_items_insert(&rows).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "checklist",
                AUDITS.record_type,
                &audit.id,
                json!({"items": rows.len(), "only": only}),
            ))
            .await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn audit_item(&self, ws: &Scope, audit_id: &str, item_id: &str) -> Result<AuditItemRow> {
        let audit = self.record(ws, &AUDITS, audit_id).await?;
        if !aims_domain::validation::is_record_id(item_id) {
            return Err(AppError::NotFound("checklist item"));
        }
        let mut c = self.store.conn().await?;
        c.conn()
            .audit_item(&ws.workspace.id, &audit.id, item_id)
            .await?
            .ok_or(AppError::NotFound("checklist item"))
    }

    /// Records an item's result and objective evidence. A finding grade
    /// makes a finding record, found in the audit; with `raise`, one graded
    /// a nonconformity is raised as a nonconformity in the same step.
    pub async fn record_audit_result(
        &self,
        ws: &Scope,
        audit_id: &str,
        item_id: &str,
        result: &str,
        notes: &str,
        raise: bool,
    ) -> Result<AuditItemRow> {
        ws.require(AUDITS.access.update)?;
        let item = self.audit_item(ws, audit_id, item_id).await?;
        let result = result.trim();
        if !RESULTS.iter().any(|(k, _)| *k == result) {
            let keys: Vec<&str> = RESULTS.iter().map(|(k, _)| *k).collect();
            return Err(AppError::field(
                "result",
                format!("must be one of: {}", keys.join(", ")),
            ));
        }
        let notes = notes.trim();
        if notes.chars().count() > 10_000 {
            return Err(AppError::field("notes", "must be at most 10000 characters"));
        }
        let grade = result.parse::<Grade>().ok();
        if grade.is_some() && notes.is_empty() {
            return Err(AppError::field(
                "notes",
                "a finding needs its objective evidence: what was seen, read or heard",
            ));
        }
        let mut tx = self.store.begin().await?;
        // Read again under the write lock: a double submit makes one finding.
        let Some(mut item) = tx
            .conn()
            .audit_item(&ws.workspace.id, &item.audit_id, &item.id)
            .await?
        else {
            return Err(AppError::NotFound("checklist item"));
        };
        if item.finding_id.is_some() && item.result != result {
            return Err(AppError::Conflict {
                message: "this item is a finding already: change the finding itself".into(),
                current_version: None,
            });
        }
        let mut to_raise = None;
        if let (Some(g), None) = (grade, &item.finding_id) {
            let requirement = item
                .reference
                .split_once(':')
                .map_or(item.reference.as_str(), |(_, i)| i);
            let title: String = format!("{requirement} {}", item.title)
                .chars()
                .take(200)
                .collect();
            let fields = json!({"title": title, "grade": g.key(),
                "requirement": requirement, "objective_evidence": notes, "status": "open"});
            let Some(map) = fields.as_object() else {
                return Err(AppError::Internal("finding fields".into()));
            };
            let finding = self
                .create_in(&mut tx.conn(), ws, &FINDINGS, Input::Json(map))
                .await?;
            let audit =
                crate::records::record_of_kind(&mut tx.conn(), ws, &AUDITS, &item.audit_id).await?;
            let rel = aims_domain::record::relation("found_in")
                .ok_or_else(|| AppError::Internal("no relation found_in".into()))?;
            self.insert_link(&mut tx.conn(), ws, &FINDINGS, &finding, rel, &audit)
                .await?;
            item.finding_id = Some(finding.id.clone());
            if raise && g.raises_nonconformity() {
                to_raise = Some(finding.id);
            }
        }
        item.result = result.to_owned();
        item.notes = notes.to_owned();
        item.updated_at = Some(self.now());
        item.updated_by = Some(ws.principal.label.clone());
        tx.conn().audit_item_update(&item).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "check",
                AUDITS.record_type,
                &item.audit_id,
                json!({"reference": item.reference, "result": item.result, "notes": item.notes,
                       "finding": item.finding_id}),
            ))
            .await?;
        tx.commit().await?;
        if let Some(f) = to_raise {
            self.raise_finding(ws, &f).await?;
        }
        Ok(item)
    }

    /// Draws `size` evidence items behind a checklist item — the evidence
    /// for the control or requirement it checks — with a seed made of the
    /// audit, the item and the size, so the same draw can be made again.
    pub async fn sample_audit_evidence(
        &self,
        ws: &Scope,
        audit_id: &str,
        item_id: &str,
        size: usize,
    ) -> Result<AuditItemRow> {
        ws.require(AUDITS.access.update)?;
        if !(1..=100).contains(&size) {
            return Err(AppError::field("size", "must be from 1 to 100"));
        }
        let mut item = self.audit_item(ws, audit_id, item_id).await?;
        let controls = self.all_records(ws, &CONTROLS, &Default::default()).await?;
        let mut pool: Vec<(String, String)> = vec![];
        if let Some(control) = controls
            .iter()
            .find(|c| text(&c.fields, "reference") == item.reference)
        {
            for l in self.links(ws, &CONTROLS, &control.id).await? {
                if l.relation == "evidence_for" && l.other.kind == EVIDENCE.name {
                    pool.push((l.other.id.clone(), l.other.title.clone()));
                }
            }
        }
        pool.sort();
        let ids: Vec<String> = pool.iter().map(|(id, _)| id.clone()).collect();
        let seed = format!("{}:{}:{size}", item.audit_id, item.reference);
        let drawn = sample(&ids, size, seed_from(&seed));
        let picked: Vec<Value> = drawn
            .iter()
            .filter_map(|id| pool.iter().find(|(i, _)| i == id))
            .map(|(id, title)| json!({"id": id, "title": title}))
            .collect();
        item.sample = Value::Array(picked).to_string();
        item.seed = seed;
        item.updated_at = Some(self.now());
        item.updated_by = Some(ws.principal.label.clone());
        let mut tx = self.store.begin().await?;
        tx.conn().audit_item_update(&item).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "sample",
                AUDITS.record_type,
                &item.audit_id,
                json!({"reference": item.reference, "of": ids.len(), "sample": item.sample, "seed": item.seed}),
            ))
            .await?;
        tx.commit().await?;
        Ok(item)
    }

    /// The audit programme over the three-year cycle starting `from` (the
    /// current certificate's first day, else three years back from today).
    pub async fn audit_programme(&self, ws: &Scope, from: Option<&str>) -> Result<Programme> {
        ws.require(AUDITS.access.read)?;
        let today = self.today();
        let start = match from.map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => aims_domain::record::parse_date(f)
                .ok_or_else(|| AppError::field("from", "must be a date (YYYY-MM-DD)"))?,
            None => {
                let certs = self
                    .all_records(ws, &aims_domain::record::CERTIFICATION, &Default::default())
                    .await?;
                certs
                    .iter()
                    .map(|c| text(&c.fields, "valid_from"))
                    .filter(|d| !d.is_empty() && *d <= today.as_str())
                    .max()
                    .map(str::to_owned)
                    .unwrap_or_else(|| {
                        aims_domain::date::add_days(&today, 1 - CYCLE_DAYS).unwrap_or_default()
                    })
            }
        };
        let end = aims_domain::date::add_days(&start, CYCLE_DAYS - 1).unwrap_or_default();
        let audits: Vec<_> = self
            .all_records(ws, &AUDITS, &Default::default())
            .await?
            .into_iter()
            .filter(|a| {
                let day = [text(&a.fields, "end_on"), text(&a.fields, "start_on")]
                    .into_iter()
                    .find(|d| !d.is_empty())
                    .unwrap_or("");
                day.is_empty() || (day >= start.as_str() && day <= end.as_str())
            })
            .collect();
        let done: Vec<&str> = audits
            .iter()
            .filter(|a| text(&a.fields, "status") == "completed")
            .map(|a| a.id.as_str())
            .collect();
        let audited = {
            let mut c = self.store.conn().await?;
            c.conn().audited_references(&ws.workspace.id).await?
        };
        let covered: Vec<&str> = audited
            .iter()
            .filter(|(a, _)| done.contains(&a.as_str()))
            .map(|(_, r)| r.as_str())
            .collect();
        let universe = self.audit_universe(ws).await?;
        let refs: Vec<&str> = universe.iter().map(|u| u.reference.as_str()).collect();
        let open = aims_domain::audit::uncovered(&refs, &covered);
        Ok(Programme {
            total: universe.len(),
            covered: universe.len() - open.len(),
            uncovered: universe
                .iter()
                .filter(|u| open.contains(&u.reference.as_str()))
                .cloned()
                .collect(),
            audits: audits
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        a.title.clone(),
                        text(&a.fields, "status").to_owned(),
                        text(&a.fields, "start_on").to_owned(),
                        text(&a.fields, "end_on").to_owned(),
                    )
                })
                .collect(),
            cycle_start: start,
            cycle_end: end,
        })
    }
}
