//! Auditor access: a manager invites an external auditor to one workspace
//! with the auditor role until a day (`invite_auditor`); the invitation is
//! a private link, shown once and kept as its SHA-256, with which the
//! auditor chooses a password (`accept_invitation`) — someone who already
//! has an account is made a member at once. After the day the workspace is
//! "not found" to them (`App::enter` reads memberships with today's date).
//! Every page an auditor opens and file they download is logged
//! (`log_access`) and shown to managers (`access_log`).

use crate::{new_id, random_hex, sha256_hex, App, AppError, Principal, Result, Scope};
use aims_domain::values::check_password;
use aims_domain::{Action, Email, FieldErrors, Role};
use aims_store::{AccessRow, InvitationRow, NewUser, UserRow};
use serde::Serialize;
use serde_json::json;

/// The history's record type for invitations.
const INVITATION_TYPE: &str = "invitation";

/// The outcome of an invitation.
#[derive(Debug, Clone, Serialize)]
pub struct Invited {
    pub invitation: InvitationRow,
    /// The private link's secret, shown once; `None` when the person had an
    /// account and was made a member at once.
    pub secret: Option<String>,
}

/// What an invitation link shows before it is accepted.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub workspace_name: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub expires_on: String,
}

impl App {
    /// Invites `email` as an auditor of the workspace until `expires_on`
    /// (the last day of access, after today).
    pub async fn invite_auditor(
        &self,
        ws: &Scope,
        email: &str,
        name: &str,
        expires_on: &str,
    ) -> Result<Invited> {
        ws.require(Action::Administer)?;
        let mut errors = FieldErrors::new();
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        let name = aims_domain::validation::required_text(&mut errors, "name", name, 200);
        let today = self.today();
        match aims_domain::record::parse_date(expires_on.trim()) {
            Some(d) if d > today => {}
            Some(_) => errors.add("expires_on", "must be after today"),
            None => errors.add("expires_on", "must be a date (YYYY-MM-DD)"),
        }
        errors.into_result()?;
        let Some(email) = email else {
            return Err(AppError::field("email", "is invalid"));
        };
        let expires_on = expires_on.trim().to_owned();
        let wid = ws.workspace.id.clone();
        let mut tx = self.store.begin().await?;
        let existing = tx.conn().user_by_email(email.as_str()).await?;
        if let Some(u) = &existing {
            if let Some(role) = tx.conn().membership_role(&wid, &u.id).await? {
                return Err(AppError::field(
                    "email",
                    format!("is already a member of this workspace ({role})"),
                ));
            }
        }
        let secret = format!("inv_{}", random_hex(24)?);
        let now = self.now();
        let invitation = InvitationRow {
            id: new_id(),
            workspace_id: wid.clone(),
            email: email.as_str().to_owned(),
            name,
            role: Role::Auditor.as_str().to_owned(),
            expires_on: expires_on.clone(),
            secret_sha256: sha256_hex(&secret),
            created_at: now.clone(),
            created_by: ws.principal.label.clone(),
            accepted_at: existing.as_ref().map(|_| now.clone()),
        };
        tx.conn().invitation_insert(&invitation).await?;
        if let Some(u) = &existing {
            tx.conn()
                .membership_upsert(&wid, &u.id, Role::Auditor.as_str(), &now)
                .await?;
            tx.conn()
                .membership_expiry_set(&wid, &u.id, Some(&expires_on))
                .await?;
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &wid,
                "invite",
                INVITATION_TYPE,
                &invitation.id,
                json!({"email": invitation.email, "role": invitation.role, "expires_on": expires_on,
                    "member_at_once": existing.is_some()}),
            ))
            .await?;
        tx.commit().await?;
        Ok(Invited {
            invitation,
            secret: existing.is_none().then_some(secret),
        })
    }

    /// The open invitation behind a link: not found once accepted or past its day.
    async fn open_invitation(&self, secret: &str) -> Result<InvitationRow> {
        if !secret.starts_with("inv_") || secret.len() > 100 {
            return Err(AppError::NotFound("invitation"));
        }
        let mut c = self.store.conn().await?;
        c.conn()
            .invitation_by_secret(&sha256_hex(secret))
            .await?
            .filter(|i| i.accepted_at.is_none() && i.expires_on >= self.today())
            .ok_or(AppError::NotFound("invitation"))
    }

    /// What the invitation link shows.
    pub async fn invitation(&self, secret: &str) -> Result<InvitationView> {
        let i = self.open_invitation(secret).await?;
        let workspace_name = {
            let mut c = self.store.conn().await?;
            c.conn()
                .workspace_name(&i.workspace_id)
                .await?
                .unwrap_or_default()
        };
        Ok(InvitationView {
            workspace_name,
            email: i.email,
            name: i.name,
            role: i.role,
            expires_on: i.expires_on,
        })
    }

    /// Accepts an invitation: the account is made with `password`, and the
    /// membership with the role and last day given. The link then closes.
    pub async fn accept_invitation(&self, secret: &str, password: &str) -> Result<UserRow> {
        let i = self.open_invitation(secret).await?;
        check_password(password).map_err(|m| AppError::field("password", m))?;
        let hash = self.hash_password(password.to_owned()).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.conn().user_by_email(&i.email).await?.is_some() {
            return Err(AppError::field(
                "email",
                "an account with this e-mail exists already: sign in, and ask to be added",
            ));
        }
        if !tx.conn().invitation_accept(&i.id, &now).await? {
            return Err(AppError::NotFound("invitation"));
        }
        let user = UserRow {
            id: new_id(),
            email: i.email.clone(),
            name: i.name.clone(),
            password_hash: hash,
            is_admin: false,
            created_at: now.clone(),
        };
        tx.conn()
            .user_insert(&NewUser {
                id: &user.id,
                email: &user.email,
                name: &user.name,
                password_hash: &user.password_hash,
                is_admin: false,
                created_at: &now,
            })
            .await?;
        tx.conn()
            .membership_upsert(&i.workspace_id, &user.id, &i.role, &now)
            .await?;
        tx.conn()
            .membership_expiry_set(&i.workspace_id, &user.id, Some(&i.expires_on))
            .await?;
        let by = Principal::from_user(&user);
        tx.conn()
            .history_append(self.event(
                &by,
                &i.workspace_id,
                "accept",
                INVITATION_TYPE,
                &i.id,
                json!({"email": user.email, "role": i.role, "expires_on": i.expires_on}),
            ))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The workspace's invitations, newest first (managers).
    pub async fn invitations(&self, ws: &Scope) -> Result<Vec<InvitationRow>> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn().invitations_of(&ws.workspace.id).await?)
    }

    /// Notes that an auditor opened `path`; nothing for any other role.
    /// The log is beside the history, not in it: reading changes nothing.
    pub async fn log_access(&self, ws: &Scope, method: &str, path: &str) -> Result<()> {
        if ws.role != Some(Role::Auditor) {
            return Ok(());
        }
        let row = AccessRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            actor: ws.principal.actor(),
            actor_label: ws.principal.label.clone(),
            at: self.now(),
            method: method.chars().take(10).collect(),
            path: path.chars().take(1000).collect(),
        };
        let mut c = self.store.conn().await?;
        c.conn().access_log_insert(&row).await?;
        Ok(())
    }

    /// What auditors opened in the workspace, newest first (managers).
    pub async fn access_log(&self, ws: &Scope, limit: i64) -> Result<Vec<AccessRow>> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .access_log(&ws.workspace.id, limit.clamp(1, 10_000))
            .await?)
    }
}
