//! The daily e-mail digest: once a day, at the configured time (UTC), every
//! member who owns open duties gets one message listing, per workspace they
//! belong to, what is overdue and what falls due within seven days
//! (`aims_domain::digest` composes it from the work list). A task of
//! `aims serve` runs it.
//!
//! Replicas: a replica first claims the day (`digest_runs`, one row per
//! day, `INSERT … ON CONFLICT DO UPDATE … WHERE` the run is unfinished and
//! its lease ran out), renews its lease before each message, and writes each
//! member's message (`digest_messages`, primary key day and member) before
//! sending it: a member gets at most one digest a day, even when a replica
//! stops mid-way and another takes the day over. The mail client is not
//! here: it is a [`MailSender`] (the web crate's SMTP client, or a test's).

use crate::{clock, new_id, App, AppError, FixedClock, Principal, Result, Scope, WorkOf};
use aims_domain::digest::{self, DigestAt, DigestLine, DigestSection};
use aims_store::{DigestMessageRow, DigestRecipientRow, DigestRunRow};
use serde_json::json;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address and name.
    pub to: String,
    pub to_name: String,
    pub subject: String,
    /// The plain-text body and its HTML alternative.
    pub text: String,
    pub html: String,
}

/// Sends e-mail: `Ok` once the server took the message, else why not.
pub trait MailSender: Send + Sync {
    fn send<'a>(
        &'a self,
        mail: Mail,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + 'a>>;
}

/// How the digest is sent (`aims serve --smtp-url … --digest-at …`).
#[derive(Debug, Clone)]
pub struct DigestSettings {
    /// True when this instance sends digests (an SMTP server is set and
    /// the digest is not switched off): members then see the switch.
    pub enabled: bool,
    /// The time of day (UTC) it goes out.
    pub at: DigestAt,
    /// The public base URL for links to records; none: no links.
    pub public_url: Option<String>,
    /// How often a replica looks whether the day's digest is due.
    pub poll: Duration,
    /// How long a replica holds the day without renewing its claim
    /// (longer than sending one message may take).
    pub lease: Duration,
    /// Days the log of runs and messages is kept.
    pub keep_days: i64,
}

impl Default for DigestSettings {
    fn default() -> Self {
        DigestSettings {
            enabled: false,
            at: DigestAt::default(),
            public_url: None,
            poll: Duration::from_secs(60),
            lease: Duration::from_secs(5 * 60),
            keep_days: 90,
        }
    }
}

/// What one run of a day's digest did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    pub day: String,
    /// False when the day was done already or another replica holds it:
    /// nothing was sent.
    pub claimed: bool,
    pub sent: usize,
    pub failed: usize,
    /// Members whose digest of the day another run had taken already.
    pub skipped: usize,
}

/// The digest log administrators read.
#[derive(Debug, Clone, Default)]
pub struct DigestLog {
    pub enabled: bool,
    pub at: String,
    pub runs: Vec<DigestRunRow>,
    pub messages: Vec<DigestMessageRow>,
}

/// How one member's message went.
enum Outcome {
    Sent,
    Failed,
    /// Another run had taken it.
    Taken,
    /// This replica no longer holds the day.
    Lost,
}

/// The longest error text kept.
const MAX_ERROR_CHARS: usize = 500;

fn later(now: time::OffsetDateTime, d: Duration) -> String {
    let d = time::Duration::try_from(d).unwrap_or(time::Duration::MAX);
    clock::format(now.checked_add(d).unwrap_or(now))
}

/// Midnight UTC at the start of `day` (a date already checked).
fn midnight(day: &str) -> Result<time::OffsetDateTime> {
    aims_domain::date::day_number(day)
        .and_then(|n| time::OffsetDateTime::from_unix_timestamp(n.checked_mul(86_400)?).ok())
        .ok_or_else(|| AppError::field("day", format!("'{day}' is not a date (YYYY-MM-DD)")))
}

