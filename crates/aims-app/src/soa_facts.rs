//! What the Statement of Applicability reads from the rest of the AIMS,
//! gathered in a handful of queries however large the workspace: the
//! catalogue's controls, the workspace's control records (implementation
//! status, owner), the risks each control treats (through treatment
//! actions), the legal obligations that map to it (classifications and the
//! crosswalk), the systems it covers and its evidence by standing.

use crate::soa::SOA_FRAMEWORK;
use crate::{App, Result, Scope};
use aims_catalog::Catalog;
use aims_domain::evidence::{standing, Counts};
use aims_domain::record::{CONTROLS, RISKS};
use aims_store::Conn;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// One catalogue control as the SoA lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogControl {
    /// `iso42001:A.6.2.4`
    pub reference: String,
    pub title: String,
    /// The Annex A area (`A.6`); another framework's area names the
    /// framework (`ISO/IEC 27001 A.5`).
    pub area: String,
}

/// A control's facts from the rest of the AIMS, as shown beside its row
/// (and frozen into a version when it is approved).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlFacts {
    /// The workspace's record of the control, once it has one.
    #[serde(default)]
    pub record_id: Option<String>,
    #[serde(default)]
    pub implementation_status: Option<String>,
    /// The owner's e-mail.
    #[serde(default)]
    pub owner: Option<String>,
    /// The systems it covers: those the risks it treats concern, and those
    /// its evidence is about.
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub evidence: Counts,
}

/// Everything the SoA reads, keyed by catalogue reference.
#[derive(Debug, Clone, Default)]
pub struct SoaFacts {
    pub controls: Vec<CatalogControl>,
    pub facts: HashMap<String, ControlFacts>,
    /// `(control reference, risk id)`: the control treats the risk.
    pub treats: Vec<(String, String)>,
    /// `(control reference, requirement)`: a legal obligation asks for it.
    pub obligations: Vec<(String, String)>,
    /// Risk id → title, for every risk of the workspace.
    pub risk_titles: HashMap<String, String>,
}

/// Each workspace's facts, kept under its latest history number and the
/// day they were judged on (evidence turns stale with the date).
pub(crate) type SoaFactsCache = crate::kept::Kept<(Option<i64>, String), SoaFacts>;

