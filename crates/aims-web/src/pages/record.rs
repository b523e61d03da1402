//! One record's page, for every kind: its fields (editable by those who may),
//! its links in both directions with the form to add one, what deleting it
//! would unlink, and its history. AI systems also show their EU AI Act tier.

use super::records::{form_fields, form_values, form_views, path, FieldView};
use super::{render, CsrfForm, EventView, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::RecordRow;
use aims_app::{AppError, LinkView};
use aims_domain::record::{Input, Kind, CONTROLS, KINDS, RELATIONS};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub(super) fn routes(k: &'static Kind) -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    let mut out = vec![
        PageRoute::get(
            path(k, "/{id}"),
            W(Action::Read),
            move |s: State<AppState>, w: WsPage, p: Path<(String, String)>, f: Query<Flash>| {
                show(k, s, w, p, f)
            },
        ),
        PageRoute::post(
            path(k, "/{id}"),
            W(Action::Update),
            move |s: State<AppState>,
                  w: WsPage,
                  p: Path<(String, String)>,
                  f: PageForm<Vec<(String, String)>>| update(k, s, w, p, f),
        ),
        PageRoute::post(
            path(k, "/{id}/delete"),
            W(Action::Delete),
            move |s: State<AppState>,
                  w: WsPage,
                  p: Path<(String, String)>,
                  f: PageForm<CsrfForm>| delete(k, s, w, p, f),
        ),
        PageRoute::post(
            path(k, "/{id}/links"),
            W(Action::Update),
            move |s: State<AppState>,
                  w: WsPage,
                  p: Path<(String, String)>,
                  f: PageForm<LinkForm>| link(k, s, w, p, f),
        ),
        PageRoute::post(
            path(k, "/{id}/links/{link}/delete"),
            W(Action::Update),
            move |s: State<AppState>,
                  w: WsPage,
                  p: Path<(String, String, String)>,
                  f: PageForm<CsrfForm>| unlink(k, s, w, p, f),
        ),
    ];
    out.extend(super::journals::routes(k));
    if let Some(approve_action) = k.access.approve {
        out.push(PageRoute::post(
            path(k, "/{id}/approve"),
            W(approve_action),
            move |s: State<AppState>,
                  w: WsPage,
                  p: Path<(String, String)>,
                  f: PageForm<ApproveForm>| approve(k, s, w, p, f),
        ));
    }
    out
}

#[derive(Deserialize)]
pub(super) struct ApproveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

