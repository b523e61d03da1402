//! Evidence on the pages: a file added to an evidence item as its next
//! version (`POST /w/{ws}/evidence/{id}/upload`, multipart: the CSRF token
//! first, then the file, streamed into the blob store) and the inline
//! preview of a version (`GET /w/{ws}/evidence/{id}/files/{number}`; a
//! download unless the type is an image, PDF or text). The cards on the
//! record page (an item's files; a control's evidence and crosswalk) are
//! rendered by `record.rs`.

use super::{PageError, PageRequires, PageRoute};
use crate::auth::{RecordId, VersionNumber, WsPage};
use crate::AppState;
use aims_app::{Push, PushedFile};
use aims_domain::evidence::file_name;
use aims_domain::Action;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::new(
            axum::http::Method::POST,
            "/w/{ws}/evidence/{id}/upload",
            W(Action::Create),
            axum::routing::post(upload).layer(DefaultBodyLimit::disable()),
        ),
        PageRoute::get(
            "/w/{ws}/evidence/{id}/files/{number}",
            W(Action::Read),
            file,
        ),
    ]
}

async fn upload(
    State(s): State<AppState>,
    w: WsPage,
    RecordId(id): RecordId,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let bad = |_| PageError::BadForm("The upload could not be read; try again.".into());
    let mut csrf_checked = false;
    let mut files = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => {
                let token = field.text().await.map_err(bad)?;
                w.user.check_csrf(&token)?;
                csrf_checked = true;
            }
            // The token comes first: nothing is stored for a forged form.
            "file" if csrf_checked => {
                let Some(name) = field.file_name().and_then(file_name) else {
                    continue; // no file chosen
                };
                let mut writer = s.app.evidence_writer(&w.scope)?;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    writer.write(chunk).await.map_err(|e| match e {
                        aims_app::store::blobs::BlobError::TooLarge { limit } => {
                            PageError::App(aims_app::AppError::TooLarge(limit))
                        }
                        other => PageError::App(aims_app::AppError::Internal(other.to_string())),
                    })?;
                }
                let stored = writer
                    .finish()
                    .await
                    .map_err(|e| PageError::App(aims_app::AppError::Internal(e.to_string())))?;
                files.push(PushedFile {
                    file_name: name,
                    stored,
                });
            }
            _ if !csrf_checked => return Err(PageError::Csrf),
            _ => {}
        }
    }
    if !csrf_checked {
        return Err(PageError::Csrf);
    }
    if files.is_empty() {
        return Err(PageError::BadForm("Choose a file to upload.".into()));
    }
    s.app
        .push_evidence(
            &w.scope,
            Push {
                evidence_id: Some(id.clone()),
                source: "manual".into(),
                files,
                ..Push::default()
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/evidence/{id}?flash=uploaded",
        w.scope.workspace.slug
    ))
    .into_response())
}

async fn file(
    State(s): State<AppState>,
    w: WsPage,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
) -> Result<Response, PageError> {
    Ok(crate::api::evidence_file(&s, &w.scope, &id, number, true).await?)
}

/// A file size as people read it: `512 B`, `3.4 KB`, `1.2 GB` (powers of 1000).
pub(crate) fn size_text(n: &i64) -> String {
    let n = *n as f64;
    match n {
        n if n < 1000.0 => format!("{n} B"),
        n if n < 1e6 => format!("{:.1} KB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.2} GB", n / 1e9),
    }
}

/// The CI run a version came from, as one line (empty outside CI).
pub(crate) fn ci_text(ci: &str) -> String {
    let Ok(run) = serde_json::from_str::<aims_domain::evidence::CiRun>(ci) else {
        return String::new();
    };
    let mut parts = vec![run.system.clone()];
    for (label, v) in [
        ("repository", &run.repository),
        ("branch", &run.branch),
        ("commit", &run.commit),
        ("pipeline", &run.pipeline),
        ("run", &run.run),
    ] {
        if !v.is_empty() {
            parts.push(format!("{label} {v}"));
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_and_runs_read_as_people_read_them() {
        assert_eq!(super::size_text(&512), "512 B");
        assert_eq!(super::size_text(&3_400), "3.4 KB");
        assert_eq!(super::size_text(&1_073_741_824), "1.07 GB");
        assert_eq!(super::ci_text("{}"), "");
        assert_eq!(
            super::ci_text(r#"{"system": "github-actions", "commit": "4f2a", "run": "88"}"#),
            "github-actions · commit 4f2a · run 88"
        );
    }
}
