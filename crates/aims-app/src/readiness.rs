//! Readiness: gathers the workspace's [`Snapshot`] in a handful of reads
//! (lists of each kind, the links that matter, the SoA and its facts, the
//! impact statuses, acceptances, metric standings, the audit programme),
//! lets the domain's [`assess`] judge it, keeps the result under the
//! workspace's latest history number and the day (`kept.rs`), and writes
//! the day's score so the page can draw a trend.

use crate::soa::SOA_FRAMEWORK;
use crate::{App, Result, Scope};
use aims_catalog::Catalog;
use aims_domain::readiness::{
    assess, AuditFact, ControlFact, DatedFact, DocumentFact, MetricFact, ObjectiveFact,
    ProgrammeFact, Readiness, Record, ReviewFact, ScopeFact, Snapshot, SoaFact, Subject,
};
use aims_domain::record::{
    kind, Fields, Kind, AUDITS, CONTROLS, CORRECTIVE_ACTIONS, DOCUMENTS, NONCONFORMITIES,
    OBJECTIVES, RESPONSIBILITIES, REVIEWS, TRAININGS,
};
use aims_domain::soa::{framework_of, Decision};
use aims_domain::Action;
use aims_store::{RecordRow, Versioned};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Each workspace's readiness, kept under its latest history number and the day.
pub(crate) type ReadinessCache = crate::kept::Kept<(Option<i64>, String), Readiness>;

/// The snapshot each workspace's readiness was last judged on, under the
/// history number read before it was gathered and the day: after changes
/// that only created, edited or linked risks and systems, those are read
/// again and every other risk and system is taken from it.
pub(crate) type SnapshotCache = crate::kept::Kept<(Option<i64>, String), Snapshot>;

/// One day's overall score, for the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadinessDay {
    pub day: String,
    pub percent: u8,
}

pub(crate) fn text<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn date(f: &Fields, name: &str) -> Option<String> {
    Some(text(f, name))
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

/// The catalogue's short titles of ISO/IEC 42001's clauses, areas and controls.
fn titles(catalog: &Catalog) -> BTreeMap<String, String> {
    catalog
        .frameworks()
        .iter()
        .filter(|f| f.id == SOA_FRAMEWORK)
        .flat_map(|f| f.items.iter())
        .map(|i| (i.id.clone(), i.title.clone()))
        .collect()
}

/// Reads records as readiness sees them: path, title, owner's e-mail.
pub(crate) struct Reader<'a> {
    members: &'a HashMap<String, String>,
}

impl Reader<'_> {
    pub(crate) fn record(&self, kind: &Kind, r: &RecordRow) -> Record {
        self.subject(kind, &r.id, &r.title, r.owner_id.as_deref())
    }

    pub(crate) fn subject(
        &self,
        kind: &Kind,
        id: &str,
        title: &str,
        owner_id: Option<&str>,
    ) -> Record {
        Subject::new(format!("{}/{id}", kind.page), title.to_owned()).owned(
            owner_id
                .and_then(|o| self.members.get(o))
                .map(String::as_str),
        )
    }

    fn dated(&self, kind: &Kind, r: &RecordRow, due: &str) -> DatedFact {
        DatedFact {
            record: self.record(kind, r),
            status: text(&r.fields, "status").to_owned(),
            due: date(&r.fields, due),
        }
    }
}

impl App {
    /// The workspace's readiness today: kept while nothing changed.
    pub async fn readiness(&self, ws: &Scope) -> Result<Arc<Readiness>> {
        ws.require(Action::Read)?;
        let key = {
            let mut c = self.store.conn().await?;
            let seq = c.conn().history_last_seq(&ws.workspace.id).await?;
            (seq, self.today())
        };
        if let Some(hit) = self.readiness_kept.get(&ws.workspace.id, &key) {
            return Ok(hit);
        }
        let snapshot = match self.edited_since_kept(ws, &key).await? {
            Some((base, edited)) => self.gather(ws, Some((&base, &edited))).await?,
            None => self.gather(ws, None).await?,
        };
        let mut lap = Lap::new("readiness");
        let readiness = Arc::new(assess(&snapshot));
        lap.mark("assess");
        self.readiness_base
            .put(&ws.workspace.id, key.clone(), Arc::new(snapshot));
        {
            let mut c = self.store.conn().await?;
            c.conn()
                .readiness_day_put(
                    &ws.workspace.id,
                    &key.1,
                    i64::from(readiness.overall.percent),
                    &self.now(),
                )
                .await?;
        }
        self.readiness_kept
            .put(&ws.workspace.id, key, Arc::clone(&readiness));
        Ok(readiness)
    }

