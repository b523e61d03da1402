//! Auditor access (migration 0022): invitations by private link, the end
//! day of a membership, and the log of what auditors open.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// An invitation to join a workspace.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct InvitationRow {
    pub id: String,
    pub workspace_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub expires_on: String,
    #[serde(skip)]
    pub secret_sha256: String,
    pub created_at: String,
    pub created_by: String,
    pub accepted_at: Option<String>,
}

/// One page or file an auditor opened.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AccessRow {
    pub id: String,
    pub workspace_id: String,
    pub actor: String,
    pub actor_label: String,
    pub at: String,
    pub method: String,
    pub path: String,
}

const INVITATION: &str = "id, workspace_id, email, name, role, expires_on, secret_sha256, created_at, created_by, accepted_at";

impl Conn<'_> {
    pub async fn invitation_insert(&mut self, i: &InvitationRow) -> Result<()> {
        let sql = format!("INSERT INTO invitations ({INVITATION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&i.id).bind(&i.workspace_id).bind(&i.email).bind(&i.name).bind(&i.role)
            .bind(&i.expires_on).bind(&i.secret_sha256).bind(&i.created_at).bind(&i.created_by)
            .bind(&i.accepted_at)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The invitation whose secret hashes to `sha256`.
    pub async fn invitation_by_secret(&mut self, sha256: &str) -> Result<Option<InvitationRow>> {
        let sql = format!("SELECT {INVITATION} FROM invitations WHERE secret_sha256 = $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(sha256).fetch_optional(&mut **c).await)?)
    }

    /// Marks an invitation accepted; false when it was already.
    pub async fn invitation_accept(&mut self, id: &str, at: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL")
            .bind(id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A workspace's invitations, newest first.
    pub async fn invitations_of(&mut self, workspace_id: &str) -> Result<Vec<InvitationRow>> {
        let sql = format!(
            "SELECT {INVITATION} FROM invitations WHERE workspace_id = $1 ORDER BY created_at DESC"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    /// Sets the last day of a member's access (`None`: it does not end).
    pub async fn membership_expiry_set(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        expires_on: Option<&str>,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE memberships SET expires_on = $3 WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id).bind(user_id).bind(expires_on)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn access_log_insert(&mut self, r: &AccessRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO access_log (id, workspace_id, actor, actor_label, at, method, path)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&r.id).bind(&r.workspace_id).bind(&r.actor).bind(&r.actor_label).bind(&r.at)
            .bind(&r.method).bind(&r.path)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The workspace's access log, newest first, at most `limit`.
    pub async fn access_log(&mut self, workspace_id: &str, limit: i64) -> Result<Vec<AccessRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, workspace_id, actor, actor_label, at, method, path FROM access_log
             WHERE workspace_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(workspace_id).bind(limit).fetch_all(&mut **c).await)?)
    }
}
