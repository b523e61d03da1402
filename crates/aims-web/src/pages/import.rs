//! The import form of every kind's list page: a CSV or XLSX file of records
//! of that kind, or (on the AI systems page) a model card or CycloneDX BOM;
//! checked only, imported all-or-nothing, or the sound rows only. The result
//! is shown on the list page: counts, and each problem with its line and column.

use super::records::{form_views, list_view, path, ListPage};
use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::{AppError, ImportMode};
use aims_domain::record::Kind;
use aims_domain::{Action, FieldErrors};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

pub(super) fn route(k: &'static Kind) -> PageRoute {
    PageRoute::new(
        Method::POST,
        path(k, "/import"),
        PageRequires::Workspace(Action::Create),
        axum::routing::post(move |s: State<AppState>, w: WsPage, m: Multipart| import(k, s, w, m))
            .layer(DefaultBodyLimit::max(
                aims_app::MAX_IMPORT_FILE_BYTES + 64 * 1024,
            )),
    )
}

/// An import's outcome as the list page shows it.
pub struct ImportView {
    pub file: String,
    pub summary: String,
    pub ok: bool,
    /// (line, column, message)
    pub problems: Vec<(String, String, String)>,
    pub notes: Vec<String>,
}

async fn import(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let bad = |_| PageError::BadForm("The upload could not be read; try again.".into());
    let (mut csrf, mut mode, mut file, mut name) =
        (String::new(), String::new(), vec![], String::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "mode" => mode = field.text().await.map_err(bad)?,
            "file" => {
                name = field
                    .file_name()
                    .map(|n| n.chars().filter(|c| !c.is_control()).take(200).collect())
                    .unwrap_or_default();
                file = field.bytes().await.map_err(bad)?.to_vec();
            }
            _ => {}
        }
    }
    w.user.check_csrf(&csrf)?;
    let mode = ImportMode::from_param(Some(&mode))
        .map_err(|m| PageError::BadForm(format!("The import mode {m}.")))?;
    let scope = &w.scope;
    let view = if file.is_empty() {
        ImportView {
            file: name,
            summary: "Choose a file to import.".into(),
            ok: false,
            problems: vec![],
            notes: vec![],
        }
    } else if aims_app::is_inventory_file(&name, &file) {
        match s.app.import_inventory_file(scope, &name, &file, mode).await {
            Ok(r) => ImportView {
                summary: summary(
                    mode,
                    r.written,
                    r.created,
                    r.updated,
                    r.unchanged,
                    r.links_added,
                    0,
                ),
                ok: r.written || (mode == ImportMode::DryRun && r.problems.is_empty()),
                problems: r
                    .problems
                    .into_iter()
                    .map(|p| (String::new(), String::new(), p))
                    .collect(),
                notes: r.warnings,
                file: name,
            },
            Err(AppError::Validation(e)) => failed(name, &e),
            Err(e) => return Err(e.into()),
        }
    } else {
        match s
            .app
            .import_table(scope, kind, &file, mode, &|_, _| {})
            .await
        {
            Ok(r) => ImportView {
                summary: summary(
                    mode,
                    r.written,
                    r.created,
                    r.updated,
                    r.unchanged,
                    0,
                    r.skipped,
                ),
                ok: r.problems.is_empty(),
                problems: r
                    .problems
                    .into_iter()
                    .take(500)
                    .map(|p| (p.line.to_string(), p.column.unwrap_or(p.field), p.message))
                    .collect(),
                notes: r
                    .ignored_columns
                    .into_iter()
                    .map(|c| format!("Column “{c}” names no field and was ignored."))
                    .chain((r.foreign_ids > 0).then(|| format!(
                        "{} row(s) named an id of no record here (a file from another workspace?): they were matched by name or added as new.",
                        r.foreign_ids
                    )))
                    .collect(),
                file: name,
            },
            Err(AppError::Validation(e)) => failed(name, &e),
            Err(e) => return Err(e.into()),
        }
    };
    let members = s.app.members(scope).await?;
    let status = if view.ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ListPage {
        can_create: true,
        layout: Layout::new(&w.user, kind.page).in_workspace(scope),
        slug: scope.workspace.slug.clone(),
        kind,
        list: list_view(&s, scope, kind, BTreeMap::new(), &members).await?,
        fields: form_views(
            &s,
            scope,
            kind,
            &BTreeMap::new(),
            &members,
            &FieldErrors::new(),
        )
        .await?,
        import: Some(view),
    };
    Ok((status, render(&page)).into_response())
}

fn failed(file: String, e: &FieldErrors) -> ImportView {
    ImportView {
        file,
        summary: format!("The file cannot be imported: {}", e.summary()),
        ok: false,
        problems: vec![],
        notes: vec![],
    }
}

fn summary(
    mode: ImportMode,
    written: bool,
    created: usize,
    updated: usize,
    unchanged: usize,
    links: usize,
    skipped: usize,
) -> String {
    let counts = format!(
        "{created} new, {updated} changed, {unchanged} unchanged{}{}",
        if links > 0 {
            format!(", {links} links")
        } else {
            String::new()
        },
        if skipped > 0 {
            format!(", {skipped} rows with problems left out")
        } else {
            String::new()
        }
    );
    match (mode, written) {
        (ImportMode::DryRun, _) => format!("Checked, nothing written: {counts}."),
        (_, true) => format!("Imported: {counts}."),
        (_, false) => {
            "Nothing was imported: fix the problems below, or import the sound rows only.".into()
        }
    }
}
