//! Tests of the risk vocabularies and the risk library.
use super::catalogue::{OBJECTIVE_CHOICES, SOURCE_CHOICES, TREATMENT_CHOICES};
use super::library::{ISO42001, NIST_AI_600_1, NIST_AI_RMF};
use super::*;
use std::collections::BTreeSet;

#[test]
fn keys_are_lowercase_words() {
    for good in ["a", "low", "own_source-2", "a1", &"a".repeat(64)] {
        assert!(is_key(good), "{good}");
    }
    for bad in [
        "",
        &"a".repeat(65),
        "1a",
        "_a",
        "-a",
        "a_",
        "a-",
        "Low",
        "lOw",
        "a b",
        "é",
        "a.b",
        "a/b",
    ] {
        assert!(!is_key(bad), "{bad:?}");
    }
}

#[test]
fn risk_sources_have_stable_keys_and_annex_c_refs() {
    let keys: Vec<_> = RiskSource::ALL.iter().map(|s| s.key()).collect();
    assert_eq!(
        keys,
        [
            "complexity_of_environment",
            "lack_of_transparency_and_explainability",
            "level_of_automation",
            "machine_learning",
            "system_hardware",
            "system_life_cycle",
            "technology_readiness"
        ]
    );
    let refs: Vec<_> = RiskSource::ALL.iter().map(|s| s.catalog_ref()).collect();
    assert_eq!(
        refs,
        ["C.3.1", "C.3.2", "C.3.3", "C.3.4", "C.3.5", "C.3.6", "C.3.7"]
    );
    let labels: BTreeSet<_> = RiskSource::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels.len(), 7);
    for s in RiskSource::ALL {
        assert_eq!(RiskSource::from_key(s.key()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.key());
        assert_eq!(RiskSource::label_of(s.key()), s.label());
        assert!(is_key(s.key()));
    }
    assert_eq!(RiskSource::from_key("vendor_lock_in"), None);
    // Extendable: a workspace's own key is accepted and shown as it is.
    assert_eq!(RiskSource::check_key("vendor_lock_in"), Ok(()));
    assert_eq!(RiskSource::check_key("machine_learning"), Ok(()));
    assert_eq!(RiskSource::label_of("vendor_lock_in"), "vendor_lock_in");
    let e = RiskSource::check_key("Vendor lock-in").unwrap_err();
    assert!(
        e.contains("complexity_of_environment, lack_of_transparency"),
        "{e}"
    );
    assert!(RiskSource::check_key("").is_err());
}

#[test]
fn objectives_have_stable_keys_and_annex_c_refs() {
    let keys: Vec<_> = Objective::ALL.iter().map(|o| o.key()).collect();
    assert_eq!(
        keys,
        [
            "accountability",
            "ai_expertise",
            "training_and_test_data",
            "environmental_impact",
            "fairness",
            "maintainability",
            "privacy",
            "robustness",
            "safety",
            "security",
            "transparency_explainability"
        ]
    );
    let refs: Vec<_> = Objective::ALL.iter().map(|o| o.catalog_ref()).collect();
    let want: Vec<_> = (1..=11).map(|n| format!("C.2.{n}")).collect();
    assert_eq!(refs, want);
    let labels: BTreeSet<_> = Objective::ALL.iter().map(|o| o.label()).collect();
    assert_eq!(labels.len(), 11);
    for o in Objective::ALL {
        assert_eq!(Objective::from_key(o.key()), Some(o));
        assert_eq!(serde_json::to_value(o).unwrap(), o.key());
    }
    assert_eq!(Objective::from_key("speed"), None);
}

#[test]
fn treatment_options() {
    let keys: Vec<_> = TreatmentOption::ALL.iter().map(|t| t.key()).collect();
    assert_eq!(keys, ["modify", "avoid", "share", "retain"]);
    let labels: BTreeSet<_> = TreatmentOption::ALL.iter().map(|t| t.label()).collect();
    assert_eq!(labels.len(), 4);
    for t in TreatmentOption::ALL {
        assert_eq!(TreatmentOption::from_key(t.key()), Some(t));
        assert_eq!(serde_json::to_value(t).unwrap(), t.key());
        assert!(t.label().to_lowercase().starts_with(t.key()));
    }
    assert_eq!(TreatmentOption::from_key("accept"), None);
}

#[test]
fn choices_list_every_value_with_its_label() {
    let pairs = |c: &[crate::record::Choice]| -> Vec<(String, String)> {
        c.iter().map(|c| (c.value.into(), c.label.into())).collect()
    };
    let want = |it: Vec<(&str, &str)>| -> Vec<(String, String)> {
        it.into_iter().map(|(v, l)| (v.into(), l.into())).collect()
    };
    assert_eq!(
        pairs(SOURCE_CHOICES),
        want(
            RiskSource::ALL
                .iter()
                .map(|s| (s.key(), s.label()))
                .collect()
        )
    );
    assert_eq!(
        pairs(OBJECTIVE_CHOICES),
        want(
            Objective::ALL
                .iter()
                .map(|s| (s.key(), s.label()))
                .collect()
        )
    );
    assert_eq!(
        pairs(TREATMENT_CHOICES),
        want(
            TreatmentOption::ALL
                .iter()
                .map(|s| (s.key(), s.label()))
                .collect()
        )
    );
}

/// `A.6.2.6`: `A.` then two or three numbers.
fn is_annex_a(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("A.") else {
        return false;
    };
    let parts: Vec<_> = rest.split('.').collect();
    (2..=3).contains(&parts.len()) && parts.iter().all(|p| is_number(p))
}

