//! The risk register's use cases beyond the record path: the workspace's
//! risk method (versions, re-scoring every risk on a change), accepting a
//! residual risk and judging whether an acceptance still holds, and the heat
//! map. Scoring itself is `aims_domain::risk` (pure); risks are records of
//! the `risks` kind, whose `Derived::RiskScores` rule runs on every write.

use crate::records::{all_pages, record_of_kind};
use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::record::Kind;
use aims_domain::risk::fields::{assessments_of, rescore_fields};
use aims_domain::risk::{
    accept, acceptance_status, rescore, Acceptance, AcceptanceStatus, Decision, MaterialState,
    RescoreReport, RiskMethod, TreatmentOption,
};
use aims_domain::validation::{has_control_chars, is_record_id};
use aims_domain::{Action, Role};
use aims_store::{Conn, RecordRow, RiskAcceptanceRow, RiskMethodRow};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The version number of the default method, in force until a workspace sets its own.
pub const DEFAULT_METHOD_VERSION: i64 = 1;
/// The history's record type for risk method changes.
const METHOD_RECORD_TYPE: &str = "risk_method";

/// The `risks` kind.
pub fn risks_kind() -> &'static Kind {
    &aims_domain::record::RISKS
}

/// One version of a workspace's risk method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodVersion {
    pub version: i64,
    pub method: RiskMethod,
    /// Why it changed ("" for the default).
    pub note: String,
    /// When and by whom (`None` for the default, never stored).
    pub created_at: Option<String>,
    pub created_by: Option<String>,
}

impl MethodVersion {
    fn default_method() -> MethodVersion {
        MethodVersion {
            version: DEFAULT_METHOD_VERSION,
            method: RiskMethod::default_5x5(),
            note: "The default method: 5 × 5, likelihood × impact.".into(),
            created_at: None,
            created_by: None,
        }
    }

    fn of(row: RiskMethodRow) -> Result<MethodVersion> {
        let method = serde_json::from_str(&row.method)
            .map_err(|e| AppError::Internal(format!("stored risk method: {e}")))?;
        Ok(MethodVersion {
            version: row.version,
            method,
            note: row.note,
            created_at: Some(row.created_at),
            created_by: Some(row.created_by),
        })
    }
}

/// What a method change did.
#[derive(Debug, Clone, Serialize)]
pub struct MethodChange {
    pub method: MethodVersion,
    /// False when the method sent was the one in force (nothing written).
    pub changed: bool,
    /// The risks whose band moved, and those that lost a level.
    pub report: RescoreReport,
    /// How many risks were written again (scores, bands or cleared levels).
    pub rescored: usize,
}

/// A risk's acceptance as it stands today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AcceptanceView {
    #[serde(flatten)]
    pub acceptance: Acceptance,
    pub status: AcceptanceStatus,
    /// The accepting member's e-mail, when they are still a member.
    pub accepted_by_email: Option<String>,
}

/// The heat map of a workspace: counts per cell of the method in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatMap {
    pub method_version: i64,
    /// `counts[l - 1][i - 1]`.
    pub inherent: Vec<Vec<u32>>,
    pub current: Vec<Vec<u32>>,
    pub residual: Vec<Vec<u32>>,
    /// Risks not assessed, per assessment (inherent, current, residual).
    pub not_assessed: [u32; 3],
    pub total: u32,
}

/// An acceptance as stored.
fn stored_acceptance(row: &RiskAcceptanceRow) -> Result<Acceptance> {
    serde_json::from_str(&row.acceptance)
        .map_err(|e| AppError::Internal(format!("stored acceptance: {e}")))
}

/// The material state of a risk: its levels, treatment and linked actions and systems.
async fn material_state(conn: &mut Conn<'_>, risk: &RecordRow) -> Result<MaterialState> {
    let links = conn.links_of(&risk.workspace_id, &risk.id).await?;
    let ids = |relation: &str| -> Vec<String> {
        links
            .iter()
            .filter(|l| l.relation == relation && l.from_id == risk.id)
            .map(|l| l.other_id.clone())
            .collect()
    };
    Ok(MaterialState {
        assessments: assessments_of(&risk.fields),
        treatment: risk
            .fields
            .get("treatment")
            .and_then(Value::as_str)
            .and_then(TreatmentOption::from_key),
        action_ids: ids("treated_by"),
        system_ids: ids("concerns"),
    })
}