async fn approve(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<ApproveForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    let version = f.version.parse::<i64>().map_err(|_| {
        PageError::BadForm("The form lost its version field; reload the page.".into())
    })?;
    match s
        .app
        .approve_record(&w.scope, kind, &id, version, &f.note)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/{}/{id}?flash=approved",
            w.scope.workspace.slug, kind.page
        ))
        .into_response()),
        Err(e @ (AppError::Conflict { .. } | AppError::Validation(_))) => {
            let mut page = view(&s, &w, kind, &id, None).await?;
            page.conflict = Some(format!("Not approved: {e}."));
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct Flash {
    flash: Option<String>,
    /// A metric's chart range.
    range: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    to: String,
}

/// A record another could be linked to: (id, "kind: title").
pub struct Target {
    pub group: &'static str,
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    layout: Layout,
    slug: String,
    kind: &'static Kind,
    record: RecordRow,
    fields: Vec<FieldView>,
    can_edit: bool,
    can_delete: bool,
    conflict: Option<String>,
    links: Vec<(LinkView, String)>,
    relations: Vec<(&'static str, &'static str)>,
    targets: Vec<Target>,
    link_error: Option<String>,
    tier: Option<String>,
    classification: Option<aims_app::ClassificationView>,
    /// A system's impact assessment status.
    impact: Option<aims_app::ImpactStatus>,
    /// A control's risks, each with the action that links them.
    control_risks: Vec<(aims_app::LinkedRecord, aims_app::LinkedRecord)>,
    /// A control's evidence, with its standing today, and the requirements
    /// of other frameworks that evidence also supports (crosswalks).
    control_evidence: Vec<aims_app::EvidenceStanding>,
    crosswalk: Vec<aims_app::MappedRequirement>,
    /// An evidence item's file versions, newest first.
    evidence_files: Vec<aims_app::store::EvidenceFile>,
    can_upload: bool,
    approvals: Option<aims_app::Approvals>,
    can_approve: bool,
    in_scope: Vec<(String, String)>,
    events: Vec<EventView>,
    /// An incident's countdown, an objective's progress chart.
    extras: super::record_extras::Extras,
}

/// How many records of each kind the link form offers.
const LINK_TARGETS: i64 = 300;

/// The ISO/IEC 42001 Annex A controls the workspace has no record of yet,
/// offered as link targets by reference (the record is made on linking).
async fn catalogue_controls(s: &AppState, scope: &aims_app::Scope) -> Result<Target, PageError> {
    let known: Vec<String> = s
        .app
        .all_records(scope, &CONTROLS, &Default::default())
        .await?
        .into_iter()
        .filter_map(|c| {
            c.fields
                .get("reference")
                .and_then(|r| r.as_str())
                .map(str::to_owned)
        })
        .collect();
    let catalog = s.app.catalog().await?;
    let options = catalog
        .frameworks()
        .iter()
        .filter(|f| f.id == "iso42001")
        .flat_map(|f| f.items.iter().map(move |i| (f, i)))
        .filter(|(f, i)| i.kind == "control" && !known.contains(&format!("{}:{}", f.id, i.id)))
        .map(|(f, i)| {
            (
                format!("{}:{}", f.id, i.id),
                format!("{} {}", i.id, i.title),
            )
        })
        .collect();
    Ok(Target {
        group: "ISO/IEC 42001 Annex A controls",
        options,
    })
}

async fn view(
    s: &AppState,
    w: &WsPage,
    kind: &'static Kind,
    id: &str,
    flash: Option<String>,
) -> Result<RecordPage, PageError> {
    view_in(s, w, kind, id, flash, None).await
}

async fn view_in(
    s: &AppState,
    w: &WsPage,
    kind: &'static Kind,
    id: &str,
    flash: Option<String>,
    range: Option<&str>,
) -> Result<RecordPage, PageError> {
    let scope = &w.scope;
    let record = s.app.record(scope, kind, id).await?;
    let members = s.app.members(scope).await?;
    let history = s.app.record_history(scope, kind.record_type, id).await?;
    let mut extras = super::record_extras::extras(kind, &record.fields, &history, &s.app.today());
    extras.journal = super::journals::load(s, scope, kind, id).await?;
    let events = history.into_iter().map(Into::into).collect();
    let links: Vec<(LinkView, String)> = s
        .app
        .links(scope, kind, id)
        .await?
        .into_iter()
        .map(|l| {
            let page = aims_domain::record::kind(&l.other.kind).map_or("", |k| k.page);
            (l, page.to_owned())
        })
        .collect();
    if kind.name == aims_domain::record::SUPPLIERS.name {
        extras.questionnaires = Some(super::questionnaires::load(s, scope, id).await?);
    }
    if kind.name == aims_domain::record::METRICS.name {
        extras.metric = Some(super::metrics::load(s, scope, id, range).await?);
    }
    if kind.name == "systems" {
        extras.monitoring = Some(super::monitoring::load(s, scope, &record).await?);
    }
    if kind.name == aims_domain::record::REVIEWS.name {
        extras.review = Some(s.app.review_inputs(scope, id).await?);
    }
    if kind.name == aims_domain::record::AUDITS.name {
        extras.checklist = Some(super::audits::load(s, scope, id).await?);
    }
    if kind.name == aims_domain::record::FINDINGS.name {
        let grade = record
            .fields
            .get("grade")
            .and_then(serde_json::Value::as_str);
        extras.can_raise = scope.can(Action::Create)
            && matches!(grade, Some("major_nc" | "minor_nc"))
            && !links.iter().any(|(l, _)| l.relation == "raised_as");
    }
    if kind.name == aims_domain::record::CHANGES.name {
        for (l, _) in links
            .iter()
            .filter(|(l, _)| l.relation == "touches" && l.other.kind == "systems")
        {
            let status = s.app.impact_assessment(scope, &l.other.id).await?.0;
            extras
                .assessments
                .push((l.other.id.clone(), l.other.title.clone(), status));
        }
    }
    let can_edit = scope.can(kind.access.update);
    let mut targets = vec![];
    if can_edit {
        // The first records of each kind by name (one page each, not the
        // whole register: a workspace may hold ten thousand risks).
        for k in KINDS {
            let page = s
                .app
                .records::<RecordRow>(
                    scope,
                    k,
                    &aims_app::ListRequest {
                        sort: Some("title".into()),
                        limit: Some(LINK_TARGETS + 1),
                        ..Default::default()
                    },
                )
                .await?;
            let options: Vec<(String, String)> = page
                .items
                .into_iter()
                .filter(|r| r.id != id)
                .take(LINK_TARGETS as usize)
                .map(|r| (r.id, r.title))
                .collect();
            if !options.is_empty() {
                targets.push(Target {
                    group: k.plural,
                    options,
                });
            }
        }
        if aims_domain::record::relation("implements").is_some_and(|r| r.from.contains(&kind.name))
        {
            targets.push(catalogue_controls(s, scope).await?);
        }
    }
    let control_risks = if kind.name == CONTROLS.name {
        s.app.control_risks(scope, id).await?
    } else {
        vec![]
    };
    let (control_evidence, crosswalk) = if kind.name == CONTROLS.name {
        let reference = record
            .fields
            .get("reference")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        (
            s.app.control_evidence(scope, id).await?,
            s.app.control_crosswalk(reference).await?,
        )
    } else {
        (vec![], vec![])
    };
    let evidence_files = if kind.name == aims_domain::record::EVIDENCE.name {
        s.app.evidence_item(scope, id).await?.files
    } else {
        vec![]
    };
    let classification = if kind.name == "systems" {
        s.app.system_with_classification(scope, id).await?.1
    } else {
        None
    };
    let impact = if kind.name == "systems" {
        Some(s.app.impact_assessment(scope, id).await?.0)
    } else {
        None
    };
    let tier = classification
        .as_ref()
        .map(|c| c.result.risk_tier.name().replace('_', " "));
    let approvals = if kind.access.approve.is_some() {
        Some(s.app.approvals(scope, kind, id).await?)
    } else {
        None
    };
    let in_scope = if kind.record_type == "scope" {
        let req = aims_app::ListRequest {
            filters: [("in_scope".to_owned(), "true".to_owned())].into(),
            ..Default::default()
        };
        s.app
            .all_records(scope, aims_app::systems_kind(), &req)
            .await?
            .into_iter()
            .map(|r| (r.id, r.title))
            .collect()
    } else {
        vec![]
    };
    Ok(RecordPage {
        can_approve: kind.access.approve.is_some_and(|a| scope.can(a)),
        approvals,
        in_scope,
        layout: Layout::new(&w.user, kind.page)
            .in_workspace(scope)
            .flash(flash),
        slug: scope.workspace.slug.clone(),
        kind,
        fields: form_views(
            s,
            scope,
            kind,
            &form_values(kind, &record),
            &members,
            &FieldErrors::new(),
        )
        .await?,
        record,
        can_edit,
        can_delete: scope.can(kind.access.delete),
        conflict: None,
        links,
        relations: RELATIONS
            .iter()
            .filter(|r| r.from.is_empty() || r.from.contains(&kind.name))
            .map(|r| (r.name, r.label))
            .collect(),
        targets,
        link_error: None,
        tier,
        classification,
        impact,
        control_risks,
        control_evidence,
        crosswalk,
        evidence_files,
        can_upload: scope.can(aims_domain::record::EVIDENCE.access.create),
        events,
        extras,
    })
}

/// The record page again, its journal form refused with `message`.
pub(super) async fn with_journal_error(
    s: &AppState,
    w: &WsPage,
    kind: &'static Kind,
    id: &str,
    draft: aims_domain::journal::EntryInput,
    message: String,
) -> Result<Response, PageError> {
    let mut page = view(s, w, kind, id, None).await?;
    if let Some(j) = page.extras.journal.as_mut() {
        j.draft = draft;
        j.error = Some(message);
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// A metric's page again, its value refused with `message`.
pub(super) async fn with_metric_error(
    s: &AppState,
    w: &WsPage,
    id: &str,
    message: String,
) -> Result<Response, PageError> {
    let mut page = view(s, w, &aims_domain::record::METRICS, id, None).await?;
    if let Some(m) = page.extras.metric.as_mut() {
        m.error = Some(message);
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// A record's page again with `message` standing out (409).
pub(super) async fn with_conflict(
    s: &AppState,
    w: &WsPage,
    kind: &'static Kind,
    id: &str,
    message: String,
) -> Result<Response, PageError> {
    with_problem(s, w, kind, id, StatusCode::CONFLICT, message).await
}

/// A record's page again with `message` standing out, answered `status`.
pub(super) async fn with_problem(
    s: &AppState,
    w: &WsPage,
    kind: &'static Kind,
    id: &str,
    status: StatusCode,
    message: String,
) -> Result<Response, PageError> {
    let mut page = view(s, w, kind, id, None).await?;
    page.conflict = Some(message);
    Ok((status, render(&page)).into_response())
}

/// A supplier's page again, its questionnaire form refused with `message`.
pub(super) async fn with_questionnaire_error(
    s: &AppState,
    w: &WsPage,
    id: &str,
    draft: aims_app::SendQuestionnaire,
    message: String,
) -> Result<Response, PageError> {
    let mut page = view(s, w, &aims_domain::record::SUPPLIERS, id, None).await?;
    if let Some(q) = page.extras.questionnaires.as_mut() {
        q.draft = draft;
        q.error = Some(message);
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn show(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let flash = super::records::flash_message(kind, f.flash.as_deref());
    Ok(render(
        &view_in(&s, &w, kind, &id, flash, f.range.as_deref()).await?,
    ))
}

async fn update(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    w.user.check_csrf(&get("csrf").unwrap_or_default())?;
    let version = get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            PageError::BadForm("The form lost its version field; reload the page.".into())
        })?;
    let values = form_fields(kind, pairs);
    let result = s
        .app
        .update_record(&w.scope, kind, &id, version, Input::Text(&values))
        .await;
    let (status, errors, conflict) = match result {
        Ok(_) => {
            return Ok(Redirect::to(&format!(
                "/w/{}/{}/{id}?flash=saved",
                w.scope.workspace.slug, kind.page
            ))
            .into_response())
        }
        Err(AppError::Validation(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict { .. }) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(e) => return Err(e.into()),
    };
    // Keep what the person typed, with the problems beside it.
    let mut page = view(&s, &w, kind, &id, None).await?;
    let members = s.app.members(&w.scope).await?;
    page.fields = form_views(&s, &w.scope, kind, &values, &members, &errors).await?;
    if conflict {
        page.conflict = Some(format!(
            "Someone else saved this {} while you were editing (it is now at version {}). Your text is still in the form: check the history, then save again.",
            kind.singular, page.record.version
        ));
    }
    Ok((status, render(&page)).into_response())
}

async fn delete(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    s.app.delete_record(&w.scope, kind, &id).await?;
    Ok(Redirect::to(&format!(
        "/w/{}/{}?flash=deleted",
        w.scope.workspace.slug, kind.page
    ))
    .into_response())
}

async fn link(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<LinkForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    match s.app.link(&w.scope, kind, &id, &f.relation, &f.to).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/{}/{id}?flash=linked",
            w.scope.workspace.slug, kind.page
        ))
        .into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut page = view(&s, &w, kind, &id, None).await?;
            page.link_error = Some(match e {
                AppError::Validation(errors) => errors
                    .iter()
                    .map(|(f, m)| {
                        format!(
                            "{}: {}",
                            if f == "to" { "Record" } else { "Relation" },
                            m.join("; ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.to_string(),
            });
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn unlink(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id, link)): Path<(String, String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    s.app.unlink(&w.scope, kind, &id, &link).await?;
    Ok(Redirect::to(&format!(
        "/w/{}/{}/{id}?flash=unlinked",
        w.scope.workspace.slug, kind.page
    ))
    .into_response())
}
