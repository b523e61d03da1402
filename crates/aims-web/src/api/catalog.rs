//! `/api/v1/catalog/…`: frameworks, items with their crosswalks, search, and
//! imports of an organisation's own frameworks (administrators).

use super::ApiQuery;
use crate::auth::{AdminCaller, ApiCaller};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::catalogue::{Framework, Item, Mapped};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Catalogue routes, each registered with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_frameworks))
        .routes(routes!(get_framework))
        .routes(routes!(get_item))
        .routes(routes!(list_mappings))
        .routes(routes!(eu_ai_act_questionnaire))
        .routes(routes!(search))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import))
                .layer(DefaultBodyLimit::max(aims_app::MAX_IMPORT_BYTES)),
        )
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkOut {
    id: String,
    name: String,
    title: String,
    version: String,
    publisher: String,
    /// standard, regulation, framework, internal or catalog.
    kind: String,
    description: String,
    builtin: bool,
    /// aims-toml or oscal-json.
    format: String,
    /// Number of items of each kind, e.g. `{"control": 38}`.
    counts: BTreeMap<String, usize>,
}

impl From<&Framework> for FrameworkOut {
    fn from(f: &Framework) -> Self {
        FrameworkOut {
            id: f.id.clone(),
            name: f.name.clone(),
            title: f.title.clone(),
            version: f.version.clone(),
            publisher: f.publisher.clone(),
            kind: f.kind.clone(),
            description: f.description.clone(),
            builtin: f.builtin,
            format: f.format.clone(),
            counts: f.counts(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkList {
    items: Vec<FrameworkOut>,
}

/// Every framework in the catalogue: built-in and imported.
#[utoipa::path(get, path = "/api/v1/catalog/frameworks", tag = "catalog",
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = FrameworkList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_frameworks(
    State(s): State<AppState>,
    _caller: ApiCaller,
) -> Result<Json<FrameworkList>, ApiError> {
    let c = s.app.catalog().await?;
    Ok(Json(FrameworkList {
        items: c.frameworks().iter().map(FrameworkOut::from).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    id: String,
    kind: String,
    parent: Option<String>,
    title: String,
    summary: String,
    /// What the item asks an organisation to do or show (aims' guidance).
    asks: String,
    /// What auditors typically expect to see.
    evidence: Vec<String>,
    /// Kinds of aims record that satisfy or support it.
    aims_records: Vec<String>,
    applies_to: String,
    applies_from: String,
    normative: bool,
}

impl From<&Item> for ItemOut {
    fn from(i: &Item) -> Self {
        ItemOut {
            id: i.id.clone(),
            kind: i.kind.clone(),
            parent: i.parent.clone(),
            title: i.title.clone(),
            summary: i.summary.clone(),
            asks: i.asks.clone(),
            evidence: i.evidence.clone(),
            aims_records: i.aims_records.clone(),
            applies_to: i.applies_to.clone(),
            applies_from: i.applies_from.clone(),
            normative: i.normative,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkDetail {
    #[serde(flatten)]
    framework: FrameworkOut,
    /// Items in document order; `parent` gives the tree.
    items: Vec<ItemOut>,
}

fn framework_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found", "framework not found")
}

/// One framework with all its items.
#[utoipa::path(get, path = "/api/v1/catalog/frameworks/{framework}", tag = "catalog",
    extensions(("x-aims-requires" = json!("signed-in"))),
    params(("framework" = String, Path, description = "Framework id, e.g. iso42001")),
    responses((status = 200, body = FrameworkDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_framework(
    State(s): State<AppState>,
    _caller: ApiCaller,
    Path(fw): Path<String>,
) -> Result<Json<FrameworkDetail>, ApiError> {
    let c = s.app.catalog().await?;
    let f = c.framework(&fw).ok_or_else(framework_not_found)?;
    Ok(Json(FrameworkDetail {
        framework: f.into(),
        items: f.items.iter().map(ItemOut::from).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MappedOut {
    framework: String,
    framework_name: String,
    id: String,
    title: String,
    /// How the requested item relates to this one: equal, subset, superset, intersects.
    relationship: String,
    strength: Option<String>,
    note: String,
    /// The mapping set the pair comes from, and who made it.
    mapping_set: String,
    provenance: String,
}

impl From<&Mapped<'_>> for MappedOut {
    fn from(m: &Mapped<'_>) -> Self {
        MappedOut {
            framework: m.framework.id.clone(),
            framework_name: m.framework.name.clone(),
            id: m.item.id.clone(),
            title: m.item.title.clone(),
            relationship: m.relationship.to_string(),
            strength: m.strength.map(str::to_owned),
            note: m.note.to_owned(),
            mapping_set: m.set.id.clone(),
            provenance: m.set.provenance.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemDetail {
    framework: String,
    #[serde(flatten)]
    item: ItemOut,
    children: Vec<String>,
    /// What this item maps to in every other framework.
    mappings: Vec<MappedOut>,
}

/// One item with its guidance and its mappings to other frameworks.
#[utoipa::path(get, path = "/api/v1/catalog/frameworks/{framework}/items/{item}", tag = "catalog",
    extensions(("x-aims-requires" = json!("signed-in"))),
    params(("framework" = String, Path, description = "Framework id"), ("item" = String, Path, description = "Item id, e.g. A.6.2.6 (URL-encoded)")),
    responses((status = 200, body = ItemDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_item(
    State(s): State<AppState>,
    _caller: ApiCaller,
    Path((fw, id)): Path<(String, String)>,
) -> Result<Json<ItemDetail>, ApiError> {
    let c = s.app.catalog().await?;
    let f = c.framework(&fw).ok_or_else(framework_not_found)?;
    let item = f.item(&id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("{fw} has no item {id}"),
        )
    })?;
    Ok(Json(ItemDetail {
        framework: f.id.clone(),
        item: item.into(),
        children: f.children(Some(&item.id)).map(|i| i.id.clone()).collect(),
        mappings: c
            .mappings_of(&f.id, &item.id)
            .iter()
            .map(MappedOut::from)
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MappingSetOut {
    id: String,
    name: String,
    source: String,
    target: String,
    provenance: String,
    builtin: bool,
    pairs: usize,
}

#[derive(Serialize, ToSchema)]
pub struct MappingSetList {
    items: Vec<MappingSetOut>,
}

#[derive(Serialize, ToSchema)]
pub struct Questionnaire {
    /// The EU AI Act classification questions in the order a person answers
    /// them: a stable `id`, our own `text`, the `answer` it takes (yes/no,
    /// one or several option ids, a number), the article or annex point it
    /// `rests_on`, and the `condition` under which it is asked.
    #[schema(value_type = Vec<Object>)]
    questions: &'static [aims_domain::eu_ai_act::Question],
}

/// The EU AI Act classification questionnaire (answers go to a system's classification).
#[utoipa::path(get, path = "/api/v1/catalog/eu-ai-act/questionnaire", tag = "catalog",
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = Questionnaire), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn eu_ai_act_questionnaire(_caller: ApiCaller) -> Json<Questionnaire> {
    Json(Questionnaire {
        questions: aims_domain::eu_ai_act::questionnaire(),
    })
}

/// The crosswalks between frameworks.
#[utoipa::path(get, path = "/api/v1/catalog/mappings", tag = "catalog",
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = MappingSetList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_mappings(
    State(s): State<AppState>,
    _caller: ApiCaller,
) -> Result<Json<MappingSetList>, ApiError> {
    let c = s.app.catalog().await?;
    let items = c
        .mapping_sets()
        .iter()
        .map(|m| MappingSetOut {
            id: m.id.clone(),
            name: m.name.clone(),
            source: m.source.clone(),
            target: m.target.clone(),
            provenance: m.provenance.clone(),
            builtin: m.builtin,
            pairs: m.pairs.len(),
        })
        .collect();
    Ok(Json(MappingSetList { items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find in ids, titles, summaries and guidance (required).
    #[param(required = true, value_type = String)]
    q: Option<String>,
    /// At most this many hits, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    framework: String,
    framework_name: String,
    id: String,
    kind: String,
    title: String,
    summary: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    items: Vec<SearchHit>,
}

/// Full-text search across every framework.
#[utoipa::path(get, path = "/api/v1/catalog/search", tag = "catalog", params(SearchParams),
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = SearchResult), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(s): State<AppState>,
    _caller: ApiCaller,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResult>, ApiError> {
    let q = p.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(ApiError::bad_request(
            Some("q"),
            "q must contain a word to search for",
        ));
    }
    let limit = match p.limit.as_deref().filter(|l| !l.is_empty()) {
        None => 50,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=200).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    Some("limit"),
                    "limit must be a whole number from 1 to 200",
                ))
            }
        },
    };
    let c = s.app.catalog().await?;
    let items = c
        .search(&q, limit)
        .into_iter()
        .map(|h| SearchHit {
            framework: h.framework.id.clone(),
            framework_name: h.framework.name.clone(),
            id: h.item.id.clone(),
            kind: h.item.kind.clone(),
            title: h.item.title.clone(),
            summary: h.item.summary.clone(),
        })
        .collect();
    Ok(Json(SearchResult { items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Framework id to use for an OSCAL catalog (default: derived from its title).
    id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    /// framework or mapping_set.
    kind: String,
    id: String,
    name: String,
    version: i64,
    /// Items of a framework, or pairs of a mapping set.
    entries: usize,
}

/// Imports a framework (aims TOML or an OSCAL catalog in JSON) or a mapping set
/// (aims TOML); the body is the file. Administrators only. Validated whole:
/// an invalid file answers 422 naming line and field and imports nothing.
#[utoipa::path(post, path = "/api/v1/catalog/imports", tag = "catalog", params(ImportParams),
    extensions(("x-aims-requires" = json!("admin"))),
    request_body(content = String, description = "The file, as application/toml or application/json", content_type = "application/toml"),
    responses((status = 201, body = ImportOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    State(s): State<AppState>,
    AdminCaller(p): AdminCaller,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ImportOut>), ApiError> {
    let body = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                rej.status(),
                "Payload too large",
                format!(
                    "The file is larger than {} MB.",
                    aims_app::MAX_IMPORT_BYTES / 1024 / 1024
                ),
            )
        } else {
            ApiError::bad_request(Some("file"), "The file could not be read.")
        }
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request(Some("file"), "the file must be UTF-8 text"))?;
    let r = s
        .app
        .import_catalog(&p, text, q.id.as_deref().filter(|i| !i.is_empty()))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportOut {
            kind: r.kind.into(),
            id: r.id,
            name: r.name,
            version: r.version,
            entries: r.entries,
        }),
    ))
}