/// `MEASURE 2.11`: a function name, a space, `n.m`.
fn is_rmf_subcategory(id: &str) -> bool {
    let Some((function, number)) = id.split_once(' ') else {
        return false;
    };
    let Some((a, b)) = number.split_once('.') else {
        return false;
    };
    ["GOVERN", "MAP", "MEASURE", "MANAGE"].contains(&function) && is_number(a) && is_number(b)
}

/// `2.6`: a risk of section 2 of AI 600-1 (there are twelve).
fn is_genai_risk(id: &str) -> bool {
    id.strip_prefix("2.")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=12).contains(&n))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn reference_shapes() {
    assert!(is_annex_a("A.6.2.6") && is_annex_a("A.10.4"));
    assert!(!is_annex_a("A.6") && !is_annex_a("6.2.6") && !is_annex_a("A.6.2.6.1"));
    assert!(!is_annex_a("A.06.2") && !is_annex_a("A.6.x"));
    assert!(is_rmf_subcategory("MEASURE 2.11") && is_rmf_subcategory("GOVERN 1.1"));
    assert!(!is_rmf_subcategory("MEASURE 2") && !is_rmf_subcategory("MEASURE-2.11"));
    assert!(!is_rmf_subcategory("Measure 2.1") && !is_rmf_subcategory("MEASURE 2."));
    assert!(is_genai_risk("2.1") && is_genai_risk("2.12"));
    assert!(!is_genai_risk("2.13") && !is_genai_risk("2.0") && !is_genai_risk("3.1"));
}

#[test]
fn the_library_has_twelve_complete_risks() {
    assert_eq!(LIBRARY.len(), 12);
    let keys: Vec<_> = LIBRARY.iter().map(|r| r.key).collect();
    assert_eq!(
        keys,
        [
            "training_data_bias",
            "model_drift",
            "confabulation",
            "prompt_injection",
            "data_poisoning",
            "model_theft",
            "privacy_leakage",
            "over_reliance",
            "lack_of_explainability",
            "third_party_change",
            "harmful_output",
            "ip_infringement"
        ]
    );
    let titles: BTreeSet<_> = LIBRARY.iter().map(|r| r.title).collect();
    assert_eq!(titles.len(), 12);
    for r in LIBRARY {
        assert!(is_key(r.key), "{}", r.key);
        for text in [r.title, r.description, r.cause, r.consequence] {
            assert!(
                !text.trim().is_empty() && text.len() <= 300,
                "{}: {text}",
                r.key
            );
        }
        assert!(
            !r.sources.is_empty() && !r.objectives.is_empty(),
            "{}",
            r.key
        );
        assert!(
            !r.annex_a.is_empty() && !r.nist_ai_rmf.is_empty(),
            "{}",
            r.key
        );
        for id in r.annex_a {
            assert!(is_annex_a(id), "{}: {id}", r.key);
        }
        for id in r.nist_ai_rmf {
            assert!(is_rmf_subcategory(id), "{}: {id}", r.key);
        }
        for id in r.nist_ai_600_1 {
            assert!(is_genai_risk(id), "{}: {id}", r.key);
        }
        let total = r.annex_a.len() + r.nist_ai_rmf.len() + r.nist_ai_600_1.len();
        let refs: Vec<_> = r.references().collect();
        assert_eq!(refs.len(), total);
        assert_eq!(refs[0], (ISO42001, r.annex_a[0]));
        assert!(refs.contains(&(NIST_AI_RMF, r.nist_ai_rmf[0])));
        for id in r.nist_ai_600_1 {
            assert!(refs.contains(&(NIST_AI_600_1, *id)));
        }
        assert_eq!(library_risk(r.key), Some(r));
    }
    assert_eq!(library_risk("nope"), None);
    assert_eq!(
        library_risk("model_drift").map(|r| r.title),
        Some("Model drift")
    );
}

// That every reference exists in the built-in catalogue, with the right kind
// of item, is checked through the catalogue's own parser in
// `aims-catalog/tests/risk_library.rs`.

#[test]
fn a_library_risk_becomes_a_draft_that_the_risks_kind_accepts_unscored() {
    let kind = crate::record::kind("risks").unwrap();
    for lib in LIBRARY {
        let draft = lib.draft_fields();
        assert_eq!(draft["title"], lib.title);
        assert_eq!(draft["external_ref"], format!("library:{}", lib.key));
        assert_eq!(draft["risk_source"], lib.sources[0].key());
        assert_eq!(
            draft["objectives"].as_array().unwrap().len(),
            lib.objectives.len()
        );
        // Every field is one the kind declares, in a form it takes as input.
        let parsed = kind
            .parse_new(crate::record::Input::Json(&draft))
            .unwrap_or_else(|e| panic!("{}: {e:?}", lib.key));
        // The same values; objectives come back in their declared order.
        let set = |f: &crate::record::Fields| {
            let mut o: Vec<String> = f["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            o.sort();
            o
        };
        assert_eq!(set(&parsed), set(&draft), "{}", lib.key);
        let without = |f: &crate::record::Fields| {
            let mut f = f.clone();
            f.remove("objectives");
            f
        };
        assert_eq!(without(&parsed), without(&draft), "{}", lib.key);
        assert!(!draft
            .keys()
            .any(|k| k.contains("likelihood") || k.contains("impact")));
    }
}