impl App {
    /// The method in force in a workspace, read on `conn`.
    pub(crate) async fn method_in(
        &self,
        conn: &mut Conn<'_>,
        workspace_id: &str,
    ) -> Result<MethodVersion> {
        match conn.risk_method_latest(workspace_id).await? {
            Some(row) => MethodVersion::of(row),
            None => Ok(MethodVersion::default_method()),
        }
    }

    /// The workspace's risk method in force.
    pub async fn risk_method(&self, ws: &Scope) -> Result<MethodVersion> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        self.method_in(&mut c.conn(), &ws.workspace.id).await
    }

    /// Every version of the method, newest first (the default last).
    pub async fn risk_method_versions(&self, ws: &Scope) -> Result<Vec<MethodVersion>> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        let rows = c.conn().risk_method_versions(&ws.workspace.id).await?;
        let mut out = rows
            .into_iter()
            .map(MethodVersion::of)
            .collect::<Result<Vec<_>>>()?;
        out.push(MethodVersion::default_method());
        Ok(out)
    }

    /// Sets a new version of the risk method (a manager's decision): checked
    /// whole, refused if `based_on` is not the version in force, then every
    /// risk is re-scored in the same transaction and the change report says
    /// which bands moved and which risks lost a level.
    pub async fn set_risk_method(
        &self,
        ws: &Scope,
        based_on: Option<i64>,
        method: &Value,
        note: &str,
    ) -> Result<MethodChange> {
        ws.require(Action::Approve)?;
        let note = note.trim();
        if note.chars().count() > 2000 || has_control_chars(note) {
            return Err(AppError::field(
                "note",
                "must be at most 2000 characters of text",
            ));
        }
        let new = RiskMethod::from_json(method)?;
        let kind = risks_kind();
        let mut tx = self.store.begin().await?;
        let old = self.method_in(&mut tx.conn(), &ws.workspace.id).await?;
        if based_on.is_some_and(|v| v != old.version) {
            return Err(AppError::Conflict {
                message: format!(
                    "the risk method was changed by someone else (now at version {}); reload it and apply your change again",
                    old.version
                ),
                current_version: Some(old.version),
            });
        }
        if new == old.method {
            return Ok(MethodChange {
                method: old,
                changed: false,
                report: RescoreReport::default(),
                rescored: 0,
            });
        }
        let version = old.version + 1;
        let row = RiskMethodRow {
            workspace_id: ws.workspace.id.clone(),
            version,
            method: serde_json::to_string(&new).map_err(|e| AppError::Internal(e.to_string()))?,
            note: note.to_owned(),
            created_at: self.now(),
            created_by: ws.principal.label.clone(),
        };
        tx.conn().risk_method_insert(&row).await?;
        let risks = all_pages(&mut tx.conn(), &ws.workspace.id, kind, Default::default()).await?;
        let assessed: Vec<(String, aims_domain::risk::Assessments)> = risks
            .iter()
            .map(|r| (r.id.clone(), assessments_of(&r.fields)))
            .collect();
        let report = rescore(
            &old.method,
            &new,
            assessed.iter().map(|(id, a)| (id.as_str(), a)),
        );
        let mut rescored = 0;
        for risk in &risks {
            let fields = rescore_fields(&new, &risk.fields);
            if fields != risk.fields {
                self.update_parsed(&mut tx.conn(), ws, kind, risk, fields, &mut None)
                    .await?;
                rescored += 1;
            }
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "update",
                METHOD_RECORD_TYPE,
                &ws.workspace.id,
                json!({"version": version, "from_version": old.version, "note": note,
                       "method": new, "moved": report.moved,
                       "needs_reassessment": report.needs_reassessment}),
            ))
            .await?;
        tx.commit().await?;
        Ok(MethodChange {
            method: MethodVersion::of(row)?,
            changed: true,
            report,
            rescored,
        })
    }

    /// A risk's acceptances, newest first, the first judged as of today
    /// (the older ones are history: each is reported as voided or expired
    /// by the one after it only through its own dates and hash).
    pub async fn risk_acceptances(&self, ws: &Scope, id: &str) -> Result<Vec<AcceptanceView>> {
        ws.require(Action::Read)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound("risk"));
        }
        let mut c = self.store.conn().await?;
        let risk = record_of_kind(&mut c.conn(), ws, risks_kind(), id).await?;
        let method = self.method_in(&mut c.conn(), &ws.workspace.id).await?;
        let state = material_state(&mut c.conn(), &risk).await?;
        let rows = c.conn().risk_acceptances_of(&ws.workspace.id, id).await?;
        let members = c.conn().members_of(&ws.workspace.id).await?;
        let today = self.today();
        rows.into_iter()
            .map(|row| {
                let acceptance = stored_acceptance(&row)?;
                let status = acceptance_status(&acceptance, &method.method, &state, &today);
                let accepted_by_email = members
                    .iter()
                    .find(|m| format!("user:{}", m.user_id) == acceptance.accepted_by)
                    .map(|m| m.email.clone());
                Ok(AcceptanceView {
                    acceptance,
                    status,
                    accepted_by_email,
                })
            })
            .collect()
    }

    /// The status of the newest acceptance of every accepted risk (by risk
    /// id), judged today; for lists and views of expiring acceptances.
    pub async fn risk_acceptance_statuses(
        &self,
        ws: &Scope,
    ) -> Result<HashMap<String, (Acceptance, AcceptanceStatus)>> {
        Ok(self
            .accepted_risks(ws)
            .await?
            .into_iter()
            .map(|(risk, a, s)| (risk.id, (a, s)))
            .collect())
    }

    /// Every accepted risk with its newest acceptance and that acceptance's
    /// status today: the ones that need attention first (voided, then
    /// expired), then the valid ones by expiry date, soonest first.
    pub async fn accepted_risks(
        &self,
        ws: &Scope,
    ) -> Result<Vec<(RecordRow, Acceptance, AcceptanceStatus)>> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        let method = self.method_in(&mut c.conn(), &ws.workspace.id).await?;
        let rows = c.conn().risk_acceptances_latest(&ws.workspace.id).await?;
        let today = self.today();
        let mut out = vec![];
        for row in rows {
            let Some(risk) = c
                .conn()
                .record_get(&ws.workspace.id, risks_kind().record_type, &row.risk_id)
                .await?
            else {
                continue;
            };
            let acceptance = stored_acceptance(&row)?;
            let state = material_state(&mut c.conn(), &risk).await?;
            let status = acceptance_status(&acceptance, &method.method, &state, &today);
            out.push((risk, acceptance, status));
        }
        let rank = |s: &AcceptanceStatus| match s {
            AcceptanceStatus::Voided(_) => 0,
            AcceptanceStatus::Expired => 1,
            AcceptanceStatus::Valid => 2,
        };
        out.sort_by(|a, b| {
            (rank(&a.2), &a.1.expires_on, &a.0.title).cmp(&(
                rank(&b.2),
                &b.1.expires_on,
                &b.0.title,
            ))
        });
        Ok(out)
    }

    /// Accepts the residual risk of risk `id` at `version` (stale → conflict)
    /// until `expires_on`, with a reason; who may accept which band is the
    /// method's rule. Recorded with the method version and the state hash.
    pub async fn accept_risk(
        &self,
        ws: &Scope,
        id: &str,
        version: i64,
        reason: &str,
        expires_on: &str,
    ) -> Result<Vec<AcceptanceView>> {
        ws.require(Action::Update)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound("risk"));
        }
        let role = ws.role.unwrap_or(Role::Auditor);
        let mut tx = self.store.begin().await?;
        let risk = record_of_kind(&mut tx.conn(), ws, risks_kind(), id).await?;
        if risk.version != version {
            return Err(AppError::stale(risk.version));
        }
        let method = self.method_in(&mut tx.conn(), &ws.workspace.id).await?;
        let state = material_state(&mut tx.conn(), &risk).await?;
        let decision = Decision {
            role,
            accepted_by: ws.principal.actor(),
            reason: reason.to_owned(),
            expires_on: expires_on.to_owned(),
        };
        let acceptance = accept(
            &method.method,
            u32::try_from(method.version).unwrap_or(u32::MAX),
            &state,
            &decision,
            &self.today(),
        )?;
        let text =
            serde_json::to_string(&acceptance).map_err(|e| AppError::Internal(e.to_string()))?;
        tx.conn()
            .risk_acceptance_insert(&RiskAcceptanceRow {
                id: new_id(),
                workspace_id: ws.workspace.id.clone(),
                risk_id: id.to_owned(),
                acceptance: text,
                created_at: self.now(),
            })
            .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "accept",
                risks_kind().record_type,
                id,
                json!({"acceptance": acceptance}),
            ))
            .await?;
        tx.commit().await?;
        self.risk_acceptances(ws, id).await
    }

    /// Today's date (`YYYY-MM-DD`, UTC) on the application's clock.
    pub fn today(&self) -> String {
        self.now()[..10].to_owned()
    }
}