impl App {
    /// Sends each day's digest at its time until `shutdown` resolves (a
    /// message being sent is then dropped; the day's claim runs out and the
    /// next replica to look finishes the day).
    pub async fn run_digests(
        self,
        sender: Arc<dyn MailSender>,
        shutdown: impl Future<Output = ()> + Send,
    ) {
        let worker = new_id();
        let settings = self.config.digest.clone();
        let poll = i64::try_from(settings.poll.as_secs()).unwrap_or(60).max(1);
        let mut pruned: Option<String> = None;
        tokio::pin!(shutdown);
        tracing::info!(worker = %worker, at = %settings.at, "daily digest started");
        loop {
            let now = self.clock.now().unix_timestamp();
            if let Some(day) = digest::due_day(now, settings.at) {
                tokio::select! {
                    () = &mut shutdown => break,
                    r = self.digest_day(&day, &worker, &*sender) => match r {
                        Ok(r) if r.claimed => tracing::info!(
                            day = %r.day, sent = r.sent, failed = r.failed, skipped = r.skipped,
                            "daily digest done"
                        ),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(day = %day, error = %e, "daily digest failed; tried again when its claim runs out"),
                    },
                }
                if pruned.as_deref() != Some(day.as_str()) {
                    pruned = Some(day.clone());
                    if let Err(e) = self.prune_digests(&day).await {
                        tracing::warn!(error = %e, "cannot prune the old digest log");
                    }
                }
            }
            let wait = (digest::next_run(now, settings.at) - now).clamp(1, poll);
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(Duration::from_secs(wait.unsigned_abs())) => {}
            }
        }
        tracing::info!(worker = %worker, "daily digest stopped");
    }

    async fn prune_digests(&self, day: &str) -> Result<()> {
        let keep = self.config.digest.keep_days.max(1);
        let Some(before) = aims_domain::date::add_days(day, -keep) else {
            return Ok(());
        };
        let mut tx = self.store.begin_side().await?;
        let n = tx.conn().digest_prune(&before).await?;
        tx.commit().await?;
        if n > 0 {
            tracing::info!(messages = n, "pruned the old digest log");
        }
        Ok(())
    }

    /// Sends the digest of `day` (`YYYY-MM-DD`), listing duties as of that
    /// day, unless that day's digest was sent already or another replica is
    /// sending it: what `aims serve` does at the digest time.
    pub async fn send_digests(&self, day: &str, sender: &dyn MailSender) -> Result<DigestReport> {
        self.digest_day(day, &new_id(), sender).await
    }

    async fn digest_day(
        &self,
        day: &str,
        worker: &str,
        sender: &dyn MailSender,
    ) -> Result<DigestReport> {
        let start = midnight(day)?;
        let mut report = DigestReport {
            day: day.to_owned(),
            ..DigestReport::default()
        };
        let lease = self.config.digest.lease;
        let now = self.clock.now();
        // Done, or held by a live claim: one read, no write.
        if let Some(run) = self.store.conn().await?.conn().digest_run(day).await? {
            if run.finished_at.is_some() || run.lease_until >= clock::format(now) {
                return Ok(report);
            }
        }
        let mut tx = self.store.begin_side().await?;
        let claimed = tx
            .conn()
            .digest_run_claim(day, worker, &clock::format(now), &later(now, lease))
            .await?;
        tx.commit().await?;
        if !claimed {
            return Ok(report);
        }
        report.claimed = true;
        let before = aims_domain::date::add_days(day, digest::LOOK_AHEAD_DAYS + 1)
            .ok_or_else(|| AppError::field("day", "is out of range"))?;
        let recipients = self
            .store
            .conn()
            .await?
            .conn()
            .digest_recipients(&before)
            .await?;
        // The work lists as of the digest's day, whatever the clock says.
        let on_day = self.clone().with_clock(Arc::new(FixedClock(start)));
        let mut scopes: HashMap<String, Scope> = HashMap::new();
        let mut i = 0;
        while let Some(first) = recipients.get(i) {
            let rows: Vec<&DigestRecipientRow> = recipients[i..]
                .iter()
                .take_while(|r| r.user_id == first.user_id)
                .collect();
            i += rows.len();
            let mut sections = Vec::with_capacity(rows.len());
            for r in &rows {
                let scope = match scopes.get(&r.slug) {
                    Some(s) => s.clone(),
                    None => {
                        let s = self.enter(&Principal::operator(), &r.slug).await?;
                        scopes.insert(r.slug.clone(), s.clone());
                        s
                    }
                };
                let list = on_day
                    .work_list(
                        &scope,
                        &WorkOf::Member(r.user_id.clone()),
                        Some(digest::LOOK_AHEAD_DAYS),
                    )
                    .await?;
                sections.push(DigestSection {
                    workspace: r.workspace_name.clone(),
                    slug: r.slug.clone(),
                    lines: list
                        .items
                        .into_iter()
                        .map(|w| DigestLine {
                            kind: aims_domain::record::capitalise(w.kind_label),
                            path: format!("/w/{}/{}/{}", r.slug, w.page, w.record_id),
                            title: w.title,
                            duty: w.duty_label.to_owned(),
                            due_on: w.due_on,
                            days: w.days,
                            urgency: w.urgency,
                        })
                        .collect(),
                });
            }
            let public_url = self.config.digest.public_url.as_deref();
            let Some(d) = digest::compose(&first.name, day, &sections, public_url) else {
                continue;
            };
            match self.send_one(first, day, worker, d, sender).await? {
                Outcome::Sent => report.sent += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Taken => report.skipped += 1,
                // Another replica took the day over (this one was too slow).
                Outcome::Lost => return Ok(report),
            }
        }
        let mut tx = self.store.begin_side().await?;
        tx.conn()
            .digest_run_finish(day, worker, &self.now())
            .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Renews the claim on the day and records one member's message, then
    /// sends it.
    async fn send_one(
        &self,
        to: &DigestRecipientRow,
        day: &str,
        worker: &str,
        d: digest::Digest,
        sender: &dyn MailSender,
    ) -> Result<Outcome> {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let row = DigestMessageRow {
            day: day.to_owned(),
            user_id: to.user_id.clone(),
            email: to.email.clone(),
            workspaces: count(d.workspaces),
            items: count(d.items),
            overdue: count(d.overdue),
            state: "sending".into(),
            error: String::new(),
            worker: worker.to_owned(),
            started_at: self.now(),
            finished_at: None,
        };
        let until = later(self.clock.now(), self.config.digest.lease);
        let mut tx = self.store.begin_side().await?;
        if !tx.conn().digest_run_renew(day, worker, &until).await? {
            return Ok(Outcome::Lost);
        }
        if !tx.conn().digest_message_begin(&row).await? {
            return Ok(Outcome::Taken);
        }
        tx.commit().await?;
        let sent = sender
            .send(Mail {
                to: to.email.clone(),
                to_name: to.name.clone(),
                subject: d.subject,
                text: d.text,
                html: d.html,
            })
            .await;
        let error: String = match &sent {
            Ok(()) => String::new(),
            Err(e) if e.is_empty() => "the mail server refused the message".into(),
            Err(e) => e.chars().take(MAX_ERROR_CHARS).collect(),
        };
        let mut tx = self.store.begin_side().await?;
        tx.conn()
            .digest_message_end(day, &to.user_id, &self.now(), &error)
            .await?;
        tx.commit().await?;
        if error.is_empty() {
            tracing::info!(day = %day, to = %to.email, items = d.items, "digest sent");
        } else {
            tracing::warn!(day = %day, to = %to.email, items = d.items, error = %error, "digest not sent");
        }
        Ok(if error.is_empty() {
            Outcome::Sent
        } else {
            Outcome::Failed
        })
    }

    /// The latest digest runs and messages (instance administrators).
    pub async fn digest_log(&self, by: &Principal, limit: i64) -> Result<DigestLog> {
        if !by.is_admin() {
            return Err(AppError::Forbidden(
                "only administrators read the digest log".into(),
            ));
        }
        let mut c = self.store.conn().await?;
        Ok(DigestLog {
            enabled: self.config.digest.enabled,
            at: self.config.digest.at.to_string(),
            runs: c.conn().digest_runs_recent(limit.clamp(1, 1000)).await?,
            messages: c
                .conn()
                .digest_messages_recent(limit.clamp(1, 1000))
                .await?,
        })
    }

    /// Whether the signed-in user receives the daily digest (when this
    /// instance sends it).
    pub async fn receives_digest(&self, by: &Principal) -> Result<bool> {
        let Some(user) = by.user_id() else {
            return Ok(false);
        };
        let mut c = self.store.conn().await?;
        Ok(!c.conn().digest_opted_out(user).await?)
    }

    /// Switches the signed-in user's daily digest on or off; a change is
    /// recorded in the history. Returns whether anything changed.
    pub async fn set_receives_digest(&self, by: &Principal, receive: bool) -> Result<bool> {
        let Some(user) = by.user_id() else {
            return Err(AppError::Forbidden(
                "only a signed-in person has a digest to switch".into(),
            ));
        };
        let mut tx = self.store.begin().await?;
        let changed = tx
            .conn()
            .digest_opt_out_set(user, !receive, &self.now())
            .await?;
        if changed {
            tx.conn()
                .history_append(self.event(
                    by,
                    "",
                    "update",
                    "digest_preference",
                    user,
                    json!({ "receive": receive }),
                ))
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}
