//! The document templates aims ships (in its own words, under
//! `templates/`): each a Markdown file with TOML front matter naming its
//! key, title, type, the clauses and controls it helps satisfy and its
//! review cycle. A workspace adopts one: it becomes a document record with
//! a first draft whose placeholders (`{{organisation}}`, `{{owner}}`,
//! `{{date}}`) are filled in, linked to what it satisfies.

use crate::{App, AppError, Result, Scope};
use aims_domain::record::{Input, DOCUMENTS};
use aims_store::RecordRow;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The files, in the order the library offers them.
const FILES: [&str; 11] = [
    include_str!("templates/ai-policy.md"),
    include_str!("templates/aims-scope.md"),
    include_str!("templates/ai-risk-management-procedure.md"),
    include_str!("templates/ai-system-impact-assessment-procedure.md"),
    include_str!("templates/responsible-ai-development-and-use.md"),
    include_str!("templates/data-management-for-ai.md"),
    include_str!("templates/ai-incident-response.md"),
    include_str!("templates/supplier-management-for-ai.md"),
    include_str!("templates/internal-audit-procedure.md"),
    include_str!("templates/management-review-procedure.md"),
    include_str!("templates/document-control.md"),
];

/// A template's front matter and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentTemplate {
    pub key: String,
    pub title: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Catalogue references it helps satisfy (`iso42001:5.2`).
    pub satisfies: Vec<String>,
    pub review_months: u32,
    pub summary: String,
    #[serde(skip_deserializing)]
    pub markdown: String,
}

fn parse(file: &str) -> Option<DocumentTemplate> {
    let rest = file.strip_prefix("+++\n")?;
    let (front, body) = rest.split_once("\n+++\n")?;
    let mut t: DocumentTemplate = toml::from_str(front).ok()?;
    t.markdown = body.trim_start().to_owned();
    Some(t)
}

/// Every template (parsed once; a file that does not parse is left out and
/// fails the unit test below).
pub static TEMPLATES: std::sync::LazyLock<Vec<DocumentTemplate>> =
    std::sync::LazyLock::new(|| FILES.iter().filter_map(|f| parse(f)).collect());

/// `markdown` with the placeholders aims knows filled in (`{{approver}}`
/// and any other stay for the author).
fn fill(markdown: &str, organisation: &str, owner: &str, date: &str, next_review: &str) -> String {
    markdown
        .replace("{{organisation}}", organisation)
        .replace("{{owner}}", owner)
        .replace("{{date}}", date)
        .replace("{{next_review}}", next_review)
        .replace("{{version}}", "1")
}

impl App {
    /// Adopts template `key`: a new document record (type, review cycle and
    /// next review date from the template) with its text as the first
    /// draft, linked to the clauses and controls it satisfies.
    pub async fn adopt_template(&self, ws: &Scope, key: &str) -> Result<RecordRow> {
        ws.require(DOCUMENTS.access.create)?;
        let t = TEMPLATES
            .iter()
            .find(|t| t.key == key)
            .ok_or(AppError::NotFound("document template"))?;
        let today = self.today();
        let months = match t.review_months {
            0..=6 => "6",
            7..=12 => "12",
            _ => "24",
        };
        let next_review =
            aims_domain::date::add_days(&today, i64::from(t.review_months) * 365 / 12)
                .unwrap_or_else(|| today.clone());
        let fields = json!({
            "title": t.title, "type": t.doc_type, "purpose": t.summary,
            "review_cycle": months, "next_review": &next_review, "must_read": "everyone",
            "template": t.key,
        });
        let Some(input) = fields.as_object() else {
            return Err(AppError::Internal("template fields".into()));
        };
        let doc = self
            .create_record(ws, &DOCUMENTS, Input::Json(input))
            .await?;
        let text = fill(
            &t.markdown,
            &ws.workspace.name,
            &ws.principal.label,
            &today,
            &next_review,
        );
        self.save_document_text(ws, &doc.id, None, &text).await?;
        for reference in &t.satisfies {
            // A reference the catalogue no longer has is skipped, not fatal.
            if let Err(e) = self
                .link(ws, &DOCUMENTS, &doc.id, "satisfies", reference)
                .await
            {
                tracing::warn!(template = %t.key, %reference, error = %e, "template link skipped");
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_with_its_front_matter() {
        assert_eq!(TEMPLATES.len(), FILES.len());
        let keys: Vec<&str> = TEMPLATES.iter().map(|t| t.key.as_str()).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[..i].contains(k), "{k} twice");
        }
        for t in TEMPLATES.iter() {
            assert!(!t.title.is_empty() && !t.summary.is_empty(), "{}", t.key);
            assert!(
                t.markdown.starts_with('#'),
                "{} starts with a heading",
                t.key
            );
            assert!(!t.satisfies.is_empty(), "{}", t.key);
            assert!(!t.markdown.contains("<script"), "{}", t.key);
            assert!(aims_domain::document::check_text(&t.markdown).is_ok());
        }
    }

    #[test]
    fn placeholders_are_filled_in() {
        assert_eq!(
            fill(
                "{{organisation}} / {{owner}} / {{date}} / {{next_review}} v{{version}} / {{approver}}",
                "Acme",
                "ada@x",
                "2026-11-26",
                "2027-11-26"
            ),
            "Acme / ada@x / 2026-11-26 / 2027-11-26 v1 / {{approver}}"
        );
        assert_eq!(parse("no front matter"), None);
    }
}
