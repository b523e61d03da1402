//! AI system impact assessments (6.1.4, 8.4, A.5.2–A.5.5): per system, in
//! versions. A draft is edited in place; draft → in review → approved follows
//! the domain's [`transition`]; an approved version never changes (the store
//! refuses it too) and editing it starts the next version, a draft. A system
//! whose purpose, life-cycle stage or EU AI Act tier changed since its
//! approved assessment, or whose re-assessment date has come, is due again.

use crate::systems::{purpose_of, systems_kind, RECORD_TYPE as SYSTEM_TYPE};
use crate::versions;
use crate::{App, AppError, Result, Scope};
use aims_domain::eu_ai_act::{Classification, OperatorRole, RiskTier};
use aims_domain::impact::{
    on_edit, reassessment_due, reassessment_overdue, required_when, transition, Edit,
    ImpactAssessment, ImpactLevel, ImpactState, Reason, SystemFacts, TransitionError,
};
use aims_domain::validation::is_record_id;
use aims_domain::{Action, FieldErrors};
use aims_store::{RecordRow, VersionRow, Versioned};
use serde::Serialize;
use serde_json::json;

/// The history's record type of impact assessment events (the record id is the system's).
pub const IMPACT_TYPE: &str = "impact_assessment";

/// One version of a system's impact assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactVersion {
    pub system_id: String,
    pub system_name: String,
    pub number: i64,
    pub state: ImpactState,
    /// Counts the writes to this version; send it back with the next write.
    pub revision: i64,
    pub assessment: ImpactAssessment,
    /// The rating of each identified impact, in the order of `assessment.impacts`.
    pub ratings: Vec<Option<ImpactLevel>>,
    /// True when the fundamental-rights fields (EU AI Act Art. 27) are
    /// required: the organisation deploys the system and it is high-risk.
    pub fria_required: bool,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub note: String,
}

/// Where a system stands with its impact assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactStatus {
    pub system_id: String,
    pub system_name: String,
    /// The system's EU AI Act tier, when classified.
    pub eu_ai_act_tier: Option<String>,
    pub fria_required: bool,
    /// The latest version's number and state; `None`: never assessed.
    pub latest: Option<(i64, ImpactState)>,
    /// The latest approved version, if any.
    pub approved: Option<i64>,
    pub approved_at: Option<String>,
    /// When the approved version asks to be assessed again.
    pub reassess_on: Option<String>,
    /// Why the approved assessment no longer fits the system (empty: it does).
    pub reasons: Vec<Reason>,
    /// True on and after `reassess_on`.
    pub overdue: bool,
}

impl ImpactStatus {
    /// True when the system needs (another) approved assessment.
    pub fn needs_assessment(&self) -> bool {
        self.approved.is_none() || !self.reasons.is_empty() || self.overdue
    }
}

fn stored<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(format!("stored {what}: {e}")))
}

fn state_of(row: &VersionRow) -> Result<ImpactState> {
    ImpactState::from_key(&row.state)
        .ok_or_else(|| AppError::Internal(format!("stored impact state {}", row.state)))
}

/// What the assessment depends on about the system, now.
fn facts_of(system: &RecordRow, classification: Option<&Classification>) -> SystemFacts {
    SystemFacts {
        purpose: purpose_of(system).to_owned(),
        lifecycle_stage: system
            .fields
            .get("lifecycle_stage")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        eu_ai_act_tier: classification.map(|c| c.risk_tier.name().to_owned()),
    }
}

fn fria_required(classification: Option<&Classification>) -> bool {
    classification.is_some_and(|c| {
        required_when(
            c.operator_roles.contains(&OperatorRole::Deployer),
            matches!(c.risk_tier, RiskTier::HighRisk { .. }),
        )
    })
}

fn version_of(row: &VersionRow, system: &RecordRow, fria: bool) -> Result<ImpactVersion> {
    let assessment: ImpactAssessment = stored(&row.body, "impact assessment")?;
    Ok(ImpactVersion {
        system_id: row.subject_id.clone(),
        system_name: system.title.clone(),
        number: row.number,
        state: state_of(row)?,
        revision: row.revision,
        ratings: assessment.impacts.iter().map(|i| i.rating()).collect(),
        assessment,
        fria_required: fria,
        created_at: row.created_at.clone(),
        created_by: row.created_by.clone(),
        updated_at: row.updated_at.clone(),
        updated_by: row.updated_by.clone(),
        submitted_at: row.submitted_at.clone(),
        submitted_by: row.submitted_by.clone(),
        approved_at: row.approved_at.clone(),
        approved_by: row.approved_by.clone(),
        note: row.note.clone(),
    })
}

