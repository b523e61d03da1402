use super::*;
use crate::record::{FieldType, FINDINGS, NONCONFORMITIES};

fn choices(kind: &crate::record::Kind, field: &str) -> Vec<(&'static str, &'static str)> {
    match kind.field(field).map(|f| f.ty) {
        Some(FieldType::Choice(c)) => c.iter().map(|c| (c.value, c.label)).collect(),
        _ => vec![],
    }
}

#[test]
fn grades_are_the_findings_choices() {
    let declared = choices(&FINDINGS, "grade");
    let ours: Vec<_> = Grade::ALL.iter().map(|g| (g.key(), g.label())).collect();
    assert_eq!(declared, ours);
    assert_eq!(
        ours,
        [
            ("major_nc", "Major nonconformity"),
            ("minor_nc", "Minor nonconformity"),
            ("observation", "Observation"),
            ("ofi", "Opportunity for improvement"),
        ]
    );
    for g in Grade::ALL {
        assert_eq!(g.key().parse::<Grade>(), Ok(g));
        assert_eq!(g.to_string(), g.label());
    }
    let e = "major".parse::<Grade>().unwrap_err();
    assert_eq!(e, UnknownGrade("major".into()));
    assert_eq!(
        e.to_string(),
        "`major` is not a grade: use major_nc, minor_nc, observation or ofi"
    );
    assert!("".parse::<Grade>().is_err());
    assert!("Major_NC".parse::<Grade>().is_err());
}

#[test]
fn nonconformities_are_raised_from_major_and_minor_findings_only() {
    assert!(Grade::MajorNc.raises_nonconformity());
    assert!(Grade::MinorNc.raises_nonconformity());
    assert!(!Grade::Observation.raises_nonconformity());
    assert!(!Grade::Ofi.raises_nonconformity());
    assert_eq!(Grade::MajorNc.nc_grade(), Some("major"));
    assert_eq!(Grade::MinorNc.nc_grade(), Some("minor"));
    assert_eq!(Grade::Observation.nc_grade(), None);
    assert_eq!(Grade::Ofi.nc_grade(), None);
    // Each is a grade a nonconformity takes.
    let nc: Vec<&str> = choices(&NONCONFORMITIES, "grade")
        .iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(nc, ["major", "minor"]);
}

#[test]
fn an_auditor_does_not_audit_their_own_work() {
    let scope = [
        ("r1", "ann"),
        ("r2", "bob"),
        ("r3", "cid"),
        ("r1", "ann"),
        ("r4", "ann"),
    ];
    assert_eq!(
        independence_conflicts(&["ann"], &scope),
        ["r1", "r4"],
        "in order, each once"
    );
    assert_eq!(
        independence_conflicts(&["cid", "bob"], &scope),
        ["r2", "r3"]
    );
    assert_eq!(
        independence_conflicts(&["dee"], &scope),
        Vec::<String>::new()
    );
    assert_eq!(independence_conflicts(&[], &scope), Vec::<String>::new());
    assert_eq!(independence_conflicts(&["ann"], &[]), Vec::<String>::new());
    // A different record owned by the same auditor is listed too.
    assert_eq!(
        independence_conflicts(&["ann"], &[("r9", "ann"), ("r1", "ann")]),
        ["r9", "r1"]
    );
}

#[test]
fn a_checklist_walks_clauses_then_controls() {
    let items = checklist(
        &[("9.2.1", "Audits at planned intervals"), ("4.1", "Context")],
        &[
            ("A.6.2.4", "Verification and validation"),
            ("A.2.2", "AI policy"),
        ],
    );
    let got: Vec<(&str, &str, ItemKind)> = items
        .iter()
        .map(|i| (i.reference.as_str(), i.title.as_str(), i.kind))
        .collect();
    assert_eq!(
        got,
        [
            ("9.2.1", "Audits at planned intervals", ItemKind::Clause),
            ("4.1", "Context", ItemKind::Clause),
            ("A.6.2.4", "Verification and validation", ItemKind::Control),
            ("A.2.2", "AI policy", ItemKind::Control),
        ]
    );
    // A reference listed twice is checked once, where it first appears.
    let items = checklist(
        &[("4.1", "Context"), ("4.1", "Again")],
        &[("4.1", "As a control")],
    );
    assert_eq!(
        items,
        [ChecklistItem {
            reference: "4.1".into(),
            title: "Context".into(),
            kind: ItemKind::Clause,
        }]
    );
    assert_eq!(checklist(&[], &[]), []);
    assert_eq!(
        checklist(&[], &[("A.2.2", "AI policy")])[0].kind,
        ItemKind::Control
    );
}

