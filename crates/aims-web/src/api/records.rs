//! `/api/v1/workspaces/{workspace}/{kind}`: every kind of record through one
//! set of handlers (list, create, read, update, delete, export, links), each
//! route registered with the OpenAPI operation generated from the kind
//! (`record_doc.rs`).

use super::record_doc;
use super::{ApiJson, ApiQuery};
use crate::auth::{InWorkspace, LinkId, RecordId};
use crate::error::ApiError;
use crate::AppState;
use aims_app::store::{Page, RecordJson, RecordRow};
use aims_app::ListRequest;
use aims_domain::record::{FieldType, Input, Kind, KINDS};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;

/// Routes of every declared kind.
pub fn routes() -> OpenApiRouter<AppState> {
    KINDS.iter().fold(OpenApiRouter::new(), add_kind)
}

fn add_kind(router: OpenApiRouter<AppState>, kind: &'static Kind) -> OpenApiRouter<AppState> {
    // In the order `record_doc::paths` lists them.
    let mut paths = record_doc::paths(kind).into_iter();
    let mut schemas = Some(record_doc::schemas(kind));
    let mut next = |method_router| {
        let p = paths.next().unwrap_or_default();
        (schemas.take().unwrap_or_default(), p, method_router)
    };
    type Q = ApiQuery<BTreeMap<String, String>>;
    type Body = ApiJson<Map<String, Value>>;
    let collection =
        get(move |s: State<AppState>, w: InWorkspace, h: HeaderMap, q: Q| list(kind, s, w, h, q))
            .post(move |s: State<AppState>, w: InWorkspace, b: Body| create(kind, s, w, b));
    let export_route = get(move |s: State<AppState>, w: InWorkspace, q: Q| export(kind, s, w, q));
    let one = get(move |s: State<AppState>, w: InWorkspace, id: RecordId| read(kind, s, w, id))
        .put(
            move |s: State<AppState>, w: InWorkspace, id: RecordId, b: Body| {
                update(kind, s, w, id, b)
            },
        )
        .delete(move |s: State<AppState>, w: InWorkspace, id: RecordId| remove(kind, s, w, id));
    let links_route =
        get(move |s: State<AppState>, w: InWorkspace, id: RecordId| links(kind, s, w, id)).post(
            move |s: State<AppState>, w: InWorkspace, id: RecordId, b: ApiJson<LinkIn>| {
                link(kind, s, w, id, b)
            },
        );
    let import_route = post(
        move |s: State<AppState>, w: InWorkspace, q: Q, h: HeaderMap, b: Bytes| {
            import(kind, s, w, q, h, b)
        },
    )
    .layer(axum::extract::DefaultBodyLimit::max(
        aims_app::MAX_IMPORT_FILE_BYTES,
    ));
    let one_link = delete(
        move |s: State<AppState>, w: InWorkspace, id: RecordId, l: LinkId| {
            unlink(kind, s, w, id, l)
        },
    );
    let history_route = get(move |s: State<AppState>, w: InWorkspace, id: RecordId| {
        super::history::record_history(kind, s, w, id)
    });
    let router = router
        .routes(next(collection))
        .routes(next(export_route))
        .routes(next(one))
        .routes(next(links_route))
        .routes(next(import_route))
        .routes(next(one_link))
        .routes(next(history_route));
    let router = if aims_domain::journal::entry_types(kind.name).is_empty() {
        router
    } else {
        let entries_route = get(move |s: State<AppState>, w: InWorkspace, id: RecordId| {
            super::journals::entries(kind, s, w, id)
        })
        .post(
            move |s: State<AppState>,
                  w: InWorkspace,
                  id: RecordId,
                  b: ApiJson<super::journals::EntryIn>| {
                super::journals::add_entry(kind, s, w, id, b)
            },
        );
        router.routes(next(entries_route))
    };
    if kind.access.approve.is_none() {
        return router;
    }
    let approvals_route =
        get(move |s: State<AppState>, w: InWorkspace, id: RecordId| approvals(kind, s, w, id));
    let approve_route = post(
        move |s: State<AppState>, w: InWorkspace, id: RecordId, b: ApiJson<ApproveIn>| {
            approve(kind, s, w, id, b)
        },
    );
    router
        .routes(next(approvals_route))
        .routes(next(approve_route))
}

