//! The demo's check-and-act records (issue #11), dated from the day the
//! demo is loaded: two metrics with a year of daily values — the chatbot's
//! accuracy breached once, which opened a nonconformity — an audit
//! programme with a completed internal audit whose major finding became a
//! nonconformity with a corrective action verified effective, an open
//! minor one, the next audit planned; a signed management review and the
//! next one scheduled; the certificate with its surveillance audit due;
//! and an improvement opportunity.

use super::operations::on;
use crate::{App, MeasurementIn, Result, Scope};
use aims_domain::record::{
    Input, AUDITS, CERTIFICATION, CORRECTIVE_ACTIONS, FINDINGS, IMPROVEMENTS, METRICS,
    NONCONFORMITIES, REVIEWS,
};
use serde_json::json;

/// A year of daily values of a smooth series with a little noise and, on
/// days `dip`, a dip to `low` (the breach episode).
fn year(
    today: &str,
    base: f64,
    wobble: f64,
    dip: std::ops::Range<i64>,
    low: f64,
) -> Vec<MeasurementIn> {
    (0..365)
        .rev()
        .map(|ago| {
            // A fixed pseudo-random wobble: the same demo every time.
            let x = ((ago * 7919) % 101) as f64 / 100.0 - 0.5;
            let value = if dip.contains(&ago) {
                low + x * 0.01
            } else {
                base + x * wobble
            };
            MeasurementIn {
                value: (value * 10_000.0).round() / 10_000.0,
                measured_at: Some(format!("{}T00:00:00Z", on(today, -ago))),
                ..Default::default()
            }
        })
        .collect()
}

