//! Identity: first-run setup, users, passwords, sessions, API tokens, throttling.

use crate::{new_id, random_hex, sha256_hex, App, AppError, Result, Scope};
use aims_domain::history::NewEvent;
use aims_domain::throttle::{Attempts, Decision};
use aims_domain::values::check_password;
use aims_domain::{Email, FieldErrors, Role};
use aims_store::{NewToken, NewUser, TokenRow, UserRow, WorkspaceRow};
use argon2::password_hash::SaltString;
use argon2::Params;
use serde_json::json;

/// Who is making a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// Readable name: the user's e-mail, or `token:<name>`.
    pub label: String,
}

#[derive(Debug, Clone)]
pub enum PrincipalKind {
    User {
        id: String,
        name: String,
        is_admin: bool,
    },
    /// An API token is bound to one workspace with one role.
    Token {
        id: String,
        workspace: Box<WorkspaceRow>,
        role: Role,
        /// The workspace's latest history number, read with the token at the
        /// start of the request this principal was made for (a token's
        /// principal never outlives its request).
        history_seq: Option<i64>,
    },
    /// The operator at the command line, working on the database directly.
    Operator,
    /// Someone outside aims acting through a private link (a supplier
    /// answering a questionnaire): no rights anywhere, recorded in the
    /// history as `link:<id>` (what the link opens).
    Link { id: String },
}

impl Principal {
    pub fn operator() -> Principal {
        Principal {
            kind: PrincipalKind::Operator,
            label: "operator (command line)".into(),
        }
    }

    /// The actor string recorded in history.
    pub fn actor(&self) -> String {
        match &self.kind {
            PrincipalKind::User { id, .. } => format!("user:{id}"),
            PrincipalKind::Token { id, .. } => format!("token:{id}"),
            PrincipalKind::Operator => "operator".into(),
            PrincipalKind::Link { id } => format!("link:{id}"),
        }
    }

    pub fn is_admin(&self) -> bool {
        match &self.kind {
            PrincipalKind::User { is_admin, .. } => *is_admin,
            PrincipalKind::Operator => true,
            PrincipalKind::Token { .. } | PrincipalKind::Link { .. } => false,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::User { id, .. } => Some(id),
            _ => None,
        }
    }

    pub(crate) fn from_user(u: &UserRow) -> Principal {
        Principal {
            kind: PrincipalKind::User {
                id: u.id.clone(),
                name: u.name.clone(),
                is_admin: u.is_admin,
            },
            label: u.email.clone(),
        }
    }
}

/// A session just created: the raw cookie value and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
    pub max_age_secs: i64,
}

#[derive(Debug)]
pub enum LoginOutcome {
    Success(NewSession, Principal),
    BadCredentials,
}

/// A token as created: `secret` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct TokenCreated {
    pub row: TokenRow,
    pub secret: String,
}

impl App {
    fn argon2_params(&self) -> Result<Params> {
        if self.config.insecure_fast_password_hash {
            Params::new(1024, 1, 1, None)
        } else {
            // OWASP's recommended argon2id minimum: 19 MiB, 2 passes, 1 lane.
            Params::new(19 * 1024, 2, 1, None)
        }
        .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Runs argon2 off the async runtime, at most `hash_concurrency` at a
    /// time (about one per core), with a bounded queue: past it the caller is
    /// told to retry, so a flood of sign-ins can neither exhaust memory (each
    /// hash takes 19 MiB) nor starve other requests of CPU. Callers never hold a
    /// database connection while they wait here.
    async fn with_hasher<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let hashing = &self.hashing;
        let queued = hashing
            .waiting
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let _leave = Leave(&hashing.waiting);
        if queued >= self.config.hash_queue {
            return Err(AppError::Unavailable {
                message: "the server is busy checking passwords; try again in a moment".into(),
                retry_after_secs: 1,
            });
        }
        let _permit = hashing
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }

