//! Internal audits (9.2) beyond the record path: an auditor's
//! independence. The lead auditor (the audit's owner) and the auditors it
//! names may not audit a record they own: linking such a record into the
//! audit's scope (`audits_scope`), or naming its owner as an auditor of an
//! audit that covers it, is refused with the records at fault.

use crate::records::record_of_kind;
use crate::{App, AppError, Result, Scope};
use aims_domain::audit::independence_conflicts;
use aims_domain::raci::parties;
use aims_domain::record::{Fields, AUDITS};
use aims_store::{Conn, MemberRow, RecordRow};
use serde_json::Value;

/// The members auditing `audit`: its owner and those `auditors` names, by
/// e-mail address or name.
fn auditors_of(audit: &RecordRow, members: &[MemberRow]) -> Vec<String> {
    let mut out: Vec<String> = audit.owner_id.iter().cloned().collect();
    let named = audit
        .fields
        .get("auditors")
        .and_then(Value::as_str)
        .unwrap_or("");
    for p in parties(named) {
        if let Some(m) = members.iter().find(|m| {
            m.email.eq_ignore_ascii_case(&p)
                || (!m.name.is_empty() && m.name.eq_ignore_ascii_case(&p))
        }) {
            if !out.contains(&m.user_id) {
                out.push(m.user_id.clone());
            }
        }
    }
    out
}

impl App {
    /// Refuses an audit whose auditors own a record of its scope; `extra`
    /// is a record about to join the scope.
    pub(crate) async fn check_audit_independence(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        audit: &RecordRow,
        extra: Option<&RecordRow>,
    ) -> Result<()> {
        let members = conn.members_of(&ws.workspace.id).await?;
        let auditors = auditors_of(audit, &members);
        if auditors.is_empty() {
            return Ok(());
        }
        let mut scope: Vec<(String, String, String)> = vec![];
        for l in conn.links_of(&ws.workspace.id, &audit.id).await? {
            if l.relation != "audits_scope" || l.from_id != audit.id {
                continue;
            }
            if let Some(r) = conn.record_any(&ws.workspace.id, &l.other_id).await? {
                if let Some(o) = r.owner_id {
                    scope.push((r.id, r.title, o));
                }
            }
        }
        if let Some(r) = extra {
            if let Some(o) = &r.owner_id {
                scope.push((r.id.clone(), r.title.clone(), o.clone()));
            }
        }
        let pairs: Vec<(&str, &str)> = scope
            .iter()
            .map(|(id, _, o)| (id.as_str(), o.as_str()))
            .collect();
        let ids: Vec<&str> = auditors.iter().map(String::as_str).collect();
        let conflicts = independence_conflicts(&ids, &pairs);
        if conflicts.is_empty() {
            return Ok(());
        }
        let said: Vec<String> = conflicts
            .iter()
            .filter_map(|c| scope.iter().find(|(id, _, _)| id == c))
            .map(|(_, title, owner)| {
                let who = members
                    .iter()
                    .find(|m| m.user_id == *owner)
                    .map_or(owner.as_str(), |m| m.email.as_str());
                format!("{who} owns “{title}”")
            })
            .collect();
        Err(AppError::field(
            if extra.is_some() { "to" } else { "owner" },
            format!(
                "an auditor cannot audit their own area: {}, which this audit covers",
                said.join("; ")
            ),
        ))
    }

    /// The independence check of an audit just written (inside the
    /// caller's transaction).
    pub(crate) async fn check_audit_written(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        id: &str,
    ) -> Result<()> {
        let audit = record_of_kind(conn, ws, &AUDITS, id).await?;
        self.check_audit_independence(conn, ws, &audit, None).await
    }
}

/// Whether `fields` of an audit name auditors at all.
pub(crate) fn names_auditors(fields: &Fields) -> bool {
    fields.get("owner").is_some() || fields.get("auditors").is_some()
}
