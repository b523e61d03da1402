//! The demo's impact assessments: an approved one for the high-risk pricing
//! model (with the fundamental-rights fields), and a draft still being
//! written for the CV screening assistant.

use crate::{systems_kind, App, AppError, Result, Scope};
use aims_domain::impact::{ImpactAssessment, ImpactState};
use serde::Deserialize;

#[derive(Deserialize)]
struct DemoImpact {
    system: String,
    #[serde(default)]
    note: String,
    assessment: ImpactAssessment,
    /// Per impact, the external references of the system's risks it links to.
    #[serde(default)]
    risk_refs: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct DemoImpacts {
    approved: DemoImpact,
    draft: DemoImpact,
}

impl App {
    /// Adds the demo's assessments to systems that have none yet; returns how many.
    pub(crate) async fn load_demo_impacts(&self, scope: &Scope) -> Result<usize> {
        let demo: DemoImpacts = serde_json::from_str(include_str!("impact.json"))
            .map_err(|e| AppError::Internal(format!("demo impact assessments: {e}")))?;
        let systems = self
            .all_records(scope, systems_kind(), &Default::default())
            .await?;
        let mut added = 0;
        for (item, approve) in [(demo.approved, true), (demo.draft, false)] {
            let Some(system) = systems.iter().find(|s| s.title == item.system) else {
                continue;
            };
            let (status, _) = self.impact_assessment(scope, &system.id).await?;
            if status.latest.is_some() {
                continue;
            }
            let mut assessment = item.assessment;
            if !item.risk_refs.is_empty() {
                let risks = self
                    .all_records(
                        scope,
                        crate::risks_kind(),
                        &crate::ListRequest::linked_to(&system.id),
                    )
                    .await?;
                for (impact, refs) in assessment.impacts.iter_mut().zip(&item.risk_refs) {
                    impact.risks = risks
                        .iter()
                        .filter(|r| {
                            r.fields
                                .get("external_ref")
                                .and_then(serde_json::Value::as_str)
                                .is_some_and(|e| refs.iter().any(|x| x == e))
                        })
                        .map(|r| r.id.clone())
                        .collect();
                }
            }
            let v = self
                .save_impact(scope, &system.id, None, assessment)
                .await?;
            if approve {
                let v = self
                    .move_impact(
                        scope,
                        &system.id,
                        v.number,
                        v.revision,
                        ImpactState::InReview,
                        "",
                    )
                    .await?;
                self.move_impact(
                    scope,
                    &system.id,
                    v.number,
                    v.revision,
                    ImpactState::Approved,
                    &item.note,
                )
                .await?;
            }
            added += 1;
        }
        Ok(added)
    }
}
