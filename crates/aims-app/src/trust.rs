//! The public trust page (`/trust/{slug}`), opt-in per workspace: the
//! organisation's name, its certification status, the scope statement as
//! last approved, the published documents classified public, and a contact
//! form whose messages land as concerns (through the anonymous reporting's
//! recorder and limits). Nothing else is read for it: each part is chosen
//! here, field by field, so a new kind of record cannot leak onto it.

use crate::intake::{Report, Taken};
use crate::{App, AppError, Principal, Result, Scope};
use aims_domain::record::{kind, ApprovalState, CERTIFICATION, DOCUMENTS};
use aims_domain::Action;
use serde::Serialize;
use serde_json::{json, Value};

/// The history's record type for the switch.
const TRUST_TYPE: &str = "trust_page";

/// The scope fields the page shows, in order.
const SCOPE_SHOWN: &[&str] = &[
    "statement",
    "boundaries",
    "units",
    "locations",
    "exclusions",
];

/// The certificate as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicCertificate {
    pub body: String,
    pub certificate_no: String,
    pub valid_from: String,
    pub valid_until: String,
    /// True while `valid_until` is today or later.
    pub valid: bool,
}

/// Everything the public page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustView {
    pub name: String,
    pub slug: String,
    pub certificate: Option<PublicCertificate>,
    /// Each approved scope statement: its title and `(label, text)` parts.
    pub scopes: Vec<(String, Vec<(String, String)>)>,
    /// Published documents classified public: `(title, Markdown)`.
    pub documents: Vec<(String, String)>,
}

fn text<'a>(f: &'a serde_json::Map<String, Value>, name: &str) -> &'a str {
    f.get(name).and_then(Value::as_str).unwrap_or("")
}

impl App {
    /// Whether the workspace's trust page is on (managers).
    pub async fn trust_page_enabled(&self, ws: &Scope) -> Result<bool> {
        ws.require(Action::Administer)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn().trust_page_enabled(&ws.workspace.id).await?)
    }

    /// Switches the trust page on or off (managers).
    pub async fn set_trust_page(&self, ws: &Scope, enabled: bool) -> Result<()> {
        ws.require(Action::Administer)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.conn()
            .trust_page_set(&ws.workspace.id, enabled, &now, &ws.principal.label)
            .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                if enabled { "enable" } else { "disable" },
                TRUST_TYPE,
                &ws.workspace.id,
                json!({"enabled": enabled}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The workspace behind a public trust page: "not found" when it does
    /// not exist or its page is off, alike.
    async fn trust_scope(&self, slug: &str) -> Result<Scope> {
        let reader = Principal {
            label: "public trust page".into(),
            ..Principal::operator()
        };
        let ws = self
            .enter(&reader, slug)
            .await
            .map_err(|_| AppError::NotFound("trust page"))?;
        let mut c = self.store.conn().await?;
        if !c.conn().trust_page_enabled(&ws.workspace.id).await? {
            return Err(AppError::NotFound("trust page"));
        }
        Ok(ws)
    }

    /// What the public page shows.
    pub async fn trust_page(&self, slug: &str) -> Result<TrustView> {
        let ws = self.trust_scope(slug).await?;
        let today = self.today();
        let every = crate::ListRequest::default();
        let certificate = self
            .all_records(&ws, &CERTIFICATION, &every)
            .await?
            .into_iter()
            // Only a certificate actually granted: held, with the outcome certified.
            .filter(|e| {
                text(&e.fields, "type") == "certificate"
                    && text(&e.fields, "status") == "held"
                    && text(&e.fields, "outcome") == "certified"
            })
            .filter(|e| !text(&e.fields, "valid_until").is_empty())
            .max_by(|a, b| text(&a.fields, "valid_until").cmp(text(&b.fields, "valid_until")))
            .map(|e| PublicCertificate {
                body: text(&e.fields, "body").to_owned(),
                certificate_no: text(&e.fields, "certificate_no").to_owned(),
                valid_from: text(&e.fields, "valid_from").to_owned(),
                valid_until: text(&e.fields, "valid_until").to_owned(),
                valid: text(&e.fields, "valid_from") <= today.as_str()
                    && text(&e.fields, "valid_until") >= today.as_str(),
            });
        let mut scopes = Vec::new();
        if let Some(scope_kind) = kind("scopes") {
            for r in self.all_records(&ws, scope_kind, &every).await? {
                let approvals = self.approvals(&ws, scope_kind, &r.id).await?;
                if matches!(approvals.state, ApprovalState::Draft) {
                    continue;
                }
                // The last approved version, never a draft edited since.
                let Some(v) = approvals.versions.first() else {
                    continue;
                };
                let parts = SCOPE_SHOWN
                    .iter()
                    .filter_map(|name| {
                        let value = text(&v.fields, name).trim();
                        let label = scope_kind.field(name)?.label;
                        (!value.is_empty()).then(|| (label.to_owned(), value.to_owned()))
                    })
                    .collect();
                scopes.push((text(&v.fields, "title").to_owned(), parts));
            }
        }
        let mut documents = Vec::new();
        for d in self.all_records(&ws, &DOCUMENTS, &every).await? {
            if text(&d.fields, "classification") != "public" {
                continue;
            }
            if let Some(v) = self
                .document_versions(&ws, &d.id)
                .await?
                .into_iter()
                .find(|v| v.state.key() == "published")
            {
                documents.push((d.title.clone(), v.markdown));
            }
        }
        Ok(TrustView {
            name: ws.workspace.name.clone(),
            slug: ws.workspace.slug.clone(),
            certificate,
            scopes,
            documents,
        })
    }

    /// A message from the trust page's contact form, recorded as a concern.
    pub async fn trust_contact(
        &self,
        slug: &str,
        sender_address: &str,
        report: &Report,
    ) -> Result<Taken> {
        let ws = self.trust_scope(slug).await?;
        self.record_concern(&ws, sender_address, report, "trust_page")
            .await
    }
}
