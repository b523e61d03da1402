//! Workspaces, memberships and the access rule every workspace request goes through.

use crate::auth::PrincipalKind;
use crate::{new_id, App, AppError, Principal, Result};
use aims_domain::{Action, Email, FieldErrors, Role, Slug};
use aims_store::{MemberRow, WorkspaceRow};
use serde_json::json;

/// A principal's standing in one workspace, after the access check passed.
#[derive(Debug, Clone)]
pub struct Access {
    pub workspace: WorkspaceRow,
    pub role: Role,
}

impl App {
    /// The one gate to workspace records. A workspace the caller does not belong
    /// to answers "not found" (never "forbidden"), so its existence stays secret;
    /// a member whose role does not allow `action` gets "forbidden".
    pub async fn access(&self, by: &Principal, slug: &str, action: Action) -> Result<Access> {
        if Slug::parse(slug).is_err() {
            return Err(AppError::NotFound("workspace"));
        }
        let (workspace, role) = match &by.kind {
            // A token knows its workspace: no query at all.
            PrincipalKind::Token {
                workspace, role, ..
            } => {
                if workspace.slug != slug {
                    return Err(AppError::NotFound("workspace"));
                }
                // Access is managed by people: a leaked token must not be able
                // to mint more tokens or grant itself allies.
                if action == Action::Administer {
                    return Err(AppError::Forbidden(
                        "API tokens cannot manage members or tokens; a manager does that signed in or at the command line".into(),
                    ));
                }
                ((**workspace).clone(), Some(*role))
            }
            PrincipalKind::User { id, .. } => {
                let mut c = self.store.conn().await?;
                let Some((w, role)) = c.conn().workspace_with_role(slug, id).await? else {
                    return Err(AppError::NotFound("workspace"));
                };
                (w, role.and_then(|r| r.parse().ok()))
            }
            PrincipalKind::Operator => {
                let mut c = self.store.conn().await?;
                let Some(w) = c.conn().workspace_by_slug(slug).await? else {
                    return Err(AppError::NotFound("workspace"));
                };
                (w, Some(Role::Manager))
            }
        };
        let Some(role) = role else {
            return Err(AppError::NotFound("workspace"));
        };
        if !role.allows(action) {
            return Err(AppError::Forbidden(format!(
                "the {role} role cannot {} here",
                match action {
                    Action::Read => "read",
                    Action::Export => "export",
                    Action::Create => "create records",
                    Action::Update => "change records",
                    Action::Delete => "delete records",
                    Action::Approve => "approve",
                    Action::Administer => "manage members and tokens",
                }
            )));
        }
        Ok(Access { workspace, role })
    }

    /// Workspaces visible to the caller, with the caller's role in each.
    pub async fn workspaces(&self, by: &Principal) -> Result<Vec<(WorkspaceRow, Role)>> {
        let mut c = self.store.conn().await?;
        match &by.kind {
            PrincipalKind::User { id, .. } => Ok(c
                .conn()
                .workspaces_of_user(id)
                .await?
                .into_iter()
                .filter_map(|(w, r)| r.parse().ok().map(|r| (w, r)))
                .collect()),
            PrincipalKind::Token {
                workspace, role, ..
            } => Ok(vec![((**workspace).clone(), *role)]),
            PrincipalKind::Operator => Ok(c
                .conn()
                .workspaces_all()
                .await?
                .into_iter()
                .map(|w| (w, Role::Manager))
                .collect()),
        }
    }

