//! The catalogue must be exactly right: these tests pin the identifiers, titles
//! and counts of the built-in frameworks and check every crosswalk pair.

use crate::{parse_any, parse_framework, Catalog, Parsed, Relationship};
use std::collections::BTreeSet;

const ANNEX_A: &[(&str, &str)] = &[
    ("A.2.2", "AI policy"),
    ("A.2.3", "Alignment with other organizational policies"),
    ("A.2.4", "Review of the AI policy"),
    ("A.3.2", "AI roles and responsibilities"),
    ("A.3.3", "Reporting of concerns"),
    ("A.4.2", "Resource documentation"),
    ("A.4.3", "Data resources"),
    ("A.4.4", "Tooling resources"),
    ("A.4.5", "System and computing resources"),
    ("A.4.6", "Human resources"),
    ("A.5.2", "AI system impact assessment process"),
    ("A.5.3", "Documentation of AI system impact assessments"),
    (
        "A.5.4",
        "Assessing AI system impact on individuals or groups of individuals",
    ),
    ("A.5.5", "Assessing societal impacts of AI systems"),
    (
        "A.6.1.2",
        "Objectives for responsible development of AI system",
    ),
    (
        "A.6.1.3",
        "Processes for responsible AI system design and development",
    ),
    ("A.6.2.2", "AI system requirements and specification"),
    (
        "A.6.2.3",
        "Documentation of AI system design and development",
    ),
    ("A.6.2.4", "AI system verification and validation"),
    ("A.6.2.5", "AI system deployment"),
    ("A.6.2.6", "AI system operation and monitoring"),
    ("A.6.2.7", "AI system technical documentation"),
    ("A.6.2.8", "AI system recording of event logs"),
    ("A.7.2", "Data for development and enhancement of AI system"),
    ("A.7.3", "Acquisition of data"),
    ("A.7.4", "Quality of data for AI systems"),
    ("A.7.5", "Data provenance"),
    ("A.7.6", "Data preparation"),
    ("A.8.2", "System documentation and information for users"),
    ("A.8.3", "External reporting"),
    ("A.8.4", "Communication of incidents"),
    ("A.8.5", "Information for interested parties"),
    ("A.9.2", "Processes for responsible use of AI systems"),
    ("A.9.3", "Objectives for responsible use of AI system"),
    ("A.9.4", "Intended use of the AI system"),
    ("A.10.2", "Allocating responsibilities"),
    ("A.10.3", "Suppliers"),
    ("A.10.4", "Customers"),
];
const REQUIREMENT_CLAUSES: &[&str] = &[
    "4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.2", "5.3", "6", "6.1", "6.1.1", "6.1.2",
    "6.1.3", "6.1.4", "6.2", "6.3", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2",
    "7.5.3", "8", "8.1", "8.2", "8.3", "8.4", "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1",
    "9.3.2", "9.3.3", "10", "10.1", "10.2",
];

fn catalog() -> Catalog {
    Catalog::builtin().expect("built-in catalogue parses")
}

#[test]
fn iso42001_has_exactly_the_38_annex_a_controls_with_their_titles() {
    let c = catalog();
    let f = c.framework("iso42001").unwrap();
    let controls: Vec<(&str, &str)> = f
        .items
        .iter()
        .filter(|i| i.kind == "control")
        .map(|i| (i.id.as_str(), i.title.as_str()))
        .collect();
    assert_eq!(controls.len(), 38);
    assert_eq!(controls, ANNEX_A);
    assert_eq!(controls.first().unwrap().0, "A.2.2");
    assert_eq!(controls.last().unwrap().0, "A.10.4");
    let areas: Vec<&str> = f
        .items
        .iter()
        .filter(|i| i.kind == "area")
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        areas,
        ["A.2", "A.3", "A.4", "A.5", "A.6", "A.6.1", "A.6.2", "A.7", "A.8", "A.9", "A.10"]
    );
    assert_eq!(f.item("A.6.2.6").unwrap().parent.as_deref(), Some("A.6.2"));
    assert_eq!(f.item("A.6.2").unwrap().parent.as_deref(), Some("A.6"));
}

