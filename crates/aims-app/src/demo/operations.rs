//! The demo's day-to-day records (issue #10), dated from the day the demo
//! is loaded so they stay alive: an AI policy adopted from its template,
//! approved and published with acknowledgements outstanding, a procedure
//! in draft; objectives with progress; a RACI; trainings, one expired;
//! communications; two suppliers with answered due diligence; a customer
//! commitment; an incident whose EU AI Act Art. 73 report counts down; an
//! anonymous concern; a planned change.

use crate::{App, AppError, Result, Scope};
use aims_domain::date::add_days;
use aims_domain::document::DocState;
use aims_domain::record::{
    Input, Kind, CHANGES, COMMITMENTS, COMMUNICATIONS, DOCUMENTS, INCIDENTS, OBJECTIVES,
    RESPONSIBILITIES, SUPPLIERS, TRAININGS,
};
use serde_json::{json, Value};

/// `today` moved by `days`.
pub(super) fn on(today: &str, days: i64) -> String {
    add_days(today, days).unwrap_or_else(|| today.to_owned())
}

impl App {
    /// Creates `fields` as a record of `kind` unless one with its title
    /// exists; the record's id, and whether it is new.
    pub(super) async fn demo_record(
        &self,
        scope: &Scope,
        kind: &Kind,
        fields: Value,
    ) -> Result<(String, bool)> {
        let Some(map) = fields.as_object() else {
            return Err(AppError::Internal("demo fields".into()));
        };
        let title = kind.title_of(map).to_owned();
        let existing = self.all_records(scope, kind, &Default::default()).await?;
        if let Some(r) = existing.iter().find(|r| r.title == title) {
            return Ok((r.id.clone(), false));
        }
        Ok((
            self.create_record(scope, kind, Input::Json(map)).await?.id,
            true,
        ))
    }

