//! The journal on a record's page, for kinds that keep one (an incident's
//! timeline and communications sent, each sending of a communication, a
//! nonconformity's notes): the entries in the order things happened and
//! the form that adds one (`POST /w/{ws}/{page}/{id}/entries`).

use super::records::path;
use super::{form_value as first, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::EntryRow;
use aims_app::AppError;
use aims_domain::journal::{entry_types, EntryInput, EntryType};
use aims_domain::record::Kind;
use aims_domain::Action;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

pub(super) fn routes(k: &'static Kind) -> Vec<PageRoute> {
    if entry_types(k.name).is_empty() {
        return vec![];
    }
    vec![PageRoute::post(
        path(k, "/{id}/entries"),
        PageRequires::Workspace(Action::Update),
        move |s: State<AppState>,
              w: WsPage,
              p: Path<(String, String)>,
              f: PageForm<Vec<(String, String)>>| add(k, s, w, p, f),
    )]
}

/// The journal as the record page shows it.
pub struct Journal {
    pub types: &'static [EntryType],
    pub entries: Vec<EntryRow>,
    pub can_add: bool,
    /// What the form held when it was refused, and why.
    pub draft: EntryInput,
    pub error: Option<String>,
}

impl Journal {
    /// The label of an entry's type.
    pub fn label(&self, key: &str) -> &'static str {
        self.types
            .iter()
            .find(|t| t.key == key)
            .map_or("Entry", |t| t.label)
    }

    /// Whether any type of entry names a recipient.
    pub fn any_sent(&self) -> bool {
        self.types.iter().any(|t| t.sent)
    }
}

/// `YYYY-MM-DDTHH:MM` as people read it (`20 Nov 2026, 14:05`).
pub fn moment(at: &str) -> String {
    let day = super::day(at.get(..10).unwrap_or(at));
    match at.get(11..16) {
        Some("00:00") | None => day,
        Some(t) => format!("{day}, {t}"),
    }
}

/// The journal of a record, if its kind keeps one.
pub(super) async fn load(
    s: &AppState,
    scope: &aims_app::Scope,
    kind: &'static Kind,
    id: &str,
) -> Result<Option<Journal>, PageError> {
    let types = entry_types(kind.name);
    if types.is_empty() {
        return Ok(None);
    }
    Ok(Some(Journal {
        types,
        entries: s.app.entries(scope, kind, id).await?,
        can_add: scope.can(kind.access.update),
        draft: EntryInput {
            entry_type: types[0].key.to_owned(),
            ..Default::default()
        },
        error: None,
    }))
}

async fn add(
    kind: &'static Kind,
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let input = EntryInput {
        entry_type: first(&f, "entry_type").to_owned(),
        occurred_at: first(&f, "occurred_at").to_owned(),
        text: first(&f, "text").to_owned(),
        recipient: first(&f, "recipient").to_owned(),
        channel: first(&f, "channel").to_owned(),
    };
    match s.app.add_entry(&w.scope, kind, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/{}/{id}?flash=entry#journal-h",
            w.scope.workspace.slug, kind.page
        ))
        .into_response()),
        Err(AppError::Validation(e)) => {
            let message = e
                .iter()
                .map(|(f, m)| format!("{}: {}", field_label(f), m.join("; ")))
                .collect::<Vec<_>>()
                .join(". ");
            super::record::with_journal_error(&s, &w, kind, &id, input, message).await
        }
        Err(e) => Err(e.into()),
    }
}

fn field_label(f: &str) -> &str {
    match f {
        "entry_type" => "Type",
        "occurred_at" => "When",
        "text" => "What",
        "recipient" => "To",
        "channel" => "Channel",
        other => other,
    }
}
