//! Outgoing webhooks of a workspace: managers register a target URL, the
//! events it takes and whether it is on; aims makes the secret (shown once,
//! at creation and on rotation) and keeps the delivery log. Delivery itself
//! is `webhook_delivery.rs`.

use crate::{new_id, random_hex, App, AppError, Result, Scope};
use aims_domain::webhook::{self, EventFilter, TargetHost};
use aims_domain::{Action, FieldErrors};
use aims_store::{AttemptRow, DeliveryRow, WebhookRow};
use serde_json::json;
use std::time::Duration;

/// How webhooks are delivered (`aims serve` flags; tests shorten the waits).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Targets on private networks and this machine are allowed
    /// (`--webhook-allow-private`); link-local and metadata addresses never.
    pub allow_private: bool,
    /// The waits before the second, third, … attempt; after the last the
    /// delivery is given up.
    pub backoff: Vec<Duration>,
    /// How long one request may take.
    pub timeout: Duration,
    /// How often a replica looks for due webhooks.
    pub poll: Duration,
    /// How long a replica holds a webhook it works on without renewing the
    /// lease (longer than `timeout`).
    pub lease: Duration,
    /// Webhooks one replica works on at once.
    pub concurrency: usize,
    /// Finished deliveries are kept this long.
    pub keep: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allow_private: false,
            backoff: webhook::DEFAULT_BACKOFF.to_vec(),
            timeout: Duration::from_secs(10),
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            concurrency: 8,
            keep: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// A webhook as its managers see it (never its secret).
#[derive(Debug, Clone)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    /// The event filter's entries; `["*"]` for every event.
    pub events: Vec<String>,
    pub enabled: bool,
    /// When the pending delivery is tried next, if one waits.
    pub retry_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub secret_rotated_at: String,
}

impl From<WebhookRow> for WebhookView {
    fn from(r: WebhookRow) -> Self {
        WebhookView {
            id: r.id,
            url: r.url,
            events: filter_of(&r.events).entries(),
            enabled: r.enabled,
            retry_at: r.retry_at,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            secret_rotated_at: r.secret_rotated_at,
        }
    }
}

/// A webhook with its secret, as created or rotated: shown this once.
#[derive(Debug, Clone)]
pub struct WebhookCreated {
    pub webhook: WebhookView,
    pub secret: String,
}

/// One delivery with its attempts, newest event first.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub delivery: DeliveryRow,
    pub attempts: Vec<AttemptRow>,
}

/// What a manager sends to create or change a webhook.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// A stored filter; one that no longer reads (never written so) takes nothing.
pub(crate) fn filter_of(stored: &str) -> EventFilter {
    serde_json::from_str::<Vec<String>>(stored)
        .ok()
        .and_then(|v| EventFilter::parse(&v).ok())
        .unwrap_or_else(EventFilter::nothing)
}

fn filter_json(f: &EventFilter) -> String {
    serde_json::Value::from(f.entries()).to_string()
}

/// The deliveries the log shows.
const LOG_LIMIT: i64 = 100;

impl App {
    /// The secret of a webhook, from the history key and its salt.
    pub(crate) fn webhook_secret(&self, id: &str, salt: &str) -> Result<String> {
        let key = self.store.history_key().ok_or_else(|| {
            AppError::Internal("webhooks need the history key to make their secrets".into())
        })?;
        Ok(webhook::derive_secret(key.bytes(), id, salt))
    }

    /// Checks a target URL: http(s), and not an address webhooks may not reach.
    fn webhook_target(&self, errors: &mut FieldErrors, url: &str) -> Option<webhook::Target> {
        let target = webhook::parse_target(url)
            .map_err(|m| errors.add("url", m))
            .ok()?;
        if let TargetHost::Ip(ip) = target.host {
            if let Some(why) = webhook::address_refusal(ip, self.config.webhooks.allow_private) {
                errors.add("url", format!("{ip} {why}"));
                return None;
            }
        }
        Some(target)
    }

