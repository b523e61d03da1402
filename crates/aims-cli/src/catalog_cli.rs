//! `aims catalog …`: browse the framework catalogue without a database
//! (built-in frameworks), import into it with one.

use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CatalogCmd {
    /// List frameworks and crosswalks
    List,
    /// Show one item: title, guidance, expected evidence and mappings (e.g. A.6.2.6 or iso27001:A.5.1)
    Show {
        /// Item id, optionally prefixed with the framework id and ':'
        reference: String,
    },
    /// Search every framework
    Search {
        /// Words to find
        text: Vec<String>,
        #[arg(long, default_value_t = 25)]
        limit: usize,
    },
    /// Import a framework (aims TOML or OSCAL catalog JSON) or a mapping set (aims TOML)
    Import {
        file: PathBuf,
        /// Framework id to use for an OSCAL catalog
        #[arg(long)]
        id: Option<String>,
    },
}

pub fn catalog_cmd(c: &aims_app::catalogue::Catalog, cmd: CatalogCmd) -> Result<ExitCode, String> {
    match cmd {
        CatalogCmd::List => {
            outln!("FRAMEWORKS");
            for f in c.frameworks() {
                let origin = if f.builtin { "built-in" } else { "imported" };
                outln!(
                    "  {:<20} {:<24} {:>4} items  {} ({origin})",
                    f.id,
                    f.name,
                    f.items.len(),
                    f.kind
                );
            }
            outln!("CROSSWALKS");
            for m in c.mapping_sets() {
                outln!(
                    "  {:<32} {} -> {}  {} pairs",
                    m.id,
                    m.source,
                    m.target,
                    m.pairs.len()
                );
            }
        }
        CatalogCmd::Show { reference } => {
            let found = c.resolve(&reference);
            let Some((f, item)) = found.first() else {
                return Err(format!(
                    "no catalogue item '{reference}'; try 'aims catalog search {reference}', or name the framework as in iso42001:A.6.2.6"
                ));
            };
            outln!("{} {} — {}", item.id, item.title, f.name);
            let mut facts = vec![item.kind.clone()];
            if let Some(p) = &item.parent {
                facts.push(format!("part of {p}"));
            }
            if !item.applies_to.is_empty() {
                facts.push(format!("applies to {}", item.applies_to));
            }
            if !item.applies_from.is_empty() {
                facts.push(format!("applies from {}", item.applies_from));
            }
            outln!("{}", facts.join(" · "));
            if !item.summary.is_empty() {
                outln!("\nIn short\n  {}", item.summary);
            }
            if !item.asks.is_empty() {
                outln!("\nWhat it asks (our guidance)\n  {}", item.asks);
            }
            if !item.evidence.is_empty() {
                outln!("\nEvidence auditors expect");
                for e in &item.evidence {
                    outln!("  - {e}");
                }
            }
            if !item.aims_records.is_empty() {
                outln!(
                    "\nRecords in aims that satisfy it\n  {}",
                    item.aims_records.join(", ")
                );
            }
            let maps = c.mappings_of(&f.id, &item.id);
            let mut frameworks: Vec<&str> =
                maps.iter().map(|m| m.framework.name.as_str()).collect();
            frameworks.dedup();
            let mut shown = std::collections::BTreeSet::new();
            for name in frameworks {
                if !shown.insert(name) {
                    continue;
                }
                outln!("\nMaps to {name}");
                for m in maps.iter().filter(|m| m.framework.name == name) {
                    let strength = m.strength.map(|s| format!(", {s}")).unwrap_or_default();
                    outln!(
                        "  {} {} ({}{strength})",
                        m.item.id,
                        m.item.title,
                        m.relationship
                    );
                }
            }
            for (other, _) in found.iter().skip(1) {
                outln!("\n(also in {}: use {}:{})", other.name, other.id, item.id);
            }
        }
        CatalogCmd::Search { text, limit } => {
            let q = text.join(" ");
            let hits = c.search(&q, limit);
            if hits.is_empty() {
                outln!("nothing matches '{q}'");
                return Ok(ExitCode::from(1));
            }
            for h in hits {
                outln!("{:<14} {:<16} {}", h.framework.id, h.item.id, h.item.title);
            }
        }
        CatalogCmd::Import { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
