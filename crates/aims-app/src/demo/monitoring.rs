//! The demo's monitoring analytics (issue #13): last week's shortlisting
//! decisions of the CV screening assistant checked for fairness by age band
//! and sex, and this month's claims of the claims triage assistant checked
//! for drift against its validation set — computed by `aims-monitor` from
//! generated (seeded) logs, exactly as `aims monitor` computes them, and
//! filed as the systems' monitoring reports.

use super::operations::on;
use crate::{App, AppError, Result, Scope};
use aims_monitor::drift_log::{drift, DriftArgs};
use aims_monitor::fairness_log::{fairness, FairnessArgs};
use std::fmt::Write as _;

/// A small fixed pseudo-random stream (the same demo every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal: the mean of four uniforms, scaled.
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let s: f64 = (0..4).map(|_| self.next()).sum::<f64>() - 2.0;
        mean + s * sd * 1.73
    }
}

const AGE_BANDS: [&str; 4] = ["18-29", "30-44", "45-59", "60+"];

/// Six thousand shortlisting decisions over the week before `today`; the
/// oldest band is shortlisted less often than its qualifications warrant.
fn cv_log(today: &str) -> String {
    let mut r = Lcg(42);
    let mut s = "ts,qualified,shortlisted,score,age_band,sex\n".to_owned();
    for i in 0..6000u32 {
        let day = on(today, -7 + i64::from(i / 1000));
        let band = (r.next() * 4.0) as usize % 4;
        let sex = if r.next() < 0.5 { "F" } else { "M" };
        let qualified = r.next() < 0.45;
        let bias = [0.0, 0.0, -0.04, -0.12][band];
        let score =
            (if qualified { 0.72 } else { 0.35 } + bias + r.normal(0.0, 0.1)).clamp(0.0, 1.0);
        let shortlisted = score >= 0.55;
        let _ = writeln!(
            s,
            "{day}T{:02}:{:02}:00Z,{},{},{score:.4},{},{sex}",
            (i / 60) % 24,
            i % 60,
            u8::from(qualified),
            u8::from(shortlisted),
            AGE_BANDS[band]
        );
    }
    s
}

/// Claims: a validation set, and this month's claims with larger amounts
/// and more coming through the app.
fn claims_log(seed: u64, rows: u32, shifted: bool) -> String {
    let mut r = Lcg(seed);
    let mut s = "claim_amount,days_to_report,policy_age_years,channel\n".to_owned();
    for _ in 0..rows {
        let amount = r
            .normal(if shifted { 2600.0 } else { 2100.0 }, 700.0)
            .max(50.0);
        let days = (r.next() * 30.0).floor();
        let age = r.normal(6.0, 3.0).max(0.0);
        let u = r.next();
        let channel = if shifted {
            if u < 0.55 {
                "app"
            } else if u < 0.85 {
                "web"
            } else {
                "phone"
            }
        } else if u < 0.3 {
            "app"
        } else if u < 0.75 {
            "web"
        } else {
            "phone"
        };
        let _ = writeln!(s, "{amount:.2},{days},{age:.1},{channel}");
    }
    s
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("demo monitoring: {e}"))
}

impl App {
    /// Files the demo's monitoring reports; nothing when they are there.
    pub(super) async fn load_demo_monitoring(&self, scope: &Scope) -> Result<usize> {
        let systems = self
            .all_records(scope, crate::systems_kind(), &Default::default())
            .await?;
        let id = |name: &str| {
            systems
                .iter()
                .find(|s| s.title == name)
                .map(|s| s.id.clone())
        };
        let (Some(cv), Some(claims)) =
            (id("CV screening assistant"), id("Claims triage assistant"))
        else {
            return Ok(0);
        };
        if self.latest_monitoring(scope, &cv).await?.fairness.is_some() {
            return Ok(0);
        }
        let today = self.today();
        let scratch = aims_monitor::table::Scratch::new("demo").map_err(internal)?;
        let write = |name: &str, text: String| {
            let p = scratch.dir.join(name);
            std::fs::write(&p, text).map(|_| p).map_err(internal)
        };
        let log = write("cv-shortlisting.csv", cv_log(&today))?;
        let fair = fairness(
            &FairnessArgs {
                predictions: log,
                label: "qualified".into(),
                prediction: "shortlisted".into(),
                sensitive: vec!["age_band".into(), "sex".into()],
                score: Some("score".into()),
                time: None,
                pos_label: "1".into(),
                neg_label: "0".into(),
                threads: 1,
            },
            &|_, _| {},
        )
        .map_err(internal)?;
        let text = serde_json::to_string(&fair).map_err(internal)?;
        self.record_monitoring_report(scope, &cv, &text).await?;
        let drifted = drift(
            &DriftArgs {
                reference: write("claims-validation.csv", claims_log(7, 5000, false))?,
                current: write("claims-this-month.csv", claims_log(8, 4000, true))?,
                columns: None,
                categorical: vec![],
                stattest: None,
                threshold: None,
                time: None,
                threads: 1,
            },
            &|_, _| {},
        )
        .map_err(internal)?;
        let text = serde_json::to_string(&drifted).map_err(internal)?;
        self.record_monitoring_report(scope, &claims, &text).await?;
        Ok(2)
    }
}