    pub async fn webhooks(&self, ws: &Scope) -> Result<Vec<WebhookView>> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        let rows = c.conn().webhooks_of(&ws.workspace.id).await?;
        Ok(rows.into_iter().map(WebhookView::from).collect())
    }

    pub async fn webhook(&self, ws: &Scope, id: &str) -> Result<WebhookView> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        Ok(find(&mut c.conn(), ws, id).await?.into())
    }

    /// Registers a webhook; it takes the events after this one. The answer
    /// carries the secret, which is not shown again.
    pub async fn create_webhook(&self, ws: &Scope, input: WebhookInput) -> Result<WebhookCreated> {
        ws.require(Action::Administer)?;
        let mut errors = FieldErrors::new();
        let target = self.webhook_target(&mut errors, input.url.as_deref().unwrap_or(""));
        let filter = match &input.events {
            None => Some(EventFilter::all()),
            Some(list) => EventFilter::parse(list)
                .map_err(|m| errors.add("events", m))
                .ok(),
        };
        errors.into_result()?;
        let (Some(target), Some(filter)) = (target, filter) else {
            return Err(AppError::field("url", "is invalid"));
        };
        let now = self.now();
        let mut row = WebhookRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            url: target.url.clone(),
            events: filter_json(&filter),
            enabled: input.enabled.unwrap_or(true),
            secret_salt: random_hex(16)?,
            cursor_seq: 0,
            retry_at: None,
            lease_owner: None,
            lease_until: None,
            created_at: now.clone(),
            created_by: ws.principal.label.clone(),
            updated_at: now.clone(),
            secret_rotated_at: now,
        };
        let secret = self.webhook_secret(&row.id, &row.secret_salt)?;
        let mut tx = self.store.begin().await?;
        // The target's origin only: a path or query may hold the receiver's own secret.
        let event = tx
            .conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "create",
                "webhook",
                &row.id,
                json!({"target": target.origin(), "events": filter.entries(), "enabled": row.enabled}),
            ))
            .await?;
        row.cursor_seq = event.seq;
        tx.conn().webhook_insert(&row).await?;
        tx.commit().await?;
        Ok(WebhookCreated {
            webhook: row.into(),
            secret,
        })
    }

    /// Changes what a webhook takes or switches it on or off. Switched on
    /// again, it takes the events after this change (not those it missed).
    pub async fn update_webhook(
        &self,
        ws: &Scope,
        id: &str,
        input: WebhookInput,
    ) -> Result<WebhookView> {
        ws.require(Action::Administer)?;
        let mut errors = FieldErrors::new();
        if input.url.is_some() {
            errors.add(
                "url",
                "cannot change; delete the webhook and create another",
            );
        }
        let filter = input.events.as_ref().map(|list| {
            EventFilter::parse(list)
                .map_err(|m| errors.add("events", m))
                .ok()
        });
        errors.into_result()?;
        let mut tx = self.store.begin().await?;
        let mut row = find(&mut tx.conn(), ws, id).await?;
        let mut change = serde_json::Map::new();
        if let Some(Some(filter)) = filter {
            let old = filter_of(&row.events);
            if old != filter {
                change.insert("events".into(), json!([old.entries(), filter.entries()]));
                row.events = filter_json(&filter);
            }
        }
        let switched_on = input.enabled == Some(true) && !row.enabled;
        if let Some(enabled) = input.enabled.filter(|e| *e != row.enabled) {
            change.insert("enabled".into(), json!([row.enabled, enabled]));
            row.enabled = enabled;
        }
        if change.is_empty() {
            return Ok(row.into());
        }
        row.updated_at = self.now();
        let event = tx
            .conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "update",
                "webhook",
                &row.id,
                serde_json::Value::Object(change),
            ))
            .await?;
        if switched_on {
            row.cursor_seq = event.seq;
        }
        tx.conn().webhook_update(&row).await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// A new secret, in force at once; the answer carries it this once.
    pub async fn rotate_webhook_secret(&self, ws: &Scope, id: &str) -> Result<WebhookCreated> {
        ws.require(Action::Administer)?;
        let mut tx = self.store.begin().await?;
        let mut row = find(&mut tx.conn(), ws, id).await?;
        let now = self.now();
        row.secret_salt = random_hex(16)?;
        row.secret_rotated_at = now.clone();
        row.updated_at = now.clone();
        let secret = self.webhook_secret(&row.id, &row.secret_salt)?;
        tx.conn()
            .webhook_set_salt(&row.id, &row.secret_salt, &now)
            .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "rotate_secret",
                "webhook",
                &row.id,
                json!({"target": origin(&row.url)}),
            ))
            .await?;
        tx.commit().await?;
        Ok(WebhookCreated {
            webhook: row.into(),
            secret,
        })
    }

    /// Deletes a webhook and its delivery log; nothing more is sent.
    pub async fn delete_webhook(&self, ws: &Scope, id: &str) -> Result<()> {
        ws.require(Action::Administer)?;
        let mut tx = self.store.begin().await?;
        let row = find(&mut tx.conn(), ws, id).await?;
        tx.conn().webhook_delete(&row.id).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "delete",
                "webhook",
                &row.id,
                json!({"target": origin(&row.url)}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A webhook's latest deliveries (newest event first) with their attempts.
    pub async fn webhook_deliveries(&self, ws: &Scope, id: &str) -> Result<Vec<DeliveryView>> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        let row = find(&mut c.conn(), ws, id).await?;
        let deliveries = c.conn().webhook_deliveries(&row.id, LOG_LIMIT).await?;
        let Some(oldest) = deliveries.last().map(|d| d.event_seq) else {
            return Ok(vec![]);
        };
        let mut attempts: std::collections::HashMap<String, Vec<AttemptRow>> = Default::default();
        for a in c.conn().webhook_attempts(&row.id, oldest).await? {
            attempts.entry(a.delivery_id.clone()).or_default().push(a);
        }
        Ok(deliveries
            .into_iter()
            .map(|d| DeliveryView {
                attempts: attempts.remove(&d.id).unwrap_or_default(),
                delivery: d,
            })
            .collect())
    }
}

/// The workspace's webhook `id`; any other (another workspace's, malformed) is not found.
async fn find(c: &mut aims_store::Conn<'_>, ws: &Scope, id: &str) -> Result<WebhookRow> {
    if !aims_domain::validation::is_record_id(id) {
        return Err(AppError::NotFound("webhook"));
    }
    c.webhook_get(&ws.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound("webhook"))
}

/// A stored URL's origin, for the history.
fn origin(url: &str) -> String {
    webhook::parse_target(url).map_or_else(|_| String::new(), |t| t.origin())
}