    /// Loads the day-to-day records; how many were added.
    pub(super) async fn load_demo_operations(
        &self,
        scope: &Scope,
        owner: Option<&str>,
    ) -> Result<usize> {
        let t = self.today();
        let me = owner.unwrap_or_default();
        let mut added = 0;
        // Documents: the AI policy published, the document control procedure in draft.
        let docs = self
            .all_records(scope, &DOCUMENTS, &Default::default())
            .await?;
        if !docs.iter().any(|d| d.title == "AI policy") {
            let doc = self.adopt_template(scope, "ai-policy").await?;
            let v = self.document_versions(scope, &doc.id).await?;
            if let Some(v1) = v.first() {
                let v = self
                    .move_document(
                        scope,
                        &doc.id,
                        1,
                        v1.revision,
                        DocState::Approved,
                        "Board meeting",
                    )
                    .await?;
                self.move_document(scope, &doc.id, 1, v.revision, DocState::Published, "")
                    .await?;
            }
            // Shared on the public trust page, which the demo switches on.
            let doc = self.record(scope, &DOCUMENTS, &doc.id).await?;
            let public = json!({"classification": "public"});
            if let Some(map) = public.as_object() {
                self.update_record(scope, &DOCUMENTS, &doc.id, doc.version, Input::Json(map))
                    .await?;
            }
            self.set_trust_page(scope, true).await?;
            added += 1;
        }
        if !docs.iter().any(|d| d.title == "Document control") {
            self.adopt_template(scope, "document-control").await?;
            added += 1;
        }
        // (kind, fields, later values of an objective's `current`)
        let records: Vec<(&Kind, Value, &[f64])> = vec![
            (
                &OBJECTIVES,
                json!({"title": "Close the approval-rate gap in CV screening", "owner": me,
                "measure": "Largest difference in shortlisting rate between age bands", "unit": "points",
                "direction": "lower_better", "baseline": 9.5, "target": 3, "current": 9.5,
                "due": on(&t, 180), "status": "on_track"}),
                &[7.5, 5.5],
            ),
            (
                &OBJECTIVES,
                json!({"title": "Every in-scope system impact-assessed", "owner": me,
                "measure": "Share of in-scope AI systems with an approved impact assessment", "unit": "%",
                "direction": "higher_better", "baseline": 20, "target": 100, "current": 20,
                "due": on(&t, 90), "status": "at_risk"}),
                &[30.0, 40.0],
            ),
            (
                &RESPONSIBILITIES,
                json!({"title": "Approve the AI policy", "process": "leadership", "owner": me,
                "responsible": "Head of AI governance", "consulted": "Legal, Data protection officer", "informed": "All staff"}),
                &[],
            ),
            (
                &RESPONSIBILITIES,
                json!({"title": "Assess and treat AI risks", "process": "planning", "owner": me,
                "responsible": "System owners", "consulted": "Risk management", "informed": "Executive board",
                "competence": "The risk method; the system's purpose and data."}),
                &[],
            ),
            (
                &RESPONSIBILITIES,
                json!({"title": "Monitor models in production", "process": "operation",
                "responsible": "ML engineering", "consulted": "System owners", "informed": "Head of AI governance",
                "competence": "Drift and fairness metrics; the release thresholds."}),
                &[],
            ),
            (
                &TRAININGS,
                json!({"title": "AI Act awareness", "type": "awareness", "owner": me,
                "completed_on": on(&t, -300), "expires_on": on(&t, 65), "status": "completed"}),
                &[],
            ),
            (
                &TRAININGS,
                json!({"title": "Fairness testing for ML engineers", "type": "training", "owner": me,
                "competence": "Group fairness metrics and their limits", "completed_on": on(&t, -400),
                "expires_on": on(&t, -35), "status": "completed"}),
                &[],
            ),
            (
                &COMMUNICATIONS,
                json!({"title": "AI policy announcement", "audience": ["staff"], "owner": me,
                "channel": "intranet", "frequency": "on_change", "last_sent": on(&t, -20)}),
                &[],
            ),
            (
                &COMMUNICATIONS,
                json!({"title": "How the member chatbot uses AI", "audience": ["users", "public"],
                "channel": "website", "frequency": "yearly", "next_due": on(&t, 40)}),
                &[],
            ),
            (
                &SUPPLIERS,
                json!({"title": "Helix Model API", "type": "model_api", "owner": me,
                "services": "Hosted large language model behind the member support chatbot.",
                "responsibilities": "Helix runs and secures the model; Northwind owns prompts, filters and the hand-over to staff.",
                "risk_rating": "high", "due_diligence": "answered", "next_review": on(&t, 25), "contract_end": on(&t, 400)}),
                &[],
            ),
            (
                &SUPPLIERS,
                json!({"title": "Medcode Data Services", "type": "data_vendor",
                "services": "Clinical coding reference data for claims triage.", "risk_rating": "medium",
                "due_diligence": "reviewed", "next_review": on(&t, 150)}),
                &[],
            ),
            (
                &COMMITMENTS,
                json!({"title": "Human review of every declined claim", "customer": "Employer group plans",
                "description": "No claim is declined without a claims handler's decision.", "owner": me,
                "review_on": on(&t, 120), "status": "active"}),
                &[],
            ),
            (
                &INCIDENTS,
                json!({"title": "Chatbot gave wrong cover information to members", "type": "incident",
                "owner": me, "severity": "high", "status": "investigating", "occurred_on": on(&t, -4),
                "aware_on": on(&t, -3), "serious": "serious", "affected_people": "About 40 members in one region",
                "source": "monitoring",
                "description": "Answers about dental cover cited last year's limits after a content update.\nDay 0: monitoring flagged the answers; Day 1: content rolled back, affected members identified."}),
                &[],
            ),
            (
                &INCIDENTS,
                json!({"title": "Concern: screening seems to favour younger applicants", "type": "concern",
                "status": "new", "source": "anonymous",
                "description": "Sent through the anonymous link: shortlists in the last hiring round look much younger than the applicants."}),
                &[],
            ),
            (
                &CHANGES,
                json!({"title": "Move the chatbot to the new model version", "type": "ai_system", "owner": me,
                "purpose": "The supplier retires the current model; the new one changes answers' tone and length.",
                "approvals": "Head of AI governance; Data protection officer", "planned_for": on(&t, 20), "status": "proposed"}),
                &[],
            ),
        ];
        for (kind, mut fields, steps) in records {
            if me.is_empty() {
                if let Some(m) = fields.as_object_mut() {
                    m.remove("owner");
                }
            }
            let (id, new) = self.demo_record(scope, kind, fields).await?;
            if !new {
                continue;
            }
            added += 1;
            self.demo_extras(scope, kind, &id).await?;
            // Progress over time: each value measured since the baseline.
            let mut version = 1;
            for value in steps {
                let input = json!({"current": value});
                if let Some(m) = input.as_object() {
                    version = self
                        .update_record(scope, kind, &id, version, Input::Json(m))
                        .await?
                        .version;
                }
            }
        }
        Ok(added)
    }

