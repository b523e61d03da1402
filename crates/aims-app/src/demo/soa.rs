//! The demo's Statement of Applicability, control implementation and
//! evidence: the SoA proposed from the risk register, every other control
//! decided (two exclusions, each with its reason), approved as version 1,
//! then a version 2 draft with one change; implementation records for the
//! controls the demo works on; evidence — current, one stale, one rejected,
//! and one pushed from "CI" with its commit and run.

use crate::{App, Push, PushedFile, Result, Scope};
use aims_domain::evidence::CiRun;
use aims_domain::record::{Input, CONTROLS, EVIDENCE};
use aims_domain::soa::{Decision, Reason};
use serde_json::{json, Map, Value};

const EXCLUSIONS: &[(&str, &str)] = &[
    (
        "iso42001:A.10.4",
        "Northwind supplies no AI system or AI-based service to other organisations; members use its AI as users, which A.8.2 to A.8.5 cover.",
    ),
    (
        "iso42001:A.7.3",
        "No data for AI is acquired from third parties: every model learns from Northwind's own claims, pricing and service data (A.7.2, A.7.5).",
    ),
    (
        "iso42001:A.4.5",
        "Northwind runs no computing resources of its own for AI: models are trained and served on the parent group's managed platform, which the group documents under its own AIMS (see A.10.3).",
    ),
];

/// How many of [`EXCLUSIONS`] are taken: the first ones no treatment relies on.
const EXCLUDED: usize = 2;

/// (control, status, how, frequency, last tested, result)
const IMPLEMENTATION: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("iso42001:A.6.2.4", "implemented", "Every model release runs the validation suite in CI: accuracy, calibration and fairness gaps against the release thresholds; the report is pushed as evidence.", "per_event", "2026-10-02", "effective"),
    ("iso42001:A.6.2.6", "partially_implemented", "Drift and fairness metrics are watched weekly for the pricing and fraud models; the chatbot's monitoring is being set up.", "weekly", "2026-09-15", "partially_effective"),
    ("iso42001:A.7.4", "implemented", "Data quality checks (completeness, duplicates, label agreement) gate every training set.", "per_event", "2026-08-20", "effective"),
    ("iso42001:A.4.6", "planned", "AI awareness training for everyone who builds or operates AI systems, yearly.", "yearly", "2025-11-10", "partially_effective"),
];

/// (title, control, system, covers, valid until, review, CI run?, file name, content)
type DemoEvidence = (
    &'static str,
    &'static str,
    &'static str,
    (&'static str, &'static str),
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
);

const EVIDENCE_ITEMS: &[DemoEvidence] = &[
    ("Pricing model validation report, release 4.2", "A.6.2.4", "Premium pricing model", ("2026-07-01", "2026-09-30"), "2027-06-30", "accepted", true, "validation-report.json",
     "{\"model\": \"premium-pricing\", \"release\": \"4.2\", \"auc\": 0.87, \"calibration_error\": 0.021, \"demographic_parity_difference\": 0.018, \"passed\": true}\n"),
    ("Drift monitoring export, Q3 2026", "A.6.2.6", "Fraud signal model", ("2026-07-01", "2026-09-30"), "2026-12-31", "accepted", false, "drift-q3-2026.csv",
     "week,psi,ks\n2026-07-06,0.04,0.03\n2026-08-03,0.06,0.04\n2026-09-07,0.05,0.04\n"),
    ("Training data quality checks, claims 2026", "A.7.4", "Claims triage assistant", ("2026-01-01", "2026-06-30"), "2027-01-31", "submitted", false, "data-quality.txt",
     "Completeness 99.2 %, duplicates 0.03 %, label agreement 0.91 (two reviewers, 500 claims).\n"),
    ("AI awareness training attendance 2025", "A.4.6", "", ("2025-01-01", "2025-12-31"), "2026-01-31", "accepted", false, "attendance-2025.csv",
     "team,invited,attended\nData science,14,14\nClaims operations,40,37\nMember services,52,49\n"),
    ("Chatbot red-team notes (draft)", "A.6.2.4", "Member support chatbot", ("2026-10-01", "2026-10-15"), "2027-04-30", "rejected", false, "red-team-notes.txt",
     "Prompt-injection probes: 40 run, 3 succeeded; see ticket SEC-212.\n"),
];

