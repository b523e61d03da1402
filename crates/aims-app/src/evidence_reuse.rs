//! Evidence seen from elsewhere: a control's evidence with its standing
//! today, and — through the catalogue's crosswalks — the evidence on
//! ISO/IEC 42001 controls that supports a requirement of another framework
//! (NIST AI RMF, EU AI Act, ISO/IEC 27001), with the relationship and
//! strength the crosswalk gives.

use crate::soa::SOA_FRAMEWORK;
use crate::{App, AppError, LinkedRecord, Result, Scope};
use aims_domain::evidence::{standing, Standing};
use aims_domain::record::{CONTROLS, EVIDENCE};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// An evidence item with its standing today.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceStanding {
    pub evidence: LinkedRecord,
    pub standing: Standing,
    pub valid_until: Option<String>,
}

/// Evidence supporting a requirement through a control.
#[derive(Debug, Clone, Serialize)]
pub struct SupportingEvidence {
    /// The ISO/IEC 42001 control the evidence is for (`iso42001:A.6.2.4`).
    pub control: String,
    /// How the requirement relates to the control (`equal`, `subset`, …);
    /// `direct` when the requirement is the control itself.
    pub relationship: String,
    pub strength: Option<String>,
    pub evidence: Vec<EvidenceStanding>,
}

/// A requirement of another framework that a control maps to.
#[derive(Debug, Clone, Serialize)]
pub struct MappedRequirement {
    pub framework: String,
    pub framework_name: String,
    pub item: String,
    pub title: String,
    pub relationship: String,
    pub strength: Option<String>,
}

impl App {
    /// The evidence linked to control record `id`, with its standing today.
    pub async fn control_evidence(&self, ws: &Scope, id: &str) -> Result<Vec<EvidenceStanding>> {
        let today = self.now()[..10].to_owned();
        let linked: Vec<LinkedRecord> = self
            .links(ws, &CONTROLS, id)
            .await?
            .into_iter()
            .filter(|l| l.relation == "evidence_for" && l.direction == "incoming")
            .map(|l| l.other)
            .collect();
        let mut out = Vec::new();
        for e in linked {
            let r = self.record(ws, &EVIDENCE, &e.id).await?;
            let field = |k: &str| r.fields.get(k).and_then(Value::as_str).map(str::to_owned);
            out.push(EvidenceStanding {
                standing: standing(
                    field("review_status").as_deref(),
                    field("valid_until").as_deref(),
                    &today,
                ),
                valid_until: field("valid_until"),
                evidence: e,
            });
        }
        Ok(out)
    }

    /// The requirements of other frameworks that catalogue control
    /// `reference` (`iso42001:A.6.2.4`) maps to.
    pub async fn control_crosswalk(&self, reference: &str) -> Result<Vec<MappedRequirement>> {
        let catalog = self.catalog().await?;
        let Some((fw, item)) = reference.split_once(':') else {
            return Ok(vec![]);
        };
        Ok(catalog
            .mappings_of(fw, item)
            .into_iter()
            .map(|m| MappedRequirement {
                framework: m.framework.id.clone(),
                framework_name: m.framework.name.clone(),
                item: m.item.id.clone(),
                title: m.item.title.clone(),
                relationship: m.relationship.as_str().to_owned(),
                strength: m.strength.map(str::to_owned),
            })
            .collect())
    }

    /// The workspace's evidence supporting catalogue requirement
    /// `framework:item`: on the ISO/IEC 42001 control itself, or on the
    /// controls the crosswalks map it to.
    pub async fn requirement_evidence(
        &self,
        ws: &Scope,
        framework: &str,
        item: &str,
    ) -> Result<Vec<SupportingEvidence>> {
        ws.require(aims_domain::Action::Read)?;
        let catalog = self.catalog().await?;
        let (fw, it) = catalog
            .item(framework, item)
            .ok_or(AppError::NotFound("catalogue item"))?;
        let mut wanted: Vec<(String, String, Option<String>)> = Vec::new();
        if fw.id == SOA_FRAMEWORK {
            wanted.push((format!("{}:{}", fw.id, it.id), "direct".into(), None));
        }
        for m in catalog.mappings_of(&fw.id, &it.id) {
            if m.framework.id == SOA_FRAMEWORK {
                wanted.push((
                    format!("{}:{}", m.framework.id, m.item.id),
                    // How the requirement asked about relates to the control.
                    m.relationship.as_str().to_owned(),
                    m.strength.map(str::to_owned),
                ));
            }
        }
        let controls: HashMap<String, String> = self
            .all_records(ws, &CONTROLS, &Default::default())
            .await?
            .into_iter()
            .filter_map(|c| {
                let reference = c.fields.get("reference")?.as_str()?.to_owned();
                Some((reference, c.id))
            })
            .collect();
        let mut out = Vec::new();
        for (control, relationship, strength) in wanted {
            let evidence = match controls.get(&control) {
                Some(id) => self.control_evidence(ws, id).await?,
                None => vec![],
            };
            out.push(SupportingEvidence {
                control,
                relationship,
                strength,
                evidence,
            });
        }
        Ok(out)
    }
}
