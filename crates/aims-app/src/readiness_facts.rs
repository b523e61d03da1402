//! Readiness's facts about the two big kinds, risks and systems: every
//! record's at once for a fresh snapshot, or one record's (read through its
//! own links) when a kept snapshot is brought up to date (`readiness.rs`).

use crate::readiness::{date, text, Lap, Reader};
use crate::soa::SOA_FRAMEWORK;
use crate::{App, Result, Scope};
use aims_catalog::Catalog;
use aims_domain::readiness::{Obligation, RiskFact, SystemFact};
use aims_domain::record::kind;
use serde_json::Value;
use std::collections::HashMap;

/// The kind of a risk's treatment actions.
const ACTIONS: &str = "risk-actions";

impl App {
    /// Systems' facts: scope, classification, impact assessment, risks,
    /// obligations. Every system (in the register's order), or with `only`
    /// just that one (none when it is gone).
    pub(crate) async fn system_facts(
        &self,
        ws: &Scope,
        read: &Reader<'_>,
        catalog: &Catalog,
        only: Option<&str>,
    ) -> Result<Vec<SystemFact>> {
        let wid = &ws.workspace.id;
        let systems_kind = crate::systems_kind();
        let (systems, concerns, classifications, impacts) = match only {
            None => {
                let (concerns, classifications) = {
                    let mut c = self.store.conn().await?;
                    let mut conn = c.conn();
                    (
                        conn.links_by_relation(wid, "concerns").await?,
                        conn.classifications_latest_of_workspace(wid).await?,
                    )
                };
                let impacts = self.impact_statuses(ws).await?;
                let every = crate::ListRequest::default();
                let systems = self.all_records(ws, systems_kind, &every).await?;
                (systems, concerns, classifications, impacts)
            }
            Some(id) => {
                let mut c = self.store.conn().await?;
                let Some(system) = c
                    .conn()
                    .record_get(wid, systems_kind.record_type, id)
                    .await?
                else {
                    return Ok(Vec::new());
                };
                let concerns: Vec<(String, String)> = c
                    .conn()
                    .links_of(wid, id)
                    .await?
                    .into_iter()
                    .filter(|l| l.relation == "concerns" && l.to_id == id)
                    .map(|l| (l.from_id, l.to_id))
                    .collect();
                let classifications = c
                    .conn()
                    .classification_latest(wid, id)
                    .await?
                    .into_iter()
                    .collect();
                drop(c);
                let impact = match self.impact_assessment(ws, id).await {
                    // Deleted since it was read: it is gone next time.
                    Err(crate::AppError::NotFound(_)) => return Ok(Vec::new()),
                    other => other?.0,
                };
                (vec![system], concerns, classifications, vec![impact])
            }
        };
        let impacts: HashMap<String, crate::ImpactStatus> = impacts
            .into_iter()
            .map(|i| (i.system_id.clone(), i))
            .collect();
        let mut risks_of_system: HashMap<&str, usize> = HashMap::new();
        for (_, system) in &concerns {
            *risks_of_system.entry(system).or_default() += 1;
        }
        let mut articles_of: HashMap<&str, Vec<u32>> = HashMap::new();
        for row in &classifications {
            if let Ok(c) =
                serde_json::from_str::<aims_domain::eu_ai_act::Classification>(&row.result)
            {
                articles_of.insert(row.system_id.as_str(), c.obligation_articles);
            }
        }
        Ok(systems
            .iter()
            .map(|r| {
                let impact = impacts.get(&r.id);
                let in_scope = match r.fields.get("in_scope") {
                    Some(Value::Bool(b)) => Some(*b),
                    _ => None,
                };
                SystemFact {
                    id: r.id.clone(),
                    record: read.record(systems_kind, r),
                    in_scope,
                    tier: impact.and_then(|i| i.eu_ai_act_tier.clone()),
                    risks: risks_of_system.get(r.id.as_str()).copied().unwrap_or(0),
                    impact_current: impact.is_some_and(|i| !i.needs_assessment()),
                    impact_note: impact.map_or_else(|| "never assessed".to_owned(), impact_note),
                    obligations: articles_of
                        .get(r.id.as_str())
                        .map(|a| obligations(catalog, a))
                        .unwrap_or_default(),
                }
            })
            .collect())
    }

