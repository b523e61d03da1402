//! Workspaces, memberships and the access rule every workspace request goes through.

use crate::auth::PrincipalKind;
use crate::{new_id, App, AppError, Principal, Result};
use aims_domain::access::leaves_no_manager;
use aims_domain::{Action, Email, FieldErrors, Role, Slug};
use aims_store::{MemberRow, WorkspaceRow};
use serde_json::json;

/// A caller inside one workspace, resolved once per request (by the web
/// layer's extractors, or by the CLI for the operator) and handed to every
/// use case, which checks the action it needs with [`Scope::require`].
#[derive(Debug, Clone)]
pub struct Scope {
    pub principal: Principal,
    pub workspace: WorkspaceRow,
    /// The caller's role here; `None` for an instance administrator who is
    /// not a member (who may administer the workspace, and nothing else).
    pub role: Option<Role>,
}

impl Scope {
    /// The one rule for what a caller may do in a workspace. A caller without
    /// a role here learns nothing ("not found"); a member whose role does not
    /// allow `action` gets "forbidden"; API tokens never manage access.
    pub fn require(&self, action: Action) -> Result<()> {
        if action == Action::Administer {
            if matches!(self.principal.kind, PrincipalKind::Token { .. }) {
                return Err(AppError::Forbidden(
                    "API tokens cannot manage members, tokens or webhooks; a manager does that signed in or at the command line".into(),
                ));
            }
            if self.principal.is_admin() {
                return Ok(());
            }
        }
        let Some(role) = self.role else {
            return Err(AppError::NotFound("workspace"));
        };
        if role.allows(action) {
            return Ok(());
        }
        Err(AppError::Forbidden(format!(
            "the {role} role cannot {} here",
            match action {
                Action::Read => "read",
                Action::Export => "export",
                Action::Create => "create records",
                Action::Update => "change records",
                Action::Delete => "delete records",
                Action::Approve => "approve",
                Action::Administer => "manage members, tokens and webhooks",
            }
        )))
    }

    /// True when [`Scope::require`] would allow `action` (to show or hide controls).
    pub fn can(&self, action: Action) -> bool {
        self.require(action).is_ok()
    }

    pub fn role_label(&self) -> String {
        self.role
            .map_or_else(|| "administrator".to_owned(), |r| r.to_string())
    }
}

impl App {
    /// Resolves the caller's standing in the workspace `slug` (one query, none
    /// for a token). A workspace the caller does not belong to is "not found"
    /// (never "forbidden"), so its existence stays secret; an instance
    /// administrator enters any workspace to administer it.
    pub async fn enter(&self, by: &Principal, slug: &str) -> Result<Scope> {
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
                ((**workspace).clone(), Some(*role))
            }
            PrincipalKind::User { id, is_admin, .. } => {
                let mut c = self.store.conn().await?;
                let Some((w, role)) = c
                    .conn()
                    .workspace_with_role(slug, id, &self.today())
                    .await?
                else {
                    return Err(AppError::NotFound("workspace"));
                };
                let role: Option<Role> = role.and_then(|r| r.parse().ok());
                if role.is_none() && !*is_admin {
                    return Err(AppError::NotFound("workspace"));
                }
                (w, role)
            }
            PrincipalKind::Operator => {
                let mut c = self.store.conn().await?;
                let Some(w) = c.conn().workspace_by_slug(slug).await? else {
                    return Err(AppError::NotFound("workspace"));
                };
                (w, Some(Role::Manager))
            }
            // A private link opens one thing, never a workspace.
            PrincipalKind::Link { .. } => return Err(AppError::NotFound("workspace")),
        };
        Ok(Scope {
            principal: by.clone(),
            workspace,
            role,
        })
    }

    /// Workspaces visible to the caller, with the caller's role in each.
    pub async fn workspaces(&self, by: &Principal) -> Result<Vec<(WorkspaceRow, Role)>> {
        let mut c = self.store.conn().await?;
        match &by.kind {
            PrincipalKind::User { id, .. } => Ok(c
                .conn()
                .workspaces_of_user(id, &self.today())
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
            PrincipalKind::Link { .. } => Ok(vec![]),
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
    pub async fn set_member(&self, ws: &Scope, email: &str, role: &str) -> Result<MemberRow> {
        ws.require(Action::Administer)?;
        let by = &ws.principal;
        let ws = &ws.workspace;
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
        let members = tx.conn().members_of(&ws.id).await?;
        if leaves_no_manager(roles_of(&members), &user.id, Some(role)) {
            return Err(last_manager());
        }
        let now = self.now();
        tx.conn()
            .membership_upsert(&ws.id, &user.id, role.as_str(), &now)
            .await?;
        if before.as_deref() == Some(role.as_str()) {
            tx.commit().await?;
            return Ok(MemberRow {
                workspace_id: ws.id.clone(),
                user_id: user.id,
                role: role.as_str().into(),
                created_at: now,
                email: user.email,
                name: user.name,
                expires_on: None,
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
            workspace_id: ws.id.clone(),
            user_id: user.id,
            role: role.as_str().into(),
            created_at: now,
            email: user.email,
            name: user.name,
            expires_on: None,
        })
    }

    /// Takes a user's access to the workspace away. The last manager stays.
    pub async fn remove_member(&self, ws: &Scope, user_id: &str) -> Result<()> {
        ws.require(Action::Administer)?;
        let by = &ws.principal;
        let ws = &ws.workspace;
        if !aims_domain::validation::is_record_id(user_id) {
            return Err(AppError::NotFound("member"));
        }
        let mut tx = self.store.begin().await?;
        let members = tx.conn().members_of(&ws.id).await?;
        let Some(member) = members.iter().find(|m| m.user_id == user_id) else {
            return Err(AppError::NotFound("member"));
        };
        if leaves_no_manager(roles_of(&members), user_id, None) {
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

    pub async fn members(&self, ws: &Scope) -> Result<Vec<MemberRow>> {
        ws.require(Action::Read)?;
        Ok(self
            .store
            .conn()
            .await?
            .conn()
            .members_of(&ws.workspace.id)
            .await?)
    }
}

/// Members as (user id, role), for [`leaves_no_manager`].
fn roles_of(members: &[MemberRow]) -> impl Iterator<Item = (&str, Role)> {
    members
        .iter()
        .filter_map(|m| m.role.parse().ok().map(|r| (m.user_id.as_str(), r)))
}

/// A workspace always keeps at least one manager.
fn last_manager() -> AppError {
    AppError::Conflict {
        message: "this is the workspace's last manager; make someone else manager first".into(),
        current_version: None,
    }
}