/// A system's status from its versions (newest first).
fn status_of(
    system: &RecordRow,
    classification: Option<&Classification>,
    rows: &[&VersionRow],
    today: &str,
) -> Result<ImpactStatus> {
    let approved = rows.iter().find(|r| r.state == ImpactState::Approved.key());
    let (reasons, reassess_on) = match approved {
        Some(a) => {
            let then: SystemFacts = stored(&a.facts, "impact facts")?;
            let body: ImpactAssessment = stored(&a.body, "impact assessment")?;
            (
                reassessment_due(&then, &facts_of(system, classification)),
                body.reassess_on,
            )
        }
        None => (vec![], None),
    };
    Ok(ImpactStatus {
        system_id: system.id.clone(),
        system_name: system.title.clone(),
        eu_ai_act_tier: classification.map(|c| c.risk_tier.name().to_owned()),
        fria_required: fria_required(classification),
        latest: match rows.first() {
            Some(r) => Some((r.number, state_of(r)?)),
            None => None,
        },
        approved: approved.map(|a| a.number),
        approved_at: approved.and_then(|a| a.approved_at.clone()),
        overdue: reassessment_overdue(reassess_on.as_deref(), today),
        reassess_on,
        reasons,
    })
}

fn transition_error(e: TransitionError, revision: i64) -> AppError {
    match e {
        TransitionError::Forbidden { .. } => AppError::Forbidden(e.to_string()),
        TransitionError::NotAllowed { .. } => AppError::Conflict {
            message: e.to_string(),
            current_version: Some(revision),
        },
    }
}

impl App {
    /// The system (404 when it is not one of this workspace's) and its
    /// latest classification, read in `c`.
    async fn impact_subject(
        &self,
        c: &mut aims_store::Conn<'_>,
        ws: &Scope,
        system_id: &str,
    ) -> Result<(RecordRow, Option<Classification>)> {
        if !is_record_id(system_id) {
            return Err(AppError::NotFound("AI system"));
        }
        let system = c
            .record_get(&ws.workspace.id, SYSTEM_TYPE, system_id)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let classification = match c.classification_latest(&ws.workspace.id, system_id).await? {
            Some(row) => Some(stored(&row.result, "classification")?),
            None => None,
        };
        Ok((system, classification))
    }

    /// Every AI system of the workspace with where it stands on its impact
    /// assessment, in the register's order.
    pub async fn impact_statuses(&self, ws: &Scope) -> Result<Vec<ImpactStatus>> {
        let systems = self
            .all_records(ws, systems_kind(), &crate::ListRequest::default())
            .await?;
        let mut c = self.store.conn().await?;
        let rows = c
            .conn()
            .versions_of_workspace(Versioned::Impact, &ws.workspace.id)
            .await?;
        let classifications = c
            .conn()
            .classifications_latest_of_workspace(&ws.workspace.id)
            .await?;
        drop(c);
        let today = self.today();
        systems
            .iter()
            .map(|s| {
                let classification = match classifications.iter().find(|c| c.system_id == s.id) {
                    Some(row) => Some(stored::<Classification>(&row.result, "classification")?),
                    None => None,
                };
                let mine: Vec<&VersionRow> = rows.iter().filter(|r| r.subject_id == s.id).collect();
                status_of(s, classification.as_ref(), &mine, &today)
            })
            .collect()
    }

