//! Evidence rules (issue #9): whether an item still counts (current, stale
//! or rejected) against the date it is judged on, the per-control counts
//! behind the Statement of Applicability's evidence column, the CI run a
//! push came from (read from the environment variables of the common CI
//! systems, passed in as a lookup), and the checks on a pushed file's name.

use crate::validation::has_control_chars;
use serde::{Deserialize, Serialize};

/// Where an evidence item stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Accepted, or submitted and awaiting review, and within its validity.
    Current,
    /// Past its validity date: it no longer shows the control works.
    Stale,
    /// A reviewer rejected it.
    Rejected,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Current => "current",
            Standing::Stale => "stale",
            Standing::Rejected => "rejected",
        }
    }
}

/// The standing of an item with `review_status` (`submitted`, `accepted`,
/// `rejected`; none counts as submitted) valid until `valid_until`
/// (`YYYY-MM-DD`, the last day it counts; none: it does not expire),
/// judged on `today` (`YYYY-MM-DD`).
pub fn standing(review_status: Option<&str>, valid_until: Option<&str>, today: &str) -> Standing {
    if review_status == Some("rejected") {
        Standing::Rejected
    } else if valid_until.is_some_and(|d| d < today) {
        Standing::Stale
    } else {
        Standing::Current
    }
}

/// How much evidence a control has, by standing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub current: u32,
    pub stale: u32,
    pub rejected: u32,
}

impl Counts {
    pub fn add(&mut self, s: Standing) {
        self.add_many(s, 1);
    }

    /// Counts `n` items of standing `s` (saturating).
    pub fn add_many(&mut self, s: Standing, n: u32) {
        let slot = match s {
            Standing::Current => &mut self.current,
            Standing::Stale => &mut self.stale,
            Standing::Rejected => &mut self.rejected,
        };
        *slot = slot.saturating_add(n);
    }

    /// True when nothing current shows the control works: no evidence at
    /// all, or only stale or rejected items.
    pub fn needs_evidence(&self) -> bool {
        self.current == 0
    }

    pub fn total(&self) -> u32 {
        self.current
            .saturating_add(self.stale)
            .saturating_add(self.rejected)
    }
}

/// The CI run a push came from, as far as the environment tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiRun {
    /// `github-actions`, `gitlab-ci`, `jenkins` or `ci` (generic `CI_*`).
    pub system: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub repository: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub commit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub branch: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pipeline: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// Longest value kept of any CI field.
pub const CI_FIELD_MAX: usize = 500;

