//! Nonconformities and corrective actions (10.2) beyond the record path:
//! every write of a nonconformity goes through the domain's workflow rule
//! (an independent verification, closing by a manager only once verified
//! effective, reopening), and an audit finding graded a nonconformity is
//! raised as one in a single step — or reopens the closed nonconformity on
//! the same requirement — linked `raised_as` from the finding.

use crate::records::record_of_kind;
use crate::{App, AppError, Result, Scope};
use aims_domain::audit::Grade;
use aims_domain::nonconformity::{check_update, reopen};
use aims_domain::record::{Fields, Input, CORRECTIVE_ACTIONS, FINDINGS, NONCONFORMITIES};
use aims_domain::Action;
use aims_store::Conn;
use serde_json::{json, Value};

fn text<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).and_then(Value::as_str)
}

impl App {
    /// Applies the nonconformity workflow to a write of `id` (none on
    /// creation) from `old` to `new`, as the caller.
    pub(crate) async fn check_nonconformity(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        id: Option<&str>,
        old: &Fields,
        new: &mut Fields,
    ) -> Result<()> {
        let mut owners: Vec<String> = vec![];
        if let Some(id) = id {
            let members = conn.members_of(&ws.workspace.id).await?;
            for l in conn.links_of(&ws.workspace.id, id).await? {
                if l.relation != "corrected_by" || l.other_kind != CORRECTIVE_ACTIONS.record_type {
                    continue;
                }
                let action = record_of_kind(conn, ws, &CORRECTIVE_ACTIONS, &l.other_id).await?;
                if let Some(m) = action
                    .owner_id
                    .as_deref()
                    .and_then(|o| members.iter().find(|m| m.user_id == o))
                {
                    owners.push(m.email.clone());
                }
            }
        }
        let owners: Vec<&str> = owners.iter().map(String::as_str).collect();
        // A verification names who checked: a member, not an API token.
        let verifying =
            new.get("verification").is_some() && new.get("verification") != old.get("verification");
        if verifying && matches!(ws.principal.kind, crate::PrincipalKind::Token { .. }) {
            return Err(AppError::field(
                "verification",
                "is recorded by a signed-in member, whose name is kept as the verifier, not by an API token",
            ));
        }
        check_update(
            old,
            new,
            &ws.principal.label,
            ws.can(Action::Approve),
            &owners,
            &self.today(),
        )
        .map_err(AppError::Validation)
    }

    /// Raises an audit finding graded a major or minor nonconformity as a
    /// nonconformity, linked from the finding (`raised_as`); when a closed
    /// nonconformity on the same requirement exists, it is reopened
    /// instead. The finding's status becomes "raised".
    pub async fn raise_finding(
        &self,
        ws: &Scope,
        finding_id: &str,
    ) -> Result<aims_store::RecordRow> {
        ws.require(NONCONFORMITIES.access.create)?;
        let finding = self.record(ws, &FINDINGS, finding_id).await?;
        let grade = text(&finding.fields, "grade").and_then(|g| g.parse::<Grade>().ok());
        let Some(nc_grade) = grade.and_then(|g| g.nc_grade()) else {
            return Err(AppError::field(
                "grade",
                "only a finding graded a major or minor nonconformity is raised as a nonconformity",
            ));
        };
        let links = self.links(ws, &FINDINGS, finding_id).await?;
        if let Some(l) = links.iter().find(|l| l.relation == "raised_as") {
            return Err(AppError::Conflict {
                message: format!("this finding was raised already, as “{}”", l.other.title),
                current_version: None,
            });
        }
        let requirement = text(&finding.fields, "requirement")
            .unwrap_or("")
            .trim()
            .to_owned();
        // A closed nonconformity on the same requirement is found again.
        let closed = if requirement.is_empty() {
            None
        } else {
            self.all_records(ws, &NONCONFORMITIES, &Default::default())
                .await?
                .into_iter()
                .find(|n| {
                    text(&n.fields, "status") == Some(aims_domain::nonconformity::CLOSED)
                        && text(&n.fields, "requirement")
                            .is_some_and(|r| r.eq_ignore_ascii_case(&requirement))
                })
        };
        let nc = match closed {
            Some(old) => {
                let mut fields = old.fields.clone();
                reopen(&mut fields, &self.today());
                let mut tx = self.store.begin().await?;
                let new = self
                    .update_parsed(
                        &mut tx.conn(),
                        ws,
                        &NONCONFORMITIES,
                        &old,
                        fields,
                        &mut None,
                    )
                    .await?;
                tx.commit().await?;
                new
            }
            None => {
                let mut fields = json!({
                    "title": finding.title, "source": "audit", "grade": nc_grade, "status": "open",
                    "requirement": requirement,
                    "description": text(&finding.fields, "objective_evidence").unwrap_or(""),
                });
                if let Some(owner) = finding.owner_email.as_deref() {
                    fields["owner"] = json!(owner);
                }
                let Some(map) = fields.as_object() else {
                    return Err(AppError::Internal("nonconformity fields".into()));
                };
                self.create_record(ws, &NONCONFORMITIES, Input::Json(map))
                    .await?
            }
        };
        self.link(ws, &FINDINGS, finding_id, "raised_as", &nc.id)
            .await?;
        let status = json!({"status": "raised"});
        if let Some(map) = status.as_object() {
            self.update_record(ws, &FINDINGS, finding_id, finding.version, Input::Json(map))
                .await?;
        }
        Ok(nc)
    }
}
