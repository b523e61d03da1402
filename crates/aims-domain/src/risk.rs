//! The AI risk register's rules (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): the
//! risk method as data, scoring, re-scoring after a method change, honest
//! acceptance, the Annex C keys and the library of starting-point risks.
//!
//! - [`method`]: a workspace's [`RiskMethod`] — likelihood and impact scales
//!   (3 to 6 levels), the lookup grid the user fills, the score bands and who
//!   may accept which band. Stored as versioned JSON; every rule is in
//!   [`RiskMethod::validate`].
//! - [`scoring`]: an [`Assessment`] (likelihood and impact levels) becomes a
//!   [`Rating`]; a half-filled or empty assessment is
//!   [`Rating::NotAssessed`], never the lowest band. A risk carries three:
//!   inherent, current and residual ([`Assessments`]).
//! - [`rescore`]: what a method change does to every risk ([`RescoreReport`]).
//! - [`acceptance`]: the scored-state hash and whether an acceptance still holds.
//! - [`catalogue`]: risk sources, objectives and treatment options, with stable keys.
//! - [`library`]: twelve common AI risks as starting points, in our own words.
//!
//! Nothing here reads a clock: dates are `YYYY-MM-DD` text passed in, which
//! compare correctly as strings once checked with [`crate::record::parse_date`].

pub mod acceptance;
pub mod catalogue;
pub mod fields;
pub mod library;
pub mod method;
pub mod rescore;
pub mod scoring;

#[cfg(test)]
mod tests_acceptance;
#[cfg(test)]
mod tests_catalogue;
#[cfg(test)]
mod tests_method;
#[cfg(test)]
mod tests_scoring;

pub use acceptance::{
    accept, acceptance_status, may_accept, scored_state_hash, Acceptance, AcceptanceStatus,
    Decision, MaterialState, Refusal, VoidReason,
};
pub use catalogue::{is_key, Objective, RiskSource, TreatmentOption};
pub use library::{library_risk, LibraryRisk, LIBRARY};
pub use method::{AcceptanceRule, Band, Level, RiskMethod, Scored};
pub use rescore::{rescore, Moved, NeedsReassessment, RescoreReport};
pub use scoring::{check_assessments, check_residual, Assessment, Assessments, Rating, Which};
