//! Two-sample Kolmogorov–Smirnov test, as scipy.stats.ks_2samp computes it.
//! (Placeholder until the port lands: statistic only.)

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KsMethod {
    Exact,
    Asymp,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct KsResult {
    pub statistic: f64,
    pub pvalue: f64,
    pub method: KsMethod,
}

pub fn ks_2samp_sorted(a: &[f64], b: &[f64]) -> KsResult {
    let _ = (a, b);
    KsResult {
        statistic: f64::NAN,
        pvalue: f64::NAN,
        method: KsMethod::Asymp,
    }
}
