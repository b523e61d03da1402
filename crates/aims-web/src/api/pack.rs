//! `GET /api/v1/workspaces/{workspace}/pack`: the signed evidence pack as a
//! zip download (also `/w/{ws}/pack` on the pages), made on the fly into a
//! scratch file and streamed from it.

use super::extract::ApiQuery;
use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{AppError, PackOptions, Scope};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pack))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackQuery {
    /// Only evidence files added on or after this day (`YYYY-MM-DD`); the history from it.
    from: Option<String>,
    /// Only evidence files added on or before this day (`YYYY-MM-DD`).
    to: Option<String>,
    /// Only the evidence of these Annex A controls, comma-separated (`A.6.2.4,A.5.2`).
    controls: Option<String>,
}

impl PackQuery {
    pub(crate) fn options(&self) -> Result<PackOptions, AppError> {
        PackOptions::parse(
            self.from.as_deref(),
            self.to.as_deref(),
            self.controls.as_deref().unwrap_or(""),
        )
    }
}

/// Streams the pack of `ws` as an attachment named after the workspace and day.
pub(crate) async fn send_pack(
    s: &AppState,
    ws: &Scope,
    options: &PackOptions,
) -> Result<Response, AppError> {
    let (file, size, report) = s.app.export_pack_file(ws, options).await?;
    let mut resp = super::evidence::file_body(tokio::fs::File::from_std(file)).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    let name = format!(
        "attachment; filename=\"aims-pack-{}-{}.zip\"",
        ws.workspace.slug,
        report.manifest.created_at.get(..10).unwrap_or("")
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&report.public_key) {
        h.insert("x-aims-pack-key", v);
    }
    Ok(resp)
}

/// The evidence pack: every record, the SoA, the registers, documents,
/// readiness, evidence files by control and the history, with a manifest
/// of each file's SHA-256 signed with the instance's Ed25519 key (its
/// public half in `X-Aims-Pack-Key`; check with `aims pack verify`).
#[utoipa::path(operation_id = "pack", get, path = "/api/v1/workspaces/{workspace}/pack", tag = "readiness",
    extensions(("x-aims-requires" = json!("export"))),
    params(("workspace" = String, Path, description = "Workspace slug"), PackQuery),
    responses((status = 200, description = "The pack (application/zip)"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pack(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<PackQuery>,
) -> Result<Response, ApiError> {
    let options = q.options()?;
    Ok(send_pack(&s, &ws, &options).await?)
}
