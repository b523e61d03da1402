//! The numpy and scipy values below were printed by numpy 2 and scipy
//! 1.17.1 for the same inputs (the fixture files hold the bigger cases).

use super::*;

#[test]
fn sturges_edges_match_numpy() {
    // np.histogram_bin_edges(concat(a, b), bins="sturges") with 26 values in 0..=30
    assert_eq!(
        sturges_edges(0.0, 30.0, 26, false),
        vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    );
    // 4.4 million integers 0..=21: numpy raises an integer column's width to 1
    assert_eq!(sturges_edges(0.0, 21.0, 4_400_000, true).len(), 22);
    let e = sturges_edges(0.0, 21.0, 4_400_000, false);
    assert_eq!(e.len(), 25);
    assert_eq!(&e[..4], &[0.0, 0.875, 1.75, 2.625]);
    // a constant column: one bin of width 1 around it
    assert_eq!(sturges_edges(3.0, 3.0, 2, false), vec![2.5, 3.5]);
}

#[test]
fn linspace_matches_numpy() {
    assert_eq!(
        linspace(0.1, 0.7, 7),
        vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    );
    assert_eq!(linspace(1.0, 1.0, 1), vec![1.0]);
    assert_eq!(linspace(1.0, 1.0, 3), vec![1.0, 1.0, 1.0]);
}

#[test]
fn histogram_closes_only_the_last_bin_on_the_right() {
    let a: Vec<f64> = (0..21).map(f64::from).chain([21.5]).collect();
    let edges = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0];
    assert_eq!(histogram_sorted(&a, &edges), vec![5, 5, 5, 5, 2, 0]);
    assert_eq!(
        histogram_sorted(&[5.0, 6.0, 7.0, 30.0], &edges),
        vec![0, 3, 0, 0, 0, 1]
    );
    // outside the edges: not counted
    assert_eq!(histogram_sorted(&[-1.0, 0.0, 31.0], &[0.0, 1.0]), vec![1]);
    assert!(histogram_sorted(&[1.0], &[]).is_empty());
}

#[test]
fn empty_shares_are_filled_as_evidently_fills_them() {
    assert_eq!(fill_zeroes(&[0.5, 0.5, 0.0]), vec![0.5, 0.5, 0.0001]);
    // the smallest share is at most 0.0001: a millionth of it
    assert_eq!(
        fill_zeroes(&[0.99995, 0.00005, 0.0]),
        vec![0.99995, 0.00005, 0.00005 / 1e6]
    );
    assert_eq!(fill_zeroes(&[0.9999, 0.0001, 0.0])[2], 0.0001 / 1e6);
    assert_eq!(fill_zeroes(&[0.25, 0.75]), vec![0.25, 0.75]);
}

#[test]
fn psi_of_known_shares() {
    let r = [0.5, 0.5];
    let c = [0.25, 0.75];
    let want = (0.5 - 0.25) * (0.5f64 / 0.25).ln() + (0.5 - 0.75) * (0.5f64 / 0.75).ln();
    assert!((psi(&r, &c) - want).abs() < 1e-15);
    assert_eq!(psi(&r, &r), 0.0);
    // an empty current bin is filled, not infinite
    let p = psi(&[0.5, 0.5], &[1.0, 0.0]);
    let want = (0.5f64 - 1.0) * (0.5f64).ln() + (0.5 - 0.0001) * (0.5f64 / 0.0001).ln();
    assert!((p - want).abs() < 1e-12, "{p} {want}");
}

#[test]
fn jensenshannon_matches_scipy() {
    let d = jensenshannon(&[0.5, 0.5, 0.0], &[0.25, 0.25, 0.5]);
    assert!((d - 0.464501404022459).abs() < 1e-15, "{d}");
    assert_eq!(jensenshannon(&[0.2, 0.8], &[0.2, 0.8]), 0.0);
    // normalised first: counts work as shares do
    let d2 = jensenshannon(&[2.0, 2.0, 0.0], &[1.0, 1.0, 2.0]);
    assert!((d2 - d).abs() < 1e-15);
    assert!(rel_entr(-1.0, 1.0).is_infinite());
    assert_eq!(rel_entr(0.0, 0.0), 0.0);
}

