//! `aims demo`: a realistic sample organisation in the workspace `demo`.
//! Idempotent: running it again adds only what is missing. Every feature
//! extends it with its own records.

use crate::{systems_kind, App, AppError, Principal, Result, Scope};
use aims_domain::record::{kind, Input};
use aims_domain::Role;
use serde_json::Value;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_NAME: &str = "Northwind Health (demo)";

/// The demo organisation's records (a mid-sized health insurer): systems,
/// models, data sets, resources, context and interested parties by kind, and
/// links between them by title.
const RECORDS: &str = include_str!("records.json");

mod check;
mod impact;
mod monitoring;
mod operations;
mod risks;
mod soa;

/// Which demo systems are classified, with the answers that differ from a
/// provider whose system does nothing the EU AI Act singles out.
fn classifications() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    vec![
        // Risk assessment and pricing in health insurance: Annex III 5(c).
        (
            "Premium pricing model",
            json!({"annex3.area": "essential_services",
                   "annex3.essential_services": ["life_health_insurance"],
                   "art6_3.profiling": true}),
        ),
        // People talk to it: Art. 50(1).
        (
            "Member support chatbot",
            json!({"art50.interacts_with_people": true}),
        ),
        ("Workforce scheduling forecaster", json!({})),
        // Recruitment: Annex III 4(a).
        (
            "CV screening assistant",
            json!({"annex3.area": "employment", "annex3.employment": ["recruitment"],
                   "art6_3.profiling": true}),
        ),
        // Work in progress: which essential-services use it is, is not answered yet.
        (
            "Claims triage assistant",
            json!({"annex3.area": "essential_services", "annex3.essential_services": null}),
        ),
    ]
}

/// The plain provider's answers with `over` on top.
fn demo_answers(over: serde_json::Value) -> aims_domain::eu_ai_act::Answers {
    let mut answers = aims_domain::eu_ai_act::Answers::plain_provider();
    if let serde_json::Value::Object(o) = over {
        answers.answers.extend(o);
    }
    answers
}

#[derive(Debug, Default)]
pub struct DemoReport {
    pub workspace_created: bool,
    pub systems_added: usize,
    /// Records of the other kinds (models, data sets, resources, context, parties).
    pub records_added: usize,
    pub links_added: usize,
    pub managers_added: usize,
    pub systems_classified: usize,
    /// Risks added from the library, each with a treatment action.
    pub risks_added: usize,
    /// Impact assessments: one approved, one draft.
    pub impact_assessments_added: usize,
    /// Statement of Applicability versions: one approved, one draft.
    pub soa_versions_added: usize,
    pub evidence_added: usize,
    /// Documents, objectives, responsibilities, trainings, communications,
    /// suppliers, commitments, incidents and changes (issue #10).
    pub operations_added: usize,
    /// Metrics, audits, findings, nonconformities, reviews, certification (issue #11).
    pub check_added: usize,
}

