#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! One integration-test binary (each file in tests/ would be another binary to
//! link). Every test starts the real server on a random port against a fresh
//! database — SQLite by default, PostgreSQL with AIMS_TEST_BACKEND=postgres —
//! and talks HTTP to it.

mod helpers;

mod api;
mod auditors;
mod authz;
mod browser;
mod catalog;
mod check_act;
mod classification;
mod cli;
mod digest;
mod documents;
mod evidence;
mod hardening;
mod history;
mod impacts;
mod import;
mod intake;
mod lists;
mod monitor;
mod monitoring_reports;
mod operations;
mod page_matrix;
mod readiness;
mod record_pages;
mod records;
mod remote;
mod reports;
mod risk_library;
mod risk_method_page;
mod risks;
mod soa;
mod soa_pages;
mod suppliers;
mod trust;
mod web;
mod webhooks;
mod work;