    /// The overall score of each day it was read, oldest first (at most `days`).
    pub async fn readiness_trend(&self, ws: &Scope, days: i64) -> Result<Vec<ReadinessDay>> {
        ws.require(Action::Read)?;
        let since = aims_domain::date::add_days(&self.today(), 1 - days.max(1)).unwrap_or_default();
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .readiness_days(&ws.workspace.id, &since)
            .await?
            .into_iter()
            .map(|(day, percent)| ReadinessDay {
                day,
                percent: u8::try_from(percent.clamp(0, 100)).unwrap_or(0),
            })
            .collect())
    }

    /// Everything readiness reads, as of today.
    pub async fn readiness_snapshot(&self, ws: &Scope) -> Result<Snapshot> {
        self.gather(ws, None).await
    }

    /// The risks and systems created, edited, deleted or linked since the
    /// snapshot kept for the workspace, with that snapshot, when nothing
    /// else changed since (the day neither): creating or updating a record
    /// writes only its own rows, and a risk's or a system's fields feed only
    /// its own fact and the statement's (gathered afresh anyway); a link
    /// feeds only the facts of its two ends (a risk's systems and actions, a
    /// system's risks), and a deletion removes its record's links with it.
    /// `None`: gather everything.
    async fn edited_since_kept(
        &self,
        ws: &Scope,
        key: &(Option<i64>, String),
    ) -> Result<Option<(Arc<Snapshot>, Edited)>> {
        let Some((seq, base)) = self.readiness_base.base_for(&ws.workspace.id, key) else {
            return Ok(None);
        };
        let risks = crate::risks::risks_kind().record_type;
        let systems = crate::systems_kind().record_type;
        let accepted = |action: &str, record_type: &str| match action {
            "link" | "unlink" => true,
            "create" | "update" | "delete" => record_type == risks || record_type == systems,
            _ => false,
        };
        let Some(edits) = self.edits_since(&ws.workspace.id, seq, accepted).await? else {
            return Ok(None);
        };
        let mut edited = Edited::default();
        for e in &edits {
            let linked = e.linked();
            if !linked.is_empty() {
                edited.linked.extend(linked.into_iter().map(str::to_owned));
            } else if e.record_type == risks {
                edited.risks.push(e.id.clone());
            } else {
                edited.systems.push(e.id.clone());
            }
        }
        for ids in [&mut edited.risks, &mut edited.systems, &mut edited.linked] {
            ids.sort();
            ids.dedup();
        }
        Ok(Some((base, edited)))
    }

    /// Gathers the snapshot; with `reuse`, the systems and risks come from
    /// a kept snapshot with the edited ones read again.
    async fn gather(&self, ws: &Scope, reuse: Option<(&Snapshot, &Edited)>) -> Result<Snapshot> {
        let mut lap = Lap::new("readiness snapshot");
        let catalog = self.catalog().await?;
        let today = self.today();
        let wid = &ws.workspace.id;
        let (members, doc_versions) = {
            let mut c = self.store.conn().await?;
            let mut conn = c.conn();
            let members: HashMap<String, String> = conn
                .members_of(wid)
                .await?
                .into_iter()
                .map(|m| (m.user_id, m.email))
                .collect();
            (
                members,
                conn.versions_of_workspace(Versioned::Document, wid).await?,
            )
        };
        lap.mark("members, document versions");
        let read = Reader { members: &members };
        let every = crate::ListRequest::default();
        let all = |k: &'static Kind| self.all_records(ws, k, &every);
        let kind_of = |name: &str| kind(name).unwrap_or(&aims_domain::record::KINDS[0]);

        let mut s = Snapshot {
            today: today.clone(),
            titles: titles(&catalog),
            context_issues: usize::try_from(
                self.count_records(ws, kind_of("context-issues")).await?,
            )
            .unwrap_or(0),
            interested_parties: usize::try_from(
                self.count_records(ws, kind_of("interested-parties"))
                    .await?,
            )
            .unwrap_or(0),
            ..Snapshot::default()
        };

        let scopes = kind_of("scopes");
        for r in all(scopes).await? {
            let approved = matches!(
                self.approvals(ws, scopes, &r.id).await?.state,
                aims_domain::record::ApprovalState::Approved { .. }
            );
            s.scopes.push(ScopeFact {
                record: read.record(scopes, &r),
                approved,
            });
        }

        lap.mark("scopes");
        let published: HashSet<&str> = doc_versions
            .iter()
            .filter(|v| v.state == "published")
            .map(|v| v.subject_id.as_str())
            .collect();
        s.documents = all(&DOCUMENTS)
            .await?
            .iter()
            .map(|r| DocumentFact {
                record: read.record(&DOCUMENTS, r),
                doc_type: text(&r.fields, "type").to_owned(),
                published: published.contains(r.id.as_str()),
                next_review: date(&r.fields, "next_review"),
            })
            .collect();
        s.responsibilities = all(&RESPONSIBILITIES)
            .await?
            .iter()
            .map(|r| read.record(&RESPONSIBILITIES, r))
            .collect();
        s.objectives = all(&OBJECTIVES)
            .await?
            .iter()
            .map(|r| ObjectiveFact {
                record: read.record(&OBJECTIVES, r),
                status: text(&r.fields, "status").to_owned(),
                due: date(&r.fields, "due"),
            })
            .collect();

        lap.mark("documents, objectives");
        self.readiness_soa(ws, &mut s).await?;

        lap.mark("soa");
        s.metrics = self
            .metric_standings(ws)
            .await?
            .into_iter()
            .map(|m| MetricFact {
                record: read.record(&aims_domain::record::METRICS, &m.record),
                stale: m.stale,
                breach: m.breach.map(|(level, _)| level),
            })
            .collect();
        s.audits = all(&AUDITS)
            .await?
            .iter()
            .map(|r| AuditFact {
                record: read.record(&AUDITS, r),
                audit_type: text(&r.fields, "type").to_owned(),
                status: text(&r.fields, "status").to_owned(),
                start_on: date(&r.fields, "start_on"),
                end_on: date(&r.fields, "end_on"),
            })
            .collect();
        lap.mark("metrics, audits");
        let programme = self.audit_programme(ws, None).await?;
        s.programme = ProgrammeFact {
            cycle_start: programme.cycle_start,
            cycle_end: programme.cycle_end,
            total: programme.total,
            covered: programme.covered,
        };
        s.reviews = all(&REVIEWS)
            .await?
            .iter()
            .map(|r| ReviewFact {
                record: read.record(&REVIEWS, r),
                status: text(&r.fields, "status").to_owned(),
                scheduled_on: date(&r.fields, "scheduled_on"),
                held_on: date(&r.fields, "held_on"),
            })
            .collect();
        s.nonconformities = all(&NONCONFORMITIES)
            .await?
            .iter()
            .map(|r| read.dated(&NONCONFORMITIES, r, "due_on"))
            .collect();
        s.corrective_actions = all(&CORRECTIVE_ACTIONS)
            .await?
            .iter()
            .map(|r| read.dated(&CORRECTIVE_ACTIONS, r, "due_on"))
            .collect();
        s.trainings = all(&TRAININGS)
            .await?
            .iter()
            .map(|r| read.dated(&TRAININGS, r, "expires_on"))
            .collect();
        lap.mark("programme, reviews, nonconformities, trainings");

        match reuse {
            Some((base, edited)) => {
                s.systems = base.systems.clone();
                s.risks = base.risks.clone();
                let page = crate::risks::risks_kind().page;
                let path = |id: &str| format!("{page}/{id}");
                let is_system = |s: &Snapshot, id: &str| s.systems.iter().any(|f| f.id == id);
                let is_risk = |s: &Snapshot, p: &str| s.risks.iter().any(|f| f.record.path == p);
                let systems = edited.systems.iter().chain(
                    edited
                        .linked
                        .iter()
                        .filter(|id| is_system(&s, id) && !edited.systems.contains(id)),
                );
                let systems: Vec<&String> = systems.collect();
                for id in systems {
                    let fresh = self
                        .system_facts(ws, &read, &catalog, Some(id))
                        .await?
                        .pop();
                    upsert(&mut s.systems, |f| &f.id, id, fresh);
                }
                let risks: Vec<&String> = edited
                    .risks
                    .iter()
                    .chain(
                        edited
                            .linked
                            .iter()
                            .filter(|id| is_risk(&s, &path(id)) && !edited.risks.contains(id)),
                    )
                    .collect();
                for id in risks {
                    let fresh = self.risk_facts(ws, &read, Some(id)).await?.pop();
                    upsert(&mut s.risks, |f| &f.record.path, &path(id), fresh);
                }
                lap.mark("risks and systems edited since");
            }
            None => {
                s.systems = self.system_facts(ws, &read, &catalog, None).await?;
                lap.mark("systems");
                s.risks = self.risk_facts(ws, &read, None).await?;
                lap.mark("risks");
            }
        }
        Ok(s)
    }

    /// The statement as it stands and its Annex A controls not excluded,
    /// each with its live facts.
    async fn readiness_soa(&self, ws: &Scope, s: &mut Snapshot) -> Result<()> {
        let (current, _) = self.soa(ws).await?;
        let facts = self.soa_facts_kept(ws).await?;
        let rows: Vec<&aims_domain::soa::Row> = current.lines.iter().map(|l| &l.row).collect();
        s.soa = SoaFact {
            saved: current.number > 0,
            approved: current.state == "approved",
            undecided: rows
                .iter()
                .filter(|r| r.decision == Decision::Undecided)
                .count(),
            unjustified: rows
                .iter()
                .filter(|r| r.decision == Decision::Excluded && r.exclusion.trim().is_empty())
                .count(),
            flagged: current.flags.len(),
        };
        for line in &current.lines {
            if framework_of(&line.row.control) != SOA_FRAMEWORK
                || line.row.decision == Decision::Excluded
            {
                continue;
            }
            let id = line
                .row
                .control
                .split_once(':')
                .map_or("", |(_, id)| id)
                .to_owned();
            let live = facts
                .facts
                .get(&line.row.control)
                .cloned()
                .unwrap_or_default();
            s.controls.push(ControlFact {
                title: line.title.clone(),
                record: live.record_id.as_ref().map(|rid| {
                    Subject::new(
                        format!("{}/{rid}", CONTROLS.page),
                        format!("{id} {}", line.title),
                    )
                    .owned(live.owner.as_deref())
                }),
                implementation_status: live.implementation_status.clone().unwrap_or_default(),
                evidence: live.evidence,
                id,
            });
        }
        Ok(())
    }
}

