//! Each report kind built as a [`ReportDoc`] from the workspace's live
//! records: what it holds and in what order, in one function per kind.

use crate::report_doc::{bar, day, ReportDoc};
use crate::reports::ReportKind;
use crate::{App, AppError, Result, Scope};
use aims_domain::impact::ImpactLevel;
use aims_domain::record::{Field, FieldType, Kind, AUDITS, CONTROLS, REVIEWS, RISKS, RISK_ACTIONS};
use aims_domain::risk::fields::NOT_ASSESSED;
use aims_domain::soa::{Decision, Flag};
use aims_store::RecordRow;

/// A field of a record as people read it: choices by their labels, dates
/// as "2 Aug 2026", yes or no, the owner by e-mail (list cells and reports).
pub fn display(kind: &Kind, f: &Field, r: &RecordRow) -> String {
    use serde_json::Value;
    match (f.ty, r.fields.get(f.name)) {
        (FieldType::Member, Some(_)) => r.owner_email.clone().unwrap_or_default(),
        (FieldType::Bool, Some(Value::Bool(b))) => if *b { "Yes" } else { "No" }.into(),
        (FieldType::Date, Some(Value::String(d))) => day(d),
        (FieldType::Choice(_), Some(Value::String(v))) => f.choice_label(v).to_owned(),
        (FieldType::Choices(_), Some(Value::Array(items))) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(|v| f.choice_label(v))
            .collect::<Vec<_>>()
            .join(", "),
        _ => kind.cell(f, &r.fields),
    }
}

/// The field `name` of a record as people read it ([`display`]).
fn shown(kind: &Kind, r: &RecordRow, name: &str) -> String {
    kind.field(name)
        .map_or_else(String::new, |f| display(kind, f, r))
}

/// A bar per score, labelled with its id and title.
fn score_bars(scores: &[aims_domain::readiness::Score]) -> Vec<crate::Bar> {
    scores
        .iter()
        .map(|s| {
            bar(
                format!("{} {}", s.id, s.title),
                s.percent,
                s.passed,
                s.checks,
            )
        })
        .collect()
}

fn or_dash(s: String) -> String {
    if s.trim().is_empty() {
        "—".to_owned()
    } else {
        s
    }
}

impl App {
    fn doc(&self, ws: &Scope, kind: ReportKind, about: String) -> ReportDoc {
        ReportDoc::new(kind.title(), about, &ws.workspace.name, &self.today())
    }

    pub(crate) async fn gap_doc(&self, ws: &Scope) -> Result<ReportDoc> {
        let r = self.readiness(ws).await?;
        let mut d = self.doc(
            ws,
            ReportKind::Gap,
            format!("Readiness on {}", day(&r.today)),
        );
        d.facts([
            ("Overall readiness", format!("{} %", r.overall.percent)),
            (
                "Checks passed",
                format!("{} of {}", r.overall.passed, r.overall.checks),
            ),
            ("Gaps", r.gaps.len().to_string()),
        ]);
        d.paragraph(
            "Each check is one requirement of ISO/IEC 42001 clauses 4 to 10 or one included Annex A control, \
             tested against the live records. A gap says what is missing, why it matters and who owns it; \
             its points are what fixing it alone adds to the overall score.",
        );
        d.heading(1, "Readiness per clause");
        d.bars("Clauses 4 to 10", score_bars(&r.clauses));
        d.heading(1, "Readiness per Annex A area");
        d.bars("Annex A areas", score_bars(&r.areas));
        d.heading(1, "Gaps, largest first");
        d.table(
            "Gaps",
            &[
                ("Requirement", 3),
                ("What is missing, and why it matters", 7),
                ("Where", 4),
                ("Owner", 3),
                ("Points", 1),
            ],
            r.gaps
                .iter()
                .map(|g| {
                    vec![
                        format!("{} {}", g.requirement, g.requirement_title),
                        format!("{} — {}", g.missing, g.why),
                        g.subject.title.clone(),
                        or_dash(g.subject.owner.clone().unwrap_or_default()),
                        format!("{:.1}", g.gain),
                    ]
                })
                .collect(),
            "No gap: every check passes.",
        );
        d.heading(1, "AI systems");
        d.table(
            "Systems",
            &[("System", 6), ("Readiness", 2), ("Checks passed", 2)],
            r.systems
                .iter()
                .map(|s| {
                    vec![
                        s.title.clone(),
                        format!("{} %", s.percent),
                        format!("{} of {}", s.passed, s.checks),
                    ]
                })
                .collect(),
            "No AI system in scope.",
        );
        d.heading(1, "EU AI Act obligations of high-risk systems");
        let mut eu = vec![];
        for e in &r.eu_ai_act {
            for (article, ready, missing) in &e.obligations {
                eu.push(vec![
                    e.title.clone(),
                    article.clone(),
                    if *ready { "Ready" } else { "Not ready" }.to_owned(),
                    or_dash(missing.join(", ")),
                ]);
            }
        }
        d.table(
            "EU AI Act",
            &[
                ("System", 4),
                ("Obligation", 3),
                ("Status", 2),
                ("Controls not ready", 4),
            ],
            eu,
            "No system is classified high-risk.",
        );
        Ok(d)
    }

