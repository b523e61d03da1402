//! The risk heat map: how many risks sit in each cell of the method in
//! force, per assessment. The database counts every risk once (one grouped
//! scan); the result is kept per workspace under the number of its latest
//! history event (`kept.rs`), and edits of risks since are applied to the
//! kept counts from their history events: an edit that moves no
//! likelihood or impact leaves them as they are, one that does moves its
//! risk from the cell it was in to the one it is in now.

use crate::risks::{risks_kind, HeatMap, MethodVersion};
use crate::{App, Result, Scope};
use aims_domain::risk::fields::{field_names, heat_counts_grouped};
use aims_domain::risk::{Assessment, Which};
use aims_domain::Action;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A workspace's heat map as kept: the counts per assessment and levels
/// the map was rated from, under the number of the latest history event.
#[derive(Clone)]
pub(crate) struct KeptHeatMap {
    method: MethodVersion,
    map: HeatMap,
    groups: Vec<(Which, Assessment, u32)>,
    /// The counts are the workspace's exactly as of the number they are
    /// kept under (nothing was committed while they were counted), so the
    /// edits made since can be applied to them.
    exact: bool,
}

/// Each workspace's latest heat map (each replica keeps its own).
pub(crate) type HeatMapCache = crate::kept::Kept<Option<i64>, KeptHeatMap>;

/// A level as a risk's fields hold it: a whole number, or not given.
/// `Err`: something the database's count would read otherwise (it is
/// counted afresh then).
fn level(v: Option<&Value>) -> std::result::Result<Option<u8>, ()> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_i64().and_then(|n| u8::try_from(n).ok())),
        Some(_) => Err(()),
    }
}

fn rated(method: MethodVersion, groups: Vec<(Which, Assessment, u32)>, exact: bool) -> KeptHeatMap {
    let total = groups
        .iter()
        .filter(|g| g.0 == Which::Inherent)
        .map(|g| g.2)
        .sum();
    let [inherent, current, residual] = heat_counts_grouped(&method.method, groups.clone());
    let map = HeatMap {
        method_version: method.version,
        not_assessed: [
            inherent.not_assessed,
            current.not_assessed,
            residual.not_assessed,
        ],
        inherent: inherent.counts,
        current: current.counts,
        residual: residual.counts,
        total,
    };
    KeptHeatMap {
        method,
        map,
        groups,
        exact,
    }
}

/// Counts one more risk at `to` in `which`'s groups.
fn added(groups: &mut Vec<(Which, Assessment, u32)>, which: Which, to: Assessment) {
    match groups.iter_mut().find(|g| g.0 == which && g.1 == to) {
        Some(g) => g.2 += 1,
        None => groups.push((which, to, 1)),
    }
}

/// Counts one risk less at `from` in `which`'s groups; `None` when `from`
/// holds no risk (the counts do not match the changes).
fn removed(groups: &mut [(Which, Assessment, u32)], which: Which, from: Assessment) -> Option<()> {
    let g = groups
        .iter_mut()
        .find(|g| g.0 == which && g.1 == from && g.2 > 0)?;
    g.2 -= 1;
    Some(())
}

/// Moves one risk's count from `from` to `to` in `which`'s groups; `None`
/// when `from` holds no risk (the counts do not match the edits).
fn moved(
    groups: &mut Vec<(Which, Assessment, u32)>,
    which: Which,
    from: Assessment,
    to: Assessment,
) -> Option<()> {
    removed(groups, which, from)?;
    added(groups, which, to);
    Some(())
}

impl App {
    /// The heat map of every risk of the workspace under the method in force.
    pub async fn risk_heat_map(&self, ws: &Scope) -> Result<(MethodVersion, HeatMap)> {
        ws.require(Action::Read)?;
        let wid = &ws.workspace.id;
        // Read before counting: a change committed meanwhile leaves a newer
        // number than the one the counts are kept under, never an older one.
        let seq = {
            let mut c = self.store.conn().await?;
            c.conn().history_last_seq(wid).await?
        };
        if let Some(hit) = self.heat_maps.get(wid, &seq) {
            return Ok((hit.method.clone(), hit.map.clone()));
        }
        if let Some((kept_seq, kept)) = self.heat_maps.latest(wid) {
            if kept.exact && kept_seq <= seq {
                if let Some((at, edited)) = self.heat_map_edited(ws, kept_seq, &kept).await? {
                    let out = (edited.method.clone(), edited.map.clone());
                    self.heat_maps.put(wid, at, Arc::new(edited));
                    return Ok(out);
                }
            }
        }
        let mut c = self.store.conn().await?;
        let method = self.method_in(&mut c.conn(), wid).await?;
        // Counted by the database in one scan, every assessment at once.
        let pairs = Which::ALL.map(|which| {
            let [l, i, _, _] = field_names(which);
            (l, i)
        });
        let counted = c
            .conn()
            .level_counts(wid, risks_kind().record_type, &pairs)
            .await?;
        // Nothing committed while counting: the counts are exactly those of `seq`.
        let exact = c.conn().history_last_seq(wid).await? == seq;
        drop(c);
        let mut groups = vec![];
        for (which, rows) in Which::ALL.into_iter().zip(counted) {
            for (l, i, n) in rows {
                let level = |v: Option<i64>| v.and_then(|v| u8::try_from(v).ok());
                let assessment = Assessment {
                    likelihood: level(l),
                    impact: level(i),
                };
                groups.push((which, assessment, u32::try_from(n).unwrap_or(u32::MAX)));
            }
        }
        let kept = rated(method, groups, exact);
        let out = (kept.method.clone(), kept.map.clone());
        self.heat_maps.put(wid, seq, Arc::new(kept));
        Ok(out)
    }

