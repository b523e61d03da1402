//! The loaded catalogue: frameworks and mapping sets, indexed for lookup,
//! crosswalk navigation and search.

use crate::model::{Framework, Item, MappingSet, Relationship};
use crate::parse::{parse_framework, parse_mapping_set};
use crate::{CatalogError, BUILTIN_FRAMEWORKS, BUILTIN_MAPPINGS};
use std::collections::HashMap;

/// A pair mentioning an item: (mapping set index, pair index, item is the pair's source).
type Link = (usize, usize, bool);

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    frameworks: Vec<Framework>,
    mappings: Vec<MappingSet>,
    /// (framework index, item id) → item index.
    items: HashMap<(usize, String), usize>,
    /// (framework id, item id) → the pairs that mention it.
    links: HashMap<(String, String), Vec<Link>>,
    /// Lowercased searchable text per (framework index, item index).
    haystacks: Vec<(usize, usize, String)>,
}

/// An item on the other side of a crosswalk.
#[derive(Debug, Clone)]
pub struct Mapped<'a> {
    pub set: &'a MappingSet,
    pub framework: &'a Framework,
    pub item: &'a Item,
    /// How the item asked about relates to this one.
    pub relationship: Relationship,
    pub strength: Option<&'a str>,
    pub note: &'a str,
}

/// A search result.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub framework: &'a Framework,
    pub item: &'a Item,
    pub score: u32,
}

impl Framework {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Item> + 'a {
        self.items
            .iter()
            .filter(move |i| i.parent.as_deref() == parent)
    }

    /// Number of items of each kind, by kind.
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for i in &self.items {
            *counts.entry(i.kind.clone()).or_insert(0) += 1;
        }
        counts
    }

    /// Number of items of `kind`.
    pub fn count(&self, kind: &str) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }
}

