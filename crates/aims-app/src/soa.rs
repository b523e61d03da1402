//! The Statement of Applicability (6.1.3 d, issue #9), kept in versions
//! like impact assessments (the store's versioned documents): the first
//! version starts from the domain's proposal over every Annex A control
//! (those a treatment action implements included with the risks treated,
//! those a legal obligation of a classified system maps to included naming
//! the requirement); a draft is edited in place (optimistic concurrency on
//! its revision); a manager approves it when the domain's check passes,
//! and the approved version, with the facts shown beside each row frozen
//! at that moment, never changes again — editing it starts the next draft.

use crate::soa_facts::{CatalogControl, ControlFacts, SoaFacts};
use crate::versions;
use crate::{App, AppError, Result, Scope};
use aims_domain::soa::{
    adopt, apply_edits, changes, check_approvable, check_draft, drop_framework, flags,
    framework_of, frameworks, propose, Change, Flag, Reason, Row,
};
use aims_domain::Action;
use aims_store::{VersionRow, Versioned};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The framework whose controls every Statement of Applicability lists.
pub const SOA_FRAMEWORK: &str = "iso42001";

/// The history's record type of SoA events (the record id is the workspace's).
pub const SOA_TYPE: &str = "soa";

/// One row as shown: the decision with the control and its facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoaLine {
    #[serde(flatten)]
    pub row: Row,
    pub title: String,
    pub area: String,
    /// The titles of the risks named by a risk-treatment reason, in order.
    pub risk_titles: Vec<String>,
    #[serde(flatten)]
    pub facts: ControlFacts,
    /// True when nothing current shows the control works (every control not excluded).
    pub needs_evidence: bool,
}

/// One version of the Statement of Applicability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoaVersion {
    /// 0: nothing saved yet, this is the proposal.
    pub number: i64,
    /// `draft` or `approved`.
    pub state: String,
    pub revision: i64,
    /// The frameworks whose controls it lists (`iso42001` first, then
    /// those adopted).
    pub frameworks: Vec<String>,
    pub lines: Vec<SoaLine>,
    /// Rows people must look at (excluded while a treatment relies on them).
    pub flags: Vec<Flag>,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub note: String,
}

impl SoaLine {
    /// The reasons as one line, risks named by their titles as readers
    /// of the statement know them.
    pub fn justification(&self) -> String {
        let named: Vec<Reason> = self
            .row
            .reasons
            .iter()
            .map(|r| match r {
                Reason::RiskTreatment { .. } => Reason::RiskTreatment {
                    risks: self.risk_titles.clone(),
                },
                other => other.clone(),
            })
            .collect();
        aims_domain::soa::reasons_text(&named)
    }
}

impl SoaVersion {
    pub fn count(&self, decision: aims_domain::soa::Decision) -> usize {
        self.lines
            .iter()
            .filter(|l| l.row.decision == decision)
            .count()
    }
}

/// A version in the list of versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoaVersionSummary {
    pub number: i64,
    pub state: String,
    pub updated_at: String,
    pub updated_by: String,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
}

fn rows_of(v: &VersionRow) -> Result<Vec<Row>> {
    serde_json::from_str(&v.body).map_err(|e| AppError::Internal(format!("stored SoA: {e}")))
}

fn lines(
    rows: &[Row],
    facts: &SoaFacts,
    frozen: Option<&HashMap<String, ControlFacts>>,
) -> Vec<SoaLine> {
    let catalog: HashMap<&str, &CatalogControl> = facts
        .controls
        .iter()
        .map(|c| (c.reference.as_str(), c))
        .collect();
    rows.iter()
        .map(|r| {
            let c = catalog.get(r.control.as_str());
            let f = frozen
                .and_then(|m| m.get(&r.control))
                .or_else(|| facts.facts.get(&r.control))
                .cloned()
                .unwrap_or_default();
            let risk_titles = r
                .reasons
                .iter()
                .flat_map(|reason| match reason {
                    Reason::RiskTreatment { risks } => risks.clone(),
                    _ => vec![],
                })
                .map(|id| facts.risk_titles.get(&id).cloned().unwrap_or(id))
                .collect();
            SoaLine {
                title: c.map(|c| c.title.clone()).unwrap_or_default(),
                area: c.map(|c| c.area.clone()).unwrap_or_default(),
                risk_titles,
                needs_evidence: r.decision != aims_domain::soa::Decision::Excluded
                    && f.evidence.needs_evidence(),
                facts: f,
                row: r.clone(),
            }
        })
        .collect()
}