#[test]
fn wasserstein_and_std_match_scipy_and_numpy() {
    assert_eq!(wasserstein_sorted(&[0.0, 1.0, 3.0], &[5.0, 6.0, 8.0]), 5.0);
    let w = wasserstein_sorted(&[0.0, 1.0, 1.0, 2.0], &[1.0, 1.0, 3.0]);
    assert!((w - 0.6666666666666667).abs() < 1e-15, "{w}");
    assert_eq!(wasserstein_sorted(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
    assert!(wasserstein_sorted(&[], &[1.0]).is_nan());
    assert!(wasserstein_sorted(&[1.0, f64::NAN], &[2.0]).is_nan());
    assert!(wasserstein_sorted(&[1.0], &[f64::NAN]).is_nan());
    assert_eq!(std_dev(&[1.0, 2.0, 3.0, 4.0]), 1.118033988749895);
    assert_eq!(std_dev(&[7.0; 5]), 0.0);
}

#[test]
fn value_bins_merge_both_samples() {
    let (k, r, c) = value_counts(&[1.0, 1.0, 2.0, 4.0], &[0.0, 2.0, 2.0, 5.0]);
    assert_eq!(k, vec![0.0, 1.0, 2.0, 4.0, 5.0]);
    assert_eq!(r, vec![0, 2, 1, 1, 0]);
    assert_eq!(c, vec![1, 0, 2, 0, 1]);
    assert_eq!(distinct(&[1.0, 1.0, 2.0], 20), 2);
    assert_eq!(distinct(&[], 20), 0);
    assert_eq!(distinct(&[-0.0, 0.0], 20), 1);
    assert_eq!(distinct(&[1.0, 2.0, 3.0, 4.0], 2), 3);
    assert_eq!(distinct(&[1.0, 2.0, 3.0, 4.0], 3), 4);
    assert_eq!(distinct(&[1.0, 2.0, 2.0, 3.0], 3), 3);
}

#[test]
fn a_category_only_in_current_gets_a_bin() {
    let r: BTreeMap<String, u64> = [("a".into(), 3), ("b".into(), 1)].into();
    let c: BTreeMap<String, u64> = [("a".into(), 1), ("z".into(), 1)].into();
    let b = binned_categorical(&r, &c);
    assert_eq!(
        b.bins,
        Bins::Values {
            values: vec!["a".into(), "b".into(), "z".into()]
        }
    );
    assert_eq!(b.reference_shares, vec![0.75, 0.25, 0.0]);
    assert_eq!(b.current_shares, vec![0.5, 0.0, 0.5]);
    assert!(b.psi.is_finite() && b.psi > 0.0);
    assert!(b.jensenshannon > 0.0 && b.jensenshannon < 1.0);
}

#[test]
fn verdicts_and_the_automatic_test() {
    assert!(StatTest::Psi.drifted(0.1, 0.1));
    assert!(!StatTest::Psi.drifted(0.09, 0.1));
    assert!(StatTest::Ks.drifted(0.05, 0.05));
    assert!(!StatTest::Ks.drifted(0.5, 0.05));
    assert_eq!(StatTest::auto(true, 1001, 6), StatTest::Wasserstein);
    assert_eq!(StatTest::auto(true, 1000, 6), StatTest::Ks);
    assert_eq!(StatTest::auto(true, 5000, 5), StatTest::JensenShannon);
    assert_eq!(StatTest::auto(false, 5000, 50), StatTest::JensenShannon);
    assert_eq!(
        "JensenShannon".parse::<StatTest>(),
        Ok(StatTest::JensenShannon)
    );
    assert!("chi2".parse::<StatTest>().is_err());
    assert_eq!(StatTest::Ks.default_threshold(), 0.05);
    assert_eq!(StatTest::Wasserstein.default_threshold(), 0.1);
}
