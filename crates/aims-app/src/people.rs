//! People and competence (7.2, 7.3, A.3.2, A.4.6): for each member, the
//! activities they are accountable for in the RACI, their trainings —
//! current, expired or planned — and the published documents they must
//! still acknowledge; and what each lacks.

use crate::{App, Result, Scope};
use aims_domain::document::must_read;
use aims_domain::record::{Fields, RESPONSIBILITIES, TRAININGS};
use aims_domain::{Action, Role};
use serde::Serialize;
use serde_json::Value;

/// One member as the people view shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub email: String,
    pub name: String,
    pub role: String,
    /// `(id, title)` of the RACI activities they are accountable for.
    pub accountable: Vec<(String, String)>,
    /// `(id, title, expires_on)` of trainings that count today.
    pub current: Vec<(String, String, String)>,
    /// `(id, title, expires_on)` of trainings past their expiry.
    pub expired: Vec<(String, String, String)>,
    /// `(id, title)` of published documents they must still acknowledge.
    pub unread: Vec<(String, String)>,
    /// What they lack, in words.
    pub gaps: Vec<String>,
}

fn text<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).and_then(Value::as_str)
}

impl App {
    /// Every member with their responsibilities, trainings, documents to
    /// acknowledge and gaps, those with gaps first.
    pub async fn people(&self, ws: &Scope) -> Result<Vec<Person>> {
        ws.require(Action::Read)?;
        let today = self.today();
        let members = self.members(ws).await?;
        let raci = self
            .all_records(ws, &RESPONSIBILITIES, &Default::default())
            .await?;
        let trainings = self
            .all_records(ws, &TRAININGS, &Default::default())
            .await?;
        let mut out = Vec::new();
        for m in members {
            let role = m.role.parse::<Role>().ok();
            let accountable: Vec<(String, String)> = raci
                .iter()
                .filter(|r| r.owner_id.as_deref() == Some(m.user_id.as_str()))
                .map(|r| (r.id.clone(), r.title.clone()))
                .collect();
            let mut current = vec![];
            let mut expired = vec![];
            for t in trainings
                .iter()
                .filter(|t| t.owner_id.as_deref() == Some(m.user_id.as_str()))
            {
                let until = text(&t.fields, "expires_on").unwrap_or("").to_owned();
                let done = text(&t.fields, "status") != Some("planned");
                if !until.is_empty() && until < today {
                    expired.push((t.id.clone(), t.title.clone(), until));
                } else if done {
                    current.push((t.id.clone(), t.title.clone(), until));
                }
            }
            let unread: Vec<(String, String)> = {
                let mut c = self.store.conn().await?;
                c.conn()
                    .documents_unread(&ws.workspace.id, &m.user_id)
                    .await?
                    .into_iter()
                    .filter(|d| {
                        let f: Fields = serde_json::from_str(&d.fields).unwrap_or_default();
                        let audience = text(&f, "must_read").unwrap_or("nobody");
                        role.is_some_and(|r| must_read(audience, r))
                    })
                    .map(|d| (d.document_id, d.title))
                    .collect()
            };
            let mut gaps = vec![];
            for (_, title, until) in &expired {
                gaps.push(format!("{title} expired on {until}"));
            }
            if !accountable.is_empty() && current.is_empty() {
                gaps.push(format!(
                    "accountable for {} activit{} without a current training or qualification",
                    accountable.len(),
                    if accountable.len() == 1 { "y" } else { "ies" }
                ));
            }
            if !unread.is_empty() {
                gaps.push(format!(
                    "{} document{} to acknowledge",
                    unread.len(),
                    if unread.len() == 1 { "" } else { "s" }
                ));
            }
            out.push(Person {
                email: m.email,
                name: m.name,
                role: m.role,
                accountable,
                current,
                expired,
                unread,
                gaps,
            });
        }
        out.sort_by_key(|p| (p.gaps.is_empty(), p.email.clone()));
        Ok(out)
    }

    /// The RACI as one matrix of activities by parties (accountable
    /// members by e-mail address, then the roles and people named).
    pub async fn raci_matrix(&self, ws: &Scope) -> Result<aims_domain::raci::Matrix> {
        ws.require(Action::Read)?;
        let members = self.members(ws).await?;
        let rows: Vec<aims_domain::raci::Row> = self
            .all_records(ws, &RESPONSIBILITIES, &Default::default())
            .await?
            .into_iter()
            .map(|r| {
                let process = RESPONSIBILITIES
                    .field("process")
                    .map(|f| {
                        f.choice_label(text(&r.fields, "process").unwrap_or(""))
                            .to_owned()
                    })
                    .unwrap_or_default();
                let accountable = r
                    .owner_id
                    .as_deref()
                    .and_then(|o| members.iter().find(|m| m.user_id == o))
                    .map(|m| m.email.clone())
                    .unwrap_or_default();
                aims_domain::raci::Row {
                    process,
                    accountable,
                    responsible: text(&r.fields, "responsible").unwrap_or("").to_owned(),
                    consulted: text(&r.fields, "consulted").unwrap_or("").to_owned(),
                    informed: text(&r.fields, "informed").unwrap_or("").to_owned(),
                    activity: r.title,
                    id: r.id,
                }
            })
            .collect();
        Ok(aims_domain::raci::matrix(&rows))
    }
}
