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
    /// Columns aims did not recognise, offered for mapping to fields.
    pub mapping: Option<MappingView>,
}

/// The form that maps unrecognised columns and sends the same file again.
pub struct MappingView {
    /// (header, the field it is mapped to now, if any)
    pub columns: Vec<(String, String)>,
    /// (name, label) of the fields a column can go to.
    pub fields: Vec<(&'static str, &'static str)>,
    /// The file, carried in the form when it is small enough; else it is chosen again.
    pub file_b64: Option<String>,
    pub file_name: String,
}

/// Largest file carried in the mapping form (base64 in the page).
const CARRY_MAX: usize = 4 << 20;

async fn import(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let bad = |_| PageError::BadForm("The upload could not be read; try again.".into());
    let (mut csrf, mut mode, mut file, mut name) =
        (String::new(), String::new(), vec![], String::new());
    let (mut headers, mut targets) = (vec![], vec![]);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "mode" => mode = field.text().await.map_err(bad)?,
            "column" => headers.push(field.text().await.map_err(bad)?),
            "field" => targets.push(field.text().await.map_err(bad)?),
            "file_name" if file.is_empty() => {
                name = field
                    .text()
                    .await
                    .map_err(bad)?
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(200)
                    .collect();
            }
            "file_b64" if file.is_empty() => {
                use base64::Engine as _;
                let text = field.text().await.map_err(bad)?;
                file = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|_| {
                        PageError::BadForm(
                            "The carried file could not be read; choose it again.".into(),
                        )
                    })?;
            }
            "file" if file.is_empty() => {
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
    let mapping: Vec<(String, String)> = headers.into_iter().zip(targets).collect();
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
            mapping: None,
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
                mapping: None,
                file: name,
            },
            Err(AppError::Validation(e)) => failed(name, &e),
            Err(e) => return Err(e.into()),
        }
    } else {
        match s
            .app
            .import_table_mapped(scope, kind, &file, mode, &mapping, &|_, _| {})
            .await
        {
            Ok(r) => ImportView {
                mapping: mapping_view(kind, &r.ignored_columns, &mapping, &file, &name),
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
        mapping: None,
    }
}

/// The mapping form, when some columns were not recognised or were mapped
/// (so a mapping can be changed before the real import).
fn mapping_view(
    kind: &'static Kind,
    ignored: &[String],
    mapped: &[(String, String)],
    file: &[u8],
    name: &str,
) -> Option<MappingView> {
    if ignored.is_empty() && mapped.is_empty() {
        return None;
    }
    let mut columns: Vec<(String, String)> = mapped.to_vec();
    columns.extend(ignored.iter().map(|h| (h.clone(), String::new())));
    use base64::Engine as _;
    Some(MappingView {
        columns,
        fields: kind
            .fields
            .iter()
            .filter(|f| !f.computed)
            .map(|f| (f.name, f.label))
            .collect(),
        file_b64: (file.len() <= CARRY_MAX)
            .then(|| base64::engine::general_purpose::STANDARD.encode(file)),
        file_name: name.to_owned(),
    })
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
