//! AI system impact assessment pages: every system's status
//! (`/w/{ws}/impact`) and one system's assessment
//! (`/w/{ws}/inventory/{id}/impact`): the version shown read-only beside the
//! form that edits the current one, the moves the caller may make (submit,
//! send back, approve) and every version.

use super::{
    form_value as first, form_values as values, render, Layout, PageError, PageRequires, PageRoute,
};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, ImpactStatus, ImpactVersion};
use aims_domain::impact::{
    question, Fria, Impact, ImpactArea, ImpactAssessment, ImpactState, QuestionKind, LIKELIHOOD,
    QUESTIONS, SECTIONS, SEVERITY,
};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/impact", W(Action::Read), list_page),
        PageRoute::get("/w/{ws}/inventory/{id}/impact", W(Action::Read), page),
        PageRoute::post("/w/{ws}/inventory/{id}/impact", W(Action::Update), save),
        PageRoute::post(
            "/w/{ws}/inventory/{id}/impact/submit",
            W(Action::Update),
            submit,
        ),
        PageRoute::post(
            "/w/{ws}/inventory/{id}/impact/return",
            W(Action::Update),
            send_back,
        ),
        PageRoute::post(
            "/w/{ws}/inventory/{id}/impact/approve",
            W(Action::Approve),
            approve,
        ),
    ]
}

/// Blank impact rows the form offers beyond the ones written.
const BLANK_IMPACTS: usize = 2;

#[derive(Template)]
#[template(path = "impact_list.html")]
struct ListPage {
    layout: Layout,
    slug: String,
    rows: Vec<StatusRow>,
    due: usize,
}

struct StatusRow {
    status: ImpactStatus,
    latest: String,
    why: Vec<String>,
}

fn status_row(status: ImpactStatus) -> StatusRow {
    let latest = match status.latest {
        None => "Not assessed".to_owned(),
        Some((n, state)) => format!("Version {n}: {}", state.label()),
    };
    let mut why: Vec<String> = status.reasons.iter().map(|r| r.label()).collect();
    if status.overdue {
        why.push("The re-assessment date has come".into());
    }
    if status.approved.is_none() {
        why.push("No approved assessment".into());
    }
    StatusRow {
        status,
        latest,
        why,
    }
}

async fn list_page(State(s): State<AppState>, page: WsPage) -> Result<Response, PageError> {
    let rows: Vec<StatusRow> = s
        .app
        .impact_statuses(&page.scope)
        .await?
        .into_iter()
        .map(status_row)
        .collect();
    Ok(render(&ListPage {
        layout: Layout::new(&page.user, "impact").in_workspace(&page.scope),
        slug: page.scope.workspace.slug.clone(),
        due: rows.iter().filter(|r| r.status.needs_assessment()).count(),
        rows,
    }))
}

/// One question as the form and the read-only view show it.
struct QuestionView {
    id: &'static str,
    section: &'static str,
    text: &'static str,
    /// `yes_no`, `choice` or `text`.
    kind: &'static str,
    /// (option id, label, chosen)
    options: Vec<(&'static str, &'static str, bool)>,
    /// `yes`, `no`, an option id or the text.
    value: String,
    /// The answer as people read it (an option's label).
    said: String,
    asked_when: &'static str,
}

