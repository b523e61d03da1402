//! A controlled document's life (clause 7.5, A.2): its versions move
//! draft → in review → approved → published → superseded, or retired; who
//! may move them; what editing does; and the Markdown text's bounds.
//!
//! Moves ([`transition`]):
//! - draft → in review (submit), in review → draft (send back): a
//!   contributor or a manager;
//! - draft or in review → approved: a manager (a manager may approve a
//!   draft without a separate review; who approved and when is recorded);
//! - approved → published: a manager; publishing supersedes the version
//!   published before ([`on_publish`]);
//! - approved or published → retired: a manager.
//!
//! An approved version's text never changes: editing the latest version
//! when it is approved, published, superseded or retired starts the next
//! version as a draft ([`on_edit`]). An auditor moves and edits nothing.

use crate::access::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest text a version holds, in characters.
pub const TEXT_MAX: usize = 200_000;

/// Where a document version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocState {
    Draft,
    InReview,
    Approved,
    Published,
    Superseded,
    Retired,
}

impl DocState {
    pub const ALL: [DocState; 6] = [
        DocState::Draft,
        DocState::InReview,
        DocState::Approved,
        DocState::Published,
        DocState::Superseded,
        DocState::Retired,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            DocState::Draft => "draft",
            DocState::InReview => "in_review",
            DocState::Approved => "approved",
            DocState::Published => "published",
            DocState::Superseded => "superseded",
            DocState::Retired => "retired",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            DocState::Draft => "Draft",
            DocState::InReview => "In review",
            DocState::Approved => "Approved",
            DocState::Published => "Published",
            DocState::Superseded => "Superseded",
            DocState::Retired => "Retired",
        }
    }

    pub fn from_key(key: &str) -> Option<DocState> {
        DocState::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether its text is fixed: approved and every state after.
    pub const fn is_fixed(self) -> bool {
        !matches!(self, DocState::Draft | DocState::InReview)
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// The move exists, but only for a manager.
    Forbidden,
    /// No such move.
    NotAllowed { from: DocState, to: DocState },
}

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MoveError::Forbidden => f.write_str("only a manager may do this"),
            MoveError::NotAllowed { from, to } if from == to => {
                write!(f, "the version is already {}", from.label().to_lowercase())
            }
            MoveError::NotAllowed {
                to: DocState::Published,
                ..
            } => f.write_str("only an approved version is published"),
            MoveError::NotAllowed { from, to } => write!(
                f,
                "a version cannot go from {} to {}",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        }
    }
}

/// Moves a version from `from` to `to` on behalf of `role`. Superseded is
/// reached only by publishing the next version ([`on_publish`]).
pub fn transition(from: DocState, to: DocState, role: Role) -> Result<DocState, MoveError> {
    use DocState::*;
    let manager = match (from, to) {
        (Draft, InReview) | (InReview, Draft) => false,
        (Draft | InReview, Approved) | (Approved, Published) | (Approved | Published, Retired) => {
            true
        }
        _ => return Err(MoveError::NotAllowed { from, to }),
    };
    let allowed = if manager {
        role == Role::Manager
    } else {
        role != Role::Auditor
    };
    if allowed {
        Ok(to)
    } else {
        Err(MoveError::Forbidden)
    }
}

/// What happens to another version when one is published: the one
/// published before is superseded; others stay as they are.
pub fn on_publish(other: DocState) -> Option<DocState> {
    (other == DocState::Published).then_some(DocState::Superseded)
}

/// What editing the latest version does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    /// The draft is changed where it is.
    InPlace,
    /// The latest version's text is fixed: the edit starts the next version.
    NewVersion,
    /// Refused while in review: send it back first.
    Refused,
}

pub fn on_edit(latest: Option<DocState>) -> Edit {
    match latest {
        None => Edit::NewVersion,
        Some(DocState::Draft) => Edit::InPlace,
        Some(DocState::InReview) => Edit::Refused,
        Some(_) => Edit::NewVersion,
    }
}

/// Checks a version's Markdown text: within [`TEXT_MAX`] characters and
/// free of control characters other than tab and line breaks.
pub fn check_text(text: &str) -> Result<(), String> {
    if text.chars().count() > TEXT_MAX {
        return Err(format!("must be at most {TEXT_MAX} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(crate::validation::CONTROL_MESSAGE.into());
    }
    Ok(())
}

/// Days a member has to acknowledge a published version.
pub const ACKNOWLEDGE_DAYS: i64 = 14;

/// Whether a member with `role` must read a document whose `must_read` is
/// `audience` (`everyone`, `contributors`, `managers`, anything else: nobody).
pub fn must_read(audience: &str, role: Role) -> bool {
    match audience {
        "everyone" => true,
        "contributors" => role != Role::Auditor,
        "managers" => role == Role::Manager,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
