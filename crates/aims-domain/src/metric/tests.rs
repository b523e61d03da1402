use super::*;
use serde_json::json;

fn higher(warning: Option<f64>, critical: Option<f64>) -> Thresholds {
    Thresholds {
        warning,
        critical,
        direction: Direction::HigherIsBetter,
    }
}

fn lower(warning: Option<f64>, critical: Option<f64>) -> Thresholds {
    Thresholds {
        warning,
        critical,
        direction: Direction::LowerIsBetter,
    }
}

fn m(
    id: &str,
    measured_at: i64,
    recorded_at: i64,
    value: f64,
    supersedes: Option<&str>,
) -> Measurement {
    Measurement {
        id: id.to_owned(),
        measured_at,
        recorded_at,
        value,
        supersedes: supersedes.map(str::to_owned),
    }
}

fn ids<'a>(series: &[&'a Measurement]) -> Vec<&'a str> {
    series.iter().map(|m| m.id.as_str()).collect()
}

/// A small deterministic generator (the crate has no randomness).
struct Lcg(u64);

impl Lcg {
    fn draw(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.draw() % n
    }
}

/// A random series in time order: `n` points, gaps of 0..max_gap seconds.
fn random_series(rng: &mut Lcg, n: usize, max_gap: u64) -> Vec<(i64, f64)> {
    let mut at = 1_700_000_000 + rng.below(1000) as i64;
    (0..n)
        .map(|_| {
            at += rng.below(max_gap) as i64;
            (at, rng.below(1000) as f64 / 10.0)
        })
        .collect()
}

fn random_thresholds(rng: &mut Lcg) -> Thresholds {
    let a = rng.below(1000) as f64 / 10.0;
    let b = rng.below(1000) as f64 / 10.0;
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    let pick = |rng: &mut Lcg, v: f64| (rng.below(4) != 0).then_some(v);
    if rng.below(2) == 0 {
        higher(pick(rng, hi), pick(rng, lo))
    } else {
        lower(pick(rng, lo), pick(rng, hi))
    }
}

// ---------------------------------------------------------------- choices

#[test]
fn directions_have_keys_labels_and_parse_back() {
    assert_eq!(Direction::ALL.map(Direction::key), ["higher", "lower"]);
    assert_eq!(
        Direction::ALL.map(Direction::label),
        ["Higher is better", "Lower is better"]
    );
    for d in Direction::ALL {
        assert_eq!(d.key().parse::<Direction>(), Ok(d));
    }
    assert_eq!(
        "Higher".parse::<Direction>(),
        Err("must be one of higher, lower".to_owned())
    );
    assert!("".parse::<Direction>().is_err());
    assert!("higher_is_better".parse::<Direction>().is_err());
}

#[test]
fn intervals_are_generous_and_parse_back() {
    assert_eq!(
        Interval::ALL.map(Interval::key),
        [
            "hourly",
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "yearly"
        ]
    );
    assert_eq!(
        Interval::ALL.map(Interval::label),
        [
            "Every hour",
            "Every day",
            "Every week",
            "Every month",
            "Every quarter",
            "Every year"
        ]
    );
    assert_eq!(
        Interval::ALL.map(Interval::seconds),
        [
            3_600,
            86_400,
            7 * 86_400,
            31 * 86_400,
            92 * 86_400,
            366 * 86_400
        ]
    );
    assert_eq!(Interval::Monthly.seconds(), 2_678_400);
    assert_eq!(Interval::Quarterly.seconds(), 7_948_800);
    assert_eq!(Interval::Yearly.seconds(), 31_622_400);
    for i in Interval::ALL {
        assert_eq!(i.key().parse::<Interval>(), Ok(i));
    }
    assert_eq!(
        "biweekly".parse::<Interval>(),
        Err("must be one of hourly, daily, weekly, monthly, quarterly, yearly".to_owned())
    );
    assert!("Daily".parse::<Interval>().is_err());
    assert!(Interval::Hourly < Interval::Yearly);
}

#[test]
fn a_breach_alerts_or_opens_a_record() {
    assert_eq!(
        OnBreach::ALL.map(OnBreach::key),
        ["alert", "incident", "nonconformity"]
    );
    assert_eq!(
        OnBreach::ALL.map(OnBreach::label),
        ["Alert only", "Open an incident", "Open a nonconformity"]
    );
    assert_eq!(
        OnBreach::ALL.map(OnBreach::opens_record),
        [false, true, true]
    );
    for o in OnBreach::ALL {
        assert_eq!(o.key().parse::<OnBreach>(), Ok(o));
    }
    assert_eq!(
        "ticket".parse::<OnBreach>(),
        Err("must be one of alert, incident, nonconformity".to_owned())
    );
}

#[test]
fn levels_are_ordered_by_severity() {
    assert_eq!(
        Level::ALL.map(Level::key),
        ["normal", "warning", "critical"]
    );
    assert_eq!(Level::ALL.map(Level::is_breach), [false, true, true]);
    assert!(Level::Normal < Level::Warning && Level::Warning < Level::Critical);
    assert_eq!(Level::Warning.max(Level::Critical), Level::Critical);
}

#[test]
fn choices_serialize_as_their_keys() {
    assert_eq!(
        serde_json::to_value(Direction::ALL).unwrap(),
        json!(["higher", "lower"])
    );
    assert_eq!(
        serde_json::to_value(Interval::ALL).unwrap(),
        json!([
            "hourly",
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "yearly"
        ])
    );
    assert_eq!(
        serde_json::to_value(OnBreach::ALL).unwrap(),
        json!(["alert", "incident", "nonconformity"])
    );
    assert_eq!(
        serde_json::to_value(Level::ALL).unwrap(),
        json!(["normal", "warning", "critical"])
    );
    assert_eq!(
        serde_json::to_value(lower(Some(1.5), None)).unwrap(),
        json!({"warning": 1.5, "critical": null, "direction": "lower"})
    );
}

