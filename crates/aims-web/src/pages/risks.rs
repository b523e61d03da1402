//! The risk register's own pages beside the record path (`/w/{ws}/risks…`
//! comes from it): the heat map as SVG and the risk method with its versions.
//! Both draw from one method version, so a cell's colour is the band its
//! score falls in, the same band the list shows.

use super::risk_method_form::{form_of, method_from_form, MethodForm};
use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, HeatMap, MethodVersion};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/risks/heatmap", W(Action::Read), heat_map_page),
        PageRoute::get("/w/{ws}/risk-method", W(Action::Read), method_page),
        PageRoute::post("/w/{ws}/risk-method", W(Action::Approve), set_method),
    ]
}

/// Distance between cells, in SVG units.
const CELL: u32 = 56;
/// Side of a drawn cell (a gap of 2 to the next).
const SIDE: u32 = CELL - 2;
/// Room for the axis labels.
const MARGIN: u32 = 28;

/// One cell of a drawn grid.
pub struct CellView {
    pub x: u32,
    pub y: u32,
    /// Where its label goes.
    pub text_x: u32,
    pub text_y: u32,
    pub colour: String,
    pub score: u32,
    pub band: String,
    pub band_key: String,
    pub count: u32,
    pub likelihood: usize,
    pub impact: usize,
}

/// A grid drawn as SVG: likelihood up the side (highest at the top), impact along the bottom.
pub struct GridView {
    pub title: &'static str,
    /// Side of a cell.
    pub side: u32,
    /// `inherent_band`, …: the list filter a cell links to.
    pub filter: &'static str,
    pub width: u32,
    pub height: u32,
    pub cells: Vec<CellView>,
    pub not_assessed: u32,
    /// (x or y, label) of the axis ticks.
    pub x_ticks: Vec<(u32, usize)>,
    pub y_ticks: Vec<(u32, usize)>,
}

/// The heat map of assessment `i` (0 inherent, 1 current, 2 residual).
pub fn assessment_grid(m: &MethodVersion, map: &HeatMap, i: usize) -> GridView {
    let (title, filter, counts) = match i {
        0 => ("Inherent", "inherent_band", &map.inherent),
        1 => ("Current", "current_band", &map.current),
        _ => ("Residual", "residual_band", &map.residual),
    };
    grid_view(m, title, filter, Some(counts), map.not_assessed[i.min(2)])
}

/// The method's grid with `counts` per cell (`None`: no counts, the method page).
pub fn grid_view(
    m: &MethodVersion,
    title: &'static str,
    filter: &'static str,
    counts: Option<&[Vec<u32>]>,
    not_assessed: u32,
) -> GridView {
    let method = &m.method;
    let rows = method.likelihood.len() as u32;
    let cols = method.impact.len() as u32;
    let mut cells = vec![];
    for (l, row) in method.grid.iter().enumerate() {
        for (i, score) in row.iter().enumerate() {
            let band = method.band_of(*score).map(|b| &method.bands[b]);
            let (x, y) = (MARGIN + i as u32 * CELL, (rows - 1 - l as u32) * CELL);
            cells.push(CellView {
                x,
                y,
                text_x: x + SIDE / 2,
                text_y: y + SIDE / 2 + 6,
                colour: band.map_or("#cccccc".into(), |b| b.colour.clone()),
                score: *score,
                band: band.map_or(String::new(), |b| b.name.clone()),
                band_key: band.map_or(String::new(), |b| b.key.clone()),
                count: counts.and_then(|c| c.get(l)?.get(i).copied()).unwrap_or(0),
                likelihood: l + 1,
                impact: i + 1,
            });
        }
    }
    GridView {
        title,
        side: SIDE,
        filter,
        width: MARGIN + cols * CELL,
        height: rows * CELL + MARGIN,
        cells,
        not_assessed,
        x_ticks: (0..cols as usize)
            .map(|i| (MARGIN + i as u32 * CELL + CELL / 2, i + 1))
            .collect(),
        y_ticks: (0..rows as usize)
            .map(|l| ((rows - 1 - l as u32) * CELL + CELL / 2, l + 1))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "risk_heatmap.html")]
struct HeatMapPage {
    layout: Layout,
    slug: String,
    method: MethodVersion,
    map: HeatMap,
    grids: Vec<GridView>,
    /// Acceptances that are voided, expired or expire within [`EXPIRING_DAYS`].
    acceptances: Vec<AcceptanceRow>,
    today: String,
}

/// How far ahead an acceptance's expiry is shown as coming.
const EXPIRING_DAYS: i64 = 30;

struct AcceptanceRow {
    risk_id: String,
    risk_title: String,
    status: String,
    /// Voided or expired (not only expiring).
    attention: bool,
    expires_on: String,
}