    pub(crate) async fn soa_doc(&self, ws: &Scope, number: Option<i64>) -> Result<ReportDoc> {
        let v = match number {
            Some(n) => self.soa_version(ws, n).await?,
            None => self.soa(ws).await?.0,
        };
        let state = if v.number == 0 {
            "a proposal, never saved".to_owned()
        } else {
            format!("version {}, {}", v.number, v.state)
        };
        let mut d = self.doc(
            ws,
            ReportKind::Soa,
            format!("ISO/IEC 42001 Annex A — {state}"),
        );
        let approved = match (&v.approved_by, &v.approved_at) {
            (Some(by), Some(at)) => format!("by {by} on {}", day(at.get(..10).unwrap_or(at))),
            _ => "not approved".to_owned(),
        };
        d.facts([
            ("Version", state),
            ("Approved", approved),
            ("Included", v.count(Decision::Included).to_string()),
            ("Excluded", v.count(Decision::Excluded).to_string()),
            ("Undecided", v.count(Decision::Undecided).to_string()),
        ]);
        if !v.note.is_empty() {
            d.paragraph(v.note.clone());
        }
        d.table(
            "Statement of Applicability",
            &[
                ("Control", 2),
                ("Title", 4),
                ("Decision", 2),
                ("Justification", 6),
                ("Implementation", 3),
                ("Owner", 3),
                ("Evidence", 2),
            ],
            v.lines
                .iter()
                .map(|l| {
                    let why = match l.row.decision {
                        Decision::Excluded => l.row.exclusion.clone(),
                        _ => l.justification(),
                    };
                    let e = &l.facts.evidence;
                    vec![
                        l.row
                            .control
                            .split(':')
                            .next_back()
                            .unwrap_or_default()
                            .to_owned(),
                        l.title.clone(),
                        aims_domain::record::capitalise(l.row.decision.key()),
                        or_dash(why),
                        or_dash(
                            l.facts
                                .implementation_status
                                .as_deref()
                                .map(|k| {
                                    CONTROLS
                                        .field("implementation_status")
                                        .map_or(k, |f| f.choice_label(k))
                                        .to_owned()
                                })
                                .unwrap_or_default(),
                        ),
                        or_dash(l.facts.owner.clone().unwrap_or_default()),
                        if l.needs_evidence {
                            format!("needs evidence ({} current, {} stale)", e.current, e.stale)
                        } else {
                            format!("{} current, {} stale", e.current, e.stale)
                        },
                    ]
                })
                .collect(),
            "The catalogue lists no control.",
        );
        d.heading(1, "Rows to look at");
        d.list(
            v.flags
                .iter()
                .map(|f| match f {
                    Flag::ExcludedButTreatsRisks { control, risks } => format!(
                        "{control} is excluded while the treatment of {} relies on it",
                        risks.join(", ")
                    ),
                })
                .collect(),
            "None: no excluded control is named by a risk's treatment.",
        );
        Ok(d)
    }