/// The area of an Annex A id: `A.6.2.4` → `A.6`.
fn area_of(id: &str) -> String {
    id.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The catalogue's controls a Statement of Applicability may list: ISO/IEC
/// 42001's (every statement lists them) first, then every other
/// framework's (a workspace adopts a framework into its statement).
fn catalog_controls(catalog: &Catalog) -> Vec<CatalogControl> {
    let base = catalog
        .frameworks()
        .iter()
        .filter(|f| f.id == SOA_FRAMEWORK);
    let others = catalog
        .frameworks()
        .iter()
        .filter(|f| f.id != SOA_FRAMEWORK);
    base.chain(others)
        .flat_map(|f| {
            f.items
                .iter()
                .filter(|i| i.kind == "control")
                .map(move |i| CatalogControl {
                    reference: format!("{}:{}", f.id, i.id),
                    title: i.title.clone(),
                    area: if f.id == SOA_FRAMEWORK {
                        area_of(&i.id)
                    } else {
                        format!("{} {}", f.name, area_of(&i.id))
                    },
                })
        })
        .collect()
}

impl App {
    /// The catalogue's controls a Statement of Applicability may list (ISO/IEC 42001's first).
    pub async fn soa_catalog_controls(&self) -> Result<Vec<CatalogControl>> {
        Ok(catalog_controls(&*self.catalog().await?))
    }

    /// The SoA's facts for reading: kept while the workspace has not
    /// changed and the day is the same, else gathered again.
    pub(crate) async fn soa_facts_kept(&self, ws: &Scope) -> Result<std::sync::Arc<SoaFacts>> {
        // The catalogue first: it takes a connection of its own, and holding
        // one while waiting for another stalls the pool under load.
        let catalog = self.catalog().await?;
        // Read before gathering: a change committed meanwhile leaves a newer
        // number than the one the facts are kept under, never an older one.
        let key = {
            let mut c = self.store.conn().await?;
            (
                c.conn().history_last_seq(&ws.workspace.id).await?,
                self.now()[..10].to_owned(),
            )
        };
        if let Some(hit) = self.soa_facts.get(&ws.workspace.id, &key) {
            return Ok(hit);
        }
        let facts = match self.soa_facts_edited(ws, &key).await? {
            Some(facts) => facts,
            None => {
                let mut c = self.store.conn().await?;
                self.soa_facts(&mut c.conn(), &catalog, ws).await?
            }
        };
        let facts = std::sync::Arc::new(facts);
        self.soa_facts
            .put(&ws.workspace.id, key, std::sync::Arc::clone(&facts));
        Ok(facts)
    }

    /// The kept facts brought up to date, when every change since them
    /// creates or edits risks or systems (`App::edits_since`) and renames no
    /// system: such a change touches nothing here but a risk's title, read
    /// again. `None`: gather them afresh.
    async fn soa_facts_edited(
        &self,
        ws: &Scope,
        key: &(Option<i64>, String),
    ) -> Result<Option<SoaFacts>> {
        let wid = &ws.workspace.id;
        let Some((seq, kept)) = self.soa_facts.base_for(wid, key) else {
            return Ok(None);
        };
        let systems = crate::systems_kind();
        let Some(edits) = self
            .edits_since(wid, seq, |action, record_type| {
                matches!(action, "create" | "update")
                    && (record_type == RISKS.record_type || record_type == systems.record_type)
            })
            .await?
        else {
            return Ok(None);
        };
        let mut renamed = Vec::new();
        for e in edits {
            if e.record_type != RISKS.record_type {
                // A new system is linked to nothing yet; a renamed one is
                // named in the controls' coverage.
                if e.action == "update" && e.change.contains_key(systems.title_field().name) {
                    return Ok(None);
                }
            } else if e.action == "create" || e.change.contains_key(RISKS.title_field().name) {
                renamed.push(e.id);
            }
        }
        let mut facts = (*kept).clone();
        let mut c = self.store.conn().await?;
        for id in renamed {
            match c.conn().record_get(wid, RISKS.record_type, &id).await? {
                Some(r) => facts.risk_titles.insert(id, r.title),
                None => facts.risk_titles.remove(&id),
            };
        }
        Ok(Some(facts))
    }

    /// Gathers the SoA's facts on `conn`, judging evidence on `today`.
    /// The caller reads `catalog` before taking `conn`.
    pub(crate) async fn soa_facts(
        &self,
        conn: &mut Conn<'_>,
        catalog: &Catalog,
        ws: &Scope,
    ) -> Result<SoaFacts> {
        let today = self.now()[..10].to_owned();
        let controls = catalog_controls(catalog);
        let wid = &ws.workspace.id;
        let records = conn.records_of_kind(wid, CONTROLS.record_type).await?;
        let risk_titles: HashMap<String, String> = conn
            .record_titles(wid, RISKS.record_type)
            .await?
            .into_iter()
            .collect();
        let members: HashMap<String, String> = conn
            .members_of(wid)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.email))
            .collect();
        let systems: HashMap<String, String> = conn
            .record_titles(wid, crate::systems_kind().record_type)
            .await?
            .into_iter()
            .collect();
        // Control record id → reference, and the facts it holds.
        let mut reference_of: HashMap<String, String> = HashMap::new();
        let mut facts: HashMap<String, ControlFacts> = HashMap::new();
        for r in &records {
            let Some(reference) = r.fields.get("reference").and_then(|v| v.as_str()) else {
                continue;
            };
            reference_of.insert(r.id.clone(), reference.to_owned());
            let f = facts.entry(reference.to_owned()).or_default();
            f.record_id = Some(r.id.clone());
            f.implementation_status = r
                .fields
                .get("implementation_status")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            f.owner = r.owner_id.as_ref().and_then(|o| members.get(o)).cloned();
        }
        let implements = conn.links_by_relation(wid, "implements").await?;
        let treated_by = conn.links_by_relation(wid, "treated_by").await?;
        let concerns = conn.links_by_relation(wid, "concerns").await?;
        let mut risks_of_action: HashMap<&str, Vec<&str>> = HashMap::new();
        for (risk, action) in &treated_by {
            risks_of_action.entry(action).or_default().push(risk);
        }
        let mut systems_of_risk: HashMap<&str, Vec<&str>> = HashMap::new();
        for (risk, system) in &concerns {
            systems_of_risk.entry(risk).or_default().push(system);
        }
        let mut treats = Vec::new();
        let mut covered: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (action, control) in &implements {
            let Some(reference) = reference_of.get(control) else {
                continue;
            };
            for risk in risks_of_action.get(action.as_str()).into_iter().flatten() {
                treats.push((reference.clone(), (*risk).to_owned()));
                for s in systems_of_risk.get(risk).into_iter().flatten() {
                    if let Some(t) = systems.get(*s) {
                        covered
                            .entry(reference.clone())
                            .or_default()
                            .insert(t.clone());
                    }
                }
            }
        }
        // Evidence: counted by the database per control in at most four
        // groups (rejected or not, past its validity today or not), each
        // judged by the domain's rule.
        for g in conn.evidence_groups(wid, &today).await? {
            let Some(reference) = reference_of.get(&g.target_id) else {
                continue;
            };
            let review = Some(g.review_status.as_str()).filter(|s| !s.is_empty());
            let s = standing(review, g.valid_until.as_deref(), &today);
            let f = facts.entry(reference.clone()).or_default();
            f.evidence
                .add_many(s, u32::try_from(g.items).unwrap_or(u32::MAX));
        }
        // Evidence about a system shows which systems its controls cover.
        for (target, system) in conn.evidence_systems(wid).await? {
            if let (Some(reference), Some(t)) = (reference_of.get(&target), systems.get(&system)) {
                covered
                    .entry(reference.clone())
                    .or_default()
                    .insert(t.clone());
            }
        }
        for (reference, titles) in covered {
            facts.entry(reference).or_default().systems = titles.into_iter().collect();
        }
        let obligations = soa_obligations(conn, catalog, ws).await?;
        Ok(SoaFacts {
            controls,
            facts,
            treats,
            obligations,
            risk_titles,
        })
    }
}

/// `(control, requirement)` for every EU AI Act obligation of the
/// workspace's classified systems that the crosswalk maps to a control.
async fn soa_obligations(
    conn: &mut Conn<'_>,
    catalog: &Catalog,
    ws: &Scope,
) -> Result<Vec<(String, String)>> {
    let mut articles = BTreeSet::new();
    for row in conn
        .classifications_latest_of_workspace(&ws.workspace.id)
        .await?
    {
        // A classification that does not read is no obligation to propose.
        if let Ok(c) = serde_json::from_str::<aims_domain::eu_ai_act::Classification>(&row.result) {
            articles.extend(c.obligation_articles);
        }
    }
    let mut out = Vec::new();
    for a in articles {
        let id = format!("Art. {a}");
        for m in catalog.mappings_of("eu-ai-act", &id) {
            if m.framework.id == SOA_FRAMEWORK && m.item.kind == "control" {
                out.push((
                    format!("{}:{}", m.framework.id, m.item.id),
                    format!("eu-ai-act:{id}"),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn areas_are_the_first_two_parts_of_an_annex_a_id() {
        assert_eq!(super::area_of("A.6.2.4"), "A.6");
        assert_eq!(super::area_of("A.2"), "A.2");
    }
}
