//! The `aims` domain: entities, value types and rules.
//!
//! Architecture invariant: this crate does no I/O. No async, no SQL, no
//! HTTP, no clock and no randomness; time and ids are passed in by callers.

pub mod access;
pub mod audit;
pub mod certification;
pub mod date;
pub mod digest;
pub mod document;
pub mod eu_ai_act;
pub mod evidence;
pub mod history;
pub mod impact;
pub mod incident;
pub mod journal;
pub mod metric;
pub mod monitoring;
pub mod nonconformity;
pub mod par;
pub mod questionnaire;
pub mod raci;
pub mod readiness;
pub mod record;
pub mod risk;
pub mod soa;
pub mod system;
pub mod throttle;
pub mod validation;
pub mod values;
pub mod webhook;
pub mod work;

pub use access::{Action, Role};
pub use validation::FieldErrors;
pub use values::{Email, Slug};