    pub(crate) async fn risks_doc(&self, ws: &Scope) -> Result<ReportDoc> {
        let (method, map) = self.risk_heat_map(ws).await?;
        let risks = self.all_records(ws, &RISKS, &Default::default()).await?;
        let actions = self
            .all_records(ws, &RISK_ACTIONS, &Default::default())
            .await?;
        let mut d = self.doc(
            ws,
            ReportKind::Risks,
            format!(
                "{} risks on risk method version {}",
                risks.len(),
                method.version
            ),
        );
        let bands = &method.method.bands;
        let band_of = |r: &RecordRow, name: &str| {
            let key = shown(&RISKS, r, name);
            match method.method.band(&key) {
                Some(b) => b.name.clone(),
                None if key == NOT_ASSESSED => "Not assessed".to_owned(),
                None => key,
            }
        };
        let in_band = |name: &str, b: &str| {
            risks
                .iter()
                .filter(|r| shown(&RISKS, r, name) == b)
                .count()
                .to_string()
        };
        d.heading(1, "Risks per band");
        d.table(
            "Bands",
            &[
                ("Band", 3),
                ("Inherent", 2),
                ("Current", 2),
                ("Residual", 2),
            ],
            bands
                .iter()
                .map(|b| {
                    vec![
                        b.name.clone(),
                        in_band("inherent_band", &b.key),
                        in_band("current_band", &b.key),
                        in_band("residual_band", &b.key),
                    ]
                })
                .chain([vec![
                    "Not assessed".to_owned(),
                    map.not_assessed[0].to_string(),
                    map.not_assessed[1].to_string(),
                    map.not_assessed[2].to_string(),
                ]])
                .collect(),
            "The method has no band.",
        );
        d.heading(1, "Risk register");
        d.table(
            "Risk register",
            &[
                ("Risk", 5),
                ("Owner", 3),
                ("Inherent", 2),
                ("Current", 2),
                ("Treatment", 2),
                ("Residual", 2),
                ("Next review", 2),
            ],
            risks
                .iter()
                .map(|r| {
                    vec![
                        r.title.clone(),
                        or_dash(shown(&RISKS, r, "owner")),
                        or_dash(band_of(r, "inherent_band")),
                        or_dash(band_of(r, "current_band")),
                        or_dash(shown(&RISKS, r, "treatment")),
                        or_dash(band_of(r, "residual_band")),
                        or_dash(shown(&RISKS, r, "next_review")),
                    ]
                })
                .collect(),
            "The register holds no risk.",
        );
        d.heading(1, "Treatment plan");
        d.table(
            "Treatment actions",
            &[("Action", 6), ("Owner", 3), ("Due", 2), ("Status", 2)],
            actions
                .iter()
                .map(|a| {
                    vec![
                        a.title.clone(),
                        or_dash(shown(&RISK_ACTIONS, a, "owner")),
                        or_dash(shown(&RISK_ACTIONS, a, "due")),
                        or_dash(shown(&RISK_ACTIONS, a, "status")),
                    ]
                })
                .collect(),
            "No treatment action is planned.",
        );
        Ok(d)
    }

