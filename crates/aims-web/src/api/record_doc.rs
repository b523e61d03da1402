//! The OpenAPI operations of every kind of record, generated from the kind's
//! declaration (field types become JSON schemas, facet fields become list
//! filters), so a new kind is documented the moment it is declared.

use aims_domain::record::{FieldType, Kind, RELATIONS};
use serde_json::{json, Map, Value};
use utoipa::openapi::path::Paths;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

/// A kind's schema names: `SystemsRecord`, `SystemsIn`, `SystemsUpdate`.
pub fn schema_name(kind: &Kind, suffix: &str) -> String {
    let mut out = String::new();
    for part in kind.name.split('-') {
        out.push_str(&crate::pages::capitalise(part));
    }
    out.push_str(suffix);
    out
}

fn field_schema(ty: FieldType) -> Value {
    match ty {
        FieldType::Text { max } | FieldType::LongText { max } => {
            json!({"type": "string", "maxLength": max})
        }
        FieldType::Choice(c) => {
            json!({"type": "string", "enum": c.iter().map(|c| c.value).collect::<Vec<_>>()})
        }
        FieldType::Choices(c) => json!({"type": "array", "uniqueItems": true,
            "items": {"type": "string", "enum": c.iter().map(|c| c.value).collect::<Vec<_>>()}}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Date => json!({"type": "string", "format": "date"}),
        FieldType::Decimal => {
            json!({"type": "number", "minimum": -aims_domain::record::DECIMAL_MAX, "maximum": aims_domain::record::DECIMAL_MAX})
        }
        FieldType::Member => {
            json!({"type": "string", "description": "A member's e-mail address (or user id)."})
        }
        FieldType::Level(_) => json!({"oneOf": [
            {"type": "integer", "minimum": 1, "maximum": aims_domain::risk::method::MAX_LEVELS},
            {"type": "string", "minLength": 1, "maxLength": aims_domain::risk::method::NAME_MAX,
             "description": "A level's name on the workspace's risk method."}]}),
        FieldType::Number => json!({"type": "integer", "readOnly": true,
            "description": "Computed by aims."}),
        FieldType::Key => json!({"type": "string", "readOnly": true,
            "description": "Computed by aims."}),
        FieldType::Metrics => {
            json!({"type": "array", "maxItems": aims_domain::record::METRICS_MAX, "items": {
            "type": "object", "required": ["name", "value"], "additionalProperties": false,
            "properties": {"name": {"type": "string", "maxLength": 200},
                           "value": {"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 100}]},
                           "dataset": {"type": "string", "maxLength": 200},
                           "task": {"type": "string", "maxLength": 200}}}})
        }
    }
}

fn described(mut schema: Value, label: &str, help: &str) -> Value {
    let text = if help.is_empty() {
        label.to_owned()
    } else {
        format!("{label}. {help}")
    };
    if let Some(o) = schema.as_object_mut() {
        o.entry("description").or_insert(json!(text));
    }
    schema
}

/// The component schemas of a kind.
pub fn schemas(kind: &Kind) -> Vec<(String, RefOr<Schema>)> {
    let mut input = Map::new();
    let mut computed = Map::new();
    for f in kind.fields {
        let schema = described(field_schema(f.ty), f.label, f.help);
        if f.computed {
            computed.insert(f.name.into(), schema);
        } else {
            input.insert(f.name.into(), schema);
        }
    }
    let required: Vec<&str> = kind
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let title = kind.title_field().name;
    let example = json!({title: format!("Example {}", kind.singular)});
    let mut record = input.clone();
    record.extend(computed);
    for (name, schema) in [
        ("id", json!({"type": "string", "format": "uuid"})),
        (
            "version",
            json!({"type": "integer", "format": "int64", "description": "Send this back with an update; it grows by one with every change."}),
        ),
        ("created_at", json!({"type": "string"})),
        ("updated_at", json!({"type": "string"})),
        ("created_by", json!({"type": "string"})),
        ("updated_by", json!({"type": "string"})),
    ] {
        record.insert(name.into(), schema);
    }
    let mut update = input.clone();
    update.insert(
        "version".into(),
        json!({"type": "integer", "format": "int64", "description": "The version you read; a stale one answers 409 and changes nothing."}),
    );
    let docs = [
        (
            schema_name(kind, "Record"),
            json!({"type": "object", "properties": record,
                   "description": format!("{} {} Text fields without a value are empty strings; other fields without a value are null.", crate::pages::capitalise(kind.singular), "record.")}),
        ),
        (
            schema_name(kind, "In"),
            json!({"type": "object", "properties": input, "required": required,
                   "additionalProperties": false, "example": example}),
        ),
        (
            schema_name(kind, "Update"),
            json!({"type": "object", "properties": update, "required": ["version"],
                   "additionalProperties": false, "example": {title: format!("Example {}", kind.singular), "version": 1},
                   "description": "Fields you leave out keep their value; null or an empty text clears one."}),
        ),
    ];
    docs.into_iter()
        .filter_map(|(name, v)| serde_json::from_value(v).ok().map(|s| (name, s)))
        .collect()
}

fn problem(status: u16) -> (String, Value) {
    (
        status.to_string(),
        json!({"description": "A problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}),
    )
}

fn ok(status: u16, description: &str, schema: Option<Value>) -> (String, Value) {
    match schema {
        Some(s) => (
            status.to_string(),
            json!({"description": description, "content": {"application/json": {"schema": s}}}),
        ),
        None => (status.to_string(), json!({"description": description})),
    }
}

/// A list page's answer: the page, tagged with an `ETag` to send back as
/// `If-None-Match`.
fn page_ok(page: Value) -> (String, Value) {
    let (status, mut answer) = ok(200, "A page of records", Some(page));
    answer["headers"] = json!({"ETag": {
        "description": "Names this page; sent back in If-None-Match, it gets 304 while the page is the same.",
        "schema": {"type": "string"}}});
    (status, answer)
}

fn schema_ref(name: String) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

struct Op<'a> {
    kind: &'a Kind,
    id: &'a str,
    summary: String,
    requires: &'a str,
    params: Vec<Value>,
    body: Option<Value>,
    responses: Vec<(String, Value)>,
}

impl Op<'_> {
    fn json(self) -> Value {
        let mut op = json!({
            "tags": [self.kind.name],
            "operationId": format!("{}_{}", self.id, self.kind.name.replace('-', "_")),
            "summary": self.summary,
            "parameters": self.params,
            "responses": self.responses.into_iter().collect::<Map<_, _>>(),
            "x-aims-requires": self.requires,
        });
        if let Some(b) = self.body {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": b}}});
        } else if self.id == "import" {
            op["requestBody"] = json!({"required": true, "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.cyclonedx+json": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}}}});
        }
        op
    }
}