// ------------------------------------------------------------- thresholds

#[test]
fn thresholds_in_the_right_order_are_valid() {
    for t in [
        higher(None, None),
        higher(Some(0.9), None),
        higher(None, Some(0.8)),
        higher(Some(0.9), Some(0.8)),
        higher(Some(0.9), Some(0.9)),
        higher(Some(-1.0), Some(-2.0)),
        lower(None, None),
        lower(Some(100.0), Some(200.0)),
        lower(Some(100.0), Some(100.0)),
        lower(Some(0.0), None),
    ] {
        assert_eq!(t.validate(), Ok(()), "{t:?}");
    }
}

#[test]
fn thresholds_in_the_wrong_order_or_not_finite_are_refused() {
    let e = higher(Some(0.9), Some(0.91)).validate().unwrap_err();
    assert_eq!(
        e.get("critical"),
        ["must not be above the warning threshold: higher values are better, so the critical threshold is the lower one"]
    );
    assert!(e.get("warning").is_empty());
    let e = lower(Some(100.0), Some(99.5)).validate().unwrap_err();
    assert_eq!(
        e.get("critical"),
        ["must not be below the warning threshold: lower values are better, so the critical threshold is the higher one"]
    );
    // The order a direction wants is wrong for the other one.
    assert!(lower(Some(0.9), Some(0.8)).validate().is_err());
    assert!(higher(Some(100.0), Some(200.0)).validate().is_err());

    let e = higher(Some(f64::NAN), None).validate().unwrap_err();
    assert_eq!(e.get("warning"), ["must be a finite number"]);
    assert!(e.get("critical").is_empty());
    let e = lower(None, Some(f64::INFINITY)).validate().unwrap_err();
    assert_eq!(e.get("critical"), ["must be a finite number"]);
    assert!(e.get("warning").is_empty());
    let e = lower(Some(f64::NEG_INFINITY), Some(f64::NAN))
        .validate()
        .unwrap_err();
    assert_eq!(e.get("warning"), ["must be a finite number"]);
    assert_eq!(e.get("critical"), ["must be a finite number"]);
}

#[test]
fn a_value_at_a_threshold_reaches_it_when_higher_is_better() {
    let t = higher(Some(0.9), Some(0.8));
    assert_eq!(t.level(0.95), Level::Normal);
    assert_eq!(t.level(0.900_001), Level::Normal);
    assert_eq!(t.level(0.9), Level::Warning);
    assert_eq!(t.level(0.85), Level::Warning);
    assert_eq!(t.level(0.800_001), Level::Warning);
    assert_eq!(t.level(0.8), Level::Critical);
    assert_eq!(t.level(-5.0), Level::Critical);
    // Only one threshold.
    let t = higher(Some(0.9), None);
    assert_eq!(
        (t.level(0.9), t.level(0.0), t.level(0.91)),
        (Level::Warning, Level::Warning, Level::Normal)
    );
    let t = higher(None, Some(0.8));
    assert_eq!(
        (t.level(0.8), t.level(0.85)),
        (Level::Critical, Level::Normal)
    );
}

#[test]
fn a_value_at_a_threshold_reaches_it_when_lower_is_better() {
    let t = lower(Some(100.0), Some(200.0));
    assert_eq!(t.level(0.0), Level::Normal);
    assert_eq!(t.level(99.999), Level::Normal);
    assert_eq!(t.level(100.0), Level::Warning);
    assert_eq!(t.level(199.999), Level::Warning);
    assert_eq!(t.level(200.0), Level::Critical);
    assert_eq!(t.level(1e9), Level::Critical);
    let t = lower(Some(5.0), None);
    assert_eq!(
        (t.level(5.0), t.level(1e9), t.level(4.0)),
        (Level::Warning, Level::Warning, Level::Normal)
    );
    let t = lower(None, Some(5.0));
    assert_eq!(
        (t.level(5.0), t.level(4.0)),
        (Level::Critical, Level::Normal)
    );
}

#[test]
fn odd_thresholds_and_values_still_get_a_level() {
    // No thresholds: always normal.
    assert_eq!(higher(None, None).level(-1e300), Level::Normal);
    assert_eq!(lower(None, None).level(1e300), Level::Normal);
    // Equal thresholds: every breach is critical.
    let t = higher(Some(0.9), Some(0.9));
    assert_eq!(
        (t.level(0.9), t.level(0.91)),
        (Level::Critical, Level::Normal)
    );
    // Thresholds in the wrong order: the critical one is checked first.
    let t = higher(Some(0.9), Some(0.95));
    assert_eq!(
        (t.level(0.92), t.level(0.85), t.level(0.96)),
        (Level::Critical, Level::Critical, Level::Normal)
    );
    // Not a number reaches nothing.
    assert_eq!(higher(Some(0.9), Some(0.8)).level(f64::NAN), Level::Normal);
    assert_eq!(lower(Some(1.0), Some(2.0)).level(f64::NAN), Level::Normal);
}

#[test]
fn a_measured_value_must_be_finite() {
    for v in [0.0, -0.0, 1.0, -1e300, 1e300, f64::MIN_POSITIVE] {
        assert_eq!(validate_value(v), Ok(()));
    }
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = validate_value(v).unwrap_err();
        assert_eq!(e.get("value"), ["must be a finite number"]);
    }
}

// ------------------------------------------------------------------ times

