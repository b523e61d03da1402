//! "My work": every open dated duty of the signed-in member, soonest
//! first, grouped by urgency (overdue ones stand out), and the same for the
//! whole workspace.

use super::{day, render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::{WorkItem, WorkOf};
use aims_domain::work::{days_text, Urgency};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

pub fn routes() -> Vec<PageRoute> {
    vec![PageRoute::get(
        "/w/{ws}/work",
        PageRequires::Workspace(Action::Read),
        page,
    )]
}

#[derive(serde::Deserialize, Default)]
struct WorkQuery {
    /// `all` for the whole workspace.
    #[serde(default)]
    of: String,
}

/// One group of the list.
struct Group {
    key: &'static str,
    label: &'static str,
    items: Vec<Line>,
}

struct Line {
    href: String,
    title: String,
    what: String,
    due: String,
    days: String,
    owner: String,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    layout: Layout,
    slug: String,
    everyone: bool,
    today: String,
    groups: Vec<Group>,
    total: usize,
    more: i64,
    until: String,
    /// This instance sends the daily digest; whether this member gets it.
    digest_enabled: bool,
    digest_receives: bool,
}

fn line(slug: &str, i: &WorkItem) -> Line {
    Line {
        href: format!("/w/{slug}/{}/{}", i.page, i.record_id),
        title: i.title.clone(),
        what: format!(
            "{} · {}",
            super::capitalise(i.kind_label),
            i.duty_label.to_lowercase()
        ),
        due: day(&i.due_on),
        days: days_text(i.days),
        owner: i.owner.clone().unwrap_or_else(|| "No owner".into()),
    }
}

async fn page(
    State(s): State<AppState>,
    w: WsPage,
    Query(q): Query<WorkQuery>,
) -> Result<Response, PageError> {
    let everyone = q.of == "all";
    let of = if everyone {
        WorkOf::Everyone
    } else {
        WorkOf::Me
    };
    let list = s.app.work_list(&w.scope, &of, None).await?;
    let slug = w.scope.workspace.slug.clone();
    let digest_enabled = s.app.config.digest.enabled && !everyone;
    let digest_receives = digest_enabled && s.app.receives_digest(&w.user.principal).await?;
    let groups = Urgency::ALL
        .iter()
        .map(|u| Group {
            key: u.key(),
            label: u.label(),
            items: list
                .items
                .iter()
                .filter(|i| i.urgency == *u)
                .map(|i| line(&slug, i))
                .collect(),
        })
        .collect();
    Ok(render(&WorkPage {
        layout: Layout::new(&w.user, "work").in_workspace(&w.scope),
        everyone,
        today: day(&list.today),
        total: list.items.len(),
        more: list.more,
        until: day(&list.until),
        groups,
        slug,
        digest_enabled,
        digest_receives,
    }))
}