impl App {
    /// The SoA, implementation records and evidence; returns
    /// (SoA versions added, evidence items added).
    pub(super) async fn load_demo_soa(
        &self,
        scope: &Scope,
        owner: Option<&str>,
    ) -> Result<(usize, usize)> {
        let mut versions = 0;
        let (current, _) = self.soa(scope).await?;
        if current.number == 0 {
            // Excluded only where no treatment relies on the control (the proposal left it undecided).
            let excluded: Vec<&(&str, &str)> = EXCLUSIONS
                .iter()
                .filter(|(c, _)| {
                    current
                        .lines
                        .iter()
                        .any(|l| l.row.control == *c && l.row.decision == Decision::Undecided)
                })
                .take(EXCLUDED)
                .collect();
            let rows: Vec<_> = current
                .lines
                .into_iter()
                .map(|l| {
                    let mut r = l.row;
                    if let Some((_, why)) = excluded.iter().find(|(c, _)| *c == r.control) {
                        r.decision = Decision::Excluded;
                        r.reasons.clear();
                        r.exclusion = (*why).to_owned();
                    } else if r.decision == Decision::Undecided {
                        r.decision = Decision::Included;
                        r.reasons = vec![if r.control.starts_with("iso42001:A.2")
                            || r.control.starts_with("iso42001:A.3")
                        {
                            Reason::BestPractice
                        } else {
                            Reason::BusinessNeed
                        }];
                    }
                    r
                })
                .collect();
            let v1 = self.save_soa(scope, None, rows).await?;
            self.approve_soa(
                scope,
                v1.number,
                v1.revision,
                "Approved by the AI governance board",
            )
            .await?;
            // Version 2: one change since, still a draft, so the page shows what changed.
            let mut row = v1
                .lines
                .iter()
                .find(|l| l.row.control == "iso42001:A.10.3")
                .map(|l| l.row.clone());
            if let Some(r) = row.as_mut() {
                r.reasons = vec![Reason::ContractualRequirement, Reason::BusinessNeed];
                r.notes =
                    "The summariser's model API contract asks for supplier monitoring.".into();
            }
            self.save_soa(scope, None, row.into_iter().collect())
                .await?;
            versions = 2;
        }
        // Implementation records of the controls the demo works on.
        for (reference, status, how, frequency, tested, result) in IMPLEMENTATION {
            let (reference, title) = self.catalogue_control(reference, "implements").await?;
            let mut tx = self.store.begin().await?;
            let control = self
                .control_record(&mut tx.conn(), scope, &reference, &title)
                .await?;
            tx.commit().await?;
            if control.fields.get("implementation").is_some() {
                continue;
            }
            let mut m = Map::new();
            for (k, v) in [
                ("implementation_status", *status),
                ("implementation", *how),
                ("frequency", *frequency),
                ("last_tested", *tested),
                ("test_result", *result),
            ] {
                m.insert(k.into(), json!(v));
            }
            if let Some(o) = owner {
                m.insert("owner".into(), json!(o));
            }
            self.update_record(
                scope,
                &CONTROLS,
                &control.id,
                control.version,
                Input::Json(&m),
            )
            .await?;
        }
        // Evidence, skipping what is there already.
        let existing = self
            .all_records(scope, &EVIDENCE, &Default::default())
            .await?;
        let mut added = 0;
        for (title, control, system, (from, to), valid, review, ci, file, content) in EVIDENCE_ITEMS
        {
            if existing.iter().any(|e| e.title == *title) {
                continue;
            }
            let files = match &self.blobs {
                Some(_) => {
                    let mut w = self.evidence_writer(scope)?;
                    w.write(content.as_bytes().to_vec().into())
                        .await
                        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
                    let stored = w
                        .finish()
                        .await
                        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
                    vec![PushedFile {
                        file_name: (*file).to_owned(),
                        stored,
                    }]
                }
                None => vec![],
            };
            let view = self
                .push_evidence(
                    scope,
                    Push {
                        title: Some((*title).to_owned()),
                        controls: vec![(*control).to_owned()],
                        systems: if system.is_empty() {
                            vec![]
                        } else {
                            vec![(*system).to_owned()]
                        },
                        covers_from: Some((*from).to_owned()),
                        covers_to: Some((*to).to_owned()),
                        valid_until: Some((*valid).to_owned()),
                        source: "manual".into(),
                        ci: ci.then(|| CiRun {
                            system: "github-actions".into(),
                            repository: "northwind/pricing-model".into(),
                            commit: "9c41e7b2d0a8f3c5e6b1a4d7f2c9e0b3a5d8c1f4".into(),
                            branch: "release/4.2".into(),
                            pipeline: "model-validation".into(),
                            run: "7731904512".into(),
                            url:
                                "https://github.com/northwind/pricing-model/actions/runs/7731904512"
                                    .into(),
                        }),
                        files,
                        ..Push::default()
                    },
                )
                .await?;
            if *review != "submitted" {
                let note = if *review == "rejected" {
                    "Notes only; attach the signed red-team report."
                } else {
                    ""
                };
                self.review_evidence(scope, &view.id, view.version, review, note)
                    .await?;
            }
            if let (Some(o), Some(v)) = (owner, Some(view.id.clone())) {
                let current = self.record(scope, &EVIDENCE, &v).await?;
                let mut m = Map::new();
                m.insert("owner".into(), Value::String(o.to_owned()));
                self.update_record(scope, &EVIDENCE, &v, current.version, Input::Json(&m))
                    .await?;
            }
            added += 1;
        }
        Ok((versions, added))
    }
}