#[test]
fn dates_and_rfc3339_times_are_read_as_unix_seconds() {
    assert_eq!(parse_instant("1970-01-01"), Some(0));
    assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_instant("1970-01-01T00:00:01Z"), Some(1));
    assert_eq!(parse_instant("1970-01-02T00:00:00Z"), Some(86_400));
    assert_eq!(parse_instant("2026-03-01"), Some(1_772_323_200));
    assert_eq!(parse_instant("2026-03-01T00:00:00Z"), Some(1_772_323_200));
    assert_eq!(parse_instant("2026-03-01T12:00:00Z"), Some(1_772_366_400));
    assert_eq!(
        parse_instant("2026-03-01T12:34:56Z"),
        Some(1_772_366_400 + 34 * 60 + 56)
    );
    assert_eq!(
        parse_instant("2026-03-01T23:59:59Z"),
        Some(1_772_323_200 + 86_399)
    );
    assert_eq!(parse_instant("2028-02-29"), Some(1_835_395_200));
    // Offsets east and west of UTC.
    assert_eq!(
        parse_instant("2026-03-01T12:00:00+00:00"),
        Some(1_772_366_400)
    );
    assert_eq!(
        parse_instant("2026-03-01T12:00:00-00:00"),
        Some(1_772_366_400)
    );
    assert_eq!(
        parse_instant("2026-03-01T12:00:00+01:00"),
        Some(1_772_362_800)
    );
    assert_eq!(
        parse_instant("2026-03-01T12:00:00-05:30"),
        Some(1_772_386_200)
    );
    assert_eq!(
        parse_instant("2026-03-01T23:59:59+23:59"),
        Some(1_772_323_259)
    );
    assert_eq!(
        parse_instant("2026-03-01T00:00:00-23:59"),
        Some(1_772_409_540)
    );
    // Fractions of a second are dropped.
    assert_eq!(parse_instant("2026-03-01T12:00:00.5Z"), Some(1_772_366_400));
    assert_eq!(
        parse_instant("2026-03-01T12:00:00.999999999Z"),
        Some(1_772_366_400)
    );
    assert_eq!(
        parse_instant("2026-03-01T12:00:00.25+01:00"),
        Some(1_772_362_800)
    );
    // The spellings RFC 3339 allows, and white space around.
    assert_eq!(parse_instant("2026-03-01t12:00:00z"), Some(1_772_366_400));
    assert_eq!(parse_instant("2026-03-01 12:00:00Z"), Some(1_772_366_400));
    assert_eq!(
        parse_instant("  2026-03-01T12:00:00Z \n"),
        Some(1_772_366_400)
    );
    assert_eq!(parse_instant(" 2026-03-01 "), Some(1_772_323_200));
}

#[test]
fn the_range_is_1970_to_9999() {
    assert_eq!(parse_instant("9999-12-31T23:59:59Z"), Some(MAX_INSTANT));
    assert_eq!(
        parse_instant("9999-12-31T23:58:59-00:01"),
        Some(MAX_INSTANT)
    );
    assert_eq!(parse_instant("9999-12-31T23:59:59-00:01"), None);
    assert_eq!(parse_instant("9999-12-31"), Some(MAX_INSTANT - 86_399));
    assert_eq!(parse_instant("1970-01-01T01:00:00+01:00"), Some(0));
    assert_eq!(parse_instant("1970-01-01T00:30:00+01:00"), None);
    assert_eq!(parse_instant("1969-12-31T23:59:59Z"), None);
    assert_eq!(parse_instant("1969-12-31T23:00:00-01:00"), Some(0));
    assert_eq!(parse_instant("1969-12-31"), None);
    assert_eq!(parse_instant("0001-01-01"), None);
    assert_eq!(parse_instant("0000-01-01"), None);
}

#[test]
fn impossible_or_incomplete_times_are_refused() {
    for s in [
        "",
        "2026",
        "2026-03",
        "2026-3-01",
        "20260301",
        "2026/03/01",
        "2026-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026-03-32",
        "2026-03-00",
        "2026-03-0é",
        "2026-03-01x",
        "2026-03-01T",
        "2026-03-01T12",
        "2026-03-01T12:00",
        "2026-03-01T12:00Z",
        "2026-03-01T12:00:00",
        "2026-03-01T12:00:00.5",
        "2026-03-01X12:00:00Z",
        "2026-03-01_12:00:00Z",
        "2026-03-01T24:00:00Z",
        "2026-03-01T12:60:00Z",
        "2026-03-01T12:00:60Z",
        "2026-03-01T1:00:00Z",
        "2026-03-01T12-00:00Z",
        "2026-03-01T12:00-00Z",
        "2026-03-01T12:00:00ZZ",
        "2026-03-01T12:00:00Z+01:00",
        "2026-03-01T12:00:00.Z",
        "2026-03-01T12:00:00,5Z",
        "2026-03-01T12:00:0:Z",
        "2026-03-01T1:::00:00Z",
        "2026-03-01T12:0a:00Z",
        "2026-03-01T12:00:0aZ",
        "2026-03-01T12:00:00UTC",
        "2026-03-01T12:00:00+24:00",
        "2026-03-01T12:00:00+05:60",
        "2026-03-01T12:00:00+0530",
        "2026-03-01T12:00:00+5:30",
        "2026-03-01T12:00:00+05:30:00",
        "2026-03-01T12:00:00-05:30:00",
        "2026-03-01T12:00:00-05:30Z",
        "2026-03-01T12:00:00+05-30",
        "2026-03-01T12:00:00+05:3",
        "2026-03-01T12:00:00*05:30",
        "2026-03-01T12:00:00+0::30",
    ] {
        assert_eq!(parse_instant(s), None, "{s:?}");
    }
    // Just inside each limit.
    assert!(parse_instant("2026-03-01T23:00:00Z").is_some());
    assert!(parse_instant("2026-03-01T12:59:00Z").is_some());
    assert!(parse_instant("2026-03-01T12:00:59Z").is_some());
    assert!(parse_instant("2026-03-01T12:00:00+23:00").is_some());
    assert!(parse_instant("2026-03-01T12:00:00+05:59").is_some());
}