async fn heat_map_page(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    let (method, map) = s.app.risk_heat_map(&w.scope).await?;
    let grids = (0..3).map(|i| assessment_grid(&method, &map, i)).collect();
    let today = s.app.today();
    let soon = super::when::add_days(&today, EXPIRING_DAYS);
    let acceptances = s
        .app
        .accepted_risks(&w.scope)
        .await?
        .into_iter()
        .filter(|(_, a, st)| !st.is_valid() || a.expires_on < soon)
        .map(|(risk, a, st)| AcceptanceRow {
            risk_id: risk.id,
            risk_title: risk.title,
            status: match &st {
                aims_domain::risk::AcceptanceStatus::Valid => "Expires soon".to_owned(),
                other => other.label(),
            },
            attention: !st.is_valid(),
            expires_on: a.expires_on,
        })
        .collect();
    Ok(render(&HeatMapPage {
        layout: Layout::new(&w.user, "risk-heatmap").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        method,
        map,
        grids,
        acceptances,
        today,
    }))
}

#[derive(Template)]
#[template(path = "risk_method.html")]
struct MethodPage {
    layout: Layout,
    slug: String,
    method: MethodVersion,
    grid: GridView,
    versions: Vec<MethodVersion>,
    can_edit: bool,
    json: String,
    /// The grid editor, showing the method (or the draft just sent).
    form: MethodForm,
    note: String,
    errors: FieldErrors,
    conflict: bool,
    /// What the change just saved did to the register.
    change: Option<ChangeView>,
}

/// Risks shown by name in the change report (the API lists them all).
const REPORT_SHOWN: usize = 100;

/// A method change's report, as people read it.
struct ChangeView {
    version: i64,
    rescored: usize,
    /// (risk id, title, assessment, from band, to band)
    moved: Vec<(String, String, &'static str, String, String)>,
    moved_total: usize,
    /// (risk id, title, assessment)
    needs: Vec<(String, String, &'static str)>,
    needs_total: usize,
}

async fn change_view(
    s: &AppState,
    w: &WsPage,
    change: aims_app::MethodChange,
) -> Result<ChangeView, PageError> {
    let title = |id: String| async move {
        let t = s
            .app
            .linked_record(&w.scope, &id)
            .await
            .map(|l| l.title)
            .unwrap_or_default();
        (id, t)
    };
    let mut moved = vec![];
    for m in change.report.moved.iter().take(REPORT_SHOWN) {
        let (id, t) = title(m.id.clone()).await;
        moved.push((
            id,
            t,
            m.which.label(),
            m.from_band.clone(),
            m.to_band.clone(),
        ));
    }
    let mut needs = vec![];
    for n in change.report.needs_reassessment.iter().take(REPORT_SHOWN) {
        let (id, t) = title(n.id.clone()).await;
        needs.push((id, t, n.which.label()));
    }
    Ok(ChangeView {
        version: change.method.version,
        rescored: change.rescored,
        moved_total: change.report.moved.len(),
        needs_total: change.report.needs_reassessment.len(),
        moved,
        needs,
    })
}

async fn method_view(s: &AppState, w: &WsPage) -> Result<MethodPage, PageError> {
    let method = s.app.risk_method(&w.scope).await?;
    let versions = s.app.risk_method_versions(&w.scope).await?;
    let json = serde_json::to_string_pretty(&method.method).unwrap_or_default();
    Ok(MethodPage {
        layout: Layout::new(&w.user, "risk-method").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        grid: grid_view(&method, "Grid", "inherent_band", None, 0),
        can_edit: w.scope.can(Action::Approve),
        form: form_of(&method.method),
        method,
        versions,
        json,
        note: String::new(),
        errors: FieldErrors::new(),
        conflict: false,
        change: None,
    })
}

async fn method_page(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&method_view(&s, &w).await?))
}

async fn set_method(
    State(s): State<AppState>,
    w: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |name: &str| super::form_value(&form, name).to_owned();
    w.user.check_csrf(&get("csrf"))?;
    let based_on = get("based_on").trim().parse::<i64>().ok();
    let note = get("note");
    // The grid editor, or the method as JSON.
    let (parsed, draft) = if get("editor") == "grid" {
        let (draft, errors) = method_from_form(&form);
        if get("action") == "preview" || !errors.is_empty() {
            let mut page = method_view(&s, &w).await?;
            page.form = form_of(&draft);
            page.note = note;
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page.errors = errors;
            return Ok((status, render(&page)).into_response());
        }
        (
            serde_json::to_value(&draft).map_err(|e| AppError::Internal(e.to_string())),
            Some(draft),
        )
    } else {
        (
            serde_json::from_str::<serde_json::Value>(&get("method"))
                .map_err(|e| AppError::field("method", format!("is not JSON: {e}"))),
            None,
        )
    };
    let result = match parsed {
        Ok(v) => s.app.set_risk_method(&w.scope, based_on, &v, &note).await,
        Err(e) => Err(e),
    };
    let (errors, conflict) = match result {
        Ok(change) if change.changed => {
            // The change report on the page: what moved, what lost a level.
            let mut page = method_view(&s, &w).await?;
            page.change = Some(change_view(&s, &w, change).await?);
            return Ok(render(&page));
        }
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/w/{}/risk-method", w.scope.workspace.slug)).into_response(),
            )
        }
        Err(AppError::Validation(errors)) => (errors, false),
        Err(AppError::Conflict { .. }) => (FieldErrors::new(), true),
        Err(e) => return Err(e.into()),
    };
    let mut page = method_view(&s, &w).await?;
    match draft {
        Some(d) => page.form = form_of(&d),
        None => page.json = get("method"),
    }
    page.note = note;
    page.errors = errors;
    page.conflict = conflict;
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}
