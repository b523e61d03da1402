//! The Statement of Applicability (start of issue #9): the first draft the
//! domain proposes from the links that exist — every ISO/IEC 42001 Annex A
//! control, those that a treatment action implements proposed as included
//! with the risks that action treats.

use crate::{App, Result, Scope};
use aims_domain::record::CONTROLS;
use aims_domain::soa::{propose, Row};
use aims_domain::Action;
use std::collections::HashMap;

/// The framework whose controls every Statement of Applicability lists.
pub const SOA_FRAMEWORK: &str = "iso42001";

impl App {
    /// The proposed first draft: one row per Annex A control, in catalogue order.
    pub async fn soa_proposal(&self, ws: &Scope) -> Result<Vec<Row>> {
        ws.require(Action::Read)?;
        let catalog = self.catalog().await?;
        let controls: Vec<String> = catalog
            .frameworks()
            .iter()
            .filter(|f| f.id == SOA_FRAMEWORK)
            .flat_map(|f| {
                f.items
                    .iter()
                    .filter(|i| i.kind == "control")
                    .map(move |i| format!("{}:{}", f.id, i.id))
            })
            .collect();
        let records = self.all_records(ws, &CONTROLS, &Default::default()).await?;
        let reference: HashMap<&str, &str> = records
            .iter()
            .filter_map(|r| {
                r.fields
                    .get("reference")
                    .and_then(serde_json::Value::as_str)
                    .map(|c| (r.id.as_str(), c))
            })
            .collect();
        let mut c = self.store.conn().await?;
        // action → controls it implements; risk → actions that treat it.
        let implements = c
            .conn()
            .links_by_relation(&ws.workspace.id, "implements")
            .await?;
        let treated_by = c
            .conn()
            .links_by_relation(&ws.workspace.id, "treated_by")
            .await?;
        let mut risks_of_action: HashMap<&str, Vec<&str>> = HashMap::new();
        for (risk, action) in &treated_by {
            risks_of_action.entry(action).or_default().push(risk);
        }
        let treats: Vec<(String, String)> = implements
            .iter()
            .filter_map(|(action, control)| {
                let reference = reference.get(control.as_str())?;
                Some(
                    risks_of_action
                        .get(action.as_str())
                        .into_iter()
                        .flatten()
                        .map(move |risk| ((*reference).to_owned(), (*risk).to_owned())),
                )
            })
            .flatten()
            .collect();
        Ok(propose(&controls, &treats))
    }
}
