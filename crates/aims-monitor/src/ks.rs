//! Two-sample Kolmogorov–Smirnov test, as scipy.stats.ks_2samp computes it.
