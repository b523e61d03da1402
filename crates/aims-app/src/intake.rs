//! Anonymous reporting of AI incidents and concerns (A.3.3, A.8.4): a
//! public link per workspace that needs no account. The link's secret is
//! shown once (on rotation) and kept only as its SHA-256; rotating replaces
//! it, so the old link is "not found"; it can be switched off. A report
//! becomes an incident record of type concern, source anonymous, status
//! new — the reporter sees nothing of the workspace, not even its name.
//! Submissions are rate-limited per sender (a keyed hash of the address,
//! never the address) and per link.

use crate::{random_hex, sha256_hex, App, AppError, Principal, Result, Scope};
use aims_domain::record::{Input, INCIDENTS};
use aims_domain::Action;
use aims_store::IntakeLinkRow;
use serde::Serialize;
use serde_json::json;

/// Reports one sender may make in an hour.
pub const PER_SENDER_PER_HOUR: i64 = 5;
/// Reports one link takes in a day.
pub const PER_LINK_PER_DAY: i64 = 200;
/// The longest report, in characters.
pub const REPORT_MAX: usize = 10_000;

/// The history's record type for the link.
const LINK_TYPE: &str = "intake_link";

/// The link as its managers see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeLink {
    pub enabled: bool,
    pub created_at: String,
    pub created_by: String,
}

/// What a public report says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// What happened or what worries the reporter.
    pub what: String,
    /// Which AI system or service, in their words.
    pub system: String,
}

/// How a report was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Recorded,
    /// Too many reports from this sender or on this link: try later.
    TooMany,
}

/// `hours` before `now` (RFC 3339), for the rate windows.
fn hours_before(now: &str, hours: i64) -> String {
    time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.checked_sub(time::Duration::hours(hours)))
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| now.to_owned())
}

impl App {
    /// The workspace's reporting link, if it has one (managers).
    pub async fn intake_link(&self, ws: &Scope) -> Result<Option<IntakeLink>> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .intake_link(&ws.workspace.id)
            .await?
            .map(|r| IntakeLink {
                enabled: r.enabled,
                created_at: r.created_at,
                created_by: r.created_by,
            }))
    }

    /// A new secret for the workspace's link (the old one stops working);
    /// returns the secret, shown once.
    pub async fn rotate_intake_link(&self, ws: &Scope) -> Result<String> {
        ws.require(Action::Administer)?;
        let secret = random_hex(24)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let existed = tx.conn().intake_link(&ws.workspace.id).await?.is_some();
        tx.conn()
            .intake_link_put(&IntakeLinkRow {
                workspace_id: ws.workspace.id.clone(),
                token_hash: sha256_hex(&secret),
                enabled: true,
                created_at: now,
                created_by: ws.principal.label.clone(),
            })
            .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                if existed { "rotate" } else { "create" },
                LINK_TYPE,
                &ws.workspace.id,
                json!({"enabled": true}),
            ))
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Switches the link on or off (it keeps its secret).
    pub async fn enable_intake_link(&self, ws: &Scope, enabled: bool) -> Result<()> {
        ws.require(Action::Administer)?;
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .intake_link_enable(&ws.workspace.id, enabled)
            .await?
        {
            return Err(AppError::NotFound("reporting link"));
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                if enabled { "enable" } else { "disable" },
                LINK_TYPE,
                &ws.workspace.id,
                json!({"enabled": enabled}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The workspace behind an enabled link's secret; "not found" for a
    /// wrong, rotated or disabled one, alike.
    async fn intake_scope(&self, secret: &str) -> Result<Scope> {
        let secret = secret.trim();
        let shaped = secret.len() == 48 && secret.chars().all(|c| c.is_ascii_hexdigit());
        let link = if shaped {
            let mut c = self.store.conn().await?;
            c.conn().intake_link_by_hash(&sha256_hex(secret)).await?
        } else {
            None
        };
        let Some(link) = link.filter(|l| l.enabled) else {
            return Err(AppError::NotFound("reporting link"));
        };
        let slug = {
            let mut c = self.store.conn().await?;
            c.conn()
                .intake_workspace_slug(&link.workspace_id)
                .await?
                .ok_or(AppError::NotFound("reporting link"))?
        };
        let reporter = Principal {
            label: "anonymous report (public link)".into(),
            ..Principal::operator()
        };
        self.enter(&reporter, &slug).await
    }

    /// Whether `secret` opens an enabled link (the public form shows then).
    pub async fn intake_open(&self, secret: &str) -> Result<()> {
        self.intake_scope(secret).await.map(|_| ())
    }

    /// Records a public report as a new incident of type concern, unless
    /// the sender (`sender_address`, hashed with a key of the day) or the
    /// link has reported too often.
    pub async fn submit_report(
        &self,
        secret: &str,
        sender_address: &str,
        report: &Report,
    ) -> Result<Taken> {
        let ws = self.intake_scope(secret).await?;
        self.record_concern(&ws, sender_address, report, "anonymous")
            .await
    }

    /// Records a report from outside as a new incident of type concern
    /// from `source`, unless its sender or that form (the anonymous link,
    /// the trust page's contact form: each counted apart, so one cannot
    /// use up the other's day) has reported too often.
    pub(crate) async fn record_concern(
        &self,
        ws: &Scope,
        sender_address: &str,
        report: &Report,
        source: &str,
    ) -> Result<Taken> {
        let what = report.what.trim();
        let mut errors = aims_domain::FieldErrors::new();
        if what.is_empty() {
            errors.add("what", "say what happened or what worries you");
        } else if what.chars().count() > REPORT_MAX {
            errors.add("what", format!("must be at most {REPORT_MAX} characters"));
        }
        if report.system.chars().count() > 200 {
            errors.add("system", "must be at most 200 characters");
        }
        errors.into_result().map_err(AppError::Validation)?;
        let now = self.now();
        // The key changes every day, so yesterday's senders cannot be matched.
        let sender = sha256_hex(&format!(
            "{}|{}|{sender_address}",
            &now[..10],
            ws.workspace.id
        ));
        let (from_sender, today) = {
            let mut tx = self.store.begin().await?;
            let counts = tx
                .conn()
                .intake_count(
                    &ws.workspace.id,
                    source,
                    &sender,
                    &now,
                    &hours_before(&now, 1),
                    &hours_before(&now, 24),
                    (PER_SENDER_PER_HOUR, PER_LINK_PER_DAY),
                )
                .await?;
            tx.commit().await?;
            counts
        };
        if from_sender > PER_SENDER_PER_HOUR || today > PER_LINK_PER_DAY {
            return Ok(Taken::TooMany);
        }
        let first_line = what.lines().next().unwrap_or(what);
        let title: String = if first_line.chars().count() > 120 {
            format!("{}…", first_line.chars().take(117).collect::<String>())
        } else {
            first_line.to_owned()
        };
        let mut description = what.to_owned();
        if !report.system.trim().is_empty() {
            description = format!(
                "AI system or service: {}\n\n{description}",
                report.system.trim()
            );
        }
        let fields = json!({
            "title": format!("Concern: {title}"), "type": "concern", "status": "new",
            "source": source, "description": description,
        });
        let Some(map) = fields.as_object() else {
            return Err(AppError::Internal("report fields".into()));
        };
        self.create_record(ws, &INCIDENTS, Input::Json(map)).await?;
        Ok(Taken::Recorded)
    }
}