/// Reads the CI run from environment variables through `var` (a lookup, so
/// this stays pure): GitHub Actions, GitLab CI, Jenkins, then the generic
/// `CI_*` names; `None` outside CI.
pub fn ci_run(var: impl Fn(&str) -> Option<String>) -> Option<CiRun> {
    let get = |names: &[&str]| {
        names
            .iter()
            .filter_map(|n| var(n))
            .map(|v| v.trim().to_owned())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    };
    let set = |name: &str| !get(&[name]).is_empty();
    let run = if get(&["GITHUB_ACTIONS"]) == "true" {
        let (server, repo, id) = (
            get(&["GITHUB_SERVER_URL"]),
            get(&["GITHUB_REPOSITORY"]),
            get(&["GITHUB_RUN_ID"]),
        );
        CiRun {
            system: "github-actions".into(),
            url: if server.is_empty() || repo.is_empty() || id.is_empty() {
                String::new()
            } else {
                format!("{server}/{repo}/actions/runs/{id}")
            },
            repository: repo,
            commit: get(&["GITHUB_SHA"]),
            branch: get(&["GITHUB_HEAD_REF", "GITHUB_REF_NAME"]),
            pipeline: get(&["GITHUB_WORKFLOW"]),
            run: id,
        }
    } else if set("GITLAB_CI") {
        CiRun {
            system: "gitlab-ci".into(),
            repository: get(&["CI_PROJECT_PATH"]),
            commit: get(&["CI_COMMIT_SHA"]),
            branch: get(&["CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH"]),
            pipeline: get(&["CI_PIPELINE_ID"]),
            run: get(&["CI_JOB_ID"]),
            url: get(&["CI_JOB_URL", "CI_PIPELINE_URL"]),
        }
    } else if set("JENKINS_URL") {
        CiRun {
            system: "jenkins".into(),
            repository: get(&["GIT_URL"]),
            commit: get(&["GIT_COMMIT"]),
            branch: get(&["BRANCH_NAME", "GIT_BRANCH"]),
            pipeline: get(&["JOB_NAME"]),
            run: get(&["BUILD_NUMBER", "BUILD_ID"]),
            url: get(&["BUILD_URL"]),
        }
    } else if set("CI") || set("CI_COMMIT_SHA") || set("CI_PIPELINE_ID") {
        CiRun {
            system: "ci".into(),
            repository: get(&["CI_REPOSITORY", "CI_REPO", "CI_PROJECT_PATH"]),
            commit: get(&["CI_COMMIT_SHA", "CI_COMMIT"]),
            branch: get(&["CI_COMMIT_BRANCH", "CI_BRANCH", "CI_COMMIT_REF_NAME"]),
            pipeline: get(&["CI_PIPELINE_ID", "CI_PIPELINE"]),
            run: get(&["CI_RUN_ID", "CI_JOB_ID", "CI_BUILD_ID"]),
            url: get(&["CI_RUN_URL", "CI_JOB_URL", "CI_BUILD_URL"]),
        }
    } else {
        return None;
    };
    Some(run)
}

impl CiRun {
    /// The fields at fault (`ci.commit`, …): over [`CI_FIELD_MAX`]
    /// characters or holding control characters.
    pub fn problems(&self) -> Vec<String> {
        [
            ("system", &self.system),
            ("repository", &self.repository),
            ("commit", &self.commit),
            ("branch", &self.branch),
            ("pipeline", &self.pipeline),
            ("run", &self.run),
            ("url", &self.url),
        ]
        .into_iter()
        .filter(|(_, v)| v.chars().count() > CI_FIELD_MAX || has_control_chars(v))
        .map(|(f, _)| format!("ci.{f}"))
        .collect()
    }
}

/// Longest file name kept.
pub const FILE_NAME_MAX: usize = 255;

/// The name a pushed file is kept under: its last path component (any
/// directory the client sent is dropped, with `/` or `\`), with control
/// characters removed and at most [`FILE_NAME_MAX`] characters; `None` when
/// nothing usable is left (`..`, empty). Files are stored under their hash,
/// never under this name; it is only shown and offered on download.
pub fn file_name(given: &str) -> Option<String> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !crate::validation::has_hidden_format_chars(c.encode_utf8(&mut [0; 4]))
        })
        .take(FILE_NAME_MAX)
        .collect();
    let clean = clean.trim().to_owned();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        None
    } else {
        Some(clean)
    }
}

/// The media type of content, from its first bytes (never from what a
/// client claims): the raster images and PDF a browser previews, ZIP (and
/// so Office files), gzip, JSON and plain text (valid UTF-8 without NUL);
/// anything else, HTML and SVG included, is `text/plain` when it is text
/// and `application/octet-stream` otherwise, so nothing uploaded is ever
/// served as active content.
pub fn sniff(head: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
    ];
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return t;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    // A multi-byte character cut at the end of the head is still text.
    let text = match std::str::from_utf8(head) {
        Ok(t) => Some(t),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(t) if !t.contains('\0') => {
            let start = t.trim_start_matches('\u{feff}').trim_start();
            if start.starts_with('{') || start.starts_with('[') {
                "application/json"
            } else {
                "text/plain"
            }
        }
        _ => "application/octet-stream",
    }
}

/// True for the types a browser may show inline from a preview (with a
/// sandboxing policy): raster images, PDF and plain text.
pub fn previewable(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "application/pdf"
            | "text/plain"
            | "application/json"
    )
}

#[cfg(test)]
mod tests;
