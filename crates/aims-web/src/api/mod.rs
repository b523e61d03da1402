//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//! Each module owns its routes; they are merged here.

mod catalog;
mod extract;
mod history;
mod systems;
mod workspaces;

use crate::AppState;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use extract::{ApiJson, ApiQuery};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "aims API",
        description = "AI management system (ISO/IEC 42001). Authenticate with an API token: `Authorization: Bearer aims_…`. Errors are `application/problem+json` naming the field at fault.",
        license(name = "Apache-2.0 OR MIT")
    ),
    paths(
        workspaces::me,
        workspaces::list_workspaces,
        workspaces::create_workspace,
        workspaces::list_members,
        workspaces::set_member,
        workspaces::remove_member,
        workspaces::list_tokens,
        workspaces::create_token,
        workspaces::revoke_token,
        systems::list_systems,
        systems::create_system,
        systems::get_system,
        systems::update_system,
        systems::delete_system,
        history::system_history,
        history::activity,
        catalog::list_frameworks,
        catalog::get_framework,
        catalog::get_item,
        catalog::list_mappings,
        catalog::search,
        catalog::import,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "workspaces", description = "Workspaces, members and API tokens"),
        (name = "systems", description = "The AI system inventory"),
        (name = "history", description = "The tamper-evident change history"),
        (name = "catalog", description = "Frameworks, controls and crosswalks"),
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

/// The OpenAPI 3 document, generated from the handlers' annotations.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(|| async {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json(),
                )
            }),
        )
        .merge(workspaces::router())
        .merge(systems::router())
        .merge(history::router())
        .merge(catalog::router())
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