fn question_views(answers: &Map<String, Value>) -> Vec<QuestionView> {
    QUESTIONS
        .iter()
        .map(|q| {
            let given = answers.get(q.id);
            let value = match given {
                Some(Value::Bool(true)) => "yes".to_owned(),
                Some(Value::Bool(false)) => "no".to_owned(),
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            let (kind, options): (&str, Vec<_>) = match q.kind {
                QuestionKind::YesNo => ("yes_no", vec![]),
                QuestionKind::Choice { options } => (
                    "choice",
                    options
                        .iter()
                        .map(|o| (o.id, o.label, o.id == value))
                        .collect(),
                ),
                QuestionKind::Text { .. } => ("text", vec![]),
            };
            let said = options
                .iter()
                .find(|o| o.2)
                .map_or_else(|| value.clone(), |o| o.1.to_owned());
            QuestionView {
                id: q.id,
                section: q.section,
                text: q.text,
                kind,
                options,
                value,
                said,
                asked_when: q.asked_when.and_then(question).map_or("", |w| w.text),
            }
        })
        .collect()
}

struct ImpactRowView {
    /// The row's place in the form (names its risk and control fields).
    n: usize,
    area: &'static str,
    area_label: &'static str,
    description: String,
    affected: String,
    severity: u8,
    likelihood: u8,
    mitigations: String,
    rating: String,
    /// (risk id, title, linked): the system's risks and the ones it names.
    risks: Vec<(String, String, bool)>,
    /// Catalogue controls, comma separated.
    controls: String,
}

/// The rows of an assessment's impacts (and `blanks` empty ones), each
/// offering `risks` (id, title) to link besides those it names.
fn impact_rows(
    a: &ImpactAssessment,
    blanks: usize,
    risks: &[(String, String)],
) -> Vec<ImpactRowView> {
    let title = |id: &str| {
        risks
            .iter()
            .find(|(r, _)| r == id)
            .map_or_else(|| id.to_owned(), |(_, t)| t.clone())
    };
    let offered = |chosen: &[String]| {
        let mut out: Vec<(String, String, bool)> = risks
            .iter()
            .map(|(id, t)| (id.clone(), t.clone(), chosen.contains(id)))
            .collect();
        for c in chosen
            .iter()
            .filter(|c| !risks.iter().any(|(id, _)| id == *c))
        {
            out.push((c.clone(), title(c), true));
        }
        out
    };
    let mut rows: Vec<ImpactRowView> = a
        .impacts
        .iter()
        .enumerate()
        .map(|(n, i)| ImpactRowView {
            n,
            area: i.area.key(),
            area_label: i.area.label(),
            description: i.description.clone(),
            affected: i.affected.clone(),
            severity: i.severity,
            likelihood: i.likelihood,
            mitigations: i.mitigations.clone(),
            rating: i.rating().map_or("", |r| r.label()).to_owned(),
            risks: offered(&i.risks),
            controls: i.controls.join(", "),
        })
        .collect();
    for n in a.impacts.len()..a.impacts.len() + blanks {
        rows.push(ImpactRowView {
            n,
            area: "",
            area_label: "",
            description: String::new(),
            affected: String::new(),
            severity: 0,
            likelihood: 0,
            mitigations: String::new(),
            rating: String::new(),
            risks: offered(&[]),
            controls: String::new(),
        });
    }
    rows
}

/// A section of the questionnaire with its questions.
struct SectionView {
    id: &'static str,
    title: &'static str,
    about: &'static str,
}

#[derive(Template)]
#[template(path = "impact.html")]
struct AssessmentPage {
    layout: Layout,
    slug: String,
    system_id: String,
    system_name: String,
    status: StatusRow,
    /// The version shown read-only (the latest unless `?version=N`).
    shown: Option<ImpactVersion>,
    shown_questions: Vec<QuestionView>,
    shown_impacts: Vec<ImpactRowView>,
    shown_reviewers: Vec<String>,
    /// Every version, newest first: (number, state label, when).
    versions: Vec<(i64, &'static str, String)>,
    /// The editable form (the latest version, or what was just sent).
    sections: Vec<SectionView>,
    questions: Vec<QuestionView>,
    impacts: Vec<ImpactRowView>,
    fria: Vec<(&'static str, String, &'static str)>,
    /// (user id, label, chosen)
    reviewers: Vec<(String, String, bool)>,
    reassess_on: String,
    based_on: String,
    /// Editing makes a new version (the latest is approved).
    edit_starts_version: bool,
    can_edit: bool,
    can_submit: bool,
    can_return: bool,
    can_approve: bool,
    areas: Vec<(&'static str, &'static str)>,
    severity: Vec<(u8, &'static str)>,
    likelihood: Vec<(u8, &'static str)>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
struct Shown {
    version: Option<i64>,
}

fn scale(names: &[&'static str; 4]) -> Vec<(u8, &'static str)> {
    (1u8..).zip(names.iter().copied()).collect()
}

async fn view(
    s: &AppState,
    page: &WsPage,
    id: &str,
    shown_number: Option<i64>,
    edited: Option<ImpactAssessment>,
    errors: FieldErrors,
) -> Result<AssessmentPage, PageError> {
    let scope = &page.scope;
    let (status, versions) = s.app.impact_assessment(scope, id).await?;
    let members = s.app.members(scope).await?;
    // The system's risks, offered to each impact; named ones titled too.
    let mut risks: Vec<(String, String)> = s
        .app
        .all_records(
            scope,
            aims_app::risks_kind(),
            &aims_app::ListRequest::linked_to(id),
        )
        .await?
        .into_iter()
        .map(|r| (r.id, r.title))
        .collect();
    let named: Vec<String> = versions
        .iter()
        .flat_map(|v| v.assessment.impacts.iter().flat_map(|i| i.risks.clone()))
        .chain(
            edited
                .iter()
                .flat_map(|a| a.impacts.iter().flat_map(|i| i.risks.clone())),
        )
        .collect();
    for r in named {
        if !risks.iter().any(|(id, _)| *id == r) {
            if let Ok(l) = s.app.linked_record(scope, &r).await {
                risks.push((l.id, l.title));
            }
        }
    }
    let latest = versions.first();
    let shown = match shown_number {
        Some(n) => Some(
            versions
                .iter()
                .find(|v| v.number == n)
                .cloned()
                .ok_or(AppError::NotFound("impact assessment version"))?,
        ),
        None => latest.cloned(),
    };
    let form = edited.unwrap_or_else(|| latest.map(|v| v.assessment.clone()).unwrap_or_default());
    let state = latest.map(|v| v.state);
    let can_edit = scope.can(Action::Update) && state != Some(ImpactState::InReview);
    let member_label = |uid: &str| {
        members
            .iter()
            .find(|m| m.user_id == uid)
            .map_or_else(|| uid.to_owned(), |m| format!("{} <{}>", m.name, m.email))
    };
    let fria = form.fria.clone().unwrap_or_default();
    Ok(AssessmentPage {
        layout: Layout::new(&page.user, "impact").in_workspace(scope),
        slug: scope.workspace.slug.clone(),
        system_id: status.system_id.clone(),
        system_name: status.system_name.clone(),
        shown_questions: shown
            .as_ref()
            .map(|v| question_views(&v.assessment.answers))
            .unwrap_or_default(),
        shown_impacts: shown
            .as_ref()
            .map(|v| impact_rows(&v.assessment, 0, &risks))
            .unwrap_or_default(),
        shown_reviewers: shown
            .as_ref()
            .map(|v| {
                v.assessment
                    .reviewers
                    .iter()
                    .map(|r| member_label(r))
                    .collect()
            })
            .unwrap_or_default(),
        shown,
        versions: versions
            .iter()
            .map(|v| {
                (
                    v.number,
                    v.state.label(),
                    v.approved_at
                        .clone()
                        .unwrap_or_else(|| v.updated_at.clone()),
                )
            })
            .collect(),
        sections: SECTIONS
            .iter()
            .map(|s| SectionView {
                id: s.id,
                title: s.title,
                about: s.about,
            })
            .collect(),
        questions: question_views(&form.answers),
        impacts: impact_rows(&form, BLANK_IMPACTS, &risks),
        fria: fria
            .fields()
            .into_iter()
            .map(|(name, value, label)| (name, value.to_owned(), label))
            .collect(),
        reviewers: members
            .iter()
            .map(|m| {
                (
                    m.user_id.clone(),
                    format!("{} <{}>", m.name, m.email),
                    form.reviewers.contains(&m.user_id),
                )
            })
            .collect(),
        reassess_on: form.reassess_on.clone().unwrap_or_default(),
        based_on: latest.map_or_else(String::new, |v| format!("{}.{}", v.number, v.revision)),
        edit_starts_version: state == Some(ImpactState::Approved),
        can_edit,
        can_submit: scope.can(Action::Update) && state == Some(ImpactState::Draft),
        can_return: scope.can(Action::Update) && state == Some(ImpactState::InReview),
        can_approve: scope.can(Action::Approve) && state == Some(ImpactState::InReview),
        areas: ImpactArea::ALL
            .iter()
            .map(|a| (a.key(), a.label()))
            .collect(),
        severity: scale(&SEVERITY),
        likelihood: scale(&LIKELIHOOD),
        status: status_row(status),
        errors,
    })
}

async fn page(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<Shown>,
) -> Result<Response, PageError> {
    Ok(render(
        &view(&s, &page, &id, q.version, None, FieldErrors::new()).await?,
    ))
}

/// The form as an assessment: answers (`yes`/`no`, option ids, text; empty
/// is not answered), impact rows (a row without a description is skipped),
/// the Art. 27 fields (all empty: none), reviewers, the re-assessment date.
fn assessment_from_form(form: &[(String, String)]) -> Result<ImpactAssessment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = Map::new();
    for q in QUESTIONS {
        let v = first(form, q.id).trim();
        if v.is_empty() {
            continue;
        }
        let value = match q.kind {
            QuestionKind::YesNo => Value::Bool(v == "yes"),
            _ => Value::String(v.to_owned()),
        };
        answers.insert(q.id.to_owned(), value);
    }
    let cols = [
        "impact_area",
        "impact_description",
        "impact_affected",
        "impact_severity",
        "impact_likelihood",
        "impact_mitigations",
    ]
    .map(|c| values(form, c));
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |c: usize, n: usize| cols[c].get(n).copied().unwrap_or("").trim();
    let mut impacts = vec![];
    for n in 0..rows {
        if cell(1, n).is_empty() {
            continue;
        }
        let at = impacts.len();
        let area = ImpactArea::ALL
            .into_iter()
            .find(|a| a.key() == cell(0, n))
            .unwrap_or_else(|| {
                errors.add(&format!("impacts[{at}].area"), "choose what it concerns");
                ImpactArea::Other
            });
        let level = |c: usize, name: &str, errors: &mut FieldErrors| {
            cell(c, n).parse::<u8>().unwrap_or_else(|_| {
                errors.add(&format!("impacts[{at}].{name}"), "choose a level");
                0
            })
        };
        let severity = level(3, "severity", &mut errors);
        let likelihood = level(4, "likelihood", &mut errors);
        impacts.push(Impact {
            area,
            description: cell(1, n).to_owned(),
            affected: cell(2, n).to_owned(),
            severity,
            likelihood,
            mitigations: cell(5, n).to_owned(),
            risks: values(form, &format!("impact_risks_{n}"))
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            controls: first(form, &format!("impact_controls_{n}"))
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    let fria = Fria {
        process: first(form, "fria_process").trim().to_owned(),
        period_and_frequency: first(form, "fria_period_and_frequency").trim().to_owned(),
        affected_categories: first(form, "fria_affected_categories").trim().to_owned(),
        specific_risks: first(form, "fria_specific_risks").trim().to_owned(),
        human_oversight: first(form, "fria_human_oversight").trim().to_owned(),
        measures_if_materialised: first(form, "fria_measures_if_materialised")
            .trim()
            .to_owned(),
        complaint_handling: first(form, "fria_complaint_handling").trim().to_owned(),
    };
    let reassess_on = first(form, "reassess_on").trim();
    errors.into_result()?;
    Ok(ImpactAssessment {
        answers,
        impacts,
        fria: (fria != Fria::default()).then_some(fria),
        reviewers: values(form, "reviewers")
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        reassess_on: (!reassess_on.is_empty()).then(|| reassess_on.to_owned()),
    })
}

/// `number.revision` as the form carries it.
fn based_on(form: &[(String, String)]) -> Option<(i64, i64)> {
    let (n, r) = first(form, "based_on").split_once('.')?;
    Some((n.parse().ok()?, r.parse().ok()?))
}

fn back(page: &WsPage, id: &str) -> Response {
    Redirect::to(&format!(
        "/w/{}/inventory/{id}/impact",
        page.scope.workspace.slug
    ))
    .into_response()
}

async fn refused(
    s: &AppState,
    page: &WsPage,
    id: &str,
    edited: Option<ImpactAssessment>,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let v = view(s, page, id, None, edited, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
}

async fn save(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    let assessment = match assessment_from_form(&form) {
        Ok(a) => a,
        Err(errors) => return refused(&s, &page, &id, None, errors).await,
    };
    match s
        .app
        .save_impact(&page.scope, &id, based_on(&form), assessment.clone())
        .await
    {
        Ok(_) => Ok(back(&page, &id)),
        Err(AppError::Validation(errors)) => {
            refused(&s, &page, &id, Some(assessment), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn move_to(
    s: AppState,
    page: WsPage,
    id: String,
    form: Vec<(String, String)>,
    to: ImpactState,
) -> Result<Response, PageError> {
    page.user.check_csrf(first(&form, "csrf"))?;
    let Some((number, revision)) = based_on(&form) else {
        return Err(AppError::field("based_on", "reload the page and try again").into());
    };
    match s
        .app
        .move_impact(&page.scope, &id, number, revision, to, first(&form, "note"))
        .await
    {
        Ok(_) => Ok(back(&page, &id)),
        Err(AppError::Validation(errors)) => refused(&s, &page, &id, None, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn submit(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    move_to(s, page, id, form, ImpactState::InReview).await
}

async fn send_back(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    move_to(s, page, id, form, ImpactState::Draft).await
}

async fn approve(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    move_to(s, page, id, form, ImpactState::Approved).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_becomes_an_assessment() {
        let a = assessment_from_form(&pairs(&[
            ("csrf", "x"),
            ("context.vulnerable_groups", "yes"),
            ("context.decision_role", "recommends"),
            ("context.affected_groups", "  Applicants "),
            ("society.labour", ""),
            ("impact_area", "privacy"),
            ("impact_description", "Leak"),
            ("impact_affected", "Members"),
            ("impact_severity", "3"),
            ("impact_likelihood", "2"),
            ("impact_mitigations", "Encryption"),
            ("impact_risks_0", "r1"),
            ("impact_risks_0", "r2"),
            ("impact_controls_0", "iso42001:A.5.4, ,iso42001:A.7.4"),
            ("impact_risks_1", "r3"),
            ("impact_area", ""),
            ("impact_description", ""),
            ("impact_affected", ""),
            ("impact_severity", ""),
            ("impact_likelihood", ""),
            ("impact_mitigations", ""),
            ("fria_process", "Pricing"),
            ("reviewers", "u1"),
            ("reassess_on", "2027-01-31"),
            ("based_on", "2.5"),
        ]))
        .unwrap();
        assert_eq!(a.answers["context.vulnerable_groups"], Value::Bool(true));
        assert_eq!(a.answers["context.decision_role"], "recommends");
        assert_eq!(a.answers["context.affected_groups"], "Applicants");
        assert!(
            !a.answers.contains_key("society.labour"),
            "empty is unanswered"
        );
        assert_eq!(a.impacts.len(), 1, "a row without a description is skipped");
        assert_eq!(a.impacts[0].risks, ["r1", "r2"]);
        assert_eq!(a.impacts[0].controls, ["iso42001:A.5.4", "iso42001:A.7.4"]);
        assert_eq!(
            (
                a.impacts[0].area,
                a.impacts[0].severity,
                a.impacts[0].likelihood
            ),
            (ImpactArea::Privacy, 3, 2)
        );
        assert_eq!(a.fria.as_ref().unwrap().process, "Pricing");
        assert_eq!(a.reviewers, ["u1"]);
        assert_eq!(a.reassess_on.as_deref(), Some("2027-01-31"));
        assert_eq!(based_on(&pairs(&[("based_on", "2.5")])), Some((2, 5)));
        assert_eq!(based_on(&pairs(&[("based_on", "2")])), None);
        let none = assessment_from_form(&pairs(&[("fria_process", "")])).unwrap();
        assert!(none.fria.is_none() && none.reassess_on.is_none());
    }

    #[test]
    fn an_impact_row_needs_an_area_and_levels() {
        let e = assessment_from_form(&pairs(&[
            ("impact_area", "nowhere"),
            ("impact_description", "Something"),
            ("impact_severity", ""),
            ("impact_likelihood", "x"),
        ]))
        .unwrap_err();
        for f in [
            "impacts[0].area",
            "impacts[0].severity",
            "impacts[0].likelihood",
        ] {
            assert_eq!(e.get(f).len(), 1, "{f}");
        }
    }

    #[test]
    fn every_question_is_shown_with_its_answer_as_people_read_it() {
        let mut given = Map::new();
        given.insert("context.decision_role".into(), Value::from("decides"));
        given.insert("context.vulnerable_groups".into(), Value::Bool(false));
        let v = question_views(&given);
        assert_eq!(v.len(), QUESTIONS.len());
        let d = v.iter().find(|q| q.id == "context.decision_role").unwrap();
        assert_eq!(d.said, "It decides, with or without later review");
        let g = v
            .iter()
            .find(|q| q.id == "context.vulnerable_groups")
            .unwrap();
        assert_eq!((g.kind, g.value.as_str()), ("yes_no", "no"));
        assert!(v.iter().any(|q| !q.asked_when.is_empty()));
    }
}
