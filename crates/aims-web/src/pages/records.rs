//! The pages of every kind of record, from its declaration: the list (search,
//! filters, sorting, pages, export, the form to add one) here, one record's
//! page in `record.rs`.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{MemberRow, RecordRow};
use aims_app::{AppError, ListRequest, Scope};
use aims_domain::record::{Field, FieldType, Input, Kind, Scale, KINDS};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// A path of a kind's pages, made once per route table.
pub(super) fn path(kind: &Kind, rest: &str) -> &'static str {
    Box::leak(format!("/w/{{ws}}/{}{rest}", kind.page).into_boxed_str())
}

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    let mut out = vec![];
    for kind in KINDS {
        let k: &'static Kind = kind;
        out.extend([
            PageRoute::get(
                path(k, ""),
                W(Action::Read),
                move |s: State<AppState>, w: WsPage, q: RawQuery| list_page(k, s, w, q),
            ),
            PageRoute::post(
                path(k, ""),
                W(Action::Create),
                move |s: State<AppState>, w: WsPage, f: PageForm<Vec<(String, String)>>| {
                    create(k, s, w, f)
                },
            ),
            PageRoute::get(
                path(k, "/rows"),
                W(Action::Read),
                move |s: State<AppState>, w: WsPage, q: RawQuery| rows(k, s, w, q),
            ),
            PageRoute::get(
                path(k, "/export"),
                W(Action::Export),
                move |s: State<AppState>, w: WsPage, q: RawQuery| export(k, s, w, q),
            ),
        ]);
        out.push(super::import::route(k));
        out.extend(super::record::routes(k));
    }
    out
}

/// A form field ready to render: its widget, current value(s), options and errors.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// text, textarea, select, checkboxes, date, member, metrics
    pub widget: &'static str,
    pub value: String,
    /// (value, label, selected)
    pub options: Vec<(String, String, bool)>,
    pub errors: Vec<String>,
    pub required: bool,
}

/// [`field_views`] with the workspace's risk scales when the kind has level fields.
pub async fn form_views(
    s: &AppState,
    scope: &Scope,
    kind: &Kind,
    values: &BTreeMap<String, String>,
    members: &[MemberRow],
    errors: &FieldErrors,
) -> Result<Vec<FieldView>, PageError> {
    let scales = if kind
        .fields
        .iter()
        .any(|f| matches!(f.ty, FieldType::Level(_)))
    {
        Scales::of(&s.app.risk_method(scope).await?.method)
    } else {
        Scales::default()
    };
    Ok(field_views(kind, values, members, &scales, errors))
}

/// The workspace's risk scales for level fields: `(number, "n · name")` each.
#[derive(Debug, Clone, Default)]
pub struct Scales {
    pub likelihood: Vec<(String, String)>,
    pub impact: Vec<(String, String)>,
}

impl Scales {
    pub fn of(method: &aims_app::domain::risk::RiskMethod) -> Scales {
        let list = |levels: &[aims_app::domain::risk::Level]| {
            levels
                .iter()
                .enumerate()
                .map(|(n, l)| ((n + 1).to_string(), format!("{} · {}", n + 1, l.name)))
                .collect()
        };
        Scales {
            likelihood: list(&method.likelihood),
            impact: list(&method.impact),
        }
    }
}