#[test]
fn iso42001_clauses_and_annex_c() {
    let c = catalog();
    let f = c.framework("iso42001").unwrap();
    let normative: Vec<&str> = f
        .items
        .iter()
        .filter(|i| i.kind == "clause" && i.normative)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(normative, REQUIREMENT_CLAUSES);
    for informative in ["1", "2", "3"] {
        assert!(!f.item(informative).unwrap().normative);
    }
    assert_eq!(f.count("objective"), 11);
    assert_eq!(f.count("risk-source"), 7);
    assert_eq!(
        f.item("6.1.4").unwrap().title,
        "AI system impact assessment"
    );
}

#[test]
fn every_iso42001_requirement_and_control_has_our_guidance() {
    let c = catalog();
    let f = c.framework("iso42001").unwrap();
    for i in f
        .items
        .iter()
        .filter(|i| (i.kind == "clause" && i.normative) || i.kind == "control")
    {
        assert!(!i.asks.is_empty(), "{} lacks `asks`", i.id);
        assert!((2..=5).contains(&i.evidence.len()), "{} evidence", i.id);
        assert!(!i.aims_records.is_empty(), "{} lacks aims_records", i.id);
    }
}

#[test]
fn nist_ai_rmf_shape() {
    let c = catalog();
    let f = c.framework("nist-ai-rmf").unwrap();
    assert_eq!(f.count("function"), 4);
    assert_eq!(f.count("category"), 19);
    assert_eq!(f.count("subcategory"), 72);
    for (function, n) in [("GOVERN", 19), ("MAP", 18), ("MEASURE", 22), ("MANAGE", 13)] {
        let subs = f
            .items
            .iter()
            .filter(|i| i.kind == "subcategory" && i.id.starts_with(&format!("{function} ")))
            .count();
        assert_eq!(subs, n, "{function}");
    }
    assert!(f.item("MEASURE 2.11").is_some());
    let genai = c.framework("nist-ai-600-1").unwrap();
    assert_eq!(genai.count("risk"), 12);
    assert_eq!(genai.item("2.2").unwrap().title, "Confabulation");
}

#[test]
fn eu_ai_act_tiers_obligations_and_dates() {
    let c = catalog();
    let f = c.framework("eu-ai-act").unwrap();
    assert_eq!(f.count("article"), 113);
    assert_eq!(f.item("Art. 5").unwrap().title, "Prohibited AI practices");
    assert!(f.children(Some("Tier: prohibited")).count() >= 8);
    assert_eq!(
        f.children(Some("Annex III")).count(),
        8,
        "the 8 areas of Annex III"
    );
    assert!(f.item("Art. 6(3)").is_some());
    assert!(f.children(Some("Tier: transparency")).count() >= 4);
    assert!(f.item("Tier: minimal").is_some() && f.item("Tier: general-purpose AI").is_some());
    assert_eq!(f.item("Art. 16").unwrap().applies_to, "Providers");
    assert!(f
        .items
        .iter()
        .any(|i| i.kind == "date" && i.applies_from == "2026-08-02"));
}

#[test]
fn every_crosswalk_pair_points_at_ids_that_exist_on_both_sides() {
    let c = catalog();
    let mut counts = vec![];
    for set in c.mapping_sets() {
        let source = c.framework(&set.source).unwrap();
        let target = c.framework(&set.target).unwrap();
        for p in &set.pairs {
            assert!(
                source.item(&p.source).is_some(),
                "{}: {} missing in {}",
                set.id,
                p.source,
                source.id
            );
            assert!(
                target.item(&p.target).is_some(),
                "{}: {} missing in {}",
                set.id,
                p.target,
                target.id
            );
        }
        assert!(!set.provenance.is_empty(), "{} names its source", set.id);
        counts.push((set.id.as_str(), set.pairs.len()));
    }
    assert_eq!(
        counts,
        [
            ("nist-ai-rmf-to-iso42001", 280),
            ("iso42001-to-eu-ai-act", 90),
            ("iso42001-to-iso27001-clauses", 41),
            ("iso42001-to-iso27001-annex-a", 33)
        ]
    );
    let nist = c.mapping_set("nist-ai-rmf-to-iso42001").unwrap();
    let subs: BTreeSet<&str> = nist.pairs.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(subs.len(), 72, "every NIST subcategory is mapped");
}