/// A record as the API shows it: its id, every declared field (text fields
/// without a value as empty strings, other fields as null; the owner as an
/// e-mail address), then version and dates. Serialised straight from the
/// stored row, without building an intermediate JSON value.
pub struct RecordOut<'a>(pub &'a Kind, pub &'a RecordRow);

/// [`RecordOut`] from a row whose fields are still the stored JSON text: each
/// value is copied out as it is, unparsed (lists of hundreds of records).
pub struct RecordJsonOut<'a>(pub &'a Kind, pub &'a RecordJson);

/// Reads a stored fields object into one slot per declared field (in the
/// declaration's order), each value left as its JSON text; keys the kind does
/// not declare are skipped.
struct FieldSlots<'k>(&'k Kind);

type Slots<'de> = Vec<Option<&'de serde_json::value::RawValue>>;

impl<'de> serde::de::DeserializeSeed<'de> for FieldSlots<'_> {
    type Value = Slots<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Slots<'de>, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FieldSlots<'_> {
    type Value = Slots<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of fields")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Slots<'de>, A::Error> {
        let mut slots: Slots<'de> = vec![None; self.0.fields.len()];
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match self.0.fields.iter().position(|f| f.name == key) {
                Some(i) => slots[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(slots)
    }
}

/// What a record shows besides its fields.
struct Head<'a> {
    id: &'a str,
    owner_email: &'a Option<String>,
    version: i64,
    created_at: &'a str,
    updated_at: &'a str,
    created_by: &'a str,
    updated_by: &'a str,
}

macro_rules! head {
    ($r:expr) => {
        Head {
            id: &$r.id,
            owner_email: &$r.owner_email,
            version: $r.version,
            created_at: &$r.created_at,
            updated_at: &$r.updated_at,
            created_by: &$r.created_by,
            updated_by: &$r.updated_by,
        }
    };
}

impl serde::Serialize for RecordOut<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let r = self.1;
        write_record(ser, self.0, head!(r), |_, name| r.fields.get(name))
    }
}

impl serde::Serialize for RecordJsonOut<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::de::DeserializeSeed;
        let (kind, r) = (self.0, self.1);
        let mut de = serde_json::Deserializer::from_str(&r.fields);
        let slots = FieldSlots(kind)
            .deserialize(&mut de)
            .map_err(serde::ser::Error::custom)?;
        write_record(ser, kind, head!(r), |i, _| slots.get(i).copied().flatten())
    }
}

fn write_record<S: serde::Serializer, V: serde::Serialize>(
    ser: S,
    kind: &Kind,
    h: Head<'_>,
    get: impl Fn(usize, &str) -> Option<V>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = ser.serialize_map(Some(kind.fields.len() + 6))?;
    m.serialize_entry("id", h.id)?;
    for (i, f) in kind.fields.iter().enumerate() {
        match (f.ty, get(i, f.name)) {
            (FieldType::Member, Some(_)) => m.serialize_entry(f.name, h.owner_email)?,
            (_, Some(v)) => m.serialize_entry(f.name, &v)?,
            (FieldType::Text { .. } | FieldType::LongText { .. }, None) => {
                m.serialize_entry(f.name, "")?
            }
            (_, None) => m.serialize_entry(f.name, &())?,
        }
    }
    m.serialize_entry("version", &h.version)?;
    m.serialize_entry("created_at", h.created_at)?;
    m.serialize_entry("updated_at", h.updated_at)?;
    m.serialize_entry("created_by", h.created_by)?;
    m.serialize_entry("updated_by", h.updated_by)?;
    m.end()
}

/// [`RecordOut`] as a JSON value (for callers that add to it).
pub fn record_json(kind: &Kind, r: &RecordRow) -> Value {
    serde_json::to_value(RecordOut(kind, r)).unwrap_or(Value::Null)
}