#[test]
fn instants_are_written_in_utc() {
    assert_eq!(format_instant(0), "1970-01-01T00:00:00Z");
    assert_eq!(format_instant(3_723), "1970-01-01T01:02:03Z");
    assert_eq!(format_instant(86_399), "1970-01-01T23:59:59Z");
    assert_eq!(format_instant(86_400), "1970-01-02T00:00:00Z");
    assert_eq!(format_instant(1_772_366_400), "2026-03-01T12:00:00Z");
    assert_eq!(
        format_instant(1_835_395_200 + 45_296),
        "2028-02-29T12:34:56Z"
    );
    assert_eq!(format_instant(MAX_INSTANT), "9999-12-31T23:59:59Z");
    // Outside the range: its nearest end.
    assert_eq!(format_instant(-1), "1970-01-01T00:00:00Z");
    assert_eq!(format_instant(i64::MIN), "1970-01-01T00:00:00Z");
    assert_eq!(format_instant(MAX_INSTANT + 1), "9999-12-31T23:59:59Z");
    assert_eq!(format_instant(i64::MAX), "9999-12-31T23:59:59Z");
}

#[test]
fn instants_go_there_and_back() {
    // Every day of four centuries, at a different second of each.
    for day in 0..146_097_i64 {
        let at = day * 86_400 + (day * 7_919) % 86_400;
        let text = format_instant(at);
        assert_eq!(parse_instant(&text), Some(at), "{text}");
    }
    let mut rng = Lcg(42);
    for _ in 0..10_000 {
        let at = (rng.draw() as i64 * 7_919) % (MAX_INSTANT + 1);
        assert_eq!(parse_instant(&format_instant(at)), Some(at));
    }
    for s in [
        "2026-03-01T12:00:00Z",
        "2000-02-29T00:00:01Z",
        "9999-12-31T23:59:59Z",
    ] {
        assert_eq!(parse_instant(s).map(format_instant).as_deref(), Some(s));
    }
}

// ---------------------------------------------------------- corrections

#[test]
fn without_corrections_the_series_is_sorted_by_measured_time() {
    assert!(effective(&[]).is_empty());
    let ms = [
        m("c", 30, 3, 3.0, None),
        m("a", 10, 9, 1.0, None),
        m("b2", 20, 8, 2.5, None),
        m("b1", 20, 7, 2.0, None),
        m("d2", 40, 5, 4.0, None),
        m("d1", 40, 5, 4.5, None),
    ];
    // Same measured time: recorded order, then position.
    assert_eq!(ids(&effective(&ms)), ["a", "b1", "b2", "c", "d2", "d1"]);
}

#[test]
fn a_chain_of_corrections_resolves_to_its_last_link() {
    let ms = [
        m("a", 10, 100, 1.0, None),
        m("x", 15, 101, 9.0, None),
        m("b", 10, 102, 2.0, Some("a")),
        m("c", 20, 103, 3.0, Some("b")),
    ];
    let e = effective(&ms);
    assert_eq!(ids(&e), ["x", "c"], "the correction's measured time counts");
    assert_eq!(e[1].value, 3.0);
    // The same, listed newest first.
    let rev: Vec<Measurement> = ms.iter().rev().cloned().collect();
    assert_eq!(ids(&effective(&rev)), ["x", "c"]);
    // Clocks disagree: the correction stands though recorded "earlier".
    let ms = [m("a", 10, 100, 1.0, None), m("b", 10, 50, 2.0, Some("a"))];
    assert_eq!(ids(&effective(&ms)), ["b"]);
    // A long chain.
    let mut chain = vec![m("0", 0, 0, 0.0, None)];
    for i in 1..10_000 {
        chain.push(m(
            &i.to_string(),
            0,
            i,
            i as f64,
            Some(&(i - 1).to_string()),
        ));
    }
    assert_eq!(ids(&effective(&chain)), ["9999"]);
    chain.reverse();
    assert_eq!(ids(&effective(&chain)), ["9999"]);
}

#[test]
fn of_two_corrections_of_one_value_the_last_recorded_stands() {
    let ms = [
        m("a", 10, 100, 1.0, None),
        m("b", 10, 102, 2.0, Some("a")),
        m("c", 10, 101, 3.0, Some("a")),
    ];
    assert_eq!(ids(&effective(&ms)), ["b"]);
    // Recorded at the same second: the later one in the list.
    let ms = [
        m("a", 10, 100, 1.0, None),
        m("b", 10, 101, 2.0, Some("a")),
        m("c", 10, 101, 3.0, Some("a")),
    ];
    assert_eq!(ids(&effective(&ms)), ["c"]);
    // A branch corrected again: of the branches' last links, the last recorded.
    let ms = [
        m("a", 10, 100, 1.0, None),
        m("b", 10, 101, 2.0, Some("a")),
        m("c", 10, 102, 3.0, Some("a")),
        m("d", 10, 103, 4.0, Some("b")),
    ];
    assert_eq!(ids(&effective(&ms)), ["d"]);
    let ms = [
        m("a", 10, 100, 1.0, None),
        m("b", 10, 101, 2.0, Some("a")),
        m("c", 10, 105, 3.0, Some("a")),
        m("d", 10, 103, 4.0, Some("b")),
    ];
    assert_eq!(ids(&effective(&ms)), ["c"]);
}

#[test]
fn corrections_of_a_missing_value_are_versions_of_one_reading() {
    let ms = [
        m("b", 10, 101, 2.0, Some("gone")),
        m("a", 5, 100, 1.0, None),
        m("c", 12, 102, 3.0, Some("gone")),
        m("d", 11, 99, 4.0, Some("also-gone")),
    ];
    assert_eq!(ids(&effective(&ms)), ["a", "d", "c"]);
    let ms = [m("b", 10, 101, 2.0, Some("gone"))];
    assert_eq!(ids(&effective(&ms)), ["b"]);
}

