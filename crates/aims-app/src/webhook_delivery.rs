//! Delivering webhooks: a task of `aims serve` reads each enabled webhook's
//! history events after its cursor and POSTs them one by one, signed, in
//! order, retrying a failed one with backoff before taking the next.
//!
//! All state is in the database, so deliveries survive restarts and several
//! replicas share the work: a replica first takes a webhook's lease
//! (`UPDATE … WHERE` the lease is free or ran out), and records each attempt
//! before sending it (only one replica can write attempt n of a delivery).
//! The HTTP client is not here: it is a [`WebhookSender`] (the web crate's,
//! or a test's).

use crate::{clock, new_id, App, Result};
use aims_domain::history::Event;
use aims_domain::webhook::{self, EventFilter};
use aims_store::{AttemptEnd, DeliveryRow, WebhookRow};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// One signed request to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    /// Header names and values (the signature among them).
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub timeout: Duration,
}

/// Sends webhook requests: the HTTP status of the answer, or why none came
/// (refused address, connection, timeout).
pub trait WebhookSender: Send + Sync {
    fn send<'a>(
        &'a self,
        request: Outgoing,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<u16, String>> + Send + 'a>>;
}

/// What one step on a webhook did.
enum Step {
    /// Something was done; look again.
    More,
    /// Nothing to do now (caught up, or waiting for a retry).
    Idle,
}

/// Events read from the history at a time.
const EVENT_BATCH: i64 = 100;
/// Steps on one webhook before its lease is given back, so a webhook with
/// a long backlog or a slow receiver does not keep a slot from the others.
const MAX_STEPS: usize = 25;
/// The longest error text kept.
const MAX_ERROR_CHARS: usize = 500;

fn later(now: time::OffsetDateTime, d: Duration) -> String {
    let d = time::Duration::try_from(d).unwrap_or(time::Duration::MAX);
    clock::format(now.checked_add(d).unwrap_or(now))
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_ERROR_CHARS).collect()
}