    /// One system's status and every version of its assessment, newest first.
    pub async fn impact_assessment(
        &self,
        ws: &Scope,
        system_id: &str,
    ) -> Result<(ImpactStatus, Vec<ImpactVersion>)> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        let (system, classification) = self.impact_subject(&mut c.conn(), ws, system_id).await?;
        let rows = c
            .conn()
            .versions(Versioned::Impact, &ws.workspace.id, system_id)
            .await?;
        drop(c);
        let fria = fria_required(classification.as_ref());
        let refs: Vec<&VersionRow> = rows.iter().collect();
        let status = status_of(&system, classification.as_ref(), &refs, &self.today())?;
        let versions = rows
            .iter()
            .map(|r| version_of(r, &system, fria))
            .collect::<Result<_>>()?;
        Ok((status, versions))
    }

    /// Version `number` of a system's assessment.
    pub async fn impact_version(
        &self,
        ws: &Scope,
        system_id: &str,
        number: i64,
    ) -> Result<ImpactVersion> {
        let (_, versions) = self.impact_assessment(ws, system_id).await?;
        versions
            .into_iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound("impact assessment version"))
    }

    /// Saves `assessment` as the system's current one: the first version, a
    /// draft edited in place (`based_on` = `(number, revision)` it was read
    /// at, else 409), or — when the latest is approved — the next version.
    /// Refused while in review. Reviewers may be named by e-mail or user id.
    pub async fn save_impact(
        &self,
        ws: &Scope,
        system_id: &str,
        based_on: Option<(i64, i64)>,
        mut assessment: ImpactAssessment,
    ) -> Result<ImpactVersion> {
        ws.require(Action::Update)?;
        let catalog = self.catalog().await?;
        let mut tx = self.store.begin().await?;
        let (system, classification) = self.impact_subject(&mut tx.conn(), ws, system_id).await?;
        let members = tx.conn().members_of(&ws.workspace.id).await?;
        let mut errors = FieldErrors::new();
        // What each impact links to must exist: the workspace's risks, the catalogue's controls.
        for (n, impact) in assessment.impacts.iter_mut().enumerate() {
            for c in impact.controls.iter_mut() {
                *c = c.trim().to_owned();
                let known = c
                    .split_once(':')
                    .and_then(|(fw, item)| catalog.item(fw.trim(), item.trim()));
                let shaped = c
                    .split_once(':')
                    .is_some_and(|(fw, id)| !fw.trim().is_empty() && !id.trim().is_empty());
                match known {
                    Some((fw, item)) => *c = format!("{}:{}", fw.id, item.id),
                    // A reference of the wrong shape is the domain's to name.
                    None if !shaped => {}
                    None => errors.add(
                        &format!("impacts[{n}].controls"),
                        format!("{c} is not in the catalogue"),
                    ),
                }
            }
            for r in &impact.risks {
                if !is_record_id(r) {
                    continue; // the domain names it
                }
                let found = tx
                    .conn()
                    .record_get(&ws.workspace.id, crate::risks_kind().record_type, r)
                    .await?;
                if found.is_none() {
                    errors.add(
                        &format!("impacts[{n}].risks"),
                        format!("{r} is not a risk of this workspace"),
                    );
                }
            }
        }
        for r in assessment.reviewers.iter_mut() {
            let wanted = r.trim().to_lowercase();
            match members
                .iter()
                .find(|m| m.user_id == *r || m.email.to_lowercase() == wanted)
            {
                Some(m) => *r = m.user_id.clone(),
                None => errors.add(
                    "reviewers",
                    format!("{r} is not a member of this workspace"),
                ),
            }
        }
        if let Err(more) = assessment.validate() {
            for (field, messages) in more.iter() {
                for m in messages {
                    errors.add(field, m.clone());
                }
            }
        }
        errors.into_result().map_err(AppError::Validation)?;
        let rows = tx
            .conn()
            .versions(Versioned::Impact, &ws.workspace.id, system_id)
            .await?;
        let latest = rows.first();
        versions::check_read_at(latest, based_on, "the assessment")?;
        let body =
            serde_json::to_string(&assessment).map_err(|e| AppError::Internal(e.to_string()))?;
        let facts = json!(facts_of(&system, classification.as_ref())).to_string();
        let edit = match latest {
            None => Edit::NewVersion,
            Some(l) => on_edit(state_of(l)?),
        };
        if let (Edit::Refused, Some(l)) = (edit, latest) {
            return Err(AppError::Conflict {
                message: "the assessment is in review: send it back to draft before editing it"
                    .into(),
                current_version: Some(l.revision),
            });
        }
        let versions::Saved { row, action } = versions::save(
            &mut tx.conn(),
            Versioned::Impact,
            ws,
            &system.id,
            latest,
            edit == Edit::InPlace,
            body,
            facts,
            self.now(),
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                action,
                IMPACT_TYPE,
                &system.id,
                json!({"system": system.title, "assessment_version": row.number, "revision": row.revision, "impacts": assessment.impacts.len()}),
            ))
            .await?;
        tx.commit().await?;
        version_of(&row, &system, fria_required(classification.as_ref()))
    }

    /// Moves version `number` (its latest, read at `revision`) to `to`:
    /// submit for review, send back to draft, or approve (a manager). Going
    /// to review or approval needs every question answered and, when
    /// required, the fundamental-rights fields.
    pub async fn move_impact(
        &self,
        ws: &Scope,
        system_id: &str,
        number: i64,
        revision: i64,
        to: ImpactState,
        note: &str,
    ) -> Result<ImpactVersion> {
        ws.require(match to {
            ImpactState::Approved => Action::Approve,
            _ => Action::Update,
        })?;
        let note = crate::approvals::checked_note(note)?;
        let role = ws.role.ok_or(AppError::NotFound("workspace"))?;
        let mut tx = self.store.begin().await?;
        let (system, classification) = self.impact_subject(&mut tx.conn(), ws, system_id).await?;
        let rows = tx
            .conn()
            .versions(Versioned::Impact, &ws.workspace.id, system_id)
            .await?;
        let row = versions::find(&rows, number, "impact assessment version")?;
        let from = state_of(row)?;
        transition(from, to, role).map_err(|e| transition_error(e, row.revision))?;
        versions::check_latest_at(&rows, row, revision)?;
        let fria = fria_required(classification.as_ref());
        if to != ImpactState::Draft {
            let assessment: ImpactAssessment = stored(&row.body, "impact assessment")?;
            assessment.check_ready(fria).map_err(AppError::Validation)?;
        }
        let (stamp, facts) = match to {
            ImpactState::InReview => (versions::Stamp::Submitted, None),
            ImpactState::Approved => (
                versions::Stamp::Approved,
                Some(json!(facts_of(&system, classification.as_ref())).to_string()),
            ),
            ImpactState::Draft => (versions::Stamp::None, None),
        };
        let next = versions::move_to(
            &mut tx.conn(),
            Versioned::Impact,
            ws,
            row,
            to.key(),
            stamp,
            facts,
            &note,
            self.now(),
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                match to {
                    ImpactState::InReview => "submit",
                    ImpactState::Approved => "approve",
                    ImpactState::Draft => "return",
                },
                IMPACT_TYPE,
                &system.id,
                json!({"system": system.title, "assessment_version": number, "state": [from.key(), to.key()], "note": note}),
            ))
            .await?;
        tx.commit().await?;
        version_of(&next, &system, fria)
    }
}