    /// Risks' facts: scored, treated, accepted, the systems they concern.
    /// Every risk (ordered by id), or with `only` just that one (none when
    /// it is gone), read through its own links.
    pub(crate) async fn risk_facts(
        &self,
        ws: &Scope,
        read: &Reader<'_>,
        only: Option<&str>,
    ) -> Result<Vec<RiskFact>> {
        let wid = &ws.workspace.id;
        let today = self.today();
        let risks_kind = crate::risks::risks_kind();
        let actions_kind = kind(ACTIONS).unwrap_or(&aims_domain::record::KINDS[0]);
        // Only the two facets readiness reads, from the records' index rows.
        let mut lap = Lap::new("risk facts");
        let (rows, treated_by, concerns) = {
            let mut c = self.store.conn().await?;
            let mut conn = c.conn();
            let rows = conn
                .facet_texts(
                    wid,
                    risks_kind.record_type,
                    &["inherent_band", "treatment"],
                    only,
                )
                .await?;
            match only {
                None => (
                    rows,
                    conn.links_by_relation(wid, "treated_by").await?,
                    conn.links_by_relation(wid, "concerns").await?,
                ),
                Some(id) => {
                    let links = conn.links_of(wid, id).await?;
                    let from = |relation: &str| -> Vec<(String, String)> {
                        links
                            .iter()
                            .filter(|l| l.relation == relation && l.from_id == id)
                            .map(|l| (l.from_id.clone(), l.to_id.clone()))
                            .collect()
                    };
                    (rows, from("treated_by"), from("concerns"))
                }
            }
        };
        lap.mark("index rows, links");
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let actions: HashMap<String, (String, Option<String>)> = match only {
            None => {
                self.all_records(ws, actions_kind, &Default::default())
                    .await?
            }
            Some(_) => {
                let mut c = self.store.conn().await?;
                let mut found = Vec::new();
                for (_, action) in &treated_by {
                    if let Some(a) = c
                        .conn()
                        .record_get(wid, actions_kind.record_type, action)
                        .await?
                    {
                        found.push(a);
                    }
                }
                found
            }
        }
        .into_iter()
        .map(|a| {
            let status = text(&a.fields, "status").to_owned();
            (a.id, (status, date(&a.fields, "due")))
        })
        .collect();
        let mut actions_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for (risk, action) in &treated_by {
            actions_of.entry(risk).or_default().push(action);
        }
        let mut systems_of_risk: HashMap<&str, Vec<String>> = HashMap::new();
        for (risk, system) in &concerns {
            systems_of_risk
                .entry(risk)
                .or_default()
                .push(system.clone());
        }
        let valid = |status: &aims_domain::risk::AcceptanceStatus| {
            matches!(status, aims_domain::risk::AcceptanceStatus::Valid)
        };
        let acceptances: HashMap<String, bool> = match only {
            None => self
                .risk_acceptance_statuses(ws)
                .await?
                .into_iter()
                .map(|(id, (_, status))| (id, valid(&status)))
                .collect(),
            Some(id) => match self.risk_acceptances(ws, id).await {
                // Deleted since its row was read: it is gone next time.
                Err(crate::AppError::NotFound(_)) => HashMap::new(),
                other => other?
                    .first()
                    .map(|newest| (id.to_owned(), valid(&newest.status)))
                    .into_iter()
                    .collect(),
            },
        };
        lap.mark("actions, acceptances");
        let facts = rows
            .into_iter()
            .map(|r| {
                let mine = actions_of.get(r.id.as_str()).cloned().unwrap_or_default();
                let overdue = mine
                    .iter()
                    .filter_map(|a| actions.get(*a))
                    .filter(|(status, due)| {
                        !matches!(status.as_str(), "done" | "cancelled")
                            && due.as_deref().is_some_and(|d| d < today.as_str())
                    })
                    .count();
                let band = r.values[0].as_deref().unwrap_or("");
                RiskFact {
                    record: read.subject(risks_kind, &r.id, &r.title, r.owner_id.as_deref()),
                    assessed: !band.is_empty() && band != "not_assessed",
                    treatment: r.values[1].clone().unwrap_or_default(),
                    actions: mine.iter().filter(|a| actions.contains_key(**a)).count(),
                    actions_overdue: overdue,
                    acceptance_valid: acceptances.get(&r.id).copied(),
                    systems: {
                        let mut ids = systems_of_risk.remove(r.id.as_str()).unwrap_or_default();
                        ids.sort_unstable();
                        ids
                    },
                }
            })
            .collect();
        lap.mark("facts");
        Ok(facts)
    }
}

/// Why a system's impact assessment does not count, in a few words.
fn impact_note(i: &crate::ImpactStatus) -> String {
    if i.approved.is_none() {
        match i.latest {
            None => "never assessed".into(),
            Some(_) => "not approved yet".into(),
        }
    } else if i.overdue {
        "re-assessment due".into()
    } else if !i.reasons.is_empty() {
        "the system changed since it was approved".into()
    } else {
        "current".into()
    }
}

/// A classification's obligation articles with the Annex A controls the
/// crosswalk maps each to.
fn obligations(catalog: &Catalog, articles: &[u32]) -> Vec<Obligation> {
    articles
        .iter()
        .map(|a| {
            let article = format!("Art. {a}");
            let mut controls: Vec<String> = catalog
                .mappings_of("eu-ai-act", &article)
                .into_iter()
                .filter(|m| m.framework.id == SOA_FRAMEWORK && m.item.kind == "control")
                .map(|m| m.item.id.clone())
                .collect();
            controls.sort();
            controls.dedup();
            Obligation { article, controls }
        })
        .collect()
}
