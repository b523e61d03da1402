//! An impact assessment's life: draft → in review → approved, who moves it,
//! what editing does, and when a system needs a new assessment.
//!
//! Moves ([`transition`]):
//! - draft → in review (submit): a contributor or a manager;
//! - in review → approved: a manager only;
//! - in review → draft (send back: a reviewer rejects it or its author
//!   withdraws it): a contributor or a manager.
//!
//! Nothing else: an approved version never changes state (editing it starts
//! a new version, a draft: [`on_edit`]), and a draft is not approved without
//! review. An auditor moves nothing. A move that does not exist is refused
//! before the role is looked at.
//!
//! A system is due for re-assessment ([`reassessment_due`]) when its
//! purpose, life-cycle stage or EU AI Act tier changed since the assessment
//! was approved, or on the re-assessment date ([`reassessment_overdue`]).

use crate::access::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an impact assessment version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImpactState {
    Draft,
    InReview,
    Approved,
}

impl ImpactState {
    pub const ALL: [ImpactState; 3] = [
        ImpactState::Draft,
        ImpactState::InReview,
        ImpactState::Approved,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            ImpactState::Draft => "draft",
            ImpactState::InReview => "in_review",
            ImpactState::Approved => "approved",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ImpactState::Draft => "Draft",
            ImpactState::InReview => "In review",
            ImpactState::Approved => "Approved",
        }
    }

    pub fn from_key(key: &str) -> Option<ImpactState> {
        ImpactState::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The move exists, but only for `needs` (or above).
    Forbidden { needs: Role },
    /// No such move.
    NotAllowed { from: ImpactState, to: ImpactState },
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TransitionError::Forbidden { needs } => {
                write!(f, "only a {needs} may do this")
            }
            TransitionError::NotAllowed { from, to } if from == to => {
                write!(
                    f,
                    "the assessment is already {}",
                    from.label().to_lowercase()
                )
            }
            TransitionError::NotAllowed {
                from: ImpactState::Approved,
                ..
            } => f.write_str(
                "an approved assessment does not change: edit it to start a new version",
            ),
            TransitionError::NotAllowed {
                from: ImpactState::Draft,
                to: ImpactState::Approved,
            } => f.write_str("submit the assessment for review before approving it"),
            TransitionError::NotAllowed { from, to } => write!(
                f,
                "an assessment cannot go from {} to {}",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        }
    }
}

/// Moves an assessment from `from` to `to` on behalf of `role`.
pub fn transition(
    from: ImpactState,
    to: ImpactState,
    role: Role,
) -> Result<ImpactState, TransitionError> {
    use ImpactState::*;
    let needs = match (from, to) {
        (Draft, InReview) | (InReview, Draft) => Role::Contributor,
        (InReview, Approved) => Role::Manager,
        _ => return Err(TransitionError::NotAllowed { from, to }),
    };
    let allowed = match needs {
        Role::Manager => role == Role::Manager,
        _ => role != Role::Auditor,
    };
    if allowed {
        Ok(to)
    } else {
        Err(TransitionError::Forbidden { needs })
    }
}

/// What editing an assessment in a state does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    /// The draft is changed where it is.
    InPlace,
    /// The approved version stays as it is; the edit becomes a new version, a draft.
    NewVersion,
    /// Refused while in review: send it back first, so reviewers approve what they read.
    Refused,
}

pub fn on_edit(state: ImpactState) -> Edit {
    match state {
        ImpactState::Draft => Edit::InPlace,
        ImpactState::InReview => Edit::Refused,
        ImpactState::Approved => Edit::NewVersion,
    }
}

/// What an assessment depends on about its system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemFacts {
    pub purpose: String,
    /// A life-cycle stage key (`deployment`).
    pub lifecycle_stage: Option<String>,
    /// An EU AI Act tier name (`high_risk`), when classified.
    pub eu_ai_act_tier: Option<String>,
}

/// Why a system is due for re-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The purpose reads differently (ignoring spacing).
    PurposeChanged,
    StageChanged {
        from: Option<String>,
        to: Option<String>,
    },
    TierChanged {
        from: Option<String>,
        to: Option<String>,
    },
}

impl Reason {
    pub fn label(&self) -> String {
        let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
        match self {
            Reason::PurposeChanged => "The system's purpose changed".into(),
            Reason::StageChanged { from, to } => format!(
                "The life-cycle stage changed from {} to {}",
                or_none(from),
                or_none(to)
            ),
            Reason::TierChanged { from, to } => format!(
                "The EU AI Act tier changed from {} to {}",
                or_none(from),
                or_none(to)
            ),
        }
    }
}

/// The reasons a system assessed when it was `before` needs a new
/// assessment now that it is `after`; empty when none. The purpose is
/// compared with runs of spaces and line breaks counted as one space.
pub fn reassessment_due(before: &SystemFacts, after: &SystemFacts) -> Vec<Reason> {
    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }
    let mut reasons = vec![];
    if words(&before.purpose) != words(&after.purpose) {
        reasons.push(Reason::PurposeChanged);
    }
    if before.lifecycle_stage != after.lifecycle_stage {
        reasons.push(Reason::StageChanged {
            from: before.lifecycle_stage.clone(),
            to: after.lifecycle_stage.clone(),
        });
    }
    if before.eu_ai_act_tier != after.eu_ai_act_tier {
        reasons.push(Reason::TierChanged {
            from: before.eu_ai_act_tier.clone(),
            to: after.eu_ai_act_tier.clone(),
        });
    }
    reasons
}

/// True on and after the re-assessment date (`YYYY-MM-DD`).
pub fn reassessment_overdue(reassess_on: Option<&str>, today: &str) -> bool {
    reassess_on.is_some_and(|d| today >= d)
}
