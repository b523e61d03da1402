//! Users, workspaces, memberships, sessions, API tokens and login throttling.

use crate::conn::{on_conn, Conn, StoreError};
use crate::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub created_at: String,
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub created_at: &'a str,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub workspace_id: String,
    pub user_id: String,
    pub role: String,
    pub created_at: String,
    pub email: String,
    pub name: String,
    /// The last day of access (an external auditor's), if it ends.
    #[sqlx(default)]
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: String,
    pub csrf_token: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub struct NewToken<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub created_at: &'a str,
    pub created_by: &'a str,
}

const USER_COLS: &str = "id, email, name, password_hash, is_admin, created_at";
const TOKEN_COLS: &str =
    "id, workspace_id, name, role, prefix, created_at, created_by, last_used_at, revoked_at";

impl Conn<'_> {
    // ---- users ----

    pub async fn user_count(&mut self) -> Result<i64> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut **c).await)?;
        Ok(n)
    }

    pub async fn user_insert(&mut self, u: &NewUser<'_>) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(u.id).bind(u.email).bind(u.name).bind(u.password_hash).bind(u.is_admin).bind(u.created_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))
            .map_err(|e| StoreError::unique(e, "email"))?;
        Ok(())
    }

    pub async fn user_by_email(&mut self, email: &str) -> Result<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE email = $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(email).fetch_optional(&mut **c).await)?)
    }

    pub async fn user_by_id(&mut self, id: &str) -> Result<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
    }

    pub async fn users_all(&mut self) -> Result<Vec<UserRow>> {
        let sql = format!("SELECT {USER_COLS} FROM users ORDER BY email");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?)
    }

    // ---- workspaces ----

    pub async fn workspace_insert(&mut self, w: &WorkspaceRow) -> Result<()> {
        on_conn!(self, c => sqlx::query("INSERT INTO workspaces (id, slug, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&w.id).bind(&w.slug).bind(&w.name).bind(&w.created_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))
            .map_err(|e| StoreError::unique(e, "slug"))?;
        Ok(())
    }

    pub async fn workspace_by_slug(&mut self, slug: &str) -> Result<Option<WorkspaceRow>> {
        Ok(
            on_conn!(self, c => sqlx::query_as("SELECT id, slug, name, created_at FROM workspaces WHERE slug = $1")
            .bind(slug).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn workspaces_all(&mut self) -> Result<Vec<WorkspaceRow>> {
        Ok(
            on_conn!(self, c => sqlx::query_as("SELECT id, slug, name, created_at FROM workspaces ORDER BY name")
            .fetch_all(&mut **c).await)?,
        )
    }

    /// Workspaces the user belongs to, with the user's role in each.
    pub async fn workspaces_of_user(
        &mut self,
        user_id: &str,
        today: &str,
    ) -> Result<Vec<(WorkspaceRow, String)>> {
        #[derive(sqlx::FromRow)]
        struct WsRole {
            id: String,
            slug: String,
            name: String,
            created_at: String,
            role: String,
        }
        let rows: Vec<WsRole> = on_conn!(self, c => sqlx::query_as(
            "SELECT w.id, w.slug, w.name, w.created_at, m.role FROM workspaces w
             JOIN memberships m ON m.workspace_id = w.id
             WHERE m.user_id = $1 AND (m.expires_on IS NULL OR m.expires_on >= $2) ORDER BY w.name")
            .bind(user_id).bind(today).fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    WorkspaceRow {
                        id: r.id,
                        slug: r.slug,
                        name: r.name,
                        created_at: r.created_at,
                    },
                    r.role,
                )
            })
            .collect())
    }

    /// A workspace by slug with `user_id`'s role in it (None when not a member,
    /// or a member whose access expired before `today`), in one query.
    pub async fn workspace_with_role(
        &mut self,
        slug: &str,
        user_id: &str,
        today: &str,
    ) -> Result<Option<(WorkspaceRow, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Joined {
            id: String,
            slug: String,
            name: String,
            created_at: String,
            role: Option<String>,
        }
        let row: Option<Joined> = on_conn!(self, c => sqlx::query_as(
            "SELECT w.id, w.slug, w.name, w.created_at, m.role FROM workspaces w
             LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $2
                 AND (m.expires_on IS NULL OR m.expires_on >= $3)
             WHERE w.slug = $1")
            .bind(slug).bind(user_id).bind(today).fetch_optional(&mut **c).await)?;
        Ok(row.map(|r| {
            (
                WorkspaceRow {
                    id: r.id,
                    slug: r.slug,
                    name: r.name,
                    created_at: r.created_at,
                },
                r.role,
            )
        }))
    }

    // ---- memberships ----

    /// Adds the member or changes the role of an existing one.
    pub async fn membership_upsert(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        role: &str,
        at: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role, expires_on = NULL")
            .bind(workspace_id).bind(user_id).bind(role).bind(at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn membership_delete(&mut self, workspace_id: &str, user_id: &str) -> Result<bool> {
        let r = on_conn!(self, c => sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id).bind(user_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(r > 0)
    }

    pub async fn membership_role(
        &mut self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<String>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id).bind(user_id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn members_of(&mut self, workspace_id: &str) -> Result<Vec<MemberRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT m.workspace_id, m.user_id, m.role, m.created_at, u.email, u.name, m.expires_on
             FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.email")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    // ---- sessions ----

    pub async fn session_insert(
        &mut self,
        id_hash: &str,
        user_id: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id_hash).bind(user_id).bind(csrf).bind(created_at).bind(expires_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn session_get(&mut self, id_hash: &str) -> Result<Option<SessionRow>> {
        Ok(
            on_conn!(self, c => sqlx::query_as("SELECT user_id, csrf_token, expires_at FROM sessions WHERE id_hash = $1")
            .bind(id_hash).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn session_delete(&mut self, id_hash: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn sessions_delete_expired(&mut self, now: &str) -> Result<u64> {
        Ok(
            on_conn!(self, c => sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?,
        )
    }

    // ---- login throttling ----

    /// Counts one more attempt against `key`, as pending until it is settled,
    /// and returns the attempts in its window (this one and others still
    /// pending included) with the window's start, in one statement, so
    /// concurrent attempts can never all pass the check. A window that started
    /// before `since` starts over at `now`.
    pub async fn login_attempt_charge(
        &mut self,
        key: &str,
        since: &str,
        now: &str,
    ) -> Result<(i64, String)> {
        let row: (i64, String) = on_conn!(self, c => sqlx::query_as(
            "INSERT INTO login_failures (throttle_key, failures, pending, window_start) VALUES ($1, 1, 1, $3)
             ON CONFLICT (throttle_key) DO UPDATE SET
               failures = CASE WHEN login_failures.window_start >= $2 THEN login_failures.failures + 1 ELSE 1 END,
               pending = CASE WHEN login_failures.window_start >= $2 THEN login_failures.pending + 1 ELSE 1 END,
               window_start = CASE WHEN login_failures.window_start >= $2 THEN login_failures.window_start ELSE $3 END
             RETURNING failures, window_start")
            .bind(key).bind(since).bind(now).fetch_one(&mut **c).await)?;
        Ok(row)
    }

    /// Attempts counted for each of `keys` in windows that started at or after
    /// `since` — all of them, and those settled (not pending) — with the
    /// oldest such window's start (a read; nothing counted).
    pub async fn login_attempts_read(
        &mut self,
        keys: &[String; 3],
        since: &str,
    ) -> Result<([i64; 3], [i64; 3], Option<String>)> {
        let rows: Vec<(String, i64, i64, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT throttle_key, failures, pending, window_start FROM login_failures
             WHERE throttle_key IN ($1, $2, $3) AND window_start >= $4")
            .bind(&keys[0]).bind(&keys[1]).bind(&keys[2]).bind(since).fetch_all(&mut **c).await)?;
        let mut all = [0; 3];
        let mut settled = [0; 3];
        for (key, n, pending, _) in &rows {
            if let Some(i) = keys.iter().position(|k| k == key) {
                all[i] = *n;
                settled[i] = (n - pending).max(0);
            }
        }
        Ok((all, settled, rows.into_iter().map(|r| r.3).min()))
    }

    /// Settles one pending attempt on `key`: a success also takes it back.
    pub async fn login_attempt_settle(&mut self, key: &str, succeeded: bool) -> Result<()> {
        let refund: i64 = if succeeded { 1 } else { 0 };
        on_conn!(self, c => sqlx::query(
            "UPDATE login_failures SET pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END,
               failures = CASE WHEN failures >= $2 THEN failures - $2 ELSE 0 END
             WHERE throttle_key = $1")
            .bind(key).bind(refund).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn login_failures_purge(&mut self, before: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM login_failures WHERE window_start < $1")
            .bind(before).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn login_failures_clear(&mut self, key: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(key).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    // ---- API tokens ----

    pub async fn token_insert(&mut self, t: &NewToken<'_>) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO api_tokens (id, workspace_id, name, role, token_hash, prefix, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(t.id).bind(t.workspace_id).bind(t.name).bind(t.role).bind(t.token_hash)
            .bind(t.prefix).bind(t.created_at).bind(t.created_by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The live token with this hash, its workspace and the workspace's
    /// latest history number, in one query (the hot path of every API
    /// request: a kept list page is found by that number).
    pub async fn token_with_workspace(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<(TokenRow, WorkspaceRow, Option<i64>)>> {
        #[derive(sqlx::FromRow)]
        struct Joined {
            id: String,
            workspace_id: String,
            name: String,
            role: String,
            prefix: String,
            created_at: String,
            created_by: String,
            last_used_at: Option<String>,
            revoked_at: Option<String>,
            ws_slug: String,
            ws_name: String,
            ws_created_at: String,
            ws_seq: Option<i64>,
        }
        let row: Option<Joined> = on_conn!(self, c => sqlx::query_as(
            "SELECT t.id, t.workspace_id, t.name, t.role, t.prefix, t.created_at, t.created_by, t.last_used_at, t.revoked_at,
                    w.slug AS ws_slug, w.name AS ws_name, w.created_at AS ws_created_at,
                    (SELECT e.seq FROM history_events e WHERE e.workspace_id = t.workspace_id
                     ORDER BY e.seq DESC LIMIT 1) AS ws_seq
             FROM api_tokens t JOIN workspaces w ON w.id = t.workspace_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL")
            .bind(token_hash).fetch_optional(&mut **c).await)?;
        Ok(row.map(|r| {
            let ws = WorkspaceRow {
                id: r.workspace_id.clone(),
                slug: r.ws_slug,
                name: r.ws_name,
                created_at: r.ws_created_at,
            };
            let t = TokenRow {
                id: r.id,
                workspace_id: r.workspace_id,
                name: r.name,
                role: r.role,
                prefix: r.prefix,
                created_at: r.created_at,
                created_by: r.created_by,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            };
            (t, ws, r.ws_seq)
        }))
    }

    pub async fn token_by_id(&mut self, workspace_id: &str, id: &str) -> Result<Option<TokenRow>> {
        let sql =
            format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE workspace_id = $1 AND id = $2");
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn tokens_of(&mut self, workspace_id: &str) -> Result<Vec<TokenRow>> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE workspace_id = $1 ORDER BY created_at, id"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    pub async fn token_revoke(&mut self, id: &str, at: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Records use; writes at most once a minute per token to keep reads cheap.
    pub async fn token_touch(&mut self, id: &str, now: &str, unless_after: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(id).bind(now).bind(unless_after).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
