//! How the Statement of Applicability reads on every page: a control's
//! row (decision, justification in words, status, owner, systems,
//! evidence), a version's heading (state, approval, counts, flags) and
//! the labels of decisions, statuses and fields.

use crate::auth::WsPage;
use crate::pages::{catalog::item_href, when, When};
use crate::AppState;
use aims_app::{SoaLine, SoaVersion, SoaVersionSummary};
use aims_domain::record::CONTROLS;
use aims_domain::soa::{reasons_text, Decision, Flag, Reason};

pub(super) fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::Included => "Included",
        Decision::Excluded => "Excluded",
        Decision::Undecided => "Undecided",
    }
}

pub(super) fn decision_of(key: &str) -> Option<Decision> {
    match key {
        "included" => Some(Decision::Included),
        "excluded" => Some(Decision::Excluded),
        "undecided" => Some(Decision::Undecided),
        _ => None,
    }
}

/// The implementation statuses a control record takes: (key, label).
pub(super) fn statuses() -> Vec<(&'static str, &'static str)> {
    CONTROLS
        .field("implementation_status")
        .map(|f| f.ty.choices().iter().map(|c| (c.value, c.label)).collect())
        .unwrap_or_default()
}

pub(super) fn status_label(key: &str) -> String {
    CONTROLS
        .field("implementation_status")
        .map_or(key, |f| f.choice_label(key))
        .to_owned()
}

/// The catalogue id of a control reference: `iso42001:A.6.2.4` → `A.6.2.4`.
pub(super) fn catalog_id(reference: &str) -> String {
    match reference.split_once(':') {
        Some((aims_app::SOA_FRAMEWORK, id)) => id.to_owned(),
        // An adopted framework's control says which: `iso27001 A.5.1`.
        Some((fw, id)) => format!("{fw} {id}"),
        None => reference.to_owned(),
    }
}

/// A legal reference as people read it: `eu-ai-act:Art. 9` → `EU AI Act Art. 9`.
pub(super) fn legal(reference: &str) -> String {
    match reference.split_once(':') {
        Some(("eu-ai-act", rest)) => format!("EU AI Act {rest}"),
        _ => reference.to_owned(),
    }
}