/// The list filters of a kind: its facet fields (and a system's EU AI Act tier).
fn filter_params(kind: &Kind) -> Vec<Value> {
    let mut out = vec![];
    for f in kind.fields.iter().filter(|f| f.ty.is_facet()) {
        let schema = match f.ty {
            FieldType::Choice(c) | FieldType::Choices(c) => {
                json!({"type": "string", "enum": c.iter().map(|c| c.value).collect::<Vec<_>>()})
            }
            FieldType::Bool => json!({"type": "boolean"}),
            _ => json!({"type": "string"}),
        };
        let what = if f.ty == FieldType::Member {
            format!(
                "Only records whose {} is this member (e-mail, or `me`).",
                f.label.to_lowercase()
            )
        } else {
            format!("Only records with this {}.", f.label.to_lowercase())
        };
        out.push(query_param(f.name, &what, schema));
    }
    out.push(query_param(
        aims_app::LINKED_FILTER,
        "Only records linked to this record, in either direction (risks of a system: `linked=<system id>`).",
        json!({"type": "string"}),
    ));
    if kind.fields.iter().any(|f| f.duty) {
        out.push(query_param(
            aims_app::DUE_BEFORE_FILTER,
            "Only records with an open dated duty (next review, due date) before this date: `due_before=<today>` is what is overdue.",
            json!({"type": "string", "format": "date"}),
        ));
    }
    if kind.name == "systems" {
        out.push(query_param(
            "tier",
            "Only systems whose latest EU AI Act classification has this risk tier.",
            json!({"type": "string", "enum": aims_domain::eu_ai_act::TIER_NAMES.iter().map(|t| t.0).collect::<Vec<_>>()}),
        ));
    }
    out
}