fn cell(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per system: where it stands on its impact assessment.
fn status_table(all: &[ImpactStatus]) -> aims_export::Table {
    aims_export::Table {
        sheet: "Impact assessments".into(),
        columns: [
            "system",
            "system_id",
            "eu_ai_act_tier",
            "fria_required",
            "latest_version",
            "latest_state",
            "approved_version",
            "approved_at",
            "reassess_on",
            "needs_assessment",
            "why",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: all
            .iter()
            .map(|s| {
                let why: Vec<String> = s
                    .reasons
                    .iter()
                    .map(Reason::label)
                    .chain(
                        s.overdue
                            .then(|| "The re-assessment date has come".to_owned()),
                    )
                    .chain(
                        s.approved
                            .is_none()
                            .then(|| "No approved assessment".to_owned()),
                    )
                    .collect();
                vec![
                    s.system_name.clone(),
                    s.system_id.clone(),
                    cell(s.eu_ai_act_tier.as_ref()),
                    s.fria_required.to_string(),
                    cell(s.latest.map(|l| l.0)),
                    cell(s.latest.map(|l| l.1.key())),
                    cell(s.approved),
                    cell(s.approved_at.as_ref()),
                    cell(s.reassess_on.as_ref()),
                    s.needs_assessment().to_string(),
                    why.join("; "),
                ]
            })
            .collect(),
    }
}

/// The impacts and answers of each system's latest version, as two sheets.
fn content_tables(latest: &[ImpactVersion]) -> [aims_export::Table; 2] {
    let mut impacts = vec![];
    let mut answers = vec![];
    for v in latest {
        for (i, rating) in v.assessment.impacts.iter().zip(&v.ratings) {
            impacts.push(vec![
                v.system_name.clone(),
                v.number.to_string(),
                v.state.key().to_owned(),
                i.area.label().to_owned(),
                i.description.clone(),
                i.affected.clone(),
                i.severity.to_string(),
                i.likelihood.to_string(),
                cell(rating.map(ImpactLevel::label)),
                i.mitigations.clone(),
                i.risks.join(", "),
                i.controls.join(", "),
            ]);
        }
        for (id, answer) in &v.assessment.answers {
            let text = aims_domain::impact::question(id).map_or("", |q| q.text);
            let answer = match answer {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            answers.push(vec![
                v.system_name.clone(),
                v.number.to_string(),
                id.clone(),
                text.to_owned(),
                answer,
            ]);
        }
    }
    let cols = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect();
    [
        aims_export::Table {
            sheet: "Impacts".into(),
            columns: cols(&[
                "system",
                "version",
                "state",
                "area",
                "description",
                "affected",
                "severity",
                "likelihood",
                "rating",
                "mitigations",
                "risk_ids",
                "controls",
            ]),
            rows: impacts,
        },
        aims_export::Table {
            sheet: "Answers".into(),
            columns: cols(&["system", "version", "question_id", "question", "answer"]),
            rows: answers,
        },
    ]
}

impl App {
    /// Every system's impact assessment status as CSV or JSON; XLSX adds the
    /// impacts and the answers of each system's latest version as sheets.
    pub async fn impact_export(&self, ws: &Scope, format: aims_export::Format) -> Result<Vec<u8>> {
        let all = self.impact_statuses(ws).await?;
        let table = status_table(&all);
        let out = if format == aims_export::Format::Xlsx {
            let mut latest = vec![];
            for s in all.iter().filter(|s| s.latest.is_some()) {
                let (_, versions) = self.impact_assessment(ws, &s.system_id).await?;
                latest.extend(versions.into_iter().next());
            }
            let [impacts, answers] = content_tables(&latest);
            aims_export::write_workbook(&[table, impacts, answers])
        } else {
            aims_export::write(&table, format)
        };
        out.map_err(|e| AppError::Internal(e.to_string()))
    }
}
