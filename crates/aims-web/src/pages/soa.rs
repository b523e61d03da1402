//! The Statement of Applicability pages (issue #9): the current version as
//! a table of every Annex A control with filters, the form that edits one
//! row, the approval, the bulk edit of implementation status and owner
//! (`/w/{ws}/soa`); one version read-only with what changed since another
//! (`/w/{ws}/soa/versions/{number}`); and a printable statement for
//! auditors (`/w/{ws}/soa/print`).

mod display;
mod version;

use super::{
    form_value as first, form_values as values, render, Layout, PageError, PageRequires, PageRoute,
    When,
};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, ControlsEdit, SoaLine, SoaVersion};
use aims_domain::soa::{reasons_text, Reason, Row};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use display::{
    catalog_id, control_href, decision_of, field_label, head, legal, line_views, statuses,
    version_items, Head, LineView,
};
use serde::Deserialize;
use version::{print, version_page};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/soa", W(Action::Read), page),
        PageRoute::post("/w/{ws}/soa/rows", W(Action::Update), save_row),
        PageRoute::post("/w/{ws}/soa/approve", W(Action::Approve), approve),
        PageRoute::post("/w/{ws}/soa/bulk", W(Action::Update), bulk),
        PageRoute::post("/w/{ws}/soa/frameworks", W(Action::Update), frameworks),
        PageRoute::get(
            "/w/{ws}/soa/versions/{number}",
            W(Action::Read),
            version_page,
        ),
        PageRoute::get("/w/{ws}/soa/print", W(Action::Read), print),
    ]
}

/// The reasons a person ticks (risk and legal reasons come from the register).
const OTHER_REASONS: [(&str, &str); 3] = [
    ("contractual_requirement", "Contractual requirement"),
    ("business_need", "Business need"),
    ("best_practice", "Best practice"),
];

const DECISIONS: [(&str, &str); 3] = [
    ("included", "Included"),
    ("excluded", "Excluded"),
    ("undecided", "Undecided"),
];

fn reason_of(key: &str) -> Option<Reason> {
    match key {
        "contractual_requirement" => Some(Reason::ContractualRequirement),
        "business_need" => Some(Reason::BusinessNeed),
        "best_practice" => Some(Reason::BestPractice),
        _ => None,
    }
}

fn reason_key(r: &Reason) -> &'static str {
    match r {
        Reason::RiskTreatment { .. } => "risk_treatment",
        Reason::LegalObligation { .. } => "legal_obligation",
        Reason::ContractualRequirement => "contractual_requirement",
        Reason::BusinessNeed => "business_need",
        Reason::BestPractice => "best_practice",
    }
}

/// The table's filters, as GET query parameters.
#[derive(Deserialize, Default)]
struct SoaQuery {
    decision: Option<String>,
    status: Option<String>,
    area: Option<String>,
    needs_evidence: Option<String>,
    /// The control the edit form starts from.
    edit: Option<String>,
    flash: Option<String>,
}

impl SoaQuery {
    fn keeps(&self, l: &LineView) -> bool {
        fn given(o: &Option<String>) -> Option<&str> {
            o.as_deref().filter(|v| !v.is_empty())
        }
        given(&self.decision).is_none_or(|d| d == l.decision)
            && given(&self.status).is_none_or(|s| {
                if s == "none" {
                    l.status_key.is_empty()
                } else {
                    s == l.status_key
                }
            })
            && given(&self.area).is_none_or(|a| a == l.area)
            && (given(&self.needs_evidence).is_none() || l.needs_evidence)
    }
}

/// The row the edit form holds.
struct EditView {
    control: String,
    decision: &'static str,
    /// Risk and legal reasons, kept as they are.
    kept: String,
    /// (key, label, ticked)
    reasons: Vec<(&'static str, &'static str, bool)>,
    exclusion: String,
    notes: String,
}

fn edit_view(l: &SoaLine, row: &Row) -> EditView {
    let kept: Vec<Reason> = row
        .reasons
        .iter()
        .filter_map(|r| match r {
            Reason::RiskTreatment { .. } => Some(Reason::RiskTreatment {
                risks: l.risk_titles.clone(),
            }),
            Reason::LegalObligation { references } => Some(Reason::LegalObligation {
                references: references.iter().map(|r| legal(r)).collect(),
            }),
            _ => None,
        })
        .collect();
    EditView {
        control: row.control.clone(),
        decision: row.decision.key(),
        kept: reasons_text(&kept),
        reasons: OTHER_REASONS
            .iter()
            .map(|(k, label)| (*k, *label, row.reasons.iter().any(|r| reason_key(r) == *k)))
            .collect(),
        exclusion: row.exclusion.clone(),
        notes: row.notes.clone(),
    }
}