fn version_of(v: &VersionRow, facts: &SoaFacts) -> Result<SoaVersion> {
    let rows = rows_of(v)?;
    let frozen: Option<HashMap<String, ControlFacts>> = if v.state == "approved" {
        serde_json::from_str(&v.facts).ok()
    } else {
        None
    };
    Ok(SoaVersion {
        number: v.number,
        state: v.state.clone(),
        revision: v.revision,
        frameworks: frameworks(&rows).into_iter().map(str::to_owned).collect(),
        flags: flags(&rows, &facts.treats),
        lines: lines(&rows, facts, frozen.as_ref()),
        created_at: Some(v.created_at.clone()),
        created_by: Some(v.created_by.clone()),
        updated_at: Some(v.updated_at.clone()),
        updated_by: Some(v.updated_by.clone()),
        approved_at: v.approved_at.clone(),
        approved_by: v.approved_by.clone(),
        note: v.note.clone(),
    })
}

fn proposal_version(facts: &SoaFacts) -> SoaVersion {
    let rows = proposal_rows(facts);
    SoaVersion {
        number: 0,
        state: "proposal".into(),
        revision: 0,
        frameworks: vec![SOA_FRAMEWORK.to_owned()],
        flags: flags(&rows, &facts.treats),
        lines: lines(&rows, facts, None),
        created_at: None,
        created_by: None,
        updated_at: None,
        updated_by: None,
        approved_at: None,
        approved_by: None,
        note: String::new(),
    }
}

/// A change to the draft's rows.
enum Edit {
    /// Whole rows, each replacing the row of its control.
    Rows(Vec<Row>),
    /// The frameworks it covers (ids): rows added and taken away.
    Frameworks(Vec<String>),
}

/// The first draft: ISO/IEC 42001's controls.
fn proposal_rows(facts: &SoaFacts) -> Vec<Row> {
    proposed_for(facts, SOA_FRAMEWORK)
}

/// Rows for `framework`'s controls, proposed from the register.
fn proposed_for(facts: &SoaFacts, framework: &str) -> Vec<Row> {
    let controls: Vec<String> = facts
        .controls
        .iter()
        .filter(|c| framework_of(&c.reference) == framework)
        .map(|c| c.reference.clone())
        .collect();
    propose(&controls, &facts.treats, &facts.obligations)
}

/// The frameworks with controls a statement may adopt.
fn framework_ids(facts: &SoaFacts) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in &facts.controls {
        let fw = framework_of(&c.reference);
        if fw != SOA_FRAMEWORK && !out.contains(&fw) {
            out.push(fw);
        }
    }
    out
}

impl App {
    /// The proposed first draft: one row per Annex A control, in catalogue order.
    pub async fn soa_proposal(&self, ws: &Scope) -> Result<Vec<Row>> {
        ws.require(Action::Read)?;
        let facts = self.soa_facts_kept(ws).await?;
        Ok(proposal_rows(&facts))
    }

    /// The latest version (or, before the first save, the proposal as
    /// version 0) and every version, newest first.
    pub async fn soa(&self, ws: &Scope) -> Result<(SoaVersion, Vec<SoaVersionSummary>)> {
        ws.require(Action::Read)?;
        let facts = self.soa_facts_kept(ws).await?;
        let mut c = self.store.conn().await?;
        let rows = c
            .conn()
            .versions(Versioned::Soa, &ws.workspace.id, &ws.workspace.id)
            .await?;
        let current = match rows.first() {
            Some(v) => version_of(v, &facts)?,
            None => proposal_version(&facts),
        };
        let list = rows
            .iter()
            .map(|v| SoaVersionSummary {
                number: v.number,
                state: v.state.clone(),
                updated_at: v.updated_at.clone(),
                updated_by: v.updated_by.clone(),
                approved_at: v.approved_at.clone(),
                approved_by: v.approved_by.clone(),
            })
            .collect();
        Ok((current, list))
    }