#[test]
fn loops_and_repeated_ids_do_not_hang_or_lose_everything() {
    let ms = [
        m("a", 10, 100, 1.0, Some("b")),
        m("b", 10, 101, 2.0, Some("a")),
    ];
    assert_eq!(ids(&effective(&ms)), ["b"]);
    let ms = [
        m("a", 10, 102, 1.0, Some("b")),
        m("b", 10, 101, 2.0, Some("a")),
    ];
    assert_eq!(ids(&effective(&ms)), ["a"]);
    // A loop reached from a chain into it.
    let ms = [
        m("c", 10, 103, 3.0, Some("a")),
        m("a", 10, 100, 1.0, Some("b")),
        m("b", 10, 101, 2.0, Some("a")),
    ];
    assert_eq!(ids(&effective(&ms)), ["c"]);
    let ms = [m("a", 10, 100, 1.0, Some("a")), m("z", 1, 1, 0.0, None)];
    assert_eq!(ids(&effective(&ms)), ["z", "a"]);
    // A repeated id: corrections refer to its first holder.
    let ms = [
        m("x", 10, 100, 1.0, None),
        m("x", 20, 101, 2.0, None),
        m("y", 10, 102, 3.0, Some("x")),
    ];
    let e = effective(&ms);
    assert_eq!(e.iter().map(|m| m.value).collect::<Vec<_>>(), [3.0, 2.0]);
}

// -------------------------------------------------------------- episodes

#[test]
fn a_run_of_breaching_values_is_one_episode() {
    let t = higher(Some(0.9), Some(0.8));
    assert!(episodes(&[], &t).is_empty());
    assert!(episodes(&[(1, 0.95), (2, 0.91)], &t).is_empty());
    let series = [
        (1, 0.95),
        (2, 0.9),
        (3, 0.8),
        (4, 0.85),
        (5, 0.99),
        (6, 0.97),
        (7, 0.88),
    ];
    assert_eq!(
        episodes(&series, &t),
        [
            Episode {
                start: 2,
                end: Some(5),
                worst: Level::Critical,
                points: 3
            },
            Episode {
                start: 7,
                end: None,
                worst: Level::Warning,
                points: 1
            },
        ]
    );
    // Breaching from the first value; two episodes back to back.
    let series = [(10, 0.5), (11, 0.91), (12, 0.9), (13, 0.95)];
    assert_eq!(
        episodes(&series, &t),
        [
            Episode {
                start: 10,
                end: Some(11),
                worst: Level::Critical,
                points: 1
            },
            Episode {
                start: 12,
                end: Some(13),
                worst: Level::Warning,
                points: 1
            },
        ]
    );
    // Worst stays critical after easing to warning.
    let series = [(1, 0.7), (2, 0.85)];
    assert_eq!(episodes(&series, &t)[0].worst, Level::Critical);
}

#[test]
fn without_a_warning_threshold_only_critical_values_breach() {
    let t = lower(None, Some(200.0));
    let series = [(1, 150.0), (2, 200.0), (3, 250.0), (4, 199.0)];
    assert_eq!(
        episodes(&series, &t),
        [Episode {
            start: 2,
            end: Some(4),
            worst: Level::Critical,
            points: 2
        }]
    );
}

#[test]
fn the_ongoing_episode_has_a_worst_level() {
    let t = lower(Some(1.0), Some(2.0));
    assert_eq!(ongoing_worst(&[], &t), Level::Normal);
    assert_eq!(ongoing_worst(&[(1, 2.0), (2, 0.0)], &t), Level::Normal);
    assert_eq!(
        ongoing_worst(&[(1, 2.0), (2, 0.0), (3, 1.0), (4, 1.5)], &t),
        Level::Warning
    );
    assert_eq!(
        ongoing_worst(&[(1, 0.0), (2, 3.0), (3, 1.0)], &t),
        Level::Critical
    );
    assert_eq!(ongoing_worst(&[(1, 1.0)], &t), Level::Warning);
}

#[test]
fn an_episode_opens_when_a_breach_follows_a_normal_value_or_none() {
    use Level::*;
    for (previous, new, opens) in [
        (None, Normal, false),
        (None, Warning, true),
        (None, Critical, true),
        (Some(Normal), Normal, false),
        (Some(Normal), Warning, true),
        (Some(Normal), Critical, true),
        (Some(Warning), Normal, false),
        (Some(Warning), Warning, false),
        (Some(Warning), Critical, false),
        (Some(Critical), Normal, false),
        (Some(Critical), Warning, false),
        (Some(Critical), Critical, false),
    ] {
        assert_eq!(
            opens_episode(previous, new),
            opens,
            "{previous:?} → {new:?}"
        );
    }
}

#[test]
fn an_episode_becomes_critical_once() {
    use Level::*;
    for (worst, new, becomes) in [
        (Normal, Normal, false),
        (Normal, Warning, false),
        (Normal, Critical, true),
        (Warning, Normal, false),
        (Warning, Warning, false),
        (Warning, Critical, true),
        (Critical, Normal, false),
        (Critical, Warning, false),
        (Critical, Critical, false),
    ] {
        assert_eq!(newly_critical(worst, new), becomes, "{worst:?} → {new:?}");
    }
}