#[derive(serde::Serialize)]
struct PageOut<'a> {
    items: Vec<RecordJsonOut<'a>>,
    next: Option<String>,
}

/// Query parameters into a list request; `limit` must be a whole number 1–500.
pub fn list_request(mut q: BTreeMap<String, String>) -> Result<ListRequest, ApiError> {
    let limit = match q.remove("limit").as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => Some(n),
            _ => {
                return Err(ApiError::bad_request(
                    Some("limit"),
                    "limit must be a whole number from 1 to 500",
                ))
            }
        },
    };
    Ok(ListRequest {
        q: q.remove("q"),
        sort: q.remove("sort"),
        after: q.remove("after"),
        limit,
        filters: q,
    })
}

async fn list(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let render = |page: &Page<RecordJson>| {
        let body = PageOut {
            items: page.items.iter().map(|r| RecordJsonOut(kind, r)).collect(),
            next: page.next.clone(),
        };
        serde_json::to_vec(&body).map_err(|e| aims_app::AppError::Internal(e.to_string()))
    };
    let page = s
        .app
        .rendered_page(
            &ws,
            kind,
            &list_request(q)?,
            "api-json",
            freshness(&headers),
            render,
        )
        .await?;
    let etag = [(
        header::ETAG,
        HeaderValue::from_str(&page.etag)
            .map_err(|e| aims_app::AppError::Internal(e.to_string()))?,
    )];
    if has_page(&headers, &page.etag) {
        return Ok((StatusCode::NOT_MODIFIED, etag).into_response());
    }
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        etag,
        Bytes::from_owner(page.bytes),
    )
        .into_response())
}

/// Whether `If-None-Match` names `etag` (or is `*`): the client has the page
/// already. Compared weakly, as RFC 9110 (13.1.2) asks for this header.
fn has_page(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// `Cache-Control: no-cache` (or `Pragma: no-cache`) asks for a page read
/// and rendered again rather than the one kept since nothing changed.
fn freshness(headers: &HeaderMap) -> aims_app::Freshness {
    let no_cache = |name| {
        headers.get_all(name).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|d| d.trim().eq_ignore_ascii_case("no-cache"))
            })
        })
    };
    if no_cache(header::CACHE_CONTROL) || no_cache(header::PRAGMA) {
        aims_app::Freshness::Fresh
    } else {
        aims_app::Freshness::Kept
    }
}

async fn create(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let row = s.app.create_record(&ws, kind, Input::Json(&body)).await?;
    let row = s.app.record(&ws, kind, &row.id).await.unwrap_or(row);
    Ok((StatusCode::CREATED, Json(record_json(kind, &row))))
}

async fn read(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(record_json(
        kind,
        &s.app.record(&ws, kind, &id).await?,
    )))
}

async fn update(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let version = match body.remove("version") {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
        Some(_) => {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "version",
                "must be the whole number you read",
            ))
        }
        None => {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "version",
                "is required: send the version you read",
            ))
        }
    };
    s.app
        .update_record(&ws, kind, &id, version, Input::Json(&body))
        .await?;
    Ok(Json(record_json(
        kind,
        &s.app.record(&ws, kind, &id).await?,
    )))
}

async fn remove(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    s.app.delete_record(&ws, kind, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn export(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(mut q): ApiQuery<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let raw_format = q.remove("format");
    if kind.name == "systems" && raw_format.as_deref() == Some("cyclonedx") {
        let bytes = s.app.export_cyclonedx(&ws).await?;
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/vnd.cyclonedx+json"),
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
            "attachment; filename=\"{}-ai-inventory.cdx.json\"",
            ws.workspace.slug
        )) {
            h.insert(axum::http::header::CONTENT_DISPOSITION, v);
        }
        return Ok(resp);
    }
    let format = aims_app::export::Format::from_param(raw_format.as_deref())
        .map_err(|m| ApiError::bad_request(Some("format"), format!("format {m}")))?;
    let mut req = list_request(q)?;
    req.limit = None;
    let bytes = s.app.export_records(&ws, kind, &req, format).await?;
    Ok(crate::download(
        &ws.workspace.slug,
        &kind.file_stem(),
        format,
        bytes,
    ))
}