    /// Version `number` as it was saved (an approved one with its frozen facts).
    pub async fn soa_version(&self, ws: &Scope, number: i64) -> Result<SoaVersion> {
        ws.require(Action::Read)?;
        let facts = self.soa_facts_kept(ws).await?;
        let mut c = self.store.conn().await?;
        let rows = c
            .conn()
            .versions(Versioned::Soa, &ws.workspace.id, &ws.workspace.id)
            .await?;
        let v = rows
            .iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound("Statement of Applicability version"))?;
        version_of(v, &facts)
    }

    /// What changed from version `from` to version `to`.
    pub async fn soa_changes(&self, ws: &Scope, from: i64, to: i64) -> Result<Vec<Change>> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        let rows = c
            .conn()
            .versions(Versioned::Soa, &ws.workspace.id, &ws.workspace.id)
            .await?;
        let find = |n: i64| {
            rows.iter()
                .find(|v| v.number == n)
                .ok_or(AppError::NotFound("Statement of Applicability version"))
                .and_then(rows_of)
        };
        Ok(changes(&find(from)?, &find(to)?))
    }

    /// Saves `edits` (whole rows, each replacing the row of its control)
    /// into the current draft: the first version starts from the proposal,
    /// a draft is edited in place when `based_on` (`(number, revision)` it
    /// was read at) is still current (else 409), and an approved version
    /// starts the next draft. No edits: just make sure a draft exists.
    pub async fn save_soa(
        &self,
        ws: &Scope,
        based_on: Option<(i64, i64)>,
        edits: Vec<Row>,
    ) -> Result<SoaVersion> {
        self.edit_soa(ws, based_on, Edit::Rows(edits)).await
    }

    /// Sets the frameworks the statement covers (ids, `iso27001`): each
    /// one added brings its controls as rows of the current draft, proposed
    /// from the register like the first draft; each one left out takes its
    /// rows away. ISO/IEC 42001's controls always stay.
    pub async fn set_soa_frameworks(
        &self,
        ws: &Scope,
        based_on: Option<(i64, i64)>,
        frameworks: Vec<String>,
    ) -> Result<SoaVersion> {
        if frameworks.len() > 50 {
            return Err(AppError::field("frameworks", "name at most 50 frameworks"));
        }
        let wanted = frameworks.iter().map(|f| f.trim().to_owned()).collect();
        self.edit_soa(ws, based_on, Edit::Frameworks(wanted)).await
    }

    async fn edit_soa(
        &self,
        ws: &Scope,
        based_on: Option<(i64, i64)>,
        edit: Edit,
    ) -> Result<SoaVersion> {
        ws.require(Action::Update)?;
        let catalog = self.catalog().await?;
        let mut tx = self.store.begin().await?;
        let facts = self.soa_facts(&mut tx.conn(), &catalog, ws).await?;
        let all = tx
            .conn()
            .versions(Versioned::Soa, &ws.workspace.id, &ws.workspace.id)
            .await?;
        let latest = all.first();
        versions::check_read_at(latest, based_on, "the Statement of Applicability")?;
        let mut rows = match latest {
            Some(l) => rows_of(l)?,
            None => proposal_rows(&facts),
        };
        let mut detail = json!({});
        let done = match edit {
            Edit::Rows(edits) => apply_edits(&mut rows, edits),
            Edit::Frameworks(wanted) => {
                let known = framework_ids(&facts);
                let mut e = aims_domain::FieldErrors::new();
                for (n, fw) in wanted.iter().enumerate() {
                    if fw != SOA_FRAMEWORK && !known.contains(&fw.as_str()) {
                        e.add(
                            &format!("frameworks[{n}]"),
                            format!(
                                "{fw} is not a framework of the catalogue with controls; frameworks: {}",
                                known.join(", ")
                            ),
                        );
                    }
                }
                let had: Vec<String> = frameworks(&rows).into_iter().map(str::to_owned).collect();
                let (mut added, mut removed) = (vec![], vec![]);
                for fw in wanted.iter().filter(|f| !had.contains(f)) {
                    adopt(&mut rows, proposed_for(&facts, fw));
                    added.push(fw.clone());
                }
                for fw in had
                    .iter()
                    .filter(|f| !wanted.contains(f) && *f != SOA_FRAMEWORK)
                {
                    // Never the base framework, so never refused.
                    if drop_framework(&mut rows, fw, SOA_FRAMEWORK).is_ok() {
                        removed.push(fw.clone());
                    }
                }
                detail = json!({"frameworks_added": added, "frameworks_removed": removed});
                e.into_result()
            }
        };
        let mut errors = match done {
            Ok(()) => aims_domain::FieldErrors::new(),
            Err(e) => e,
        };
        if let Err(more) = check_draft(&rows) {
            for (f, msgs) in more.iter() {
                for m in msgs {
                    errors.add(f, m.clone());
                }
            }
        }
        for (n, r) in rows.iter().enumerate() {
            for reason in &r.reasons {
                if let Reason::RiskTreatment { risks } = reason {
                    for id in risks
                        .iter()
                        .filter(|id| !facts.risk_titles.contains_key(*id))
                    {
                        errors.add(
                            &format!("rows[{n}].reasons"),
                            format!("{id} is not a risk of this workspace"),
                        );
                    }
                }
            }
        }
        errors.into_result().map_err(AppError::Validation)?;
        let body = serde_json::to_string(&rows).map_err(|e| AppError::Internal(e.to_string()))?;
        let versions::Saved { row, action } = versions::save(
            &mut tx.conn(),
            Versioned::Soa,
            ws,
            &ws.workspace.id,
            latest,
            latest.is_some_and(|l| l.state == "draft"),
            body,
            "{}".into(),
            self.now(),
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                action,
                SOA_TYPE,
                &ws.workspace.id,
                {
                    detail["soa_version"] = json!(row.number);
                    detail["revision"] = json!(row.revision);
                    detail
                },
            ))
            .await?;
        tx.commit().await?;
        version_of(&row, &facts)
    }

    /// Approves draft `number` read at `revision` (a manager): refused,
    /// naming each row at fault, unless every control is decided and
    /// justified. The facts shown beside each row are frozen with it.
    pub async fn approve_soa(
        &self,
        ws: &Scope,
        number: i64,
        revision: i64,
        note: &str,
    ) -> Result<SoaVersion> {
        ws.require(Action::Approve)?;
        let note = crate::approvals::checked_note(note)?;
        let catalog = self.catalog().await?;
        let mut tx = self.store.begin().await?;
        let facts = self.soa_facts(&mut tx.conn(), &catalog, ws).await?;
        let all = tx
            .conn()
            .versions(Versioned::Soa, &ws.workspace.id, &ws.workspace.id)
            .await?;
        let v = versions::find(&all, number, "Statement of Applicability version")?;
        if v.state == "approved" {
            return Err(AppError::Conflict {
                message: format!("version {number} is approved already"),
                current_version: Some(v.revision),
            });
        }
        versions::check_latest_at(&all, v, revision)?;
        let rows = rows_of(v)?;
        check_approvable(&rows).map_err(AppError::Validation)?;
        let frozen: HashMap<&str, ControlFacts> = rows
            .iter()
            .map(|r| {
                (
                    r.control.as_str(),
                    facts.facts.get(&r.control).cloned().unwrap_or_default(),
                )
            })
            .collect();
        let next = versions::move_to(
            &mut tx.conn(),
            Versioned::Soa,
            ws,
            v,
            "approved",
            versions::Stamp::Approved,
            Some(json!(frozen).to_string()),
            &note,
            self.now(),
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "approve",
                SOA_TYPE,
                &ws.workspace.id,
                json!({"soa_version": number, "note": note,
                       "included": rows.iter().filter(|r| r.decision == aims_domain::soa::Decision::Included).count(),
                       "excluded": rows.iter().filter(|r| r.decision == aims_domain::soa::Decision::Excluded).count()}),
            ))
            .await?;
        tx.commit().await?;
        version_of(&next, &facts)
    }

    /// The SoA (version `number`, else the latest) as one row per control.
    pub async fn soa_export(
        &self,
        ws: &Scope,
        number: Option<i64>,
        format: aims_export::Format,
    ) -> Result<Vec<u8>> {
        let v = match number {
            Some(n) => self.soa_version(ws, n).await?,
            None => self.soa(ws).await?.0,
        };
        aims_export::write(&soa_table(&v), format).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// One row per control with the justification spelled out.
pub fn soa_table(v: &SoaVersion) -> aims_export::Table {
    let columns = [
        "control",
        "title",
        "area",
        "decision",
        "justification",
        "risks_treated",
        "legal_obligations",
        "exclusion_reason",
        "notes",
        "implementation_status",
        "owner",
        "systems",
        "evidence_current",
        "evidence_stale",
        "evidence_rejected",
        "needs_evidence",
        "soa_version",
        "soa_state",
    ];
    let rows = v
        .lines
        .iter()
        .map(|l| {
            let legal: Vec<String> = l
                .row
                .reasons
                .iter()
                .flat_map(|r| match r {
                    Reason::LegalObligation { references } => references.clone(),
                    _ => vec![],
                })
                .collect();
            let justification = l.justification();
            vec![
                l.row.control.clone(),
                l.title.clone(),
                l.area.clone(),
                l.row.decision.key().to_owned(),
                justification,
                l.risk_titles.join("; "),
                legal.join("; "),
                l.row.exclusion.clone(),
                l.row.notes.clone(),
                l.facts.implementation_status.clone().unwrap_or_default(),
                l.facts.owner.clone().unwrap_or_default(),
                l.facts.systems.join("; "),
                l.facts.evidence.current.to_string(),
                l.facts.evidence.stale.to_string(),
                l.facts.evidence.rejected.to_string(),
                l.needs_evidence.to_string(),
                v.number.to_string(),
                v.state.clone(),
            ]
        })
        .collect();
    aims_export::Table {
        sheet: "Statement of Applicability".into(),
        columns: columns.map(str::to_owned).to_vec(),
        rows,
    }
}