/// The fields of `kind` as form widgets holding `values` (text by field name);
/// computed fields are no widgets.
pub fn field_views(
    kind: &Kind,
    values: &BTreeMap<String, String>,
    members: &[MemberRow],
    scales: &Scales,
    errors: &FieldErrors,
) -> Vec<FieldView> {
    kind.fields
        .iter()
        .filter(|f| !f.computed)
        .map(|f| {
            let value = values.get(f.name).cloned().unwrap_or_default();
            let chosen: Vec<&str> = value.split(';').map(str::trim).collect();
            let (widget, options) = match f.ty {
                FieldType::Text { .. } => ("text", vec![]),
                FieldType::LongText { .. } => ("textarea", vec![]),
                FieldType::Metrics => ("metrics", vec![]),
                FieldType::Date => ("date", vec![]),
                FieldType::Decimal => ("number", vec![]),
                FieldType::Level(scale) => {
                    let names = match scale {
                        Scale::Likelihood => &scales.likelihood,
                        Scale::Impact => &scales.impact,
                    };
                    let mut o =
                        options(names.iter().map(|(n, l)| (n.as_str(), l.as_str())), &chosen);
                    o.insert(0, (String::new(), "Not assessed".into(), value.is_empty()));
                    if !value.is_empty() && !o.iter().any(|x| x.2) {
                        o.push((value.clone(), format!("{value} (not on the scale)"), true));
                    }
                    ("select", o)
                }
                FieldType::Number | FieldType::Key => ("text", vec![]),
                FieldType::Choice(c) => (
                    "select",
                    options(c.iter().map(|c| (c.value, c.label)), &chosen),
                ),
                FieldType::Choices(c) => (
                    "checkboxes",
                    options(c.iter().map(|c| (c.value, c.label)), &chosen),
                ),
                FieldType::Bool => (
                    "select",
                    options([("true", "Yes"), ("false", "No")].into_iter(), &chosen),
                ),
                FieldType::Member => {
                    let mut o = options(
                        members.iter().map(|m| (m.email.as_str(), m.email.as_str())),
                        &chosen,
                    );
                    if !value.is_empty() && !o.iter().any(|x| x.2) {
                        o.push((value.clone(), format!("{value} (no longer a member)"), true));
                    }
                    ("select", o)
                }
            };
            FieldView {
                name: f.name,
                label: f.label,
                help: f.help,
                widget,
                value,
                options,
                errors: errors.get(f.name).to_vec(),
                required: f.required,
            }
        })
        .collect()
}

fn options<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    chosen: &[&str],
) -> Vec<(String, String, bool)> {
    items
        .map(|(v, l)| (v.to_owned(), l.to_owned(), chosen.contains(&v)))
        .collect()
}

/// A stored record's fields as form text (owner as e-mail address).
pub fn form_values(kind: &Kind, r: &RecordRow) -> BTreeMap<String, String> {
    kind.fields
        .iter()
        .map(|f| {
            let v = if f.ty == FieldType::Member {
                r.owner_email.clone().unwrap_or_default()
            } else if f.ty == FieldType::Metrics {
                kind.cell(f, &r.fields).replace("; ", "\n")
            } else {
                kind.cell(f, &r.fields)
            };
            (f.name.to_owned(), v)
        })
        .collect()
}

