//! The risk library as people pick from it: each starting point with its
//! sources, objectives and catalogue references titled from the catalogue;
//! picking one creates a draft risk (and, when a system is named, links it).

use crate::records::{derive_fields, record_of_kind};
use crate::{risks_kind, systems_kind, App, AppError, Result, Scope};
use aims_domain::record::{relation, Input};
use aims_domain::risk::{library_risk, LIBRARY};
use aims_domain::validation::is_record_id;
use aims_domain::Action;
use aims_store::RecordRow;
use serde::Serialize;

/// A catalogue item a library risk refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    pub framework: String,
    pub item: String,
    /// The item's title in the catalogue (empty if the catalogue lacks it).
    pub title: String,
}

/// One starting point of the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryEntry {
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub cause: &'static str,
    pub consequence: &'static str,
    /// Risk source labels.
    pub sources: Vec<&'static str>,
    /// Objective labels.
    pub objectives: Vec<&'static str>,
    /// NIST AI RMF and AI 600-1 references.
    pub references: Vec<Reference>,
    /// The Annex A controls that usually treat it.
    pub controls: Vec<Reference>,
}

impl App {
    /// The risk library, in the order it is offered.
    pub async fn risk_library(&self, ws: &Scope) -> Result<Vec<LibraryEntry>> {
        ws.require(Action::Read)?;
        let catalog = self.catalog().await?;
        let reference = |fw: &str, item: &str| Reference {
            title: catalog
                .item(fw, item)
                .map(|(_, i)| i.title.clone())
                .unwrap_or_default(),
            framework: fw.to_owned(),
            item: item.to_owned(),
        };
        Ok(LIBRARY
            .iter()
            .map(|r| {
                let (controls, references): (Vec<_>, Vec<_>) = r
                    .references()
                    .partition(|(fw, _)| *fw == aims_domain::risk::library::ISO42001);
                LibraryEntry {
                    key: r.key,
                    title: r.title,
                    description: r.description,
                    cause: r.cause,
                    consequence: r.consequence,
                    sources: r.sources.iter().map(|s| s.label()).collect(),
                    objectives: r.objectives.iter().map(|o| o.label()).collect(),
                    references: references.iter().map(|(f, i)| reference(f, i)).collect(),
                    controls: controls.iter().map(|(f, i)| reference(f, i)).collect(),
                }
            })
            .collect())
    }

    /// Creates a draft risk from library entry `key` (not scored: it shows
    /// as not assessed until someone scores it), linked to `system` when
    /// one is named.
    pub async fn risk_from_library(
        &self,
        ws: &Scope,
        key: &str,
        system: Option<&str>,
    ) -> Result<RecordRow> {
        let kind = risks_kind();
        ws.require(kind.access.create)?;
        let lib = library_risk(key).ok_or(AppError::NotFound("library risk"))?;
        let system = system.map(str::trim).filter(|s| !s.is_empty());
        if system.is_some_and(|s| !is_record_id(s)) {
            return Err(AppError::field(
                "system",
                "no such AI system in this workspace",
            ));
        }
        let mut fields = lib.draft_fields();
        let mut tx = self.store.begin().await?;
        let system = match system {
            Some(id) => Some(
                record_of_kind(&mut tx.conn(), ws, systems_kind(), id)
                    .await
                    .map_err(|_| {
                        AppError::field("system", "no such AI system in this workspace")
                    })?,
            ),
            None => None,
        };
        if let Some(s) = &system {
            fields.insert(
                "title".into(),
                serde_json::json!(format!("{}: {}", lib.title, s.title)),
            );
        }
        // One transaction: the draft and its link, or nothing.
        let mut fields = kind.parse_new(Input::Json(&fields))?;
        let derivation = self.derivation(&mut tx.conn(), ws, kind).await?;
        derive_fields(&derivation, &mut fields)?;
        let risk = self
            .insert_record(&mut tx.conn(), ws, kind, fields, &mut None)
            .await?;
        if let Some(s) = &system {
            let rel = relation("concerns").ok_or(AppError::Internal("relation concerns".into()))?;
            self.insert_link(&mut tx.conn(), ws, kind, &risk, rel, s)
                .await?;
        }
        tx.commit().await?;
        Ok(risk)
    }
}
