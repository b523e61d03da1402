//! AI systems: the first kind on the record path. What is particular to them
//! is their EU AI Act classification (`classifications.rs`), exported beside
//! their fields.

use crate::records::ExtraColumns;
use crate::{App, Result, Scope};
use aims_domain::record::{kind, Kind};
use aims_store::RecordRow;
use serde_json::Value;

pub const RECORD_TYPE: &str = "ai_system";

/// The AI systems kind.
pub fn systems_kind() -> &'static Kind {
    kind("systems").unwrap_or(&aims_domain::record::KINDS[0])
}

/// A system's purpose (empty when it has none).
pub fn purpose_of(system: &RecordRow) -> &str {
    system
        .fields
        .get("purpose")
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl App {
    /// The latest classification of every classified system, by system id.
    pub async fn latest_classifications(
        &self,
        ws: &Scope,
    ) -> Result<std::collections::HashMap<String, aims_store::ClassificationRow>> {
        ws.require(aims_domain::Action::Read)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .classifications_latest_of_workspace(&ws.workspace.id)
            .await?
            .into_iter()
            .map(|c| (c.system_id.clone(), c))
            .collect())
    }

    /// The columns AI systems export beyond their fields: the latest EU AI
    /// Act tier, its version and whether it needs a review.
    pub(crate) async fn system_export_extra(
        &self,
        ws: &Scope,
        rows: &[RecordRow],
    ) -> Result<ExtraColumns> {
        let latest = self.latest_classifications(ws).await?;
        let values = rows
            .iter()
            .map(|s| {
                let cells = match latest.get(&s.id) {
                    Some(c) => vec![
                        c.risk_tier.clone(),
                        c.version.to_string(),
                        crate::classifications::needs_review(c, s).to_string(),
                    ],
                    None => vec!["not_classified".to_owned(), String::new(), String::new()],
                };
                (s.id.clone(), cells)
            })
            .collect();
        Ok(ExtraColumns {
            names: vec!["eu_ai_act_tier", "classification_version", "needs_review"],
            values,
        })
    }
}
