//! Catalogue pages: frameworks, a framework's tree, an item with guidance and
//! mappings, search, and the import form for administrators.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{PageAdmin, PageUser};
use crate::input::PageForm;
use crate::AppState;
use aims_app::catalogue::{Catalog, Framework, Item};
use aims_app::AppError;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::*;
    vec![
        PageRoute::get("/catalog", SignedIn, index),
        PageRoute::get("/catalog/search", SignedIn, search),
        PageRoute::new(
            axum::http::Method::POST,
            "/catalog/import",
            Admin,
            axum::routing::post(import)
                .layer(DefaultBodyLimit::max(aims_app::MAX_IMPORT_BYTES * 2)),
        ),
        PageRoute::get("/catalog/{framework}", SignedIn, framework),
        PageRoute::get("/catalog/{framework}/item/{item}", SignedIn, item),
    ]
}

/// Percent-encodes an item id for a path segment (ids hold spaces, dots, parentheses).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn item_href(fw: &str, id: &str) -> String {
    format!("/catalog/{}/item/{}", encode(fw), encode(id))
}

pub struct FrameworkCard {
    id: String,
    name: String,
    title: String,
    kind: String,
    builtin: bool,
    summary: String,
}

/// "38 controls, 46 clauses": the two most numerous kinds of item.
fn summary(f: &Framework) -> String {
    let mut counts: Vec<(String, usize)> = f.counts().into_iter().collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .iter()
        .take(2)
        .map(|(k, n)| format!("{n} {k}s"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct IndexPage {
    layout: Layout,
    frameworks: Vec<FrameworkCard>,
    mappings: Vec<(String, usize, String)>,
    imported: Option<String>,
    error: Option<String>,
}

fn index_page(
    user: &PageUser,
    c: &Catalog,
    imported: Option<String>,
    error: Option<String>,
) -> IndexPage {
    IndexPage {
        layout: Layout::new(user, "catalog"),
        frameworks: c
            .frameworks()
            .iter()
            .map(|f| FrameworkCard {
                id: f.id.clone(),
                name: f.name.clone(),
                title: f.title.clone(),
                kind: f.kind.clone(),
                builtin: f.builtin,
                summary: summary(f),
            })
            .collect(),
        mappings: c
            .mapping_sets()
            .iter()
            .map(|m| (m.name.clone(), m.pairs.len(), m.provenance.clone()))
            .collect(),
        imported,
        error,
    }
}

async fn index(State(s): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let c = s.app.catalog().await?;
    Ok(render(&index_page(&user, &c, None, None)))
}

pub struct Row {
    id: String,
    title: String,
    href: String,
    depth: usize,
    mapped: usize,
}

pub struct Root {
    id: String,
    title: String,
    href: String,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "catalog_framework.html")]
struct FrameworkPage {
    layout: Layout,
    name: String,
    title: String,
    version: String,
    publisher: String,
    description: String,
    counts: Vec<(String, usize)>,
    tree: Vec<Root>,
}

async fn framework(
    State(s): State<AppState>,
    user: PageUser,
    Path(fw): Path<String>,
) -> Result<Response, PageError> {
    let c = s.app.catalog().await?;
    let f = c.framework(&fw).ok_or(AppError::NotFound("framework"))?;
    // Depth of each item from its parent chain (parents always come first).
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tree: Vec<Root> = vec![];
    for i in &f.items {
        let d = i
            .parent
            .as_deref()
            .and_then(|p| depth.get(p))
            .map(|d| d + 1)
            .unwrap_or(0);
        depth.insert(&i.id, d);
        if d == 0 {
            tree.push(Root {
                id: i.id.clone(),
                title: i.title.clone(),
                href: item_href(&f.id, &i.id),
                rows: vec![],
            });
        } else if let Some(root) = tree.last_mut() {
            root.rows.push(Row {
                id: i.id.clone(),
                title: i.title.clone(),
                href: item_href(&f.id, &i.id),
                depth: ((d - 1) * 2).min(8),
                mapped: c.mappings_of(&f.id, &i.id).len(),
            });
        }
    }
    Ok(render(&FrameworkPage {
        layout: Layout::new(&user, "catalog"),
        name: f.name.clone(),
        title: f.title.clone(),
        version: f.version.clone(),
        publisher: f.publisher.clone(),
        description: f.description.clone(),
        counts: f.counts().into_iter().collect(),
        tree,
    }))
}

pub struct MapRow {
    id: String,
    title: String,
    href: String,
    relationship: String,
    strength: Option<String>,
}

pub struct MapGroup {
    name: String,
    source: String,
    rows: Vec<MapRow>,
}

#[derive(Template)]
#[template(path = "catalog_item.html")]
struct ItemPage {
    layout: Layout,
    fw_id: String,
    fw_name: String,
    item_id: String,
    item: Item,
    ancestors: Vec<(String, String)>,
    children: Vec<(String, String, String)>,
    groups: Vec<MapGroup>,
}

async fn item(
    State(s): State<AppState>,
    user: PageUser,
    Path((fw, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let c = s.app.catalog().await?;
    let f = c.framework(&fw).ok_or(AppError::NotFound("framework"))?;
    let it = f.item(&id).ok_or(AppError::NotFound("catalogue item"))?;
    let mut ancestors = vec![];
    let mut cur = it.parent.clone();
    while let Some(p) = cur {
        let parent = f.item(&p);
        ancestors.push((p.clone(), item_href(&f.id, &p)));
        cur = parent.and_then(|x| x.parent.clone());
    }
    ancestors.reverse();
    let mut groups: Vec<MapGroup> = vec![];
    for m in c.mappings_of(&f.id, &it.id) {
        let row = MapRow {
            id: m.item.id.clone(),
            title: m.item.title.clone(),
            href: item_href(&m.framework.id, &m.item.id),
            relationship: m.relationship.to_string(),
            strength: m.strength.map(str::to_owned),
        };
        match groups.iter_mut().find(|g| g.name == m.framework.name) {
            Some(g) => g.rows.push(row),
            None => groups.push(MapGroup {
                name: m.framework.name.clone(),
                source: m.set.name.clone(),
                rows: vec![row],
            }),
        }
    }
    Ok(render(&ItemPage {
        layout: Layout::new(&user, "catalog"),
        fw_id: f.id.clone(),
        fw_name: f.name.clone(),
        item_id: it.id.clone(),
        item: it.clone(),
        ancestors,
        children: f
            .children(Some(&it.id))
            .map(|ch| (ch.id.clone(), ch.title.clone(), item_href(&f.id, &ch.id)))
            .collect(),
        groups,
    }))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub struct HitRow {
    framework: String,
    id: String,
    title: String,
    summary: String,
    href: String,
}

#[derive(Template)]
#[template(path = "catalog_search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    hits: Vec<HitRow>,
}

async fn search(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let c = s.app.catalog().await?;
    let hits = c
        .search(&q.q, 100)
        .into_iter()
        .map(|h| HitRow {
            framework: h.framework.name.clone(),
            id: h.item.id.clone(),
            title: h.item.title.clone(),
            summary: h.item.summary.chars().take(220).collect(),
            href: item_href(&h.framework.id, &h.item.id),
        })
        .collect();
    Ok(render(&SearchPage {
        layout: Layout::new(&user, "catalog"),
        q: q.q,
        hits,
    }))
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    id: String,
}

async fn import(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
    PageForm(f): PageForm<ImportForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = Some(f.id.trim()).filter(|i| !i.is_empty());
    match s.app.import_catalog(&user.principal, &f.content, id).await {
        Ok(r) => {
            let c = s.app.catalog().await?;
            let msg = format!(
                "Imported {} “{}” ({}) as version {} with {} entries.",
                r.kind.replace('_', " "),
                r.name,
                r.id,
                r.version,
                r.entries
            );
            Ok(render(&index_page(&user, &c, Some(msg), None)))
        }
        Err(AppError::Validation(errors)) => {
            let c = s.app.catalog().await?;
            let msg = errors
                .iter()
                .flat_map(|(_, m)| m.iter().cloned())
                .collect::<Vec<_>>()
                .join("; ");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&index_page(&user, &c, None, Some(msg))),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