async fn links(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    let items = s.app.links(&ws, kind, &id).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
pub struct LinkIn {
    #[serde(default)]
    relation: String,
    #[serde(default)]
    to: String,
}

async fn link(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<LinkIn>,
) -> Result<Response, ApiError> {
    let view = s.app.link(&ws, kind, &id, &body.relation, &body.to).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn unlink(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    LinkId(link): LinkId,
) -> Result<StatusCode, ApiError> {
    s.app.unlink(&ws, kind, &id, &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A file of records: CSV or XLSX for this kind, or (any kind's route) a model
/// card or CycloneDX BOM for the inventory. `mode`: dry-run, all (default) or
/// sound; `file_name` helps detection. Problems in `all` mode answer 422
/// naming each row's line and column, and nothing is written.
async fn import(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mode = aims_app::ImportMode::from_param(q.get("mode").map(String::as_str))
        .map_err(|m| ApiError::bad_request(Some("mode"), format!("mode {m}")))?;
    let file_name = q
        .get("file_name")
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(
            match headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
            {
                Some(t) if t.starts_with("text/markdown") => "upload.md",
                Some(t)
                    if t.starts_with("application/json")
                        || t.starts_with("application/vnd.cyclonedx") =>
                {
                    "upload.json"
                }
                _ => "upload",
            },
        );
    if body.is_empty() {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "is empty: send the file as the request body",
        ));
    }
    if aims_app::is_inventory_file(file_name, &body) {
        let report = s
            .app
            .import_inventory_file(&ws, file_name, &body, mode)
            .await?;
        if !report.written && mode == aims_app::ImportMode::AllOrNothing {
            return Err(refused(
                "item(s) cannot become records; nothing was written.",
                report
                    .problems
                    .iter()
                    .map(|p| ("file".to_owned(), p.clone())),
            ));
        }
        return Ok(Json(report).into_response());
    }
    let mapping = column_mapping(q.get("columns").map(String::as_str))?;
    let report = s
        .app
        .import_table_mapped(&ws, kind, &body, mode, &mapping, &|_, _| {})
        .await?;
    if !report.written && mode == aims_app::ImportMode::AllOrNothing {
        return Err(refused(
            "problem(s) in the file; nothing was written. Fix them, or import with mode=sound to write only the sound rows.",
            report.problems.iter().map(|p| {
                let at = p.column.as_deref().unwrap_or(&p.field);
                (format!("line {}: {at}", p.line), p.message.clone())
            }),
        ));
    }
    Ok(Json(report).into_response())
}

/// The `columns` query parameter: a JSON object of header → field name.
fn column_mapping(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(vec![]);
    };
    serde_json::from_str::<BTreeMap<String, String>>(raw)
        .map(|m| m.into_iter().collect())
        .map_err(|_| {
            ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "columns",
                "must be a JSON object of column header → field name, e.g. {\"Prob\": \"inherent_likelihood\"}",
            )
        })
}

/// A refused import: 422 naming each problem (the first thousand).
fn refused(what: &str, problems: impl ExactSizeIterator<Item = (String, String)>) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Import refused",
        format!("{} {what}", problems.len()),
    );
    for (field, message) in problems.take(1000) {
        e = e.with_field(&field, message);
    }
    e
}

async fn approvals(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<aims_app::Approvals>, ApiError> {
    Ok(Json(s.app.approvals(&ws, kind, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveIn {
    version: Option<i64>,
    #[serde(default)]
    note: String,
}

async fn approve(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<ApproveIn>,
) -> Result<Json<aims_app::Approvals>, ApiError> {
    let Some(version) = body.version else {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
            "is required: send the version you read and approve",
        ));
    };
    Ok(Json(
        s.app
            .approve_record(&ws, kind, &id, version, &body.note)
            .await?,
    ))
}