    /// Creates a workspace (administrators only); a user who creates one becomes its manager.
    pub async fn create_workspace(
        &self,
        by: &Principal,
        name: &str,
        slug: &str,
    ) -> Result<WorkspaceRow> {
        if !by.is_admin() {
            return Err(AppError::Forbidden(
                "only administrators create workspaces".into(),
            ));
        }
        let mut errors = FieldErrors::new();
        let name = aims_domain::validation::required_text(&mut errors, "name", name, 200);
        let slug = Slug::parse(slug).map_err(|m| errors.add("slug", m)).ok();
        errors.into_result()?;
        let Some(slug) = slug else {
            return Err(AppError::field("slug", "is invalid"));
        };
        let now = self.now();
        let w = WorkspaceRow {
            id: new_id(),
            slug: slug.as_str().into(),
            name,
            created_at: now.clone(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().workspace_insert(&w).await?;
        tx.conn()
            .history_append(self.event(
                by,
                &w.id,
                "create",
                "workspace",
                &w.id,
                json!({"name": w.name, "slug": w.slug}),
            ))
            .await?;
        if let Some(uid) = by.user_id() {
            tx.conn()
                .membership_upsert(&w.id, uid, Role::Manager.as_str(), &now)
                .await?;
            tx.conn()
                .history_append(self.event(
                    by,
                    &w.id,
                    "add",
                    "member",
                    uid,
                    json!({"email": by.label, "role": "manager"}),
                ))
                .await?;
        }
        tx.commit().await?;
        Ok(w)
    }

    /// Adds a user to a workspace or changes their role. Managers and administrators may.
    pub async fn set_member(
        &self,
        by: &Principal,
        slug: &str,
        email: &str,
        role: &str,
    ) -> Result<MemberRow> {
        let ws = self.administered_workspace(by, slug).await?;
        let mut errors = FieldErrors::new();
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        let role = role.parse::<Role>().map_err(|m| errors.add("role", m)).ok();
        errors.into_result()?;
        let (Some(email), Some(role)) = (email, role) else {
            return Err(AppError::field("email", "is invalid"));
        };
        let mut tx = self.store.begin().await?;
        let Some(user) = tx.conn().user_by_email(email.as_str()).await? else {
            return Err(AppError::field(
                "email",
                "no user has this e-mail; add the user first",
            ));
        };
        let before = tx.conn().membership_role(&ws.id, &user.id).await?;
        if before.as_deref() == Some(Role::Manager.as_str()) && role != Role::Manager {
            let managers = tx
                .conn()
                .members_of(&ws.id)
                .await?
                .iter()
                .filter(|m| m.role == Role::Manager.as_str())
                .count();
            if managers <= 1 {
                return Err(last_manager());
            }
        }
        let now = self.now();
        tx.conn()
            .membership_upsert(&ws.id, &user.id, role.as_str(), &now)
            .await?;
        if before.as_deref() == Some(role.as_str()) {
            tx.commit().await?;
            return Ok(MemberRow {
                workspace_id: ws.id,
                user_id: user.id,
                role: role.as_str().into(),
                created_at: now,
                email: user.email,
                name: user.name,
            });
        }
        let (action, change) = match before {
            Some(old) => (
                "update",
                json!({"email": user.email, "role": [old, role.as_str()]}),
            ),
            None => ("add", json!({"email": user.email, "role": role.as_str()})),
        };
        tx.conn()
            .history_append(self.event(by, &ws.id, action, "member", &user.id, change))
            .await?;
        tx.commit().await?;
        Ok(MemberRow {
            workspace_id: ws.id,
            user_id: user.id,
            role: role.as_str().into(),
            created_at: now,
            email: user.email,
            name: user.name,
        })
    }

    /// Takes a user's access to the workspace away. The last manager stays.
    pub async fn remove_member(&self, by: &Principal, slug: &str, user_id: &str) -> Result<()> {
        let ws = self.administered_workspace(by, slug).await?;
        if !aims_domain::validation::is_record_id(user_id) {
            return Err(AppError::NotFound("member"));
        }
        let mut tx = self.store.begin().await?;
        let members = tx.conn().members_of(&ws.id).await?;
        let Some(member) = members.iter().find(|m| m.user_id == user_id) else {
            return Err(AppError::NotFound("member"));
        };
        let managers = members
            .iter()
            .filter(|m| m.role == Role::Manager.as_str())
            .count();
        if member.role == Role::Manager.as_str() && managers == 1 {
            return Err(last_manager());
        }
        tx.conn().membership_delete(&ws.id, user_id).await?;
        tx.conn()
            .history_append(self.event(
                by,
                &ws.id,
                "remove",
                "member",
                user_id,
                json!({"email": member.email, "role": member.role}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(&self, by: &Principal, slug: &str) -> Result<Vec<MemberRow>> {
        let access = self.access(by, slug, Action::Read).await?;
        Ok(self
            .store
            .conn()
            .await?
            .conn()
            .members_of(&access.workspace.id)
            .await?)
    }

    /// Managers of the workspace and instance administrators administer it.
    async fn administered_workspace(&self, by: &Principal, slug: &str) -> Result<WorkspaceRow> {
        if Slug::parse(slug).is_err() {
            return Err(AppError::NotFound("workspace"));
        }
        if by.is_admin() {
            let mut c = self.store.conn().await?;
            return c
                .conn()
                .workspace_by_slug(slug)
                .await?
                .ok_or(AppError::NotFound("workspace"));
        }
        Ok(self.access(by, slug, Action::Administer).await?.workspace)
    }
}

/// A workspace always keeps at least one manager.
fn last_manager() -> AppError {
    AppError::Conflict {
        message: "this is the workspace's last manager; make someone else manager first".into(),
        current_version: None,
    }
}