    pub(crate) async fn hash_password(&self, password: String) -> Result<String> {
        let params = self.argon2_params()?;
        let salt_hex = random_hex(16)?;
        self.with_hasher(move || {
            let salt = SaltString::encode_b64(salt_hex.as_bytes())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            crate::password::hash(&params, password.as_bytes(), &salt).map_err(AppError::Internal)
        })
        .await
    }

    async fn verify_password(&self, password: String, phc: String) -> Result<bool> {
        self.with_hasher(move || Ok(crate::password::verify(&phc, password.as_bytes())))
            .await
    }

    /// True while no user exists: the web UI then offers first-run setup.
    pub async fn needs_setup(&self) -> Result<bool> {
        Ok(self.store.conn().await?.conn().user_count().await? == 0)
    }

    /// Creates a user. `only_if_first` makes it the first-run setup, which must
    /// fail once any user exists (so the setup page cannot be replayed).
    pub async fn add_user(
        &self,
        by: &Principal,
        email: &str,
        name: &str,
        password: &str,
        is_admin: bool,
        only_if_first: bool,
    ) -> Result<UserRow> {
        if !only_if_first && !by.is_admin() {
            return Err(AppError::Forbidden("only administrators add users".into()));
        }
        let mut errors = FieldErrors::new();
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        let name = aims_domain::validation::required_text(&mut errors, "name", name, 200);
        if let Err(m) = check_password(password) {
            errors.add("password", m);
        }
        errors.into_result()?;
        let Some(email) = email else {
            return Err(AppError::field("email", "is invalid"));
        };
        if only_if_first && !self.needs_setup().await? {
            // Refuse before spending a hash on it (checked again when writing).
            return Err(setup_done());
        }
        let hash = self.hash_password(password.to_owned()).await?;
        let now = self.now();
        let user = UserRow {
            id: new_id(),
            email: email.as_str().to_owned(),
            name,
            password_hash: hash,
            is_admin,
            created_at: now.clone(),
        };
        let mut tx = self.store.begin().await?;
        if only_if_first && tx.conn().user_count().await? > 0 {
            return Err(setup_done());
        }
        tx.conn()
            .user_insert(&NewUser {
                id: &user.id,
                email: &user.email,
                name: &user.name,
                password_hash: &user.password_hash,
                is_admin,
                created_at: &now,
            })
            .await?;
        let actor = if only_if_first {
            Principal::from_user(&user)
        } else {
            by.clone()
        };
        tx.conn()
            .history_append(self.event(
                &actor,
                "",
                "create",
                "user",
                &user.id,
                json!({"email": user.email, "name": user.name, "admin": is_admin}),
            ))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn users(&self, by: &Principal) -> Result<Vec<UserRow>> {
        if !by.is_admin() {
            return Err(AppError::Forbidden("only administrators list users".into()));
        }
        Ok(self.store.conn().await?.conn().users_all().await?)
    }

    /// Checks e-mail and password. Every attempt is counted first, atomically,
    /// against the client address, the account from that address and the
    /// account from anywhere; [`ThrottlePolicy`] then says whether to check the
    /// password now, later, or not at all. The password is checked holding no
    /// database connection, and a success takes the account's attempts back.
    pub async fn login(&self, email: &str, password: &str, client: &str) -> Result<LoginOutcome> {
        // Something that is not an e-mail address cannot be an account: refuse it
        // before it reaches the throttle table or the database.
        let Ok(email) = Email::parse(email) else {
            return Ok(LoginOutcome::BadCredentials);
        };
        let email = email.as_str();
        let client: String = client
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let keys: [String; 3] = [
            format!("ip:{client}"),
            format!("pair:{email}|{client}"),
            format!("email:{email}"),
        ];
        let now_t = self.clock.now();
        let now = crate::clock::format(now_t);
        let window = self.config.login_window_secs;
        let since = crate::clock::format(now_t - time::Duration::seconds(window));
        let throttled = |oldest: Option<String>| {
            let ends = oldest
                .as_deref()
                .and_then(crate::clock::parse)
                .map(|t| (t + time::Duration::seconds(window) - now_t).whole_seconds())
                .unwrap_or(window);
            AppError::Throttled(ends.clamp(1, window.max(1)))
        };
        let _slot = self
            .hashing
            .logins
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // A client already refused is refused again by one read: a flood from
        // one address costs no writes. Only settled attempts count here, so a
        // burst of simultaneous correct sign-ins is not refused by itself.
        let (_, settled, oldest) = self.read_attempts(&keys, &since).await?;
        let next = Attempts {
            address: settled[0] + 1,
            account_and_address: settled[1] + 1,
            account: settled[2] + 1,
        };
        if self.config.throttle.decide(next) == Decision::Refuse {
            drop(_slot);
            return Err(self.refuse(throttled(oldest)).await);
        }
        // Otherwise the attempt is counted first, atomically, and the counts
        // after it decide (so concurrent attempts cannot all slip through).
        let (user, counts, oldest_window) = {
            let mut tx = self.store.begin().await?;
            let mut counts = [0i64; 3];
            let mut oldest = now.clone();
            for (i, key) in keys.iter().enumerate() {
                let (n, start) = tx.conn().login_attempt_charge(key, &since, &now).await?;
                counts[i] = n;
                oldest = oldest.min(start);
            }
            // Windows that have run out say nothing any more: keep the table small.
            tx.conn().login_failures_purge(&since).await?;
            let user = tx.conn().user_by_email(email).await?;
            tx.commit().await?;
            (user, counts, oldest)
        };
        drop(_slot);
        let attempts = |c: [i64; 3]| Attempts {
            address: c[0],
            account_and_address: c[1],
            account: c[2],
        };
        let mut decision = self.config.throttle.decide(attempts(counts));
        // Refused only because other attempts, counted a moment ago, are
        // still being checked: wait for them. Those that succeed take their
        // count back, so simultaneous correct sign-ins all go through, while
        // simultaneous wrong ones keep theirs and stay refused.
        let mut waited = 0;
        while decision == Decision::Refuse && waited < CONCURRENT_ATTEMPTS_WAIT_MS {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            waited += 50;
            let (now_counts, _, _) = self.read_attempts(&keys, &since).await?;
            decision = self.config.throttle.decide(attempts(now_counts));
        }
        let delay_ms = match decision {
            Decision::Refuse => {
                self.settle_failed(&keys).await?;
                return Err(self.refuse(throttled(Some(oldest_window))).await);
            }
            Decision::Proceed { delay_ms } => delay_ms,
        };
        if delay_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        }
        let ok = match &user {
            Some(u) => {
                self.verify_password(password.to_owned(), u.password_hash.clone())
                    .await?
            }
            None => {
                // Spend the same time on unknown e-mails as on known ones, so
                // timing does not reveal which e-mails have accounts.
                self.hash_password(password.to_owned()).await?;
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            self.settle_failed(&keys).await?;
            return Ok(LoginOutcome::BadCredentials);
        };
        let session = self.new_session()?;
        let mut tx = self.store.begin().await?;
        settle(&mut tx.conn(), &keys, true).await?;
        tx.conn().login_failures_clear(&keys[1]).await?;
        self.store_session(&mut tx.conn(), &user.id, &session)
            .await?;
        tx.commit().await?;
        Ok(LoginOutcome::Success(session, Principal::from_user(&user)))
    }

    /// Answers a refused sign-in after a short pause (holding no connection):
    /// a client that keeps trying gets an answer a few times a second, not
    /// thousands, so a flood costs the server little.
    async fn refuse(&self, e: AppError) -> AppError {
        tokio::time::sleep(std::time::Duration::from_millis(
            self.config.refusal_delay_ms,
        ))
        .await;
        e
    }

    /// Attempts counted for `keys` (all, settled) and the oldest window start.
    async fn read_attempts(
        &self,
        keys: &[String; 3],
        since: &str,
    ) -> Result<([i64; 3], [i64; 3], Option<String>)> {
        Ok(self
            .store
            .conn()
            .await?
            .conn()
            .login_attempts_read(keys, since)
            .await?)
    }

    /// Marks a refused or failed attempt as no longer pending (it keeps its count).
    async fn settle_failed(&self, keys: &[String; 3]) -> Result<()> {
        let mut tx = self.store.begin().await?;
        settle(&mut tx.conn(), keys, false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A fresh session's secrets (nothing stored yet).
    fn new_session(&self) -> Result<NewSession> {
        Ok(NewSession {
            cookie_value: random_hex(32)?,
            csrf_token: random_hex(32)?,
            max_age_secs: self.config.session_ttl_secs,
        })
    }

    async fn store_session(
        &self,
        c: &mut aims_store::Conn<'_>,
        user_id: &str,
        s: &NewSession,
    ) -> Result<()> {
        let now_t = self.clock.now();
        let expires =
            crate::clock::format(now_t + time::Duration::seconds(self.config.session_ttl_secs));
        c.sessions_delete_expired(&crate::clock::format(now_t))
            .await?;
        c.session_insert(
            &sha256_hex(&s.cookie_value),
            user_id,
            &s.csrf_token,
            &crate::clock::format(now_t),
            &expires,
        )
        .await?;
        Ok(())
    }

    pub async fn start_session(&self, user_id: &str) -> Result<NewSession> {
        let session = self.new_session()?;
        let mut c = self.store.conn().await?;
        self.store_session(&mut c.conn(), user_id, &session).await?;
        Ok(session)
    }

    /// The user behind a session cookie, with the session's CSRF token.
    pub async fn session_principal(
        &self,
        cookie_value: &str,
    ) -> Result<Option<(Principal, String)>> {
        let mut c = self.store.conn().await?;
        let Some(s) = c.conn().session_get(&sha256_hex(cookie_value)).await? else {
            return Ok(None);
        };
        if s.expires_at < self.now() {
            return Ok(None);
        }
        let Some(user) = c.conn().user_by_id(&s.user_id).await? else {
            return Ok(None);
        };
        Ok(Some((Principal::from_user(&user), s.csrf_token)))
    }

    pub async fn logout(&self, cookie_value: &str) -> Result<()> {
        self.store
            .conn()
            .await?
            .conn()
            .session_delete(&sha256_hex(cookie_value))
            .await?;
        Ok(())
    }

    /// The principal behind a bearer token, recording its use.
    pub async fn token_principal(&self, secret: &str) -> Result<Option<Principal>> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let mut c = self.store.conn().await?;
        let Some((t, workspace, history_seq)) =
            c.conn().token_with_workspace(&sha256_hex(secret)).await?
        else {
            return Ok(None);
        };
        let Ok(role) = t.role.parse::<Role>() else {
            return Ok(None);
        };
        let now_t = self.clock.now();
        let recent = crate::clock::format(now_t - time::Duration::seconds(60));
        // Record use at most once a minute, so a busy pipeline does not turn
        // every read into a write.
        if t.last_used_at
            .as_deref()
            .is_none_or(|u| u < recent.as_str())
        {
            // Bookkeeping only: a busy database must not fail the request.
            if let Err(e) = c
                .conn()
                .token_touch(&t.id, &crate::clock::format(now_t), &recent)
                .await
            {
                tracing::debug!(error = %e, "token use not recorded");
            }
        }
        Ok(Some(Principal {
            kind: PrincipalKind::Token {
                id: t.id,
                workspace: Box::new(workspace),
                role,
                history_seq,
            },
            label: format!("token:{}", t.name),
        }))
    }

    /// Creates an API token for a workspace; needs the manager role there.
    pub async fn create_token(&self, ws: &Scope, name: &str, role: &str) -> Result<TokenCreated> {
        ws.require(aims_domain::Action::Administer)?;
        let by = &ws.principal;
        let mut errors = FieldErrors::new();
        let name = aims_domain::validation::required_text(&mut errors, "name", name, 100);
        let role = role.parse::<Role>().map_err(|m| errors.add("role", m)).ok();
        errors.into_result()?;
        let Some(role) = role else {
            return Err(AppError::field("role", "is invalid"));
        };
        let secret = format!("{TOKEN_PREFIX}{}", random_hex(20)?);
        let now = self.now();
        let row = TokenRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            name,
            role: role.as_str().into(),
            prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
            created_at: now.clone(),
            created_by: by.label.clone(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.conn()
            .token_insert(&NewToken {
                id: &row.id,
                workspace_id: &row.workspace_id,
                name: &row.name,
                role: &row.role,
                token_hash: &sha256_hex(&secret),
                prefix: &row.prefix,
                created_at: &now,
                created_by: &row.created_by,
            })
            .await?;
        tx.conn()
            .history_append(self.event(
                by,
                &row.workspace_id,
                "create",
                "api_token",
                &row.id,
                json!({"name": row.name, "role": row.role}),
            ))
            .await?;
        tx.commit().await?;
        Ok(TokenCreated { row, secret })
    }

    pub async fn tokens(&self, ws: &Scope) -> Result<Vec<TokenRow>> {
        ws.require(aims_domain::Action::Administer)?;
        Ok(self
            .store
            .conn()
            .await?
            .conn()
            .tokens_of(&ws.workspace.id)
            .await?)
    }

    pub async fn revoke_token(&self, ws: &Scope, token_id: &str) -> Result<()> {
        ws.require(aims_domain::Action::Administer)?;
        let by = &ws.principal;
        if !aims_domain::validation::is_record_id(token_id) {
            return Err(AppError::NotFound("API token"));
        }
        let mut tx = self.store.begin().await?;
        let Some(t) = tx.conn().token_by_id(&ws.workspace.id, token_id).await? else {
            return Err(AppError::NotFound("API token"));
        };
        if !tx.conn().token_revoke(&t.id, &self.now()).await? {
            return Err(AppError::Conflict {
                message: "the token is already revoked".into(),
                current_version: None,
            });
        }
        tx.conn()
            .history_append(self.event(
                by,
                &ws.workspace.id,
                "revoke",
                "api_token",
                &t.id,
                json!({"name": t.name}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An unlinked history event by `by`, stamped now.
    pub(crate) fn event(
        &self,
        by: &Principal,
        workspace_id: &str,
        action: &str,
        record_type: &str,
        record_id: &str,
        change: serde_json::Value,
    ) -> NewEvent {
        NewEvent {
            id: new_id(),
            at: self.now(),
            actor: by.actor(),
            actor_label: by.label.clone(),
            workspace_id: workspace_id.into(),
            action: action.into(),
            record_type: record_type.into(),
            record_id: record_id.into(),
            change: change.to_string(),
        }
    }
}

/// How long an attempt refused only by attempts still in flight waits for them.
const CONCURRENT_ATTEMPTS_WAIT_MS: u64 = 3_000;

/// Settles one attempt on each key; a success also takes it back.
async fn settle(c: &mut aims_store::Conn<'_>, keys: &[String; 3], succeeded: bool) -> Result<()> {
    for key in keys {
        c.login_attempt_settle(key, succeeded).await?;
    }
    Ok(())
}

fn setup_done() -> AppError {
    AppError::Conflict {
        message: "setup is already complete; sign in instead".into(),
        current_version: None,
    }
}

/// Decrements a counter when dropped (also when the future is cancelled).
struct Leave<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The password hashing gate shared by every request of a process.
#[derive(Debug)]
pub(crate) struct Hashing {
    pub(crate) permits: tokio::sync::Semaphore,
    pub(crate) waiting: std::sync::atomic::AtomicUsize,
    /// Sign-ins using the database at once: at most half the pool, so a flood
    /// of sign-ins always leaves connections for everyone else.
    pub(crate) logins: tokio::sync::Semaphore,
}

/// Every API token starts with this, so secret scanners can spot leaked ones.
pub const TOKEN_PREFIX: &str = "aims_";
