//! Accepting a residual risk, honestly: an acceptance records the method
//! version, the residual band and a hash of the risk's *material* state, and
//! stops holding as soon as either moves or its expiry date comes.
//!
//! **Material** (in the hash, [`scored_state_hash`]): the likelihood and
//! impact *levels* of the inherent, current and residual assessments, the
//! treatment option, the set of treatment action ids (adding or removing an
//! action changes the plan) and the set of linked AI system ids. Order and
//! duplicates of ids do not matter. **Not material**: title, description,
//! cause, consequence, owner, sources, objectives, action titles, owners and
//! dates, and the residual confirmation text. Scores and bands are not hashed
//! (they depend on the method, judged separately below).
//!
//! [`acceptance_status`], first reason wins:
//! 1. the hash differs → voided, material change;
//! 2. the residual is not assessed under the current method → voided;
//! 3. the residual band key differs from the accepted one → voided, band
//!    moved (a method change that leaves the band alone keeps it valid, even
//!    if the score changed);
//! 4. the current method no longer lets that band be accepted → voided;
//! 5. `today` is on or after `expires_on` → expired (an acceptance holds up
//!    to the day before its expiry date, which is why a new one must expire
//!    after today);
//! 6. otherwise valid.
//!
//! The acceptor's role is checked when accepting ([`may_accept`]); a later
//! change of who may accept a band does not void acceptances already given.

use super::catalogue::TreatmentOption;
use super::method::RiskMethod;
use super::scoring::{Assessment, Assessments};
use crate::access::Role;
use crate::record::{parse_date, LONG_TEXT_MAX};
use crate::validation::{optional_text, FieldErrors};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The material fields of a risk (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaterialState {
    pub assessments: Assessments,
    pub treatment: Option<TreatmentOption>,
    pub action_ids: Vec<String>,
    pub system_ids: Vec<String>,
}

/// SHA-256, as lowercase hex, of the canonical text of the material state:
///
/// ```text
/// aims-risk-state/1
/// inherent=L/I      (a missing level is `-`; likewise current and residual)
/// treatment=KEY     (`-` when none)
/// actions=N         then each distinct id, sorted, as `LEN:ID`
/// systems=N         the same
/// ```
///
/// Changing this text voids every acceptance: bump the version line if it
/// ever has to change.
pub fn scored_state_hash(state: &MaterialState) -> String {
    fn level(l: Option<u8>) -> String {
        l.map_or_else(|| "-".to_owned(), |l| l.to_string())
    }
    fn ids(out: &mut String, name: &str, ids: &[String]) {
        let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        out.push_str(&format!("{name}={}\n", sorted.len()));
        for id in sorted {
            out.push_str(&format!("{}:{id}\n", id.len()));
        }
    }
    let mut text = String::from("aims-risk-state/1\n");
    let a = &state.assessments;
    for (name, x) in [
        ("inherent", a.inherent),
        ("current", a.current),
        ("residual", a.residual),
    ] {
        text.push_str(&format!(
            "{name}={}/{}\n",
            level(x.likelihood),
            level(x.impact)
        ));
    }
    let treatment = state.treatment.map_or("-", TreatmentOption::key);
    text.push_str(&format!("treatment={treatment}\n"));
    ids(&mut text, "actions", &state.action_ids);
    ids(&mut text, "systems", &state.system_ids);
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A residual risk accepted by someone, for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    pub method_version: u32,
    pub state_hash: String,
    /// The residual band key when accepted.
    pub band: String,
    /// The accepting user's id.
    pub accepted_by: String,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub accepted_on: String,
    /// `YYYY-MM-DD`: the first day it no longer holds.
    pub expires_on: String,
}

/// Why an acceptance no longer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum VoidReason {
    /// The scores, the treatment or the linked systems changed.
    MaterialChange,
    /// The residual is not assessed any more under the current method.
    NotAssessed,
    /// The residual band moved (a method change).
    BandMoved { from: String, to: String },
    /// The current method does not let this band be accepted.
    NoLongerAcceptable { band: String },
}

/// Where an acceptance stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AcceptanceStatus {
    Valid,
    /// Its expiry date has come: to be reviewed.
    Expired,
    /// To be accepted again (or treated).
    Voided(VoidReason),
}

impl AcceptanceStatus {
    pub fn is_valid(&self) -> bool {
        matches!(self, AcceptanceStatus::Valid)
    }

    /// `valid`, `expired` or `voided`, as the API's `status` says it.
    pub fn key(&self) -> &'static str {
        match self {
            AcceptanceStatus::Valid => "valid",
            AcceptanceStatus::Expired => "expired",
            AcceptanceStatus::Voided(_) => "voided",
        }
    }

    /// One line for exports and terminals: `valid`, `expired`, `voided: band_moved`.
    /// In words, for people: "Voided: the band moved from low to high".
    pub fn label(&self) -> String {
        match self {
            AcceptanceStatus::Valid => "Valid".to_owned(),
            AcceptanceStatus::Expired => "Expired: to be reviewed".to_owned(),
            AcceptanceStatus::Voided(VoidReason::MaterialChange) => {
                "Voided: the risk changed since it was accepted".to_owned()
            }
            AcceptanceStatus::Voided(VoidReason::NotAssessed) => {
                "Voided: the residual level is no longer assessed".to_owned()
            }
            AcceptanceStatus::Voided(VoidReason::BandMoved { from, to }) => {
                format!("Voided: the band moved from {from} to {to}")
            }
            AcceptanceStatus::Voided(VoidReason::NoLongerAcceptable { band }) => {
                format!("Voided: the method no longer lets {band} be accepted")
            }
        }
    }

    pub fn summary(&self) -> String {
        match self {
            AcceptanceStatus::Voided(reason) => format!("voided: {}", reason.key()),
            other => other.key().to_owned(),
        }
    }
}