impl App {
    /// Loads the demo organisation. Instance administrators become its managers
    /// so whoever set up the instance can open it straight away.
    pub async fn load_demo(&self, by: &Principal) -> Result<DemoReport> {
        if !by.is_admin() {
            return Err(crate::AppError::Forbidden(
                "only administrators load the demo".into(),
            ));
        }
        let mut report = DemoReport::default();
        let op = Principal::operator();
        let exists = self
            .store
            .conn()
            .await?
            .conn()
            .workspace_by_slug(DEMO_SLUG)
            .await?
            .is_some();
        if !exists {
            self.create_workspace(by, DEMO_NAME, DEMO_SLUG).await?;
            report.workspace_created = true;
        }
        let admins: Vec<_> = self
            .store
            .conn()
            .await?
            .conn()
            .users_all()
            .await?
            .into_iter()
            .filter(|u| u.is_admin)
            .collect();
        let as_operator = self.enter(&op, DEMO_SLUG).await?;
        let members = self.members(&as_operator).await?;
        let scope = self.enter(by, DEMO_SLUG).await?;
        for admin in admins {
            if !members.iter().any(|m| m.user_id == admin.id) {
                self.set_member(&scope, &admin.email, Role::Manager.as_str())
                    .await?;
                report.managers_added += 1;
            }
        }
        // Entered again: whoever loads the demo is one of its managers now.
        let scope = self.enter(by, DEMO_SLUG).await?;
        self.load_demo_records(&scope, &mut report).await?;
        // EU AI Act classifications of some systems, one per tier worth seeing.
        let systems = self
            .all_records(&as_operator, systems_kind(), &Default::default())
            .await?;
        for (name, over) in classifications() {
            let Some(system) = systems.iter().find(|s| s.title == name) else {
                continue;
            };
            let known = self.system_classification(&scope, &system.id).await;
            if matches!(known, Err(crate::AppError::NotFound(_))) {
                self.classify_system(&scope, &system.id, &demo_answers(over))
                    .await?;
                report.systems_classified += 1;
            }
        }
        let owner = self
            .members(&scope)
            .await?
            .into_iter()
            .find(|m| m.email == scope.principal.label)
            .map(|m| m.email);
        report.risks_added = self.load_demo_risks(&scope, owner.as_deref()).await?;
        report.impact_assessments_added = self.load_demo_impacts(&scope).await?;
        (report.soa_versions_added, report.evidence_added) =
            self.load_demo_soa(&scope, owner.as_deref()).await?;
        report.operations_added = self.load_demo_operations(&scope, owner.as_deref()).await?;
        report.check_added = self.load_demo_check(&scope, owner.as_deref()).await?;
        report.check_added += self.load_demo_monitoring(&scope).await?;
        Ok(report)
    }
}

impl App {
    /// Adds every demo record whose title is not there yet, then every link
    /// not there yet. The first administrator owns what has a next review.
    async fn load_demo_records(&self, scope: &Scope, report: &mut DemoReport) -> Result<()> {
        let data: Value = serde_json::from_str(RECORDS)
            .map_err(|e| AppError::Internal(format!("demo records: {e}")))?;
        // Whoever loads the demo owns what has a review date, or else its first manager.
        let members = self.members(scope).await?;
        let owner = members
            .iter()
            .find(|m| m.email == scope.principal.label)
            .or_else(|| members.iter().find(|m| m.role == "manager"))
            .map(|m| m.email.clone());
        let mut ids = std::collections::HashMap::new();
        for k in aims_domain::record::KINDS {
            let Some(Value::Array(items)) = data.get(k.name) else {
                continue;
            };
            let existing = self.all_records(scope, k, &Default::default()).await?;
            for item in items {
                let Value::Object(fields) = item else {
                    continue;
                };
                let title = k.title_of(fields).to_owned();
                if let Some(r) = existing.iter().find(|r| r.title == title) {
                    ids.insert((k.name, title), r.id.clone());
                    continue;
                }
                let mut fields = fields.clone();
                if let (Some(o), true) = (&owner, fields.contains_key("next_review")) {
                    fields.insert("owner".into(), Value::String(o.clone()));
                }
                let row = self.create_record(scope, k, Input::Json(&fields)).await?;
                ids.insert((k.name, title), row.id);
                if k.name == "systems" {
                    report.systems_added += 1;
                } else {
                    report.records_added += 1;
                }
            }
        }
        // The scope is approved once, by whoever loads the demo.
        if let Some(scopes) = kind("scopes") {
            for r in self.all_records(scope, scopes, &Default::default()).await? {
                if self
                    .approvals(scope, scopes, &r.id)
                    .await?
                    .versions
                    .is_empty()
                {
                    self.approve_record(
                        scope,
                        scopes,
                        &r.id,
                        r.version,
                        "Approved with the AI policy",
                    )
                    .await?;
                }
            }
        }
        let Some(Value::Array(links)) = data.get("links") else {
            return Ok(());
        };
        for l in links {
            let parts: Vec<&str> = l
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let [from_kind, from, relation, to_kind, to] = parts[..] else {
                continue;
            };
            let (Some(k), Some(from), Some(to)) = (
                kind(from_kind),
                ids.get(&(from_kind, from.to_owned())),
                kind(to_kind).and_then(|k| ids.get(&(k.name, to.to_owned()))),
            ) else {
                continue;
            };
            match self.link(scope, k, from, relation, to).await {
                Ok(_) => report.links_added += 1,
                Err(AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