impl App {
    /// Loads the check-and-act records; how many were added.
    pub(super) async fn load_demo_check(
        &self,
        scope: &Scope,
        owner: Option<&str>,
    ) -> Result<usize> {
        let t = self.today();
        let me = owner.unwrap_or_default();
        let mut added = 0;
        let owned = |mut v: serde_json::Value| {
            if me.is_empty() {
                if let Some(m) = v.as_object_mut() {
                    m.remove("owner");
                }
            }
            v
        };
        let systems = self
            .all_records(scope, crate::systems_kind(), &Default::default())
            .await?;
        let system = |name: &str| {
            systems
                .iter()
                .find(|s| s.title == name)
                .map(|s| s.id.clone())
        };
        // Metrics with a year of values.
        let metrics = [
            (
                json!({"title": "Chatbot answer accuracy", "owner": me, "unit": "ratio", "direction": "higher",
                       "warning": 0.92, "critical": 0.88, "interval": "daily", "on_breach": "nonconformity",
                       "description": "Share of sampled chatbot answers a reviewer marks correct, measured each night."}),
                "Member support chatbot",
                year(&t, 0.95, 0.03, 38..41, 0.85),
            ),
            (
                json!({"title": "CV screening selection-rate gap", "owner": me, "unit": "points", "direction": "lower",
                       "warning": 0.05, "critical": 0.08, "interval": "daily", "on_breach": "alert",
                       "description": "Largest difference in shortlisting rate between age bands."}),
                "CV screening assistant",
                year(&t, 0.035, 0.02, 0..0, 0.0),
            ),
        ];
        for (fields, sys, values) in metrics {
            let (id, new) = self.demo_record(scope, &METRICS, owned(fields)).await?;
            if !new {
                continue;
            }
            added += 1;
            if let Some(s) = system(sys) {
                self.link(scope, &METRICS, &id, "measures", &s).await?;
            }
            self.record_measurements(scope, &id, &values).await?;
        }
        // The internal audit programme: one audit done, the next planned.
        let (audit, new_audit) = self
            .demo_record(scope, &AUDITS, owned(json!({"title": "Internal audit 2026: AI life cycle and monitoring",
                "type": "internal", "status": "completed", "start_on": on(&t, -75), "end_on": on(&t, -70),
                "scope": "Clauses 8 and 9.1; controls A.6.2.4 to A.6.2.8 for the chatbot and claims triage.",
                "criteria": "ISO/IEC 42001:2023; the AI policy; the AI risk management procedure.",
                "auditors": "External auditor (Auditwise)",
                "conclusion": "The life-cycle controls operate; monitoring lacks thresholds on one system."})))
            .await?;
        self.demo_record(scope, &AUDITS, owned(json!({"title": "Internal audit 2027: suppliers and documented information",
            "type": "internal", "owner": me, "status": "planned", "start_on": on(&t, 45), "end_on": on(&t, 47),
            "scope": "Clauses 7.5 and 8.1; controls A.10.2 to A.10.4."})))
            .await?;
        if new_audit {
            added += 2;
            if let Some(s) = system("Claims triage assistant") {
                self.link(scope, &AUDITS, &audit, "audits_scope", &s)
                    .await?;
            }
            let (major, _) = self
                .demo_record(scope, &FINDINGS, json!({"title": "Claims triage drift is watched without thresholds",
                    "grade": "major_nc", "requirement": "A.6.2.6",
                    "objective_evidence": "The drift dashboard for claims triage shows scores but no warning or critical level; nobody is alerted."}))
                .await?;
            self.link(scope, &FINDINGS, &major, "found_in", &audit)
                .await?;
            let nc = self.raise_finding(scope, &major).await?;
            let (action, _) = self
                .demo_record(scope, &CORRECTIVE_ACTIONS, owned(json!({"title": "Set drift thresholds and alerting for claims triage",
                    "owner": me, "due_on": on(&t, -40), "status": "done", "done_on": on(&t, -45),
                    "description": "Thresholds agreed with the system owner; alerts reach the on-call engineer."})))
                .await?;
            self.link(scope, &NONCONFORMITIES, &nc.id, "corrected_by", &action)
                .await?;
            let step = json!({"correction": "Drift checked by hand weekly until alerts exist.",
                "root_cause_method": "five_whys", "root_cause": "Monitoring was set up before the risk method defined levels; nobody owned the thresholds.",
                "similar_elsewhere": "Checked the other monitored systems: the chatbot already had thresholds.",
                "status": "verifying", "due_on": on(&t, -40), "verify_by": on(&t, -20), "verification": "effective"});
            // Verified by someone other than the action's owner: the
            // operator stands in for the independent reviewer.
            let reviewer = self
                .enter(&crate::Principal::operator(), &scope.workspace.slug)
                .await?;
            if let Some(m) = step.as_object() {
                let v = self
                    .update_record(
                        &reviewer,
                        &NONCONFORMITIES,
                        &nc.id,
                        nc.version,
                        Input::Json(m),
                    )
                    .await?;
                let close = json!({"status": "closed"});
                if let Some(m) = close.as_object() {
                    self.update_record(
                        &reviewer,
                        &NONCONFORMITIES,
                        &nc.id,
                        v.version,
                        Input::Json(m),
                    )
                    .await?;
                }
            }
            let (minor, _) = self
                .demo_record(scope, &FINDINGS, json!({"title": "Supplier reviews are overdue",
                    "grade": "minor_nc", "requirement": "A.10.3",
                    "objective_evidence": "Two AI suppliers were last reviewed more than a year ago."}))
                .await?;
            self.link(scope, &FINDINGS, &minor, "found_in", &audit)
                .await?;
            let nc = self.raise_finding(scope, &minor).await?;
            let due = json!({"due_on": on(&t, 20), "status": "action_planned"});
            if let Some(m) = due.as_object() {
                self.update_record(scope, &NONCONFORMITIES, &nc.id, nc.version, Input::Json(m))
                    .await?;
            }
            added += 4;
        }
        // Management reviews: the last one signed off, the next scheduled.
        let (last, new_review) = self
            .demo_record(scope, &REVIEWS, owned(json!({"title": "Management review 2026 H1", "owner": me,
                "scheduled_on": on(&t, -120), "held_on": on(&t, -118), "status": "held",
                "attendees": "CEO; Head of AI governance; CTO; Data protection officer",
                "minutes": "Considered the internal audit plan, the risk register and the first monitoring results.",
                "decisions": "Fund threshold-based monitoring for every in-scope model; review AI suppliers before renewal."})))
            .await?;
        if new_review {
            added += 1;
            let (act, _) = self
                .demo_record(
                    scope,
                    &CORRECTIVE_ACTIONS,
                    owned(json!({"title": "Review AI suppliers before their renewal",
                    "owner": me, "due_on": on(&t, 10), "status": "in_progress"})),
                )
                .await?;
            self.link(scope, &REVIEWS, &last, "decided", &act).await?;
            let r = self.record(scope, &REVIEWS, &last).await?;
            self.approve_record(scope, &REVIEWS, &last, r.version, "Signed at the meeting")
                .await?;
        }
        let (_, new) = self
            .demo_record(
                scope,
                &REVIEWS,
                owned(json!({"title": "Management review 2026 H2", "owner": me,
                "scheduled_on": on(&t, 30), "status": "scheduled"})),
            )
            .await?;
        added += usize::from(new);
        // The certification cycle.
        for fields in [
            json!({"title": "Stage 2 certification audit", "type": "stage2", "body": "Certa Assurance", "owner": me,
                   "planned_on": on(&t, -372), "held_on": on(&t, -370), "status": "held", "outcome": "recommended"}),
            json!({"title": "ISO/IEC 42001 certificate", "type": "certificate", "body": "Certa Assurance", "owner": me,
                   "status": "held", "outcome": "certified", "certificate_no": "CA-42001-0815", "valid_from": on(&t, -340)}),
            json!({"title": "First surveillance audit", "type": "surveillance", "body": "Certa Assurance", "owner": me,
                   "planned_on": on(&t, 25), "status": "planned"}),
        ] {
            added += usize::from(
                self.demo_record(scope, &CERTIFICATION, owned(fields))
                    .await?
                    .1,
            );
        }
        added += usize::from(
            self.demo_record(scope, &IMPROVEMENTS, owned(json!({"title": "Share one drift dashboard across teams",
                "owner": me, "source": "Internal audit 2026", "status": "accepted",
                "description": "Teams build their own monitoring; one shared view would make thresholds comparable."})))
            .await?
            .1,
        );
        Ok(added)
    }
}
