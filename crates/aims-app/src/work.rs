//! The work list: every open dated duty of every kind — reviews due,
//! treatment actions, evidence validity and requests, trainings expiring,
//! incident report deadlines, and for a member the published documents
//! they must acknowledge — for one member or the whole workspace,
//! soonest first, each judged by the domain's urgency rule on today's date.

use crate::{App, AppError, Result, Scope};
use aims_domain::document::{must_read, ACKNOWLEDGE_DAYS};
use aims_domain::record::{kind_by_record_type, DOCUMENTS};
use aims_domain::work::{urgency, Urgency, HORIZON_DAYS, MAX_HORIZON_DAYS};
use aims_domain::Action;
use aims_store::DutyOwner;
use serde::Serialize;
use std::collections::HashMap;

/// At most this many duties are listed; the rest are counted.
pub const WORK_LIMIT: i64 = 500;

/// Whose work to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkOf {
    /// The signed-in member's.
    Me,
    /// A member's, by e-mail address or user id.
    Member(String),
    /// Everyone's in the workspace, owned or not.
    Everyone,
}

/// One duty in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    /// The kind's API name (`risk-actions`) and what it is called.
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// The kind's page path segment, for links.
    #[serde(skip)]
    pub page: &'static str,
    pub record_id: String,
    pub title: String,
    /// The field holding the date and its label (`Valid until`).
    pub duty: String,
    pub duty_label: &'static str,
    pub due_on: String,
    /// Days from today (negative: overdue).
    pub days: i64,
    pub urgency: Urgency,
    /// The owner's e-mail address; none when nobody owns it.
    pub owner: Option<String>,
}

/// The work list as of `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkList {
    pub today: String,
    /// Due before `until`, soonest first (at most [`WORK_LIMIT`]).
    pub items: Vec<WorkItem>,
    /// The first day not listed.
    pub until: String,
    /// Duties due on or after `until`, or cut off by the limit.
    pub more: i64,
}

impl WorkList {
    pub fn count(&self, u: Urgency) -> usize {
        self.items.iter().filter(|i| i.urgency == u).count()
    }
}

impl App {
    /// `of`'s open duties due within `within_days` of today (default
    /// [`HORIZON_DAYS`]), overdue ones included however old.
    pub async fn work_list(
        &self,
        ws: &Scope,
        of: &WorkOf,
        within_days: Option<i64>,
    ) -> Result<WorkList> {
        ws.require(Action::Read)?;
        let within = within_days.unwrap_or(HORIZON_DAYS);
        if !(0..=MAX_HORIZON_DAYS).contains(&within) {
            return Err(AppError::field(
                "within",
                format!("must be a number of days from 0 to {MAX_HORIZON_DAYS}"),
            ));
        }
        let today = self.today();
        // `until` is the first day not listed: today + within + 1.
        let until = aims_domain::date::add_days(&today, within + 1)
            .ok_or_else(|| AppError::Internal(format!("today is not a date: {today}")))?;
        let mut c = self.store.conn().await?;
        let member_rows = c.conn().members_of(&ws.workspace.id).await?;
        let members: HashMap<String, String> = member_rows
            .iter()
            .map(|m| (m.user_id.clone(), m.email.clone()))
            .collect();
        let user = match of {
            WorkOf::Me => Some(ws.principal.user_id().map(str::to_owned).ok_or_else(|| {
                AppError::field(
                    "owner",
                    "an API token has no work of its own: name an owner (an e-mail address) or all",
                )
            })?),
            WorkOf::Member(who) => {
                let who = who.trim();
                Some(
                    members
                        .iter()
                        .find(|(id, email)| *id == who || email.eq_ignore_ascii_case(who))
                        .map(|(id, _)| id.clone())
                        .ok_or_else(|| {
                            AppError::field(
                                "owner",
                                format!("{who} is not a member of this workspace"),
                            )
                        })?,
                )
            }
            WorkOf::Everyone => None,
        };
        let owner = match &user {
            Some(u) => DutyOwner::Member(u),
            None => DutyOwner::Everyone,
        };
        let rows = c
            .conn()
            .duties_due(&ws.workspace.id, owner, &until, WORK_LIMIT + 1)
            .await?;
        let cut = i64::try_from(rows.len()).unwrap_or(i64::MAX) > WORK_LIMIT;
        let mut more = c
            .conn()
            .duties_later(&ws.workspace.id, owner, &until)
            .await?;
        if cut {
            // The rows past the limit are counted, not shown.
            more += 1;
        }
        let mut items: Vec<WorkItem> = rows
            .into_iter()
            .take(usize::try_from(WORK_LIMIT).unwrap_or(usize::MAX))
            .filter_map(|r| {
                let kind = kind_by_record_type(&r.kind)?;
                let (days, urgency) = urgency(&r.due_on, &today)?;
                Some(WorkItem {
                    kind: kind.name,
                    kind_label: kind.singular,
                    page: kind.page,
                    duty_label: aims_domain::work::duty_label(kind, &r.duty),
                    record_id: r.record_id,
                    title: r.title,
                    duty: r.duty,
                    due_on: r.due_on,
                    days,
                    urgency,
                    owner: r.owner_id.and_then(|o| members.get(&o).cloned()),
                })
            })
            .collect();
        // A member's published documents to acknowledge, due some days
        // after publication.
        if let Some(user) = &user {
            let role = member_rows
                .iter()
                .find(|m| m.user_id == *user)
                .and_then(|m| m.role.parse::<aims_domain::Role>().ok());
            for d in c.conn().documents_unread(&ws.workspace.id, user).await? {
                let fields: aims_domain::record::Fields =
                    serde_json::from_str(&d.fields).unwrap_or_default();
                let audience = fields
                    .get("must_read")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("nobody");
                if !role.is_some_and(|r| must_read(audience, r)) {
                    continue;
                }
                let Some(due) = d
                    .published_at
                    .get(..10)
                    .and_then(|p| aims_domain::date::add_days(p, ACKNOWLEDGE_DAYS))
                else {
                    continue;
                };
                let Some((days, urgency)) = urgency(&due, &today).filter(|_| due < until) else {
                    continue;
                };
                items.push(WorkItem {
                    kind: DOCUMENTS.name,
                    kind_label: DOCUMENTS.singular,
                    page: DOCUMENTS.page,
                    record_id: d.document_id,
                    title: format!("{} (version {})", d.title, d.number),
                    duty: "acknowledge".into(),
                    duty_label: "Acknowledge by",
                    due_on: due,
                    days,
                    urgency,
                    owner: members.get(user).cloned(),
                });
            }
            items.sort_by(|a, b| (&a.due_on, &a.record_id).cmp(&(&b.due_on, &b.record_id)));
        }
        Ok(WorkList {
            today,
            items,
            until,
            more,
        })
    }
}