    pub(crate) async fn impact_doc(&self, ws: &Scope) -> Result<ReportDoc> {
        let all = self.impact_statuses(ws).await?;
        let mut d = self.doc(
            ws,
            ReportKind::Impact,
            format!("{} AI systems (ISO/IEC 42001 clause 6.1.4, A.5)", all.len()),
        );
        d.table(
            "Where each system stands",
            &[
                ("System", 4),
                ("EU AI Act tier", 2),
                ("Latest version", 2),
                ("Approved", 2),
                ("Reassess on", 2),
                ("Needs assessment", 2),
            ],
            all.iter()
                .map(|s| {
                    vec![
                        s.system_name.clone(),
                        or_dash(
                            s.eu_ai_act_tier
                                .clone()
                                .unwrap_or_default()
                                .replace('_', " "),
                        ),
                        s.latest.map_or("never assessed".to_owned(), |(n, st)| {
                            format!("{n}, {}", st.key())
                        }),
                        s.approved
                            .map_or("—".to_owned(), |n| format!("version {n}")),
                        or_dash(s.reassess_on.as_deref().map(day).unwrap_or_default()),
                        if s.needs_assessment() { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect(),
            "No AI system is inventoried.",
        );
        for s in all.iter().filter(|s| s.latest.is_some()) {
            let (_, versions) = self.impact_assessment(ws, &s.system_id).await?;
            let Some(v) = versions.into_iter().next() else {
                continue;
            };
            d.heading(
                2,
                format!(
                    "{} — version {} ({})",
                    v.system_name,
                    v.number,
                    v.state.label().to_lowercase()
                ),
            );
            d.table(
                "Impacts",
                &[
                    ("Area", 2),
                    ("What may happen", 6),
                    ("Who is affected", 3),
                    ("Rating", 2),
                ],
                v.assessment
                    .impacts
                    .iter()
                    .zip(&v.ratings)
                    .map(|(i, rating)| {
                        vec![
                            i.area.label().to_owned(),
                            i.description.clone(),
                            or_dash(i.affected.clone()),
                            rating.map_or("—", ImpactLevel::label).to_owned(),
                        ]
                    })
                    .collect(),
                "No impact recorded in this version.",
            );
        }
        Ok(d)
    }

    /// The record `id` of `kind`, or the one people would mean: the latest
    /// by `date_field` that has begun and was not cancelled, else the
    /// latest of any (then by creation).
    async fn chosen(
        &self,
        ws: &Scope,
        kind: &Kind,
        id: Option<&str>,
        date_field: &str,
    ) -> Result<RecordRow> {
        if let Some(id) = id {
            return self.record(ws, kind, id).await;
        }
        let at = |r: &RecordRow| {
            r.fields
                .get(date_field)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let today = self.today();
        let begun = |r: &RecordRow| {
            let d = at(r);
            !d.is_empty()
                && d <= today
                && r.fields.get("status").and_then(serde_json::Value::as_str) != Some("cancelled")
        };
        let all = self.all_records(ws, kind, &Default::default()).await?;
        all.into_iter()
            .max_by(|a, b| (begun(a), at(a), &a.created_at).cmp(&(begun(b), at(b), &b.created_at)))
            .ok_or(AppError::NotFound(kind.singular))
    }

    pub(crate) async fn audit_doc(&self, ws: &Scope, id: Option<&str>) -> Result<ReportDoc> {
        let a = self.chosen(ws, &AUDITS, id, "start_on").await?;
        let items = self.audit_checklist(ws, &a.id).await?;
        let findings: Vec<_> = self
            .links(ws, &AUDITS, &a.id)
            .await?
            .into_iter()
            .filter(|l| l.relation == "found_in")
            .collect();
        let mut d = self.doc(ws, ReportKind::Audit, a.title.clone());
        let f = |n: &str| or_dash(shown(&AUDITS, &a, n));
        d.facts([
            ("Type", f("type")),
            ("Status", f("status")),
            ("Lead auditor", f("owner")),
            ("Other auditors", f("auditors")),
            ("From", f("start_on")),
            ("To", f("end_on")),
        ]);
        d.heading(1, "Scope");
        d.paragraph(f("scope"));
        d.heading(1, "Criteria");
        d.paragraph(f("criteria"));
        d.heading(1, "Checklist");
        d.table(
            "Checklist",
            &[
                ("Item", 2),
                ("Title", 5),
                ("Result", 3),
                ("Objective evidence", 6),
            ],
            items
                .iter()
                .map(|i| {
                    vec![
                        i.reference
                            .split(':')
                            .next_back()
                            .unwrap_or_default()
                            .to_owned(),
                        i.title.clone(),
                        or_dash(
                            crate::AUDIT_RESULTS
                                .iter()
                                .find(|(k, _)| *k == i.result)
                                .map_or(i.result.clone(), |(_, l)| (*l).to_owned()),
                        ),
                        or_dash(i.notes.clone()),
                    ]
                })
                .collect(),
            "The audit has no checklist yet.",
        );
        d.heading(1, "Findings");
        d.list(
            findings.iter().map(|l| l.other.title.clone()).collect(),
            "No finding was raised.",
        );
        d.heading(1, "Conclusion");
        d.paragraph(f("conclusion"));
        Ok(d)
    }

    pub(crate) async fn review_doc(&self, ws: &Scope, id: Option<&str>) -> Result<ReportDoc> {
        let r = self.chosen(ws, &REVIEWS, id, "held_on").await?;
        let inputs = self.review_inputs(ws, &r.id).await?;
        let approvals = self.approvals(ws, &REVIEWS, &r.id).await?;
        let mut d = self.doc(ws, ReportKind::Review, r.title.clone());
        let f = |n: &str| or_dash(shown(&REVIEWS, &r, n));
        let mut facts = vec![
            ("Chaired by".to_owned(), f("owner")),
            ("Held on".to_owned(), f("held_on")),
            ("Status".to_owned(), f("status")),
            ("Approval".to_owned(), approvals.label.clone()),
        ];
        for v in &approvals.versions {
            facts.push((
                "Signed off".to_owned(),
                format!(
                    "by {} on {}",
                    v.approved_by,
                    day(v.approved_at.get(..10).unwrap_or(&v.approved_at))
                ),
            ));
        }
        d.facts(facts);
        d.heading(1, "Attendees");
        d.paragraph(f("attendees"));
        d.heading(1, format!("Inputs, as of {}", day(&inputs.as_of)));
        for (heading, lines, empty) in inputs.sections() {
            d.heading(2, heading);
            d.list(
                lines
                    .iter()
                    .map(|l| {
                        let flag = if l.flag { " (needs attention)" } else { "" };
                        format!("{} — {}{flag}", l.title, l.detail)
                    })
                    .collect(),
                empty,
            );
        }
        d.heading(1, "Minutes");
        d.paragraph(f("minutes"));
        d.heading(1, "Decisions");
        d.paragraph(f("decisions"));
        Ok(d)
    }

    pub(crate) async fn summary_doc(&self, ws: &Scope) -> Result<ReportDoc> {
        let r = self.readiness(ws).await?;
        let c = self.check_summary(ws).await?;
        let (_, map) = self.risk_heat_map(ws).await?;
        let mut d = self.doc(
            ws,
            ReportKind::Summary,
            format!("Where the AI management system stands on {}", day(&r.today)),
        );
        // Each is dated: its detail is the day.
        let named = |n: &Option<crate::Named>, on: &str| {
            n.as_ref().map_or("—".to_owned(), |n| {
                let when = n.days.map_or(String::new(), |d| {
                    format!(" ({})", aims_domain::work::days_text(d))
                });
                format!("{}, {on} {}{when}", n.title, day(&n.detail))
            })
        };
        let high_risk_ready = r.eu_ai_act.iter().filter(|e| e.percent == 100).count();
        d.facts([
            ("Readiness", format!("{} %", r.overall.percent)),
            ("Open gaps", r.gaps.len().to_string()),
            ("Certificate", named(&c.certificate, "valid until")),
            (
                "Next certification audit",
                named(&c.next_certification_audit, "on"),
            ),
            ("Next management review", named(&c.next_review, "on")),
            ("Risks", map.total.to_string()),
            ("Overdue duties", c.overdue_duties.to_string()),
            (
                "Controls needing evidence",
                c.controls_needing_evidence.to_string(),
            ),
            (
                "Controls with stale evidence",
                c.controls_with_stale_evidence.to_string(),
            ),
            ("Open nonconformities", c.open_nonconformities.to_string()),
            ("Overdue corrective actions", c.overdue_actions.to_string()),
            ("Metrics in breach", c.breached.len().to_string()),
            ("Metrics not reporting", c.stale.len().to_string()),
            (
                "High-risk systems ready for the EU AI Act",
                format!("{high_risk_ready} of {}", r.eu_ai_act.len()),
            ),
        ]);
        d.heading(1, "Readiness per clause");
        d.bars("Clauses 4 to 10", score_bars(&r.clauses));
        d.heading(1, "What to fix first");
        d.list(
            r.gaps
                .iter()
                .take(5)
                .map(|g| {
                    format!(
                        "{}: {} ({} {}; +{:.1} points{})",
                        g.subject.title,
                        g.missing,
                        g.requirement,
                        g.requirement_title,
                        g.gain,
                        g.subject
                            .owner
                            .as_ref()
                            .map_or(String::new(), |o| format!("; owner {o}"))
                    )
                })
                .collect(),
            "Nothing: every check passes.",
        );
        d.heading(1, "Metrics needing attention");
        d.list(
            c.breached
                .iter()
                .chain(&c.stale)
                .map(|n| format!("{} — {}", n.title, n.detail))
                .collect(),
            "Every metric reports within its thresholds.",
        );
        Ok(d)
    }
}