/// Paths of one kind, one `Paths` per route path: the collection, its
/// export, one record, its links and one link.
pub fn paths(kind: &Kind) -> Vec<Paths> {
    let base = format!("/api/v1/workspaces/{{workspace}}/{}", kind.name);
    let ws = path_param("workspace", "Workspace slug");
    let id = path_param(
        "id",
        &format!("{} id", crate::pages::capitalise(kind.singular)),
    );
    let (s, p) = (kind.singular, kind.plural);
    let mut list_params = vec![
        ws.clone(),
        query_param(
            "limit",
            "Page size, 1–500 (default 50).",
            json!({"type": "integer", "minimum": 1, "maximum": 500}),
        ),
        query_param(
            "after",
            "The `next` cursor of the previous page.",
            json!({"type": "string"}),
        ),
        query_param(
            "q",
            "Case-insensitive text to find in the text fields.",
            json!({"type": "string"}),
        ),
        query_param(
            "sort",
            "title, created (default) or updated; prefix - for descending.",
            json!({"type": "string", "enum": ["title", "-title", "created", "-created", "updated", "-updated"]}),
        ),
        json!({"name": "Cache-Control", "in": "header", "required": false,
               "description": "A page asked for again while nothing in the workspace changed is sent as it was kept; `no-cache` reads and renders it again.",
               "schema": {"type": "string"}}),
        json!({"name": "If-None-Match", "in": "header", "required": false,
               "description": "The `ETag` of a page the client has: while the page is the same, the answer is 304 Not Modified, without a body.",
               "schema": {"type": "string"}}),
    ];
    list_params.extend(filter_params(kind));
    let mut export_params = vec![
        ws.clone(),
        query_param(
            "format",
            "csv (default), json or xlsx.",
            json!({"type": "string", "enum": ["csv", "json", "xlsx"]}),
        ),
        query_param(
            "q",
            "Case-insensitive text to find in the text fields.",
            json!({"type": "string"}),
        ),
    ];
    export_params.extend(filter_params(kind));
    let page = json!({"type": "object", "properties": {
        "items": {"type": "array", "items": schema_ref(schema_name(kind, "Record"))},
        "next": {"type": ["string", "null"], "description": "Pass as `after` to get the next page; null on the last page."}}});
    let link = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "relation": {"type": "string"}, "label": {"type": "string"},
        "direction": {"type": "string", "enum": ["outgoing", "incoming"]},
        "other": {"type": "object", "properties": {"id": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"}}},
        "created_at": {"type": "string"}, "created_by": {"type": "string"}}});
    let relations: Vec<&str> = RELATIONS
        .iter()
        .filter(|r| r.from.is_empty() || r.from.contains(&kind.name))
        .map(|r| r.name)
        .collect();
    let link_in = json!({"type": "object", "required": ["relation", "to"], "additionalProperties": false,
        "example": {"relation": "related_to", "to": "00000000-0000-0000-0000-000000000000"}, "properties": {
        "relation": {"type": "string", "enum": relations, "description": "The relation's name."},
        "to": {"type": "string", "description": "The id of the record to link to, in this workspace; for `implements`, a catalogue control such as `iso42001:A.6.2.4` (its record is made on first use)."}}});
    let entries = vec![
        (base.clone(), vec![
            ("get", Op { kind, id: "list", summary: format!("Lists {p} in pages, with filters and sorting."), requires: "read",
                params: list_params, body: None,
                responses: vec![page_ok(page), ok(304, "Not modified: the page named by If-None-Match is still the same", None), problem(400), problem(404), problem(422)] }),
            ("post", Op { kind, id: "create", summary: format!("Adds a {s} (managers, contributors)."), requires: "create",
                params: vec![ws.clone()], body: Some(schema_ref(schema_name(kind, "In"))),
                responses: vec![ok(201, "Created", Some(schema_ref(schema_name(kind, "Record")))), problem(400), problem(403), problem(404), problem(422)] }),
        ]),
        (format!("{base}/export"), vec![
            ("get", Op { kind, id: "export", summary: format!("Every {s} matching the filters, as a CSV, JSON or XLSX file."), requires: "export",
                params: export_params, body: None,
                responses: vec![("200".into(), json!({"description": "The file", "content": {"text/csv": {}}})), problem(400), problem(404), problem(422)] }),
        ]),
        (format!("{base}/{{id}}"), vec![
            ("get", Op { kind, id: "get", summary: format!("One {s}."), requires: "read", params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(200, "The record", Some(schema_ref(schema_name(kind, "Record")))), problem(404)] }),
            ("put", Op { kind, id: "update", summary: format!("Changes a {s} if `version` is current; fields left out keep their value."), requires: "update",
                params: vec![ws.clone(), id.clone()], body: Some(schema_ref(schema_name(kind, "Update"))),
                responses: vec![ok(200, "The record", Some(schema_ref(schema_name(kind, "Record")))), problem(403), problem(404), problem(409), problem(422)] }),
            ("delete", Op { kind, id: "delete", summary: format!("Deletes a {s} and its links (managers). Its history stays."), requires: "delete",
                params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(204, "Deleted", None), problem(403), problem(404)] }),
        ]),
        (format!("{base}/{{id}}/links"), vec![
            ("get", Op { kind, id: "links", summary: format!("Every link of a {s}, both directions."), requires: "read",
                params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(200, "Links", Some(json!({"type": "object", "properties": {"items": {"type": "array", "items": link}}}))), problem(404)] }),
            ("post", Op { kind, id: "link", summary: format!("Links a {s} to another record of the workspace."), requires: "update",
                params: vec![ws.clone(), id.clone()], body: Some(link_in),
                responses: vec![ok(201, "The link", Some(link.clone())), problem(403), problem(404), problem(409), problem(422)] }),
        ]),
        (format!("{base}/import"), vec![
            ("post", Op { kind, id: "import", summary: format!("Imports {p} from a CSV or XLSX file (columns named by field name or label), or the inventory from a Hugging Face model card or a CycloneDX BOM; the body is the file. mode=dry-run checks only; all (default) writes every row or, when a row is wrong, nothing (422 naming each line and column); sound writes the sound rows."),
                requires: "create",
                params: vec![ws.clone(),
                    query_param("mode", "dry-run, all (default) or sound.", json!({"type": "string", "enum": ["dry-run", "all", "sound"]})),
                    query_param("file_name", "The file's name, to help detect its format.", json!({"type": "string", "maxLength": 255})),
                    query_param("columns", "Columns aims does not recognise, mapped to fields: a JSON object of header → field name (an empty name ignores the column), e.g. {\"Prob\": \"inherent_likelihood\"}. A dry run's `ignored_columns` lists the headers to map.", json!({"type": "string"}))],
                body: None,
                responses: vec![ok(200, "What was imported (or would be, on a dry run)", Some(json!({"type": "object"}))), problem(400), problem(403), problem(404), problem(413), problem(422)] }),
        ]),
        (format!("{base}/{{id}}/links/{{link}}"), vec![
            ("delete", Op { kind, id: "unlink", summary: "Removes a link.".into(), requires: "update",
                params: vec![ws.clone(), id.clone(), path_param("link", "Link id")], body: None,
                responses: vec![ok(204, "Removed", None), problem(403), problem(404)] }),
        ]),
        (format!("{base}/{{id}}/history"), vec![
            ("get", Op { kind, id: "history", summary: format!("The history of a {s}, newest first (it outlives the record)."), requires: "read",
                params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(200, "Events", Some(json!({"$ref": "#/components/schemas/EventList"}))), problem(404)] }),
        ]),
    ];
    let mut entries = entries;
    let journal = aims_domain::journal::entry_types(kind.name);
    if !journal.is_empty() {
        let types: Vec<&str> = journal.iter().map(|t| t.key).collect();
        let entry = json!({"type": "object", "properties": {
            "id": {"type": "string"}, "record_id": {"type": "string"},
            "entry_type": {"type": "string", "enum": types},
            "occurred_at": {"type": "string", "description": "When it happened, YYYY-MM-DDTHH:MM."},
            "text": {"type": "string"}, "recipient": {"type": "string"}, "channel": {"type": "string"},
            "recorded_at": {"type": "string"}, "recorded_by": {"type": "string"}}});
        let about: Vec<String> = journal
            .iter()
            .map(|t| format!("`{}` ({})", t.key, t.label))
            .collect();
        entries.push((format!("{base}/{{id}}/entries"), vec![
            ("get", Op { kind, id: "entries", summary: format!("The journal of a {s}, in the order things happened."), requires: "read",
                params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(200, "Entries", Some(json!({"type": "object", "properties": {"items": {"type": "array", "items": entry.clone()}}}))), problem(404)] }),
            ("post", Op { kind, id: "add_entry", summary: format!("Adds an entry to the journal of a {s}: {}. Entries are never edited; a correction is a new entry.", about.join(", ")), requires: "update",
                params: vec![ws.clone(), id.clone()],
                body: Some(json!({"type": "object", "required": ["entry_type", "text"], "additionalProperties": false,
                    "example": {"entry_type": types[0], "occurred_at": "2026-11-20T14:05", "text": "What happened, was done or was sent", "recipient": "Affected users", "channel": "e-mail"},
                    "properties": {"entry_type": {"type": "string", "enum": types},
                        "occurred_at": {"type": "string", "description": "When it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM; now when left out. Not in the future."},
                        "text": {"type": "string", "maxLength": aims_domain::journal::TEXT_MAX},
                        "recipient": {"type": "string", "maxLength": aims_domain::journal::NAME_MAX, "description": "Who it was sent to (required for a sending)."},
                        "channel": {"type": "string", "maxLength": aims_domain::journal::NAME_MAX}}})),
                responses: vec![ok(201, "The entry", Some(entry)), problem(400), problem(403), problem(404), problem(422)] }),
        ]));
    }
    if kind.access.approve.is_some() {
        let approvals = json!({"type": "object", "properties": {
            "state": {"type": "object"}, "label": {"type": "string"},
            "versions": {"type": "array", "items": {"type": "object"}}}});
        entries.push((format!("{base}/{{id}}/approvals"), vec![
            ("get", Op { kind, id: "approvals", summary: format!("Whether a {s} is approved, and its approved versions with what changed since each."), requires: "read",
                params: vec![ws.clone(), id.clone()], body: None,
                responses: vec![ok(200, "Approvals", Some(approvals.clone())), problem(404)] }),
        ]));
        entries.push((format!("{base}/{{id}}/approve"), vec![
            ("post", Op { kind, id: "approve", summary: format!("Approves a {s} as it is at `version` (managers); the approved version never changes, editing starts a new draft."), requires: "approve",
                params: vec![ws.clone(), id.clone()],
                body: Some(json!({"type": "object", "required": ["version"], "additionalProperties": false,
                    "example": {"version": 1, "note": "Approved at the management review"},
                    "properties": {"version": {"type": "integer", "format": "int64"}, "note": {"type": "string", "maxLength": 2000}}})),
                responses: vec![ok(200, "Approvals", Some(approvals)), problem(403), problem(404), problem(409), problem(422)] }),
        ]));
    }
    entries
        .into_iter()
        .filter_map(|(path, ops)| {
            let item: Map<String, Value> = ops
                .into_iter()
                .map(|(m, op)| (m.to_owned(), op.json()))
                .collect();
            serde_json::from_value(json!({ path: item })).ok()
        })
        .collect()
}