    /// What some demo records carry beyond their fields: a supplier's
    /// questionnaire, an incident's timeline, a communication's sending,
    /// the system a change touches.
    async fn demo_extras(&self, scope: &Scope, kind: &Kind, id: &str) -> Result<()> {
        use aims_domain::journal::EntryInput;
        let t = self.today();
        let record = self.record(scope, kind, id).await?;
        let entry = |entry_type: &str, days: i64, at: &str, text: &str, to: &str, channel: &str| {
            EntryInput {
                entry_type: entry_type.into(),
                occurred_at: format!("{}T{at}", on(&t, days)),
                text: text.into(),
                recipient: to.into(),
                channel: channel.into(),
            }
        };
        match (kind.name, record.title.as_str()) {
            ("suppliers", title) => {
                let answered = title == "Helix Model API";
                let req = crate::SendQuestionnaire {
                    sent_to: if answered { "trust@helix.example" } else { "compliance@medcode.example" }.into(),
                    due_on: t.clone(),
                    ..Default::default()
                };
                let sent = self.send_questionnaire(scope, id, &req).await?;
                let answers: std::collections::BTreeMap<String, String> = [
                    ("offering", "A hosted large language model API; we train the models ourselves."),
                    ("customer_data", "Customer prompts are not used for training; retention is 30 days for abuse monitoring."),
                    ("incidents", "Within 24 hours by e-mail to the named contact; status page for outages."),
                    ("security", "ISO/IEC 27001 and SOC 2 Type II, renewed yearly."),
                    ("eu_ai_act", "A general-purpose AI model provider under the AI Act; documentation is shared under NDA."),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
                self.record_answers(scope, &sent.questionnaire.id, &answers).await?;
                if !answered {
                    self.review_questionnaire(scope, &sent.questionnaire.id, "Acceptable: no personal data leaves our systems.").await?;
                }
            }
            ("incidents", "Chatbot gave wrong cover information to members") => {
                for e in [
                    entry("note", -3, "07:40", "Monitoring flagged answers citing last year's dental limits.", "", ""),
                    entry("action", -3, "09:15", "Content update rolled back; chatbot answers checked against the current policy.", "", ""),
                    entry("sent", -2, "11:00", "Correction sent to the members who asked about dental cover.", "About 40 affected members", "e-mail"),
                    entry("note", -1, "16:30", "Root cause: the content pipeline skipped the review step for a bulk update.", "", ""),
                ] {
                    self.add_entry(scope, kind, id, &e).await?;
                }
            }
            ("communications", "AI policy announcement") => {
                self.add_entry(scope, kind, id, &entry("sent", -20, "10:00", "Published on the intranet with a note from the CEO.", "All staff", "intranet"))
                    .await?;
            }
            ("changes", _) => {
                let systems = self.all_records(scope, crate::systems_kind(), &Default::default()).await?;
                if let Some(s) = systems.iter().find(|s| s.title == "Member support chatbot") {
                    self.link(scope, kind, id, "touches", &s.id).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