/// A row an approval or a save refused, named by its control.
struct Fault {
    control: String,
    href: String,
    field: &'static str,
    message: String,
}

/// `rows[12].exclusion` → (12, `exclusion`).
fn row_field(name: &str) -> Option<(usize, &str)> {
    let (n, field) = name.strip_prefix("rows[")?.split_once("].")?;
    Some((n.parse().ok()?, field))
}

/// A field of the row, bulk or approval forms as the form labels it.
fn form_label(name: &str) -> &str {
    match name {
        "control" => "Control",
        "decision" => "Decision",
        "reasons" => "Reasons",
        "implementation_status" => "Implementation status",
        "owner" => "Owner",
        "note" => "Approval note",
        "number" | "revision" => "Version",
        other => other,
    }
}

/// The errors about rows, each named by the control of that row in `v`
/// (rows are numbered in the version's order); the others as they are.
fn faults(slug: &str, v: &SoaVersion, errors: &FieldErrors) -> (Vec<Fault>, Vec<String>) {
    let (mut rows, mut other) = (vec![], vec![]);
    for (name, messages) in errors.iter() {
        let line = row_field(name).and_then(|(n, f)| v.lines.get(n).map(|l| (l, f)));
        for m in messages {
            match line {
                Some((l, f)) => rows.push(Fault {
                    control: format!("{} {}", catalog_id(&l.row.control), l.title),
                    href: control_href(slug, l),
                    field: field_label(f),
                    message: m.clone(),
                }),
                None => other.push(format!("{}: {m}", form_label(name))),
            }
        }
    }
    (rows, other)
}