    /// The kept map brought up to date when every change since it creates,
    /// edits or deletes risks, edits or deletes systems or links records
    /// (`App::edits_since`): each new risk is counted in its cell, each
    /// deleted one leaves the cell it was counted in, and each risk whose likelihood
    /// or impact moved leaves the cell it was in (its levels before the
    /// first of those edits, from the history) for the one it is in now.
    /// With the history number it is exact for; `None`: count afresh.
    async fn heat_map_edited(
        &self,
        ws: &Scope,
        kept_seq: Option<i64>,
        kept: &KeptHeatMap,
    ) -> Result<Option<(Option<i64>, KeptHeatMap)>> {
        let wid = &ws.workspace.id;
        let risks = risks_kind().record_type;
        // Links and systems never move a risk on the map; a new risk joins
        // it, a deleted one leaves it.
        let accepted = |action: &str, record_type: &str| match action {
            "link" | "unlink" => true,
            "create" => record_type == risks,
            "update" | "delete" => {
                record_type == risks || record_type == crate::systems_kind().record_type
            }
            _ => false,
        };
        let Some(edits) = self.edits_since(wid, kept_seq, accepted).await? else {
            return Ok(None);
        };
        let at = edits.last().map(|e| Some(e.seq)).unwrap_or(kept_seq);
        let level_fields: Vec<&str> = Which::ALL
            .iter()
            .flat_map(|w| {
                let [l, i, _, _] = field_names(*w);
                [l, i]
            })
            .collect();
        // Each new risk, and each moved risk's levels before the first edit
        // that moved them (a new risk's edits are in what it is now).
        let created: Vec<&str> = edits
            .iter()
            .filter(|e| e.action == "create")
            .map(|e| e.id.as_str())
            .collect();
        // Each deleted risk's fields as they were when it went.
        let mut deleted: HashMap<&str, &Map<String, Value>> = HashMap::new();
        for e in edits
            .iter()
            .filter(|e| e.action == "delete" && e.record_type == risks)
        {
            let Some(fields) = e.change.get("fields").and_then(Value::as_object) else {
                return Ok(None);
            };
            deleted.insert(e.id.as_str(), fields);
        }
        let mut before: HashMap<&str, Map<String, Value>> = created
            .iter()
            .chain(deleted.keys())
            .map(|id| (*id, Map::new()))
            .collect();
        for e in edits
            .iter()
            .filter(|e| e.action == "update" && e.record_type == risks)
            .filter(|e| !created.contains(&e.id.as_str()))
        {
            for f in &level_fields {
                if let Some(old) = e.change.get(*f).and_then(|pair| pair.get(0)) {
                    before
                        .entry(e.id.as_str())
                        .or_default()
                        .entry((*f).to_owned())
                        .or_insert_with(|| old.clone());
                }
            }
        }
        if before.is_empty() {
            let mut same = kept.clone();
            same.exact = true;
            return Ok(Some((at, same)));
        }
        let mut c = self.store.conn().await?;
        let mut now = HashMap::new();
        for id in before.keys().filter(|id| !deleted.contains_key(*id)) {
            match c.conn().record_get(wid, risks, id).await? {
                Some(r) => now.insert(*id, r.fields),
                None => return Ok(None),
            };
        }
        // The levels read are those of the last edit only if nothing came after it.
        if c.conn().history_last_seq(wid).await? != at {
            return Ok(None);
        }
        drop(c);
        let mut groups = kept.groups.clone();
        for (id, old) in &before {
            if created.contains(id) && deleted.contains_key(id) {
                continue; // made and gone since: never counted
            }
            let Some(fields) = now.get(id).or_else(|| deleted.get(id).copied()) else {
                return Ok(None);
            };
            for which in Which::ALL {
                let [l, i, _, _] = field_names(which);
                let then = |f: &str| old.get(f).or_else(|| fields.get(f));
                let (Ok(l0), Ok(i0), Ok(l1), Ok(i1)) = (
                    level(then(l)),
                    level(then(i)),
                    level(fields.get(l)),
                    level(fields.get(i)),
                ) else {
                    return Ok(None);
                };
                let from = Assessment {
                    likelihood: l0,
                    impact: i0,
                };
                let to = Assessment {
                    likelihood: l1,
                    impact: i1,
                };
                let counted = if deleted.contains_key(id) {
                    removed(&mut groups, which, from)
                } else if created.contains(id) {
                    added(&mut groups, which, to);
                    Some(())
                } else if from != to {
                    moved(&mut groups, which, from, to)
                } else {
                    Some(())
                };
                if counted.is_none() {
                    return Ok(None);
                }
            }
        }
        groups.retain(|g| g.2 > 0);
        Ok(Some((at, rated(kept.method.clone(), groups, true))))
    }
}