/// A submitted form as text by field name: repeated keys (checkboxes) are
/// joined with `;`, the form's own keys (csrf, version) are left out.
pub fn form_fields(kind: &Kind, pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in pairs {
        if kind.field(&k).is_none() {
            continue;
        }
        out.entry(k)
            .and_modify(|e| {
                e.push(';');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    out
}

/// A list row: link, title and the kind's columns.
pub struct RowView {
    pub id: String,
    pub title: String,
    pub cells: Vec<String>,
    pub updated: super::When,
}

/// A filter control on the list page.
pub struct FilterView {
    pub name: String,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "records.html")]
pub(super) struct ListPage {
    pub layout: Layout,
    pub slug: String,
    pub kind: &'static Kind,
    pub list: ListView,
    pub can_create: bool,
    pub fields: Vec<FieldView>,
    pub import: Option<super::import::ImportView>,
}

#[derive(Template)]
#[template(path = "records_rows.html")]
struct RowsFragment {
    slug: String,
    kind: &'static Kind,
    list: ListView,
}

/// What the list shows: the request as given (to keep it in links), rows,
/// filters and the next page.
pub struct ListView {
    pub q: String,
    pub sort: String,
    pub query: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<RowView>,
    pub filters: Vec<FilterView>,
    /// Filters set by a link rather than the form (`linked`, `due_before`):
    /// (name, value, what it means), kept as hidden fields.
    pub fixed: Vec<(String, String, String)>,
    /// Ready-made views (`Mine`, `Overdue`, `Stale`): label, query, shown now.
    pub shortcuts: Vec<(&'static str, String, bool)>,
    pub next: Option<String>,
}

fn parse_query(raw: Option<String>) -> Result<BTreeMap<String, String>, PageError> {
    let raw = raw.unwrap_or_default();
    serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
        .map(|pairs| pairs.into_iter().collect())
        .map_err(|_| PageError::BadForm("The address has a malformed query.".into()))
}

/// The list request in a query string (without `after` and `flash`), for links.
fn keep_query(q: &BTreeMap<String, String>) -> String {
    let kept: Vec<(&String, &String)> = q
        .iter()
        .filter(|(k, v)| !v.is_empty() && k.as_str() != "after" && k.as_str() != "flash")
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

pub(super) async fn list_view(
    s: &AppState,
    scope: &Scope,
    kind: &'static Kind,
    mut q: BTreeMap<String, String>,
    members: &[MemberRow],
) -> Result<ListView, PageError> {
    q.remove("flash");
    let query = keep_query(&q);
    let req = ListRequest {
        q: q.get("q").cloned(),
        sort: q.get("sort").cloned(),
        after: q.get("after").cloned(),
        limit: Some(50),
        filters: q
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "q" | "sort" | "after"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let page = s.app.records(scope, kind, &req).await?;
    let today = s.app.today();
    // `owner=me` shows as the reader chosen in the owner filter.
    let my_email = members
        .iter()
        .find(|m| Some(m.user_id.as_str()) == scope.principal.user_id())
        .map(|m| m.email.as_str());
    let shortcuts = kind
        .shortcuts()
        .iter()
        .map(|sc| {
            let value = sc.value.on(&today);
            let shown = q
                .get(sc.filter)
                .is_some_and(|v| v == value || (value == "me" && Some(v.as_str()) == my_email));
            let query = serde_urlencoded::to_string([(sc.filter, value)]).unwrap_or_default();
            (sc.label, query, shown)
        })
        .collect();
    let columns: Vec<&'static Field> = kind.columns.iter().filter_map(|c| kind.field(c)).collect();
    // AI systems also show their EU AI Act tier.
    let tiers = if kind.name == "systems" {
        Some(s.app.latest_classifications(scope).await?)
    } else {
        None
    };
    let tier_label = |id: &str| -> String {
        let name = tiers
            .as_ref()
            .and_then(|t| t.get(id))
            .map_or("", |c| c.risk_tier.as_str());
        aims_domain::eu_ai_act::TIER_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("Not classified", |(_, l)| l)
            .to_owned()
    };
    let rows = page
        .items
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = columns
                .iter()
                .map(|f| aims_app::display(kind, f, r))
                .collect();
            if tiers.is_some() {
                cells.push(tier_label(&r.id));
            }
            RowView {
                id: r.id.clone(),
                title: r.title.clone(),
                cells,
                updated: super::when(&r.updated_at),
            }
        })
        .collect();
    let mut column_labels: Vec<&'static str> = columns.iter().map(|f| f.label).collect();
    if tiers.is_some() {
        column_labels.push("EU AI Act tier");
    }
    let mut filters: Vec<FilterView> = kind
        .fields
        .iter()
        .filter(|f| f.ty.is_facet())
        .map(|f| {
            let chosen = q.get(f.name).map(String::as_str).unwrap_or("");
            let opts: Vec<(String, String)> = match f.ty {
                FieldType::Bool => {
                    vec![("true".into(), "Yes".into()), ("false".into(), "No".into())]
                }
                FieldType::Member => members
                    .iter()
                    .map(|m| (m.email.clone(), m.email.clone()))
                    .collect(),
                _ => {
                    f.ty.choices()
                        .iter()
                        .map(|c| (c.value.to_owned(), c.label.to_owned()))
                        .collect()
                }
            };
            FilterView {
                name: f.name.to_owned(),
                label: f.label.to_owned(),
                options: opts
                    .into_iter()
                    .map(|(v, l)| {
                        let sel = v == chosen
                            || (chosen == "me"
                                && f.ty == FieldType::Member
                                && Some(v.as_str()) == my_email);
                        (v, l, sel)
                    })
                    .collect(),
            }
        })
        .collect();
    if kind.name == "systems" {
        let chosen = q.get("tier").map(String::as_str).unwrap_or("");
        filters.push(FilterView {
            name: "tier".into(),
            label: "EU AI Act tier".into(),
            options: aims_domain::eu_ai_act::TIER_NAMES
                .iter()
                .map(|(n, l)| ((*n).to_owned(), (*l).to_owned(), *n == chosen))
                .collect(),
        });
    }
    let mut fixed = vec![];
    if let Some(id) = q.get(aims_app::LINKED_FILTER).filter(|v| !v.is_empty()) {
        let other = s.app.linked_record(scope, id).await?;
        fixed.push((
            aims_app::LINKED_FILTER.to_owned(),
            id.clone(),
            format!("Linked to {}", other.title),
        ));
    }
    if let Some(d) = q.get(aims_app::DUE_BEFORE_FILTER).filter(|v| !v.is_empty()) {
        // Named by the kind's duty: "Valid until before …" for evidence.
        let duty = kind
            .fields
            .iter()
            .find(|f| f.duty)
            .map_or("Due", |f| f.label);
        fixed.push((
            aims_app::DUE_BEFORE_FILTER.to_owned(),
            d.clone(),
            format!("{duty} before {}", super::day(d)),
        ));
    }
    Ok(ListView {
        fixed,
        shortcuts,
        q: q.get("q").cloned().unwrap_or_default(),
        sort: q.get("sort").cloned().unwrap_or_default(),
        query,
        columns: column_labels,
        rows,
        filters,
        next: page.next,
    })
}

pub(super) fn flash_message(kind: &Kind, flash: Option<&str>) -> Option<String> {
    Some(match flash? {
        "created" => format!("{} added.", super::capitalise(kind.singular)),
        "saved" => "Changes saved.".to_owned(),
        "deleted" => format!(
            "{} deleted. Its history is kept in Activity.",
            super::capitalise(kind.singular)
        ),
        "linked" => "Link added.".to_owned(),
        "uploaded" => "File added as a new version.".to_owned(),
        "unlinked" => "Link removed.".to_owned(),
        "entry" => "Entry added.".to_owned(),
        "measured" => "Value recorded.".to_owned(),
        "raised" => "Raised from the audit finding: the finding links to it.".to_owned(),
        "approved" => {
            "Approved. This version is kept as it is; later edits start a new draft.".to_owned()
        }
        _ => return None,
    })
}

async fn list_page(
    kind: &'static Kind,
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let q = parse_query(raw)?;
    let flash = flash_message(kind, q.get("flash").map(String::as_str));
    let members = s.app.members(&scope).await?;
    let list = list_view(&s, &scope, kind, q, &members).await?;
    Ok(render(&ListPage {
        can_create: scope.can(kind.access.create),
        layout: Layout::new(&user, kind.page)
            .in_workspace(&scope)
            .flash(flash),
        slug: scope.workspace.slug.clone(),
        kind,
        list,
        fields: form_views(
            &s,
            &scope,
            kind,
            &BTreeMap::new(),
            &members,
            &FieldErrors::new(),
        )
        .await?,
        import: None,
    }))
}

/// The htmx fragment behind the search box and filters.
async fn rows(
    kind: &'static Kind,
    State(s): State<AppState>,
    WsPage { scope, .. }: WsPage,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let q = parse_query(raw)?;
    let members = s.app.members(&scope).await?;
    Ok(render(&RowsFragment {
        slug: scope.workspace.slug.clone(),
        kind,
        list: list_view(&s, &scope, kind, q, &members).await?,
    }))
}

async fn export(
    kind: &'static Kind,
    State(s): State<AppState>,
    WsPage { scope, .. }: WsPage,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let mut q = parse_query(raw)?;
    let format = aims_app::export::Format::from_param(q.remove("format").as_deref())
        .map_err(|m| PageError::BadForm(format!("The format {m}.")))?;
    let req = ListRequest {
        q: q.remove("q"),
        sort: q.remove("sort"),
        after: None,
        limit: None,
        filters: q.into_iter().filter(|(k, _)| k != "after").collect(),
    };
    let bytes = s.app.export_records(&scope, kind, &req, format).await?;
    Ok(crate::download(
        &scope.workspace.slug,
        &kind.file_stem(),
        format,
        bytes,
    ))
}

async fn create(
    kind: &'static Kind,
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    user.check_csrf(&csrf)?;
    let values = form_fields(kind, pairs);
    match s
        .app
        .create_record(&scope, kind, Input::Text(&values))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!(
            "/w/{}/{}/{}?flash=created",
            scope.workspace.slug, kind.page, row.id
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let members = s.app.members(&scope).await?;
            let page = ListPage {
                can_create: true,
                layout: Layout::new(&user, kind.page).in_workspace(&scope),
                slug: scope.workspace.slug.clone(),
                kind,
                list: list_view(&s, &scope, kind, BTreeMap::new(), &members).await?,
                fields: form_views(&s, &scope, kind, &values, &members, &errors).await?,
                import: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