impl Catalog {
    /// The compiled-in frameworks and mapping sets.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let mut c = Catalog::default();
        for (name, text) in BUILTIN_FRAMEWORKS {
            let f = parse_framework(text, true).map_err(|e| CatalogError {
                message: format!("{name}: {}", e.message),
                ..e
            })?;
            c.add_framework(f)?;
        }
        for (name, text) in BUILTIN_MAPPINGS {
            let m = parse_mapping_set(text, &c, true).map_err(|e| CatalogError {
                message: format!("{name}: {}", e.message),
                ..e
            })?;
            c.add_mapping_set(m)?;
        }
        Ok(c)
    }

    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }

    pub fn mapping_sets(&self) -> &[MappingSet] {
        &self.mappings
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    pub fn mapping_set(&self, id: &str) -> Option<&MappingSet> {
        self.mappings.iter().find(|m| m.id == id)
    }

    /// Adds a framework; a built-in one is never replaced, an imported one with
    /// the same id is (a newer version).
    pub fn add_framework(&mut self, f: Framework) -> Result<(), CatalogError> {
        if let Some(pos) = self.frameworks.iter().position(|x| x.id == f.id) {
            if self.frameworks[pos].builtin {
                return Err(CatalogError::at(
                    None,
                    "framework.id",
                    format!(
                        "`{}` is a built-in framework and cannot be replaced; choose another id",
                        f.id
                    ),
                ));
            }
            self.frameworks[pos] = f;
        } else {
            self.frameworks.push(f);
        }
        self.reindex();
        Ok(())
    }

    pub fn add_mapping_set(&mut self, m: MappingSet) -> Result<(), CatalogError> {
        if let Some(pos) = self.mappings.iter().position(|x| x.id == m.id) {
            if self.mappings[pos].builtin {
                return Err(CatalogError::at(
                    None,
                    "mapping_set.id",
                    format!(
                        "`{}` is a built-in mapping set and cannot be replaced; choose another id",
                        m.id
                    ),
                ));
            }
            self.mappings[pos] = m;
        } else {
            self.mappings.push(m);
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.items.clear();
        self.haystacks.clear();
        for (fi, f) in self.frameworks.iter().enumerate() {
            for (ii, item) in f.items.iter().enumerate() {
                self.items.insert((fi, item.id.clone()), ii);
                let text = format!(
                    "{} {} {} {} {}",
                    item.id,
                    item.title,
                    item.summary,
                    item.asks,
                    item.evidence.join(" ")
                )
                .to_lowercase();
                self.haystacks.push((fi, ii, text));
            }
        }
        self.links.clear();
        for (si, set) in self.mappings.iter().enumerate() {
            for (pi, p) in set.pairs.iter().enumerate() {
                self.links
                    .entry((set.source.clone(), p.source.clone()))
                    .or_default()
                    .push((si, pi, true));
                self.links
                    .entry((set.target.clone(), p.target.clone()))
                    .or_default()
                    .push((si, pi, false));
            }
        }
    }

    pub fn item(&self, framework: &str, id: &str) -> Option<(&Framework, &Item)> {
        let fi = self.frameworks.iter().position(|f| f.id == framework)?;
        let ii = *self.items.get(&(fi, id.to_owned()))?;
        Some((&self.frameworks[fi], &self.frameworks[fi].items[ii]))
    }

    /// Finds items by reference: `framework:id` names one; a bare id matches it
    /// in every framework, in catalogue order (ISO/IEC 42001 first).
    pub fn resolve(&self, reference: &str) -> Vec<(&Framework, &Item)> {
        let reference = reference.trim();
        if let Some((fw, id)) = reference.split_once(':') {
            if self.framework(fw).is_some() {
                return self.item(fw, id.trim()).into_iter().collect();
            }
        }
        let lower = reference.to_lowercase();
        self.frameworks
            .iter()
            .filter_map(|f| {
                f.item(reference)
                    .or_else(|| f.items.iter().find(|i| i.id.to_lowercase() == lower))
                    .map(|i| (f, i))
            })
            .collect()
    }

    /// What an item maps to in other frameworks, in every mapping set, both directions.
    pub fn mappings_of(&self, framework: &str, id: &str) -> Vec<Mapped<'_>> {
        let Some(links) = self.links.get(&(framework.to_owned(), id.to_owned())) else {
            return vec![];
        };
        let mut out = Vec::with_capacity(links.len());
        for &(si, pi, is_source) in links {
            let set = &self.mappings[si];
            let pair = &set.pairs[pi];
            let (other_fw, other_id, rel) = if is_source {
                (&set.target, &pair.target, pair.relationship)
            } else {
                (&set.source, &pair.source, pair.relationship.inverse())
            };
            if let Some((framework, item)) = self.item(other_fw, other_id) {
                out.push(Mapped {
                    set,
                    framework,
                    item,
                    relationship: rel,
                    strength: pair.strength.as_deref(),
                    note: &pair.note,
                });
            }
        }
        out
    }

    /// Full-text search over ids, titles, summaries and guidance: every word of
    /// the query must occur; an exact id match ranks first, then title matches.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        let q = query.trim().to_lowercase();
        let words: Vec<&str> = q.split_whitespace().collect();
        if words.is_empty() {
            return vec![];
        }
        let mut hits: Vec<Hit<'_>> = self
            .haystacks
            .iter()
            .filter(|(_, _, text)| words.iter().all(|w| text.contains(w)))
            .map(|(fi, ii, _)| {
                let framework = &self.frameworks[*fi];
                let item = &framework.items[*ii];
                let id = item.id.to_lowercase();
                let title = item.title.to_lowercase();
                let mut score = 1;
                if id == q {
                    score += 100;
                } else if id.starts_with(&q) {
                    score += 20;
                }
                score += 10 * words.iter().filter(|w| title.contains(*w)).count() as u32;
                Hit {
                    framework,
                    item,
                    score,
                }
            })
            .collect();
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        hits.truncate(limit);
        hits
    }
}