#[test]
fn a_control_shows_what_it_maps_to_in_every_other_framework() {
    let c = catalog();
    let maps = c.mappings_of("iso42001", "A.6.2.6");
    let frameworks: BTreeSet<&str> = maps.iter().map(|m| m.framework.id.as_str()).collect();
    assert!(
        frameworks.contains("nist-ai-rmf") && frameworks.contains("eu-ai-act"),
        "{frameworks:?}"
    );
    let eu = maps.iter().find(|m| m.framework.id == "eu-ai-act").unwrap();
    assert!(eu.strength.is_some());
    // Seen from the other side, the same pair points back.
    let nist = maps
        .iter()
        .find(|m| m.framework.id == "nist-ai-rmf")
        .unwrap();
    assert!(c
        .mappings_of("nist-ai-rmf", &nist.item.id)
        .iter()
        .any(|m| m.item.id == "A.6.2.6"));
    assert_eq!(Relationship::Subset.inverse(), Relationship::Superset);
}

#[test]
fn resolve_and_search() {
    let c = catalog();
    let hits = c.resolve("A.6.2.6");
    assert_eq!(hits[0].0.id, "iso42001");
    let hits = c.resolve("iso27001:4.1");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].0.id, "iso27001");
    assert!(c.resolve("Z.9.9").is_empty());
    let found = c.search("impact assessment", 50);
    assert!(found.iter().any(|h| h.item.id == "A.5.2"));
    assert_eq!(
        c.search("a.6.2.6", 5)[0].item.id,
        "A.6.2.6",
        "an exact id ranks first"
    );
    assert!(c.search("   ", 5).is_empty());
}

const GOOD: &str = r#"
[framework]
id = "acme-ai-standard"
name = "Acme internal AI standard"
kind = "internal"

[[item]]
id = "AAS-1"
kind = "requirement"
title = "Register every model"

[[item]]
id = "AAS-1.1"
kind = "requirement"
parent = "AAS-1"
title = "Name an owner"
aims_records = ["ai_system"]
"#;

#[test]
fn an_organisation_can_add_its_own_framework_and_mapping() {
    let mut c = catalog();
    let Parsed::Framework(f) = parse_any(GOOD, &c).unwrap() else {
        panic!("a framework")
    };
    assert_eq!(f.items.len(), 2);
    c.add_framework(f).unwrap();
    let mapping = r#"
[mapping_set]
id = "acme-to-iso42001"
name = "Acme to 42001"
source = "acme-ai-standard"
target = "iso42001"

[[pair]]
source = "AAS-1"
target = "A.4.2"
relationship = "subset"
"#;
    let Parsed::MappingSet(m) = parse_any(mapping, &c).unwrap() else {
        panic!("a mapping set")
    };
    c.add_mapping_set(m).unwrap();
    assert!(c
        .mappings_of("iso42001", "A.4.2")
        .iter()
        .any(|m| m.item.id == "AAS-1" && m.relationship == Relationship::Superset));
}

#[test]
fn built_in_frameworks_are_never_overwritten() {
    let mut c = catalog();
    let f = parse_framework(&GOOD.replace("acme-ai-standard", "iso42001"), false).unwrap();
    let err = c.add_framework(f).unwrap_err();
    assert!(err.message.contains("built-in"));
    assert_eq!(c.framework("iso42001").unwrap().count("control"), 38);
}

fn refused(text: &str) -> crate::CatalogError {
    parse_any(text, &catalog()).unwrap_err()
}

#[test]
fn malformed_files_are_refused_naming_line_and_field() {
    let e = refused(&GOOD.replace("title = \"Name an owner\"\n", ""));
    assert_eq!(e.field.as_deref(), Some("title"), "{e}");
    assert!(e.line.is_some(), "{e}");

    let e = refused(&GOOD.replace("title = \"Name an owner\"", "title = \"\""));
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(16), Some("item.title")),
        "{e}"
    );

    let e = refused(&GOOD.replace("parent = \"AAS-1\"", "parent = \"AAS-9\""));
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(15), Some("item.parent")),
        "{e}"
    );

    let e = refused(&GOOD.replace("id = \"AAS-1.1\"", "id = \"AAS-1\""));
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(13), Some("item.id")),
        "{e}"
    );
    assert!(e.to_string().starts_with("line 13, field `item.id`"), "{e}");

    let e = refused(&GOOD.replace(
        "kind = \"internal\"",
        "kind = \"internal\"\ncolour = \"red\"",
    ));
    assert_eq!(e.field.as_deref(), Some("colour"), "{e}");

    let e = refused(&GOOD.replace("title = \"Register every model\"", "title = 5"));
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(10), Some("title")),
        "{e}"
    );

    let e = refused(&GOOD.replace(
        "aims_records = [\"ai_system\"]",
        "aims_records = [\"spaceship\"]",
    ));
    assert_eq!(e.field.as_deref(), Some("item.aims_records"), "{e}");

    let e = refused("[framework]\nid = \"x y\"\n");
    assert!(e.line.is_some());

    let e = refused("[framework\nid=1");
    assert_eq!(e.line, Some(1), "{e}");

    let e = refused("title = \"no table here\"");
    assert!(e.message.contains("not a catalogue file"));
}