impl App {
    /// The acceptance columns of the risk register export.
    pub(crate) async fn risk_export_extra(
        &self,
        ws: &Scope,
        rows: &[RecordRow],
    ) -> Result<crate::records::ExtraColumns> {
        let statuses = self.risk_acceptance_statuses(ws).await?;
        let values = rows
            .iter()
            .filter_map(|r| {
                statuses.get(&r.id).map(|(a, status)| {
                    let status = status.summary();
                    (
                        r.id.clone(),
                        vec![status, a.expires_on.clone(), a.reason.clone()],
                    )
                })
            })
            .collect();
        Ok(crate::records::ExtraColumns {
            names: vec!["acceptance", "acceptance_expires_on", "acceptance_reason"],
            values,
        })
    }

    /// The risk register as one workbook: the risks (`risks`), every
    /// treatment action with the risks it treats, and the method in force as
    /// a legend (scales, grid, bands, acceptance rules).
    pub(crate) async fn risk_workbook(
        &self,
        ws: &Scope,
        risks: aims_export::Table,
    ) -> Result<Vec<u8>> {
        let actions_kind = &aims_domain::record::RISK_ACTIONS;
        let actions = self
            .all_records(ws, actions_kind, &Default::default())
            .await?;
        let mut c = self.store.conn().await?;
        let method = self.method_in(&mut c.conn(), &ws.workspace.id).await?;
        // The risks each action treats, in one query.
        let mut treats: HashMap<String, Vec<String>> = HashMap::new();
        for (action, risk) in c
            .conn()
            .links_to_by_relation(&ws.workspace.id, "treated_by")
            .await?
        {
            treats.entry(action).or_default().push(risk);
        }
        let extra = crate::records::ExtraColumns {
            names: vec!["treats"],
            values: treats
                .into_iter()
                .map(|(id, t)| (id, vec![t.join("; ")]))
                .collect(),
        };
        let mut actions = crate::records::export_table(actions_kind, &actions, &extra);
        actions.sheet = "Treatment actions".into();
        let tables = [risks, actions, method_table(&method)];
        aims_export::write_workbook(&tables).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// The method as a legend: one row per level, band, grid cell and rule.
pub fn method_table(m: &MethodVersion) -> aims_export::Table {
    let method = &m.method;
    let mut rows = vec![];
    for (part, scale) in [
        ("likelihood", &method.likelihood),
        ("impact", &method.impact),
    ] {
        for (n, l) in scale.iter().enumerate() {
            rows.push(vec![
                part.to_owned(),
                (n + 1).to_string(),
                l.name.clone(),
                l.description.clone(),
            ]);
        }
    }
    for b in &method.bands {
        let rule = method.acceptance_rule(&b.key).filter(|r| r.may_accept);
        let accept = rule.map_or_else(
            || "may not be accepted".to_owned(),
            |r| format!("accepted by a {} or above", r.by),
        );
        rows.push(vec![
            "band".into(),
            b.key.clone(),
            b.name.clone(),
            format!("from score {}; {}; {accept}", b.min_score, b.colour),
        ]);
    }
    for (l, row) in method.grid.iter().enumerate() {
        for (i, score) in row.iter().enumerate() {
            let band = method
                .band_of(*score)
                .map_or("", |b| method.bands[b].name.as_str());
            rows.push(vec![
                "grid".into(),
                format!("L{} × I{}", l + 1, i + 1),
                score.to_string(),
                band.to_owned(),
            ]);
        }
    }
    aims_export::Table {
        sheet: format!("Risk method v{}", m.version),
        columns: vec!["part".into(), "key".into(), "name".into(), "detail".into()],
        rows,
    }
}
