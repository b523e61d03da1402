//! Times the readiness engine alone on a workspace of the size issue #12
//! names: 1,000 AI systems, 20,000 risks, the 38 Annex A controls.
//! `cargo bench -p aims-domain --bench assess [-- SYSTEMS RISKS ROUNDS]`
//! prints the median and fastest of the rounds and the number of gaps; the
//! server-side figures (reads included) are `bench/readiness.py`'s.

use aims_domain::evidence::Counts;
use aims_domain::readiness::{assess, ControlFact, RiskFact, Snapshot, Subject, SystemFact};
use std::time::Instant;

fn snapshot(systems: usize, risks: usize) -> Snapshot {
    let owner = |i: usize| (!i.is_multiple_of(3)).then(|| format!("owner{}@example.com", i % 7));
    let mut s = Snapshot {
        today: "2026-11-27".into(),
        ..Snapshot::default()
    };
    for i in 0..systems {
        let id = format!("01JSYSTEM{i:017}");
        s.systems.push(SystemFact {
            record: Subject::new(format!("inventory/{id}"), format!("AI system number {i}"))
                .owned(owner(i).as_deref()),
            id,
            in_scope: [Some(true), Some(false), None][i % 3],
            tier: [Some("high_risk"), Some("minimal"), None][i % 3].map(str::to_owned),
            risks: i % 4,
            impact_current: i.is_multiple_of(5),
            impact_note: "never assessed".into(),
            obligations: Vec::new(),
        });
    }
    for i in 0..risks {
        let id = format!("01JRISK{i:019}");
        s.risks.push(RiskFact {
            record: Subject::new(
                format!("risks/{id}"),
                format!("Risk of the model drifting {i}"),
            )
            .owned(owner(i).as_deref()),
            assessed: i.is_multiple_of(2),
            treatment: ["modify", "retain", "", "avoid"][i % 4].into(),
            actions: i % 3,
            actions_overdue: usize::from(i % 6 == 1),
            acceptance_valid: [None, Some(true), Some(false)][i % 3],
            systems: (0..i % 3)
                .map(|k| s.systems[(i + k) % systems.max(1)].id.clone())
                .collect(),
        });
    }
    for i in 0..38_usize {
        let id = format!("A.{}.{}.{}", 2 + i / 6, 2 + (i % 6) / 3, 2 + i % 3);
        s.controls.push(ControlFact {
            title: format!("Control {id}"),
            record: (!i.is_multiple_of(4))
                .then(|| Subject::new(format!("controls/{i}"), id.clone())),
            implementation_status: ["implemented", "planned"][i % 2].into(),
            evidence: Counts {
                current: (i % 3) as u32,
                stale: (i % 2) as u32,
                rejected: 0,
            },
            id,
        });
    }
    s
}

fn main() {
    let arg = |n: usize, default: usize| {
        std::env::args()
            .filter(|a| !a.starts_with('-'))
            .nth(n)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (systems, risks, rounds) = (arg(1, 1000), arg(2, 20_000), arg(3, 20).max(1));
    let s = snapshot(systems, risks);
    let mut times = Vec::new();
    let mut gaps = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = assess(&s);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        gaps = r.gaps.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "assess: {systems} systems, {risks} risks, {gaps} gaps: median {:.1} ms, fastest {:.1} ms ({rounds} rounds)",
        times[times.len() / 2],
        times[0]
    );
}