/// Why a row is what it is, in one line: the risks treated by title, the
/// legal references, the other reasons; or why it does not apply.
pub(super) fn justification(l: &SoaLine) -> String {
    match l.row.decision {
        Decision::Excluded if l.row.exclusion.trim().is_empty() => {
            "Not applicable: no reason given yet".into()
        }
        Decision::Excluded => format!("Not applicable: {}", l.row.exclusion.trim()),
        _ if l.row.reasons.is_empty() => String::new(),
        _ => l
            .row
            .reasons
            .iter()
            .map(|r| match r {
                Reason::RiskTreatment { .. } => {
                    format!("Treats risks: {}", l.risk_titles.join(", "))
                }
                Reason::LegalObligation { references } => format!(
                    "Legal obligation: {}",
                    references
                        .iter()
                        .map(|r| legal(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => crate::pages::capitalise(&reasons_text(std::slice::from_ref(other))),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Evidence by standing: "2 current · 1 stale"; "None" when there is none.
pub(super) fn evidence_text(e: &aims_domain::evidence::Counts) -> String {
    let parts: Vec<String> = [
        (e.current, "current"),
        (e.stale, "stale"),
        (e.rejected, "rejected"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "None".into()
    } else {
        parts.join(" · ")
    }
}

/// Where a control's reference links: its record, else the catalogue.
pub(super) fn control_href(slug: &str, l: &SoaLine) -> String {
    match &l.facts.record_id {
        Some(id) => format!("/w/{slug}/controls/{id}"),
        None => {
            let (fw, id) = l
                .row
                .control
                .split_once(':')
                .unwrap_or(("iso42001", &l.row.control));
            item_href(fw, id)
        }
    }
}

/// One row of the table.
pub(super) struct LineView {
    pub(super) control: String,
    /// The catalogue id (`A.6.2.4`).
    pub(super) id: String,
    pub(super) href: String,
    pub(super) title: String,
    pub(super) area: String,
    pub(super) decision: &'static str,
    pub(super) decision_label: &'static str,
    pub(super) justification: String,
    pub(super) notes: String,
    pub(super) status: String,
    pub(super) status_key: String,
    pub(super) owner: String,
    pub(super) systems: String,
    pub(super) evidence: String,
    pub(super) needs_evidence: bool,
    pub(super) flagged: bool,
}

pub(super) fn line_views(slug: &str, v: &SoaVersion) -> Vec<LineView> {
    v.lines
        .iter()
        .map(|l| LineView {
            control: l.row.control.clone(),
            id: catalog_id(&l.row.control),
            href: control_href(slug, l),
            title: l.title.clone(),
            area: l.area.clone(),
            decision: l.row.decision.key(),
            decision_label: decision_label(l.row.decision),
            justification: justification(l),
            notes: l.row.notes.clone(),
            status: l
                .facts
                .implementation_status
                .as_deref()
                .map(status_label)
                .unwrap_or_default(),
            status_key: l.facts.implementation_status.clone().unwrap_or_default(),
            owner: l.facts.owner.clone().unwrap_or_default(),
            systems: l.facts.systems.join(", "),
            evidence: evidence_text(&l.facts.evidence),
            needs_evidence: l.needs_evidence,
            flagged: v.flags.iter().any(|f| match f {
                Flag::ExcludedButTreatsRisks { control, .. } => *control == l.row.control,
            }),
        })
        .collect()
}

/// A version's heading: number, state, approval, counts and flags.
pub(super) struct Head {
    pub(super) number: i64,
    pub(super) state: &'static str,
    pub(super) revision: i64,
    pub(super) updated_by: String,
    pub(super) updated_at: Option<When>,
    pub(super) approved_by: String,
    pub(super) approved_at: Option<When>,
    pub(super) note: String,
    pub(super) included: usize,
    pub(super) excluded: usize,
    pub(super) undecided: usize,
    /// (control id and title, risks by title with their links)
    pub(super) flags: Vec<(String, Vec<(String, String)>)>,
}

pub(super) fn state_label(state: &str) -> &'static str {
    match state {
        "approved" => "Approved",
        "draft" => "Draft",
        _ => "Proposal, not saved yet",
    }
}

pub(super) async fn head(s: &AppState, page: &WsPage, v: &SoaVersion) -> Head {
    let mut flags = vec![];
    for f in &v.flags {
        let Flag::ExcludedButTreatsRisks { control, risks } = f;
        let title = v
            .lines
            .iter()
            .find(|l| l.row.control == *control)
            .map_or_else(String::new, |l| l.title.clone());
        let mut named = vec![];
        for id in risks {
            // A risk deleted since is still named, by its id.
            let t = match s.app.linked_record(&page.scope, id).await {
                Ok(r) => r.title,
                Err(_) => id.clone(),
            };
            named.push((format!("/w/{}/risks/{id}", page.scope.workspace.slug), t));
        }
        flags.push((format!("{} {title}", catalog_id(control)), named));
    }
    Head {
        number: v.number,
        state: state_label(&v.state),
        revision: v.revision,
        updated_by: v.updated_by.clone().unwrap_or_default(),
        updated_at: v.updated_at.as_deref().map(when),
        approved_by: v.approved_by.clone().unwrap_or_default(),
        approved_at: v.approved_at.as_deref().map(when),
        note: v.note.clone(),
        included: v.count(Decision::Included),
        excluded: v.count(Decision::Excluded),
        undecided: v.count(Decision::Undecided),
        flags,
    }
}

/// A version in the list: (number, state label, when, approved).
pub(super) fn version_items(list: &[SoaVersionSummary]) -> Vec<(i64, &'static str, When)> {
    list.iter()
        .map(|v| {
            (
                v.number,
                state_label(&v.state),
                when(v.approved_at.as_deref().unwrap_or(&v.updated_at)),
            )
        })
        .collect()
}

pub(super) fn field_label(field: &str) -> &'static str {
    match field {
        "decision" => "Decision",
        "reasons" => "Reasons",
        "exclusion" => "Why it does not apply",
        "notes" => "Notes",
        "control" => "Control",
        _ => "Row",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aims_domain::soa::Row;

    fn row(decision: Decision, reasons: Vec<Reason>) -> Row {
        Row {
            control: "iso42001:A.6.2.4".into(),
            decision,
            reasons,
            exclusion: String::new(),
            notes: String::new(),
        }
    }

    #[test]
    fn justification_and_evidence_read_as_sentences() {
        let line = |r: Row| SoaLine {
            row: r,
            title: "T".into(),
            area: "A.6".into(),
            risk_titles: vec!["Drift".into(), "Bias".into()],
            facts: Default::default(),
            needs_evidence: true,
        };
        let mut excluded = row(Decision::Excluded, vec![]);
        excluded.exclusion = "We build no AI".into();
        assert_eq!(
            justification(&line(excluded)),
            "Not applicable: We build no AI"
        );
        let included = row(
            Decision::Included,
            vec![
                Reason::RiskTreatment {
                    risks: vec!["r1".into(), "r2".into()],
                },
                Reason::LegalObligation {
                    references: vec!["eu-ai-act:Art. 9".into()],
                },
                Reason::BestPractice,
            ],
        );
        assert_eq!(
            justification(&line(included)),
            "Treats risks: Drift, Bias; Legal obligation: EU AI Act Art. 9; Best practice"
        );
        let mut e = aims_domain::evidence::Counts::default();
        assert_eq!(evidence_text(&e), "None");
        e.current = 2;
        e.stale = 1;
        assert_eq!(evidence_text(&e), "2 current · 1 stale");
    }
}
