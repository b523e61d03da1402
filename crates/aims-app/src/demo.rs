//! `aims demo`: a realistic sample organisation in the workspace `demo`.
//! Idempotent: running it again adds only what is missing. Every feature
//! extends it with its own records.

use crate::{App, Principal, Result};
use aims_domain::Role;
use aims_store::SystemFilter;

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

#[derive(Debug, Default)]
pub struct DemoReport {
    pub workspace_created: bool,
    pub systems_added: usize,
    pub managers_added: usize,
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
        let existing = self
            .systems(
                &as_operator,
                &SystemFilter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await?
            .items;
        for (name, purpose) in SYSTEMS {
            if !existing.iter().any(|s| s.name == *name) {
                self.create_system(&scope, name, purpose).await?;
                report.systems_added += 1;
            }
        }
        Ok(report)
    }
}