impl VoidReason {
    /// The reason as the API's `reason` says it.
    pub fn key(&self) -> &'static str {
        match self {
            VoidReason::MaterialChange => "material_change",
            VoidReason::NotAssessed => "not_assessed",
            VoidReason::BandMoved { .. } => "band_moved",
            VoidReason::NoLongerAcceptable { .. } => "no_longer_acceptable",
        }
    }
}

/// Whether `acceptance` still holds for the risk now in `state` under the
/// current `method`, on `today` (`YYYY-MM-DD`); see the module documentation.
pub fn acceptance_status(
    acceptance: &Acceptance,
    method: &RiskMethod,
    state: &MaterialState,
    today: &str,
) -> AcceptanceStatus {
    if scored_state_hash(state) != acceptance.state_hash {
        return AcceptanceStatus::Voided(VoidReason::MaterialChange);
    }
    let residual = state.assessments.residual.rate(method);
    let Some(band) = residual.band_key(method) else {
        return AcceptanceStatus::Voided(VoidReason::NotAssessed);
    };
    if band != acceptance.band {
        return AcceptanceStatus::Voided(VoidReason::BandMoved {
            from: acceptance.band.clone(),
            to: band.to_owned(),
        });
    }
    if !method.acceptance_rule(band).is_some_and(|r| r.may_accept) {
        return AcceptanceStatus::Voided(VoidReason::NoLongerAcceptable {
            band: band.to_owned(),
        });
    }
    if today >= acceptance.expires_on.as_str() {
        return AcceptanceStatus::Expired;
    }
    AcceptanceStatus::Valid
}

/// Why someone may not accept a risk of a band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The method has no rule for the band, or its rule refuses acceptance.
    NotAcceptable { band: String },
    /// The band may be accepted, but only by `needs` (or above).
    NeedsRole { band: String, needs: Role },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotAcceptable { band } => write!(
                f,
                "risks in band {band} may not be accepted under the risk method: treat them"
            ),
            Refusal::NeedsRole { band, needs } => {
                write!(f, "only a {needs} may accept risks in band {band}")
            }
        }
    }
}

/// How far up a role is, for "this role or above".
fn rank(role: Role) -> u8 {
    match role {
        Role::Auditor => 0,
        Role::Contributor => 1,
        Role::Manager => 2,
    }
}

/// Whether `role` may accept a risk whose residual band is `band` under
/// `method`: the band's rule must allow acceptance and the role must be its
/// `by` role or above. An auditor never may.
pub fn may_accept(method: &RiskMethod, band: &str, role: Role) -> Result<(), Refusal> {
    let rule = method.acceptance_rule(band).filter(|r| r.may_accept);
    let Some(rule) = rule else {
        return Err(Refusal::NotAcceptable {
            band: band.to_owned(),
        });
    };
    let needs = match rule.by {
        Role::Auditor => Role::Contributor,
        by => by,
    };
    if rank(role) < rank(needs) {
        return Err(Refusal::NeedsRole {
            band: band.to_owned(),
            needs,
        });
    }
    Ok(())
}

/// What someone decides when accepting a risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub role: Role,
    /// The accepting user's id.
    pub accepted_by: String,
    pub reason: String,
    /// `YYYY-MM-DD`, after `today`.
    pub expires_on: String,
}

/// Accepts the residual risk of a risk in `state` under `method` (version
/// `method_version`) on `today`. Refused, by field: `residual` not assessed,
/// `band` not acceptable by this role ([`may_accept`]), `reason` missing,
/// `expires_on` not a date or not after today.
pub fn accept(
    method: &RiskMethod,
    method_version: u32,
    state: &MaterialState,
    decision: &Decision,
    today: &str,
) -> Result<Acceptance, FieldErrors> {
    let mut e = FieldErrors::new();
    let residual: Assessment = state.assessments.residual;
    let band = residual.rate(method).band_key(method);
    match band {
        None => e.add(
            "residual",
            "must be assessed (likelihood and impact) before the risk can be accepted",
        ),
        Some(band) => {
            if let Err(refusal) = may_accept(method, band, decision.role) {
                e.add("band", refusal.to_string());
            }
        }
    }
    let reason = optional_text(&mut e, "reason", &decision.reason, LONG_TEXT_MAX);
    if reason.is_empty() {
        e.add("reason", "is required: say why the risk is accepted");
    }
    let expires_on = parse_date(&decision.expires_on);
    match &expires_on {
        None => e.add("expires_on", "must be a date, YYYY-MM-DD"),
        Some(d) if d.as_str() <= today => {
            e.add("expires_on", format!("must be after today ({today})"));
        }
        Some(_) => {}
    }
    e.into_result()?;
    Ok(Acceptance {
        method_version,
        state_hash: scored_state_hash(state),
        band: band.unwrap_or_default().to_owned(),
        accepted_by: decision.accepted_by.clone(),
        reason,
        accepted_on: today.to_owned(),
        expires_on: expires_on.unwrap_or_default(),
    })
}