#[test]
fn a_batch_reports_what_it_started_ended_and_escalated() {
    let t = higher(Some(0.9), Some(0.8));
    let none = batch_outcome(Level::Warning, &[], &t);
    assert_eq!(
        none,
        BatchOutcome {
            last_level: None,
            ongoing_worst: Level::Warning,
            started: 0,
            ended: 0,
            became_critical: 0
        }
    );
    // One episode, in and out, critical once though critical twice.
    let o = batch_outcome(Level::Normal, &[0.95, 0.9, 0.7, 0.85, 0.75, 0.95], &t);
    assert_eq!(
        o,
        BatchOutcome {
            last_level: Some(Level::Normal),
            ongoing_worst: Level::Normal,
            started: 1,
            ended: 1,
            became_critical: 1
        }
    );
    // Ongoing at warning before the batch and escalating: one to raise, none started.
    let o = batch_outcome(Level::Warning, &[0.85, 0.7, 0.85], &t);
    assert_eq!(
        o,
        BatchOutcome {
            last_level: Some(Level::Warning),
            ongoing_worst: Level::Critical,
            started: 0,
            ended: 0,
            became_critical: 1
        }
    );
    // Ongoing and already critical (it eased to warning since): nothing new.
    let o = batch_outcome(Level::Critical, &[0.85, 0.7], &t);
    assert_eq!((o.started, o.ended, o.became_critical), (0, 0, 0));
    assert_eq!(o.ongoing_worst, Level::Critical);
    // The ongoing episode ends at once.
    let o = batch_outcome(Level::Critical, &[0.99], &t);
    assert_eq!((o.started, o.ended, o.became_critical), (0, 1, 0));
    assert_eq!(
        (o.last_level, o.ongoing_worst),
        (Some(Level::Normal), Level::Normal)
    );
    // Several episodes in one batch.
    let o = batch_outcome(Level::Normal, &[0.5, 0.95, 0.6, 0.99, 0.85, 0.91, 0.9], &t);
    assert_eq!(
        o,
        BatchOutcome {
            last_level: Some(Level::Warning),
            ongoing_worst: Level::Warning,
            started: 4,
            ended: 3,
            became_critical: 2
        }
    );
    // Normal values after normal values end nothing.
    let o = batch_outcome(Level::Normal, &[0.95, 0.99], &t);
    assert_eq!((o.started, o.ended, o.became_critical), (0, 0, 0));
}

#[test]
fn records_are_opened_only_when_the_metric_asks_for_them() {
    let o = BatchOutcome {
        last_level: Some(Level::Critical),
        ongoing_worst: Level::Critical,
        started: 3,
        ended: 2,
        became_critical: 2,
    };
    assert_eq!(o.records_to_open(OnBreach::Alert), 0);
    assert_eq!(o.records_to_open(OnBreach::Incident), 2);
    assert_eq!(o.records_to_open(OnBreach::Nonconformity), 2);
}

#[test]
fn batches_agree_with_the_episodes_of_the_whole_series() {
    let mut rng = Lcg(7);
    for _ in 0..500 {
        let t = random_thresholds(&mut rng);
        let n = rng.below(60) as usize;
        let series = random_series(&mut rng, n, 10);
        let all = episodes(&series, &t);
        // Cut the series into batches at random places.
        let (mut before, mut started, mut ended, mut critical) = (Level::Normal, 0, 0, 0);
        let mut from = 0;
        while from < n {
            let to = (from + 1 + rng.below(8) as usize).min(n);
            assert_eq!(before, ongoing_worst(&series[..from], &t));
            let values: Vec<f64> = series[from..to].iter().map(|p| p.1).collect();
            let o = batch_outcome(before, &values, &t);
            assert_eq!(o.last_level, Some(t.level(series[to - 1].1)));
            (before, from) = (o.ongoing_worst, to);
            started += o.started;
            ended += o.ended;
            critical += o.became_critical;
        }
        assert_eq!(before, ongoing_worst(&series, &t));
        assert_eq!(started, all.len());
        assert_eq!(ended, all.iter().filter(|e| e.end.is_some()).count());
        assert_eq!(
            critical,
            all.iter().filter(|e| e.worst == Level::Critical).count()
        );
        assert_eq!(
            all.iter().map(|e| e.points).sum::<usize>(),
            series.iter().filter(|p| t.level(p.1).is_breach()).count()
        );
    }
}

// ------------------------------------------------------------- staleness

#[test]
fn the_next_value_is_due_one_interval_after_the_last() {
    assert_eq!(next_due(None, 1_000, Interval::Daily), 87_400);
    assert_eq!(next_due(Some(5_000), 1_000, Interval::Hourly), 8_600);
    assert_eq!(next_due(Some(0), 1_000, Interval::Weekly), 604_800);
    assert_eq!(next_due(Some(i64::MAX - 5), 0, Interval::Yearly), i64::MAX);
}

#[test]
fn a_metric_is_stale_once_its_value_is_overdue() {
    let last = parse_instant("2026-07-31T10:00:00Z");
    // Reported on the 31st, again on the 31st of the next month: not late.
    let aug31 = 1_788_170_400;
    assert!(!is_stale(last, 0, Interval::Monthly, aug31));
    assert!(is_stale(last, 0, Interval::Monthly, aug31 + 1));
    assert!(!is_stale(last, 0, Interval::Monthly, aug31 - 1));
    // Hourly: the due second itself is not late.
    assert!(!is_stale(Some(100), 0, Interval::Hourly, 3_700));
    assert!(is_stale(Some(100), 0, Interval::Hourly, 3_701));
    // A quarter of 92 days covers July to September.
    let jul1 = parse_instant("2026-07-01");
    let oct1 = parse_instant("2026-10-01").unwrap();
    assert!(!is_stale(jul1, 0, Interval::Quarterly, oct1));
    // A year of 366 days covers a leap year.
    let y2028 = parse_instant("2028-01-01");
    let y2029 = parse_instant("2029-01-01").unwrap();
    assert!(!is_stale(y2028, 0, Interval::Yearly, y2029));
}