const OSCAL: &str = r#"{
  "catalog": {
    "uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724",
    "metadata": { "title": "Tiny Security Catalog", "version": "1.0", "oscal-version": "1.1.2",
                  "last-modified": "2026-01-01T00:00:00Z" },
    "groups": [
      { "id": "ac", "class": "family", "title": "Access Control",
        "controls": [
          { "id": "ac-1", "class": "SP800-53", "title": "Policy and Procedures",
            "props": [ { "name": "label", "value": "AC-1" } ],
            "parts": [
              { "id": "ac-1_smt", "name": "statement", "prose": "Develop and keep an access control policy.",
                "parts": [ { "id": "ac-1_smt.a", "name": "item", "prose": "Review it every year." } ] },
              { "id": "ac-1_gdn", "name": "guidance", "prose": "Policies set direction for access decisions." } ],
            "controls": [
              { "id": "ac-1.1", "title": "Automated Policy Checks", "props": [ { "name": "label", "value": "AC-1(1)" } ] } ] },
          { "id": "ac-2", "title": "Account Management" } ] } ]
  }
}"#;

#[test]
fn an_oscal_catalog_imports_as_a_searchable_framework() {
    let mut c = catalog();
    let Parsed::Framework(f) = parse_any(OSCAL, &c).unwrap() else {
        panic!("a framework")
    };
    assert_eq!(f.id, "tiny-security-catalog");
    assert_eq!(f.format, "oscal-json");
    let ids: Vec<&str> = f.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ac", "AC-1", "AC-1(1)", "ac-2"]);
    assert_eq!(f.item("AC-1(1)").unwrap().parent.as_deref(), Some("AC-1"));
    assert!(f
        .item("AC-1")
        .unwrap()
        .summary
        .contains("Review it every year"));
    c.add_framework(f).unwrap();
    let hits = c.search("access control policy", 10);
    assert_eq!(hits[0].item.id, "AC-1");
}

#[test]
fn malformed_oscal_is_refused_with_line_or_path() {
    let e = refused(&OSCAL.replace(
        "\"title\": \"Account Management\"",
        "\"title\": \"Account Management\",,",
    ));
    assert!(e.line.is_some(), "{e}");
    let e = refused(&OSCAL.replace(
        "\"title\": \"Account Management\"",
        "\"name\": \"Account Management\"",
    ));
    assert_eq!(
        e.field.as_deref(),
        Some("catalog.groups[0].controls[1].title"),
        "{e}"
    );
    let e = refused("{\"catalog\": {\"metadata\": {}}}");
    assert_eq!(e.field.as_deref(), Some("catalog.metadata.title"));
}

/// A small deterministic generator (xorshift), so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn mangled_files_are_refused_or_accepted_but_never_panic() {
    let c = catalog();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let junk = [
        "",
        "\"",
        "[",
        "]",
        "=",
        "{",
        "}",
        ",",
        "\n",
        "[[item]]\n",
        "\u{0}",
        "é",
        "999999999999999999999",
        "null",
    ];
    for base in [GOOD, OSCAL] {
        for _ in 0..400 {
            let mut text: Vec<char> = base.chars().collect();
            for _ in 0..(1 + rng.next() % 4) {
                let at = (rng.next() as usize) % (text.len() + 1);
                let cut = ((rng.next() % 6) as usize).min(text.len() - at.min(text.len()));
                let with: Vec<char> = junk[(rng.next() as usize) % junk.len()].chars().collect();
                text.splice(at..at + cut, with);
            }
            let text: String = text.into_iter().collect();
            if let Err(e) = parse_any(&text, &c) {
                assert!(!e.message.is_empty());
                assert!(
                    e.line.is_none_or(|l| l <= text.lines().count() + 1),
                    "line {:?} beyond the file",
                    e.line
                );
            }
        }
    }
}