/// The risks and systems created, edited or linked since a kept snapshot
/// (ids, each once).
#[derive(Default)]
struct Edited {
    /// Created or edited: read again, in place or in order.
    risks: Vec<String>,
    systems: Vec<String>,
    /// A link's ends: read again where they are a risk or a system.
    linked: Vec<String>,
}

/// Puts `fresh` in place of the fact at `key`, or in order among facts kept
/// in `key` order when there is none (a record created), or drops the fact
/// when the record is gone.
fn upsert<T>(facts: &mut Vec<T>, key: impl Fn(&T) -> &str, at: &str, fresh: Option<T>) {
    let found = facts.iter().position(|f| key(f) == at);
    match (found, fresh) {
        (Some(i), Some(f)) => facts[i] = f,
        (Some(i), None) => {
            facts.remove(i);
        }
        (None, Some(f)) => {
            let i = facts.partition_point(|g| key(g) < at);
            facts.insert(i, f);
        }
        (None, None) => {}
    }
}

/// Logs (at debug level) how long each phase of a long read took.
pub(crate) struct Lap {
    what: &'static str,
    at: std::time::Instant,
}

impl Lap {
    pub(crate) fn new(what: &'static str) -> Lap {
        Lap {
            what,
            at: std::time::Instant::now(),
        }
    }

    pub(crate) fn mark(&mut self, phase: &str) {
        let now = std::time::Instant::now();
        tracing::debug!(
            what = self.what,
            phase,
            ms = (now - self.at).as_secs_f64() * 1000.0,
            "lap"
        );
        self.at = now;
    }
}
