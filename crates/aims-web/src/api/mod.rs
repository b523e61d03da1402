//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//! Each module owns its routes; they are merged here.

mod auditors;
mod audits;
mod catalog;
mod classification;
mod documents;
mod evidence;
pub(crate) use evidence::send_file as evidence_file;
mod extract;
mod findings;
mod history;
mod impacts;
mod journals;
mod metrics;
mod monitoring;
pub(crate) mod pack;
mod questionnaires;
mod readiness;
mod record_doc;
mod records;
mod reports;
mod reviews;
mod risks;
mod soa;
mod tasks;
mod webhooks;
mod workspaces;

use crate::AppState;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use extract::{ApiJson, ApiJsonText, ApiQuery};
pub use records::record_json;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "aims API",
        description = "AI management system (ISO/IEC 42001). Authenticate with an API token: `Authorization: Bearer aims_…`. Errors are `application/problem+json` naming the field at fault.",
        license(name = "Apache-2.0 OR MIT")
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "workspaces", description = "Workspaces, members and API tokens"),
        (name = "systems", description = "The AI system inventory"),
        (name = "history", description = "The tamper-evident change history"),
        (name = "catalog", description = "Frameworks, controls and crosswalks"),
        (name = "webhooks", description = "Outgoing webhooks: signed history events sent to a URL, and their delivery log"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Every API route, registered together with its OpenAPI operation (so no
/// route can exist undocumented). Each operation names what it requires in
/// `x-aims-requires`: a workspace action (`read`, `create`, `update`,
/// `delete`, `administer`), `signed-in` (any caller) or `admin` (an instance
/// administrator); the authorization matrix test is generated from that.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(workspaces::routes())
        .merge(records::routes())
        .merge(classification::routes())
        .merge(risks::routes())
        .merge(impacts::routes())
        .merge(soa::routes())
        .merge(documents::routes())
        .merge(questionnaires::routes())
        .merge(metrics::routes())
        .merge(monitoring::routes())
        .merge(findings::routes())
        .merge(audits::routes())
        .merge(reviews::routes())
        .merge(readiness::routes())
        .merge(auditors::routes())
        .merge(pack::routes())
        .merge(reports::routes())
        .merge(tasks::routes())
        .merge(evidence::routes())
        .merge(history::routes())
        .merge(catalog::routes())
        .merge(webhooks::routes())
        .split_for_parts()
}

/// The OpenAPI 3 document, generated from the route table.
pub fn openapi_json() -> String {
    routes().1.to_pretty_json().unwrap_or_default()
}

pub fn router() -> Router<AppState> {
    let (api, doc) = routes();
    let doc = doc.to_pretty_json().unwrap_or_default();
    api.route(
        "/api/openapi.json",
        get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                doc,
            )
        }),
    )
    .fallback(fallback)
}

/// Unknown paths under the API answer with a problem document too.
async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        crate::error::ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "Not found",
            format!("no API route {}", uri.path()),
        )
        .into_response()
    } else {
        crate::pages::not_found().into_response()
    }
}