#[derive(Template)]
#[template(path = "soa.html")]
struct SoaPage {
    layout: Layout,
    slug: String,
    head: Head,
    lines: Vec<LineView>,
    total: usize,
    versions: Vec<(i64, &'static str, When)>,
    decision: String,
    status: String,
    area: String,
    needs_evidence: bool,
    filtered: bool,
    decisions: [(&'static str, &'static str); 3],
    statuses: Vec<(&'static str, &'static str)>,
    areas: Vec<String>,
    can_edit: bool,
    can_approve: bool,
    based_on: String,
    edit: Option<EditView>,
    /// (reference, "A.2.2 Title")
    controls: Vec<(String, String)>,
    /// (e-mail, "Name <e-mail>")
    members: Vec<(String, String)>,
    /// Frameworks a statement may adopt: (id, name, controls, covered).
    frameworks: Vec<(String, String, usize, bool)>,
    conflict: Option<String>,
    faults: Vec<Fault>,
    problems: Vec<String>,
}

/// What went wrong with the last form, shown above the page.
#[derive(Default)]
struct Problems {
    errors: FieldErrors,
    conflict: Option<String>,
}

fn flash_message(flash: Option<&str>) -> Option<String> {
    Some(
        match flash? {
            "saved" => "The row is saved in the draft.",
            "approved" => "The Statement of Applicability is approved.",
            "bulk" => "The controls are updated.",
            "frameworks" => "The frameworks the statement covers are saved in the draft.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn view(
    s: &AppState,
    page: &WsPage,
    q: &SoaQuery,
    edited: Option<Row>,
    problems: Problems,
) -> Result<SoaPage, PageError> {
    let scope = &page.scope;
    let slug = scope.workspace.slug.clone();
    let (v, list) = s.app.soa(scope).await?;
    let members = s.app.members(scope).await?;
    let all = line_views(&slug, &v);
    let total = all.len();
    let mut areas: Vec<String> = vec![];
    for l in &all {
        if !areas.contains(&l.area) {
            areas.push(l.area.clone());
        }
    }
    let lines: Vec<LineView> = all.into_iter().filter(|l| q.keeps(l)).collect();
    let wanted = edited
        .as_ref()
        .map(|r| r.control.clone())
        .or_else(|| q.edit.clone());
    let edit = wanted
        .and_then(|c| v.lines.iter().find(|l| l.row.control == c))
        .or_else(|| v.lines.first())
        .map(|l| edit_view(l, edited.as_ref().unwrap_or(&l.row)));
    let (faults, other) = faults(&slug, &v, &problems.errors);
    let catalog = s.app.catalog().await?;
    let frameworks = catalog
        .frameworks()
        .iter()
        .filter(|f| f.id != aims_app::SOA_FRAMEWORK)
        .map(|f| {
            let n = f.items.iter().filter(|i| i.kind == "control").count();
            (
                f.id.clone(),
                f.name.clone(),
                n,
                v.frameworks.contains(&f.id),
            )
        })
        .filter(|f| f.2 > 0)
        .collect();
    let given = |o: &Option<String>| o.clone().unwrap_or_default();
    Ok(SoaPage {
        layout: Layout::new(&page.user, "soa")
            .in_workspace(scope)
            .flash(flash_message(q.flash.as_deref())),
        head: head(s, page, &v).await,
        total,
        filtered: lines.len() != total,
        lines,
        versions: version_items(&list),
        decision: given(&q.decision),
        status: given(&q.status),
        area: given(&q.area),
        needs_evidence: q.needs_evidence.as_deref().is_some_and(|n| !n.is_empty()),
        decisions: DECISIONS,
        statuses: statuses(),
        areas,
        can_edit: scope.can(Action::Update),
        can_approve: scope.can(Action::Approve) && v.state == "draft",
        based_on: if v.number == 0 {
            String::new()
        } else {
            format!("{}.{}", v.number, v.revision)
        },
        edit,
        controls: v
            .lines
            .iter()
            .map(|l| {
                let id = catalog_id(&l.row.control);
                (l.row.control.clone(), format!("{id} {}", l.title))
            })
            .collect(),
        members: members
            .iter()
            .map(|m| (m.email.clone(), format!("{} <{}>", m.name, m.email)))
            .collect(),
        frameworks,
        conflict: problems.conflict,
        faults,
        problems: other,
        slug,
    })
}

async fn page(
    State(s): State<AppState>,
    page: WsPage,
    Query(q): Query<SoaQuery>,
) -> Result<Response, PageError> {
    Ok(render(
        &view(&s, &page, &q, None, Problems::default()).await?,
    ))
}

/// The page again with what went wrong: 409 for a conflict, else 422.
async fn refused(
    s: &AppState,
    page: &WsPage,
    edited: Option<Row>,
    e: AppError,
) -> Result<Response, PageError> {
    let (status, problems) = match e {
        AppError::Validation(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Problems {
                errors,
                conflict: None,
            },
        ),
        AppError::Conflict { message, .. } => (
            StatusCode::CONFLICT,
            Problems {
                errors: FieldErrors::new(),
                conflict: Some(message),
            },
        ),
        e => return Err(e.into()),
    };
    let v = view(s, page, &SoaQuery::default(), edited, problems).await?;
    Ok((status, render(&v)).into_response())
}

fn back(page: &WsPage, flash: &str) -> Response {
    Redirect::to(&format!(
        "/w/{}/soa?flash={flash}",
        page.scope.workspace.slug
    ))
    .into_response()
}

/// The form as the whole row of its control: decision, the reasons ticked
/// besides the risk and legal reasons `current` holds (kept as they are),
/// the exclusion and the notes.
fn row_from_form(form: &[(String, String)], current: &Row) -> Result<Row, FieldErrors> {
    let mut errors = FieldErrors::new();
    let decision = decision_of(first(form, "decision")).unwrap_or_else(|| {
        errors.add("decision", "choose included, excluded or undecided");
        current.decision
    });
    let mut reasons: Vec<Reason> = current
        .reasons
        .iter()
        .filter(|r| {
            matches!(
                r,
                Reason::RiskTreatment { .. } | Reason::LegalObligation { .. }
            )
        })
        .cloned()
        .collect();
    for key in values(form, "reasons")
        .into_iter()
        .filter(|k| !k.is_empty())
    {
        match reason_of(key) {
            Some(r) if !reasons.contains(&r) => reasons.push(r),
            Some(_) => {}
            None => errors.add("reasons", format!("{key} is not a reason to choose")),
        }
    }
    errors.into_result()?;
    Ok(Row {
        control: current.control.clone(),
        decision,
        reasons,
        exclusion: first(form, "exclusion").trim().to_owned(),
        notes: first(form, "notes").trim().to_owned(),
    })
}

/// `number.revision` as the form carries it.
fn based_on(form: &[(String, String)]) -> Option<(i64, i64)> {
    let (n, r) = first(form, "based_on").split_once('.')?;
    Some((n.parse().ok()?, r.parse().ok()?))
}

async fn save_row(
    State(s): State<AppState>,
    page: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    page.scope.require(Action::Update)?;
    let (v, _) = s.app.soa(&page.scope).await?;
    let control = first(&form, "control").trim();
    let Some(current) = v.lines.iter().find(|l| l.row.control == control) else {
        let e = AppError::field("control", "choose a control of the list");
        return refused(&s, &page, None, e).await;
    };
    let row = match row_from_form(&form, &current.row) {
        Ok(r) => r,
        Err(errors) => {
            return refused(&s, &page, None, AppError::Validation(errors)).await;
        }
    };
    match s
        .app
        .save_soa(&page.scope, based_on(&form), vec![row.clone()])
        .await
    {
        Ok(_) => Ok(back(&page, "saved")),
        Err(e @ AppError::Validation(_)) => refused(&s, &page, Some(row), e).await,
        Err(e @ AppError::Conflict { .. }) => refused(&s, &page, None, e).await,
        Err(e) => Err(e.into()),
    }
}

async fn approve(
    State(s): State<AppState>,
    page: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    page.scope.require(Action::Approve)?;
    let (Ok(number), Ok(revision)) = (
        first(&form, "number").parse::<i64>(),
        first(&form, "revision").parse::<i64>(),
    ) else {
        return Err(AppError::field("number", "reload the page and try again").into());
    };
    match s
        .app
        .approve_soa(&page.scope, number, revision, first(&form, "note"))
        .await
    {
        Ok(_) => Ok(back(&page, "approved")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            refused(&s, &page, None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The frameworks ticked (ISO/IEC 42001 always) become those the draft covers.
async fn frameworks(
    State(s): State<AppState>,
    page: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    page.scope.require(Action::Update)?;
    let mut wanted = vec![aims_app::SOA_FRAMEWORK.to_owned()];
    wanted.extend(values(&form, "framework").into_iter().map(str::to_owned));
    match s
        .app
        .set_soa_frameworks(&page.scope, based_on(&form), wanted)
        .await
    {
        Ok(_) => Ok(back(&page, "frameworks")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            refused(&s, &page, None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn bulk(
    State(s): State<AppState>,
    page: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    let controls: Vec<String> = values(&form, "control")
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    let status = first(&form, "implementation_status").trim();
    let owner = first(&form, "owner").trim();
    let edit = ControlsEdit {
        implementation_status: (!status.is_empty()).then(|| status.to_owned()),
        owner: match owner {
            "" => None,
            "none" => Some(String::new()),
            o => Some(o.to_owned()),
        },
    };
    match s
        .app
        .bulk_edit_controls(&page.scope, &controls, &edit)
        .await
    {
        Ok(_) => Ok(back(&page, "bulk")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            refused(&s, &page, None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aims_domain::soa::Decision;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

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
    fn the_form_replaces_the_row_keeping_risk_and_legal_reasons() {
        let risk = Reason::RiskTreatment {
            risks: vec!["r1".into()],
        };
        let current = row(Decision::Included, vec![risk.clone(), Reason::BusinessNeed]);
        let r = row_from_form(
            &pairs(&[
                ("control", "ignored"),
                ("decision", "excluded"),
                ("reasons", "best_practice"),
                ("reasons", "best_practice"),
                ("reasons", ""),
                ("exclusion", "  No such systems "),
                ("notes", "n"),
            ]),
            &current,
        )
        .unwrap();
        assert_eq!(r.control, "iso42001:A.6.2.4");
        assert_eq!(r.decision, Decision::Excluded);
        assert_eq!(r.reasons, vec![risk, Reason::BestPractice]);
        assert_eq!(
            (r.exclusion.as_str(), r.notes.as_str()),
            ("No such systems", "n")
        );
        let e = row_from_form(
            &pairs(&[("decision", "maybe"), ("reasons", "whim")]),
            &current,
        )
        .unwrap_err();
        assert_eq!(e.get("decision").len(), 1);
        assert_eq!(e.get("reasons").len(), 1);
    }

    #[test]
    fn row_errors_name_their_row_and_field() {
        assert_eq!(row_field("rows[12].exclusion"), Some((12, "exclusion")));
        assert_eq!(row_field("rows[x].exclusion"), None);
        assert_eq!(row_field("note"), None);
        assert_eq!(based_on(&pairs(&[("based_on", "2.5")])), Some((2, 5)));
        assert_eq!(based_on(&pairs(&[("based_on", "")])), None);
    }
}
