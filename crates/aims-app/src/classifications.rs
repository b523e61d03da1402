//! EU AI Act classification of AI systems: each answer set is kept as a
//! version with the result the domain's classifier gave for it.

use crate::systems::{purpose_of, systems_kind, RECORD_TYPE};
use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::eu_ai_act::{classify, Answers, Classification};
use aims_domain::validation::is_record_id;
use aims_domain::Action;
use aims_store::{ClassificationRow, RecordRow};
use serde::Serialize;
use serde_json::json;

/// An article whose obligations follow from a classification, with its
/// official title and application date from the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligation {
    pub article: String,
    pub title: String,
    /// When the obligation applies (Art. 113).
    pub applies_from: String,
}

/// A system's classification as shown to people and API clients.
#[derive(Debug, Clone, Serialize)]
pub struct ClassificationView {
    pub system_id: String,
    pub version: i64,
    pub answers: serde_json::Value,
    pub result: Classification,
    pub obligations: Vec<Obligation>,
    /// True when the system's purpose changed after this classification:
    /// it should be classified again.
    pub needs_review: bool,
    pub classified_at: String,
    pub classified_by: String,
}

/// A classification made for another purpose, or in another life-cycle
/// stage, than the system's current ones must be looked at again (a stage
/// unknown at classification time does not count as a change).
pub(crate) fn needs_review(c: &ClassificationRow, system: &RecordRow) -> bool {
    c.purpose != purpose_of(system)
        || c.lifecycle_stage
            .as_deref()
            .is_some_and(|stage| Some(stage) != stage_of(system))
}

fn stage_of(system: &RecordRow) -> Option<&str> {
    system
        .fields
        .get("lifecycle_stage")
        .and_then(serde_json::Value::as_str)
}

impl App {
    /// Classifies a system from `answers` and keeps them as a new version.
    /// The same answers as the latest version change nothing.
    pub async fn classify_system(
        &self,
        ws: &Scope,
        system_id: &str,
        answers: &Answers,
    ) -> Result<ClassificationView> {
        ws.require(Action::Update)?;
        if !is_record_id(system_id) {
            return Err(AppError::NotFound("AI system"));
        }
        let result = classify(answers).map_err(|errors| {
            let mut named = aims_domain::FieldErrors::new();
            for (question, messages) in errors.iter() {
                for m in messages {
                    named.add(&format!("answers.{question}"), m.clone());
                }
            }
            AppError::Validation(named)
        })?;
        let answers_json = json!(answers.answers);
        let mut tx = self.store.begin().await?;
        let Some(system) = tx
            .conn()
            .record_get(&ws.workspace.id, RECORD_TYPE, system_id)
            .await?
        else {
            return Err(AppError::NotFound("AI system"));
        };
        let latest = tx
            .conn()
            .classification_latest(&ws.workspace.id, system_id)
            .await?;
        if let Some(prev) = &latest {
            let same = serde_json::from_str::<serde_json::Value>(&prev.answers)
                .is_ok_and(|a| a == answers_json);
            if same && !needs_review(prev, &system) {
                return self.view(prev, &system).await;
            }
        }
        let row = ClassificationRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            system_id: system.id.clone(),
            version: latest.as_ref().map_or(1, |l| l.version + 1),
            answers: answers_json.to_string(),
            result: serde_json::to_string(&result)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            risk_tier: result.risk_tier.name().to_owned(),
            purpose: purpose_of(&system).to_owned(),
            lifecycle_stage: stage_of(&system).map(str::to_owned),
            created_at: self.now(),
            created_by: ws.principal.label.clone(),
        };
        tx.conn().classification_insert(&row).await?;
        tx.conn()
            .record_facet_set(
                &ws.workspace.id,
                RECORD_TYPE,
                &system.id,
                crate::records::TIER_FACET,
                &row.risk_tier,
            )
            .await?;
        let tier_change = match &latest {
            Some(l) if l.risk_tier != row.risk_tier => json!([l.risk_tier, row.risk_tier]),
            Some(_) => json!(row.risk_tier),
            None => json!([null, row.risk_tier]),
        };
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "classify",
                RECORD_TYPE,
                &system.id,
                json!({"name": system.title, "classification": row.version, "risk_tier": tier_change}),
            ))
            .await?;
        tx.commit().await?;
        self.view(&row, &system).await
    }

    /// The latest classification of a system; "not found" when it has none.
    pub async fn system_classification(
        &self,
        ws: &Scope,
        system_id: &str,
    ) -> Result<ClassificationView> {
        self.system_with_classification(ws, system_id)
            .await?
            .1
            .ok_or(AppError::NotFound("classification"))
    }

    /// A system with its latest classification, if it has one.
    pub async fn system_with_classification(
        &self,
        ws: &Scope,
        system_id: &str,
    ) -> Result<(RecordRow, Option<ClassificationView>)> {
        let system = self.record(ws, systems_kind(), system_id).await?;
        let mut c = self.store.conn().await?;
        let row = c
            .conn()
            .classification_latest(&ws.workspace.id, system_id)
            .await?;
        drop(c);
        let view = match row {
            Some(row) => Some(self.view(&row, &system).await?),
            None => None,
        };
        Ok((system, view))
    }

    async fn view(
        &self,
        row: &ClassificationRow,
        system: &RecordRow,
    ) -> Result<ClassificationView> {
        let result: Classification = serde_json::from_str(&row.result)
            .map_err(|e| AppError::Internal(format!("stored classification: {e}")))?;
        let catalog = self.catalog().await?;
        let annex_i_only = result.high_risk_via_annex_i_only();
        let obligations = result
            .obligation_articles
            .iter()
            .map(|n| {
                let article = format!("Art. {n}");
                let item = catalog.item("eu-ai-act", &article).map(|(_, i)| i);
                Obligation {
                    title: item.map(|i| i.title.clone()).unwrap_or_default(),
                    applies_from: aims_domain::eu_ai_act::applies_from(*n, annex_i_only).to_owned(),
                    article,
                }
            })
            .collect();
        Ok(ClassificationView {
            system_id: row.system_id.clone(),
            version: row.version,
            answers: serde_json::from_str(&row.answers).unwrap_or_default(),
            result,
            obligations,
            needs_review: needs_review(row, system),
            classified_at: row.created_at.clone(),
            classified_by: row.created_by.clone(),
        })
    }
}