impl App {
    /// Delivers webhooks until `shutdown` resolves; in-flight requests get
    /// up to their timeout to finish.
    pub async fn run_webhooks(
        self,
        sender: Arc<dyn WebhookSender>,
        shutdown: impl Future<Output = ()> + Send,
    ) {
        let worker = new_id();
        let settings = self.config.webhooks.clone();
        let mut tasks = tokio::task::JoinSet::new();
        let mut tick = tokio::time::interval(settings.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_prune: Option<tokio::time::Instant> = None;
        let mut spawned: u64 = 0;
        tokio::pin!(shutdown);
        tracing::info!(worker = %worker, "webhook delivery started");
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = tick.tick() => {}
            }
            while tasks.try_join_next().is_some() {}
            let free = settings.concurrency.max(1).saturating_sub(tasks.len());
            if free > 0 {
                match self.due_webhooks(free).await {
                    Ok(ids) => {
                        for id in ids {
                            // Each task holds leases under its own name, so two
                            // tasks of this replica never share a webhook either.
                            spawned += 1;
                            let owner = format!("{worker}/{spawned}");
                            let (app, sender) = (self.clone(), sender.clone());
                            tasks.spawn(
                                async move { app.work_webhook(&id, &owner, &*sender).await },
                            );
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot look for due webhooks"),
                }
            }
            if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
                last_prune = Some(tokio::time::Instant::now());
                if let Err(e) = self.prune_deliveries().await {
                    tracing::warn!(error = %e, "cannot prune old webhook deliveries");
                }
            }
        }
        let grace = settings.timeout + Duration::from_secs(1);
        if tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} })
            .await
            .is_err()
        {
            tasks.abort_all();
        }
        tracing::info!(worker = %worker, "webhook delivery stopped");
    }

    async fn due_webhooks(&self, limit: usize) -> Result<Vec<String>> {
        let mut c = self.store.conn().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(c.conn().webhooks_due(&self.now(), limit).await?)
    }

    async fn prune_deliveries(&self) -> Result<()> {
        let now = self.clock.now();
        let keep =
            time::Duration::try_from(self.config.webhooks.keep).unwrap_or(time::Duration::MAX);
        let before = clock::format(now.checked_sub(keep).unwrap_or(now));
        let mut tx = self.store.begin_side().await?;
        let n = tx.conn().webhook_deliveries_prune(&before).await?;
        tx.commit().await?;
        if n > 0 {
            tracing::info!(deliveries = n, "pruned old webhook deliveries");
        }
        Ok(())
    }

    /// Takes webhook `id`'s lease and works on it until it is caught up or
    /// waits for a retry; a failure is logged and left for the next round.
    pub(crate) async fn work_webhook(&self, id: &str, worker: &str, sender: &dyn WebhookSender) {
        for _ in 0..MAX_STEPS {
            match self.webhook_step(id, worker, sender).await {
                Ok(Step::More) => {}
                Ok(Step::Idle) => break,
                Err(e) => {
                    tracing::warn!(webhook = %id, error = %e, "webhook delivery step failed");
                    break;
                }
            }
        }
        let released = async {
            let mut c = self.store.conn().await?;
            c.conn().webhook_release(id, worker, &self.now()).await?;
            Ok::<(), crate::AppError>(())
        };
        if let Err(e) = released.await {
            tracing::debug!(webhook = %id, error = %e, "lease not released; it runs out");
        }
    }

    /// Takes or renews the lease, then makes one attempt or moves the cursor.
    async fn webhook_step(
        &self,
        id: &str,
        worker: &str,
        sender: &dyn WebhookSender,
    ) -> Result<Step> {
        let now = self.clock.now();
        let mut c = self.store.conn().await?;
        let until = later(now, self.config.webhooks.lease);
        if !c
            .conn()
            .webhook_lease(id, worker, &clock::format(now), &until)
            .await?
        {
            return Ok(Step::Idle);
        }
        let Some((hook, slug)) = c.conn().webhook_leased(id, worker).await? else {
            return Ok(Step::Idle);
        };
        if !hook.enabled {
            return Ok(Step::Idle);
        }
        if let Some(d) = c.conn().webhook_pending(&hook.id).await? {
            if d.next_attempt_at
                .as_deref()
                .is_some_and(|at| at > clock::format(now).as_str())
            {
                return Ok(Step::Idle);
            }
            let event = c.conn().history_chunk(d.event_seq - 1, 1).await?;
            drop(c);
            let Some(event) = event.into_iter().find(|e| e.seq == d.event_seq) else {
                self.abandon(&d, "the history event is missing").await?;
                return Ok(Step::More);
            };
            return self.attempt(&hook, &slug, d, &event, worker, sender).await;
        }
        let events = c
            .conn()
            .history_of_workspace_after(&hook.workspace_id, hook.cursor_seq, EVENT_BATCH)
            .await?;
        drop(c);
        let Some(last) = events.last() else {
            return Ok(Step::Idle);
        };
        let filter = crate::webhooks::filter_of(&hook.events);
        let Some(event) = events.iter().find(|e| takes(&filter, e)) else {
            let mut tx = self.store.begin_side().await?;
            let moved = tx
                .conn()
                .webhook_skip(&hook.id, worker, hook.cursor_seq, last.seq)
                .await?;
            tx.commit().await?;
            return Ok(if moved { Step::More } else { Step::Idle });
        };
        let d = DeliveryRow {
            id: new_id(),
            webhook_id: hook.id.clone(),
            event_seq: event.seq,
            event_id: event.id.clone(),
            action: event.action.clone(),
            record_type: event.record_type.clone(),
            state: "pending".into(),
            attempts: 0,
            created_at: self.now(),
            last_attempt_at: None,
            last_status: None,
            last_error: String::new(),
            next_attempt_at: None,
            finished_at: None,
        };
        let mut tx = self.store.begin_side().await?;
        if !tx
            .conn()
            .webhook_delivery_open(worker, hook.cursor_seq, &d)
            .await?
        {
            return Ok(Step::Idle);
        }
        tx.commit().await?;
        self.attempt(&hook, &slug, d, event, worker, sender).await
    }

    async fn abandon(&self, d: &DeliveryRow, why: &str) -> Result<()> {
        let mut tx = self.store.begin_side().await?;
        tx.conn()
            .webhook_delivery_abandon(d, &self.now(), why)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the next attempt of `d`, sends it, and records the answer.
    async fn attempt(
        &self,
        hook: &WebhookRow,
        slug: &str,
        d: DeliveryRow,
        event: &Event,
        worker: &str,
        sender: &dyn WebhookSender,
    ) -> Result<Step> {
        let settings = &self.config.webhooks;
        let number = d.attempts + 1;
        let failed_so_far = u32::try_from(d.attempts).unwrap_or(u32::MAX);
        if usize::try_from(number).unwrap_or(usize::MAX) > webhook::max_attempts(&settings.backoff)
        {
            self.abandon(&d, "no answer was recorded for the last attempt")
                .await?;
            return Ok(Step::More);
        }
        let secret = self.webhook_secret(&hook.id, &hook.secret_salt)?;
        let now = self.clock.now();
        // Should this attempt end without an answer recorded (the replica
        // stopped), the next one is due when a failure would have made it.
        let recheck = later(
            now,
            webhook::next_delay(failed_so_far.saturating_add(1), &settings.backoff)
                .unwrap_or(settings.lease),
        );
        let mut tx = self.store.begin_side().await?;
        if !tx
            .conn()
            .webhook_attempt_begin(&d, number, worker, &clock::format(now), &recheck)
            .await?
        {
            return Ok(Step::Idle);
        }
        tx.commit().await?;

        let body = webhook::payload(event, slug);
        let timestamp = now.unix_timestamp();
        let headers = vec![
            ("content-type", "application/json".to_owned()),
            (
                "user-agent",
                format!("aims-webhooks/{}", env!("CARGO_PKG_VERSION")),
            ),
            (webhook::EVENT_ID_HEADER, event.id.clone()),
            (webhook::TIMESTAMP_HEADER, timestamp.to_string()),
            (
                webhook::SIGNATURE_HEADER,
                webhook::sign(&secret, timestamp, &event.id, body.as_bytes()),
            ),
            (webhook::DELIVERY_HEADER, d.id.clone()),
            (webhook::ATTEMPT_HEADER, number.to_string()),
        ];
        let answer = sender
            .send(Outgoing {
                url: hook.url.clone(),
                headers,
                body,
                timeout: settings.timeout,
            })
            .await;
        let (status, error) = match answer {
            Ok(s) if (200..300).contains(&s) => (Some(i64::from(s)), String::new()),
            Ok(s) => (
                Some(i64::from(s)),
                format!("the receiver answered HTTP {s}"),
            ),
            Err(e) => (None, truncate(&e)),
        };
        let done = self.clock.now();
        let retry_at = webhook::next_delay(failed_so_far.saturating_add(1), &settings.backoff)
            .map(|wait| later(done, wait));
        let end = match (&error, &retry_at) {
            (e, _) if e.is_empty() => AttemptEnd::Delivered,
            (_, Some(at)) => AttemptEnd::Retry(at),
            (_, None) => AttemptEnd::GiveUp,
        };
        let mut tx = self.store.begin_side().await?;
        tx.conn()
            .webhook_attempt_end(&d, number, &clock::format(done), status, &error, end)
            .await?;
        tx.commit().await?;
        if !error.is_empty() {
            tracing::info!(webhook = %hook.id, delivery = %d.id, attempt = number, error = %error, "webhook delivery failed");
        }
        Ok(match end {
            AttemptEnd::Retry(_) => Step::Idle,
            AttemptEnd::Delivered | AttemptEnd::GiveUp => Step::More,
        })
    }
}

fn takes(filter: &EventFilter, e: &Event) -> bool {
    filter.matches(&e.record_type, &e.action)
}