#[test]
fn the_programme_shows_what_no_completed_audit_covered() {
    let all = ["4.1", "9.2", "A.2.2", "A.6.2.4"];
    assert_eq!(uncovered(&all, &["9.2", "A.2.2"]), ["4.1", "A.6.2.4"]);
    assert_eq!(uncovered(&all, &[]), all);
    assert_eq!(
        uncovered(&all, &["A.6.2.4", "4.1", "9.2", "A.2.2", "x"]),
        Vec::<&str>::new()
    );
    assert_eq!(uncovered(&[], &["9.2"]), Vec::<&str>::new());
}

#[test]
fn the_generator_is_splitmix64() {
    // Reference outputs of SplitMix64 from seed 0 and 42.
    let mut r = SplitMix64(0);
    assert_eq!(r.next(), 0xe220_a839_7b1d_cdaf);
    assert_eq!(r.next(), 0x6e78_9e6a_a1b9_65f4);
    assert_eq!(r.next(), 0x06c4_5d18_8009_454f);
    let mut r = SplitMix64(42);
    assert_eq!(r.next(), 0xbdd7_3226_2feb_6e95);
    assert_eq!(r.next(), 0x28ef_e333_b266_f103);
    // Below a bound: the high half of the product.
    let mut r = SplitMix64(0);
    assert_eq!(
        r.below(10),
        ((0xe220_a839_7b1d_cdaf_u128 * 10) >> 64) as usize
    );
    assert_eq!(r.below(1), 0);
    let mut r = SplitMix64(0);
    assert_eq!(r.below(1 << 32), 0xe220_a839);
}

#[test]
fn seeds_are_fnv1a_of_what_was_recorded() {
    assert_eq!(seed_from(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(seed_from("a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(seed_from("foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(seed_from("audit-1:9.2.2"), 0x3974_cc7c_9183_740b);
    assert_ne!(seed_from("audit-1:9.2.2"), seed_from("audit-1:9.2.3"));
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn a_sample_is_drawn_again_from_the_same_seed() {
    let ten = ids("ev", 10);
    assert_eq!(sample(&ten, 3, 0), ["ev2", "ev4", "ev8"]);
    assert_eq!(sample(&ten, 3, 1), ["ev5", "ev7", "ev9"]);
    assert_eq!(
        sample(&ten, 4, seed_from("audit-1:9.2.2")),
        ["ev2", "ev5", "ev8", "ev9"]
    );
    assert_eq!(sample(&ten, 3, 0), sample(&ten, 3, 0));
    let hundred = ids("e", 100);
    assert_eq!(sample(&hundred, 5, 7), ["e2", "e38", "e47", "e59", "e90"]);
    let abc = ids("", 3);
    assert_eq!(sample(&abc, 1, 0), ["2"]);
    assert_eq!(sample(&abc, 1, 1), ["1"]);
    assert_eq!(sample(&abc, 2, 0), ["1", "2"]);
}

#[test]
fn a_sample_takes_each_at_most_once_in_input_order() {
    let ten = ids("ev", 10);
    for seed in 0..200 {
        let s = sample(&ten, 4, seed);
        assert_eq!(s.len(), 4);
        let pos: Vec<usize> = s
            .iter()
            .map(|x| ten.iter().position(|t| t == x).unwrap())
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{s:?}");
    }
    // Every id can be drawn.
    let mut seen = [false; 10];
    for seed in 0..200 {
        for x in sample(&ten, 1, seed) {
            seen[ten.iter().position(|t| *t == x).unwrap()] = true;
        }
    }
    assert!(seen.iter().all(|s| *s), "{seen:?}");
}

#[test]
fn a_sample_no_smaller_than_the_population_is_all_of_it() {
    let five = ids("x", 5);
    assert_eq!(sample(&five, 5, 3), five);
    assert_eq!(sample(&five, 9, 3), five);
    assert_eq!(sample(&five, 0, 3), Vec::<String>::new());
    assert_eq!(sample(&[], 3, 3), Vec::<String>::new());
}