#[test]
fn a_metric_without_values_is_stale_an_interval_after_it_was_created() {
    let created = 1_772_323_200;
    assert!(!is_stale(None, created, Interval::Daily, created));
    assert!(!is_stale(None, created, Interval::Daily, created + 86_400));
    assert!(is_stale(None, created, Interval::Daily, created + 86_401));
    // A value, even an old one, is what counts once there is one.
    assert!(is_stale(
        Some(created - 90 * 86_400),
        created,
        Interval::Weekly,
        created + 1
    ));
    assert!(!is_stale(
        Some(created + 86_400),
        created,
        Interval::Weekly,
        created + 86_401
    ));
}

// ------------------------------------------------------------ downsampling

fn points_of(chart: &[ChartPoint]) -> Vec<(i64, f64)> {
    chart.iter().map(|p| (p.at, p.value)).collect()
}

/// The buckets `downsample` documents, computed the plain way: for each
/// non-empty bucket, the indices of its points.
fn bucket_indices(points: &[(i64, f64)], buckets: usize) -> Vec<Vec<usize>> {
    let first = i128::from(points[0].0);
    let width = i128::from(points[points.len() - 1].0) - first + 1;
    let mut out: Vec<(i128, Vec<usize>)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let k = (i128::from(p.0) - first) * buckets as i128 / width;
        assert!(k < buckets as i128);
        match out.last_mut() {
            Some((last, v)) if *last == k => v.push(i),
            _ => out.push((k, vec![i])),
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// What `downsample` should give, by its definition.
fn expected_downsample(points: &[(i64, f64)], buckets: usize, t: &Thresholds) -> Vec<ChartPoint> {
    let mut out = Vec::new();
    for bucket in bucket_indices(points, buckets) {
        let mut low = bucket[0];
        let mut high = bucket[0];
        for &i in &bucket {
            if points[i].1 < points[low].1 {
                low = i;
            }
            if points[i].1 > points[high].1 {
                high = i;
            }
        }
        let mut keep = vec![bucket[0], low, high, bucket[bucket.len() - 1]];
        keep.sort_unstable();
        keep.dedup();
        for i in keep {
            let (at, value) = points[i];
            out.push(ChartPoint {
                at,
                value,
                level: t.level(value),
            });
        }
    }
    out
}

#[test]
fn small_series_are_charted_whole() {
    let t = lower(Some(10.0), Some(20.0));
    assert!(downsample(&[], 10, &t).is_empty());
    let points = [(1, 5.0), (2, 10.0), (3, 25.0), (4, 1.0)];
    let chart = downsample(&points, 1, &t);
    assert_eq!(
        chart,
        [
            ChartPoint {
                at: 1,
                value: 5.0,
                level: Level::Normal
            },
            ChartPoint {
                at: 2,
                value: 10.0,
                level: Level::Warning
            },
            ChartPoint {
                at: 3,
                value: 25.0,
                level: Level::Critical
            },
            ChartPoint {
                at: 4,
                value: 1.0,
                level: Level::Normal
            },
        ]
    );
    // No buckets asked for: one.
    assert_eq!(downsample(&points, 0, &t), chart);
    // Exactly 4 × buckets points: whole, though one bucket would keep two.
    let rising = [(0, 1.0), (1, 5.0), (2, 6.0), (3, 9.0)];
    assert_eq!(points_of(&downsample(&rising, 1, &t)), rising);
    assert_eq!(points_of(&downsample(&rising[..1], 1, &t)), [(0, 1.0)]);
}

#[test]
fn each_bucket_keeps_its_first_lowest_highest_and_last_point() {
    let t = higher(None, None);
    // One bucket over five points: the middle rising ones go.
    let rising = [(0, 1.0), (1, 5.0), (2, 6.0), (3, 7.0), (4, 9.0)];
    assert_eq!(points_of(&downsample(&rising, 1, &t)), [(0, 1.0), (4, 9.0)]);
    assert_eq!(points_of(&downsample(&rising, 0, &t)), [(0, 1.0), (4, 9.0)]);
    // Ties: the earliest lowest and the earliest highest.
    let ties = [(0, 5.0), (1, 1.0), (2, 1.0), (3, 9.0), (4, 9.0), (5, 5.0)];
    assert_eq!(
        points_of(&downsample(&ties, 1, &t)),
        [(0, 5.0), (1, 1.0), (3, 9.0), (5, 5.0)]
    );
    // Two buckets over the times 100..=109: 100..=104 and 105..=109.
    let points: Vec<(i64, f64)> = [4.0, 3.0, 8.0, 5.0, 6.0, 7.0, 2.0, 9.0, 1.0, 5.5]
        .iter()
        .enumerate()
        .map(|(i, v)| (100 + i as i64, *v))
        .collect();
    assert_eq!(
        points_of(&downsample(&points, 2, &t)),
        [
            (100, 4.0),
            (101, 3.0),
            (102, 8.0),
            (104, 6.0),
            (105, 7.0),
            (107, 9.0),
            (108, 1.0),
            (109, 5.5)
        ]
    );
    // Three buckets over 100..=107 (width 8): 100..=102, 103..=105, 106..=107.
    let points: Vec<(i64, f64)> = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (100 + i as i64, *v))
        .collect();
    let mut dense = points.clone();
    dense.extend([(107, 8.5), (107, 8.6), (107, 8.7), (107, 8.8), (107, 8.4)]);
    assert_eq!(
        points_of(&downsample(&dense, 3, &t)),
        [
            (100, 1.0),
            (102, 3.0),
            (103, 4.0),
            (105, 6.0),
            (106, 7.0),
            (107, 8.8),
            (107, 8.4)
        ]
    );
    // Levels come along.
    let t = lower(Some(10.0), Some(20.0));
    let gap = [
        (0, 1.0),
        (1, 2.0),
        (2, 3.0),
        (1_000, 30.0),
        (1_001, 11.0),
        (1_002, 1.0),
    ];
    assert_eq!(
        downsample(&gap, 1, &t)
            .iter()
            .map(|p| (p.at, p.level))
            .collect::<Vec<_>>(),
        [
            (0, Level::Normal),
            (1_000, Level::Critical),
            (1_002, Level::Normal)
        ]
    );
    let chart = downsample(&gap, 100, &t);
    assert_eq!(chart.len(), 6, "few enough points: whole");
    let many: Vec<(i64, f64)> = (0..9).map(|i| (i * 100, i as f64)).collect();
    assert_eq!(
        points_of(&downsample(&many, 2, &t)),
        [(0, 0.0), (400, 4.0), (500, 5.0), (800, 8.0)]
    );
}

#[test]
fn downsampling_matches_its_definition() {
    let mut rng = Lcg(2026);
    for round in 0..400 {
        let t = random_thresholds(&mut rng);
        let n = 1 + rng.below(300) as usize;
        let max_gap = [1, 2, 3, 10, 1_000][round % 5];
        let series = random_series(&mut rng, n, max_gap);
        let buckets = 1 + rng.below(40) as usize;
        let chart = downsample(&series, buckets, &t);
        if n <= 4 * buckets {
            assert_eq!(points_of(&chart), series);
            continue;
        }
        assert_eq!(
            chart,
            expected_downsample(&series, buckets, &t),
            "round {round}"
        );
        assert!(chart.len() <= 4 * buckets);
        assert_eq!(chart.first().map(|p| p.at), Some(series[0].0));
        assert_eq!(chart.last().map(|p| p.at), Some(series[n - 1].0));
    }
}

#[test]
fn downsampling_never_loses_a_breach() {
    // For every bucket, the worst level among its raw points is the worst
    // level among the points kept from it; so every breach visible in the
    // raw data (a warning or critical bucket) is visible in the chart.
    let mut rng = Lcg(11);
    for _ in 0..300 {
        let t = random_thresholds(&mut rng);
        let n = 50 + rng.below(2_000) as usize;
        // Strictly increasing times, so each point is told apart by them.
        let max_gap = 1 + rng.below(100);
        let series: Vec<(i64, f64)> = random_series(&mut rng, n, max_gap)
            .into_iter()
            .enumerate()
            .map(|(i, (at, v))| (at + i as i64, v))
            .collect();
        let buckets = 1 + rng.below(20) as usize;
        let chart = downsample(&series, buckets, &t);
        let mut kept = chart.iter().peekable();
        for bucket in bucket_indices(&series, buckets) {
            let raw_worst = bucket.iter().map(|&i| t.level(series[i].1)).max();
            let (from, to) = (bucket[0], bucket[bucket.len() - 1]);
            let mut kept_worst = None;
            // The chart's points are a subsequence of the series: take this bucket's.
            while let Some(p) = kept.next_if(|p| (p.at, p.value) != series[to]) {
                assert!(series[from..=to].contains(&(p.at, p.value)));
                kept_worst = kept_worst.max(Some(p.level));
            }
            let last = kept.next().unwrap();
            kept_worst = kept_worst.max(Some(last.level));
            assert_eq!(kept_worst, raw_worst);
        }
        assert!(kept.next().is_none());
    }
}

#[test]
fn a_year_of_values_thins_to_the_chart_size() {
    let t = lower(Some(0.2), Some(0.3));
    let start = 1_767_225_600; // 2026-01-01
    let n = 500_000_i64;
    let mut series: Vec<(i64, f64)> = (0..n)
        .map(|i| (start + i * 63, 0.1 + (i % 97) as f64 / 1_000.0))
        .collect();
    // One critical spike and one warning blip among half a million values.
    series[123_457].1 = 0.35;
    series[400_001].1 = 0.25;
    let chart = downsample(&series, 1_000, &t);
    assert!(chart.len() <= 4_000);
    assert!(chart.windows(2).all(|w| w[0].at < w[1].at));
    assert!(chart.contains(&ChartPoint {
        at: series[123_457].0,
        value: 0.35,
        level: Level::Critical
    }));
    assert!(chart.contains(&ChartPoint {
        at: series[400_001].0,
        value: 0.25,
        level: Level::Warning
    }));
    assert_eq!(chart.iter().filter(|p| p.level.is_breach()).count(), 2);
}

#[test]
fn points_out_of_time_order_stay_bounded() {
    let t = higher(None, None);
    // A late point far past the last one stays in the last bucket.
    let points = [(0, 5.0), (1, 3.0), (2, 4.0), (50, 7.0), (3, 1.0), (10, 9.0)];
    assert_eq!(
        points_of(&downsample(&points, 1, &t)),
        [(0, 5.0), (3, 1.0), (10, 9.0)]
    );
    // Wildly out of order over many buckets: still at most 4 per bucket.
    let points: Vec<(i64, f64)> = (0..1_000)
        .map(|i| (if i % 2 == 0 { i64::MAX - i } else { i }, i as f64))
        .chain([(0, 0.0)])
        .collect();
    assert!(downsample(&points, 50, &t).len() <= 200);
    let backwards: Vec<(i64, f64)> = (0..1_000).map(|i| (MAX_INSTANT - i, 1.0)).collect();
    assert!(downsample(&backwards, 10, &t).len() <= 40);
}

// ---------------------------------------------------------------- summary

#[test]
fn a_summary_gives_the_last_lowest_and_highest_values() {
    assert_eq!(summary(&[]), None);
    assert_eq!(
        summary(&[(1, 3.0), (2, 1.0), (3, 4.0), (4, 1.0), (5, 2.5)]),
        Some(Summary {
            last_at: 5,
            last: 2.5,
            min: 1.0,
            max: 4.0,
            count: 5
        })
    );
    assert_eq!(
        summary(&[(7, -2.0)]),
        Some(Summary {
            last_at: 7,
            last: -2.0,
            min: -2.0,
            max: -2.0,
            count: 1
        })
    );
}
