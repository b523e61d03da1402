//! `aims demo`: a realistic sample organisation in the workspace `demo`.
//! Idempotent: running it again adds only what is missing. Every feature
//! extends it with its own records.

use crate::{App, Principal, Result};
use aims_domain::Role;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_NAME: &str = "Northwind Health (demo)";

/// Fictional AI systems of a mid-sized health insurer.
const SYSTEMS: &[(&str, &str)] = &[
    ("Claims triage assistant", "Ranks incoming insurance claims by complexity and routes them to the right handler team; a person makes every payment decision."),
    ("Member support chatbot", "Answers members' questions about cover, claims status and documents on the website and app, handing over to staff on request or when unsure."),
    ("Fraud signal model", "Scores claims for patterns associated with fraud so investigators can prioritise; never rejects a claim on its own."),
    ("Prior-authorisation summariser", "Summarises clinical documents attached to prior-authorisation requests for nurse reviewers, built on a third-party large language model."),
    ("Call transcription service", "Third-party speech-to-text service that transcribes recorded support calls for quality review."),
    ("Premium pricing model", "Estimates expected claim cost for group policies; used by actuaries as one input to pricing."),
    ("Document classification pipeline", "Classifies scanned letters and forms into 40 document types and extracts member numbers."),
    ("Workforce scheduling forecaster", "Forecasts contact-centre volumes per half hour to plan staffing."),
];

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
    pub managers_added: usize,
    pub systems_classified: usize,
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
        let existing = self.all_systems(&as_operator).await?;
        for (name, purpose) in SYSTEMS {
            if !existing.iter().any(|s| s.name == *name) {
                self.create_system(&scope, name, purpose).await?;
                report.systems_added += 1;
            }
        }
        // EU AI Act classifications of some systems, one per tier worth seeing.
        let systems = self.all_systems(&as_operator).await?;
        for (name, over) in classifications() {
            let Some(system) = systems.iter().find(|s| s.name == name) else {
                continue;
            };
            let known = self.system_classification(&scope, &system.id).await;
            if matches!(known, Err(crate::AppError::NotFound(_))) {
                self.classify_system(&scope, &system.id, &demo_answers(over))
                    .await?;
                report.systems_classified += 1;
            }
        }
        Ok(report)
    }
}
