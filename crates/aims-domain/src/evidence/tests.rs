use super::*;
use std::collections::HashMap;

#[test]
fn standing_follows_review_and_validity_on_the_day_judged() {
    assert_eq!(standing(None, None, "2026-05-01"), Standing::Current);
    assert_eq!(
        standing(Some("accepted"), Some("2026-05-01"), "2026-05-01"),
        Standing::Current,
        "the last valid day still counts"
    );
    assert_eq!(
        standing(Some("accepted"), Some("2026-04-30"), "2026-05-01"),
        Standing::Stale
    );
    assert_eq!(
        standing(Some("submitted"), Some("2026-04-30"), "2026-05-01"),
        Standing::Stale
    );
    assert_eq!(
        standing(Some("rejected"), Some("2027-01-01"), "2026-05-01"),
        Standing::Rejected
    );
    assert_eq!(
        standing(Some("rejected"), Some("2020-01-01"), "2026-05-01"),
        Standing::Rejected,
        "rejected wins over stale"
    );
    assert_eq!(
        [Standing::Current, Standing::Stale, Standing::Rejected].map(Standing::label),
        ["current", "stale", "rejected"]
    );
}

#[test]
fn a_control_with_only_stale_or_rejected_evidence_needs_evidence() {
    let mut c = Counts::default();
    assert!(c.needs_evidence(), "none at all");
    c.add(Standing::Stale);
    c.add(Standing::Rejected);
    assert!(c.needs_evidence());
    assert_eq!(c.total(), 2);
    c.add(Standing::Current);
    assert!(!c.needs_evidence());
    assert_eq!(
        c,
        Counts {
            current: 1,
            stale: 1,
            rejected: 1
        }
    );
    assert_eq!(c.total(), 3);
    c.add_many(Standing::Stale, 40);
    c.add_many(Standing::Rejected, u32::MAX);
    assert_eq!((c.current, c.stale, c.rejected), (1, 41, u32::MAX));
}

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let m: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| m.get(k).cloned()
}

#[test]
fn github_actions_runs_are_read_with_a_link_to_the_run() {
    let run = ci_run(env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_SHA", "abc123"),
        ("GITHUB_REF_NAME", "main"),
        ("GITHUB_WORKFLOW", "model-eval"),
        ("GITHUB_RUN_ID", "42"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/fraud"),
        ("CI", "true"),
    ]))
    .unwrap();
    assert_eq!(
        run,
        CiRun {
            system: "github-actions".into(),
            repository: "acme/fraud".into(),
            commit: "abc123".into(),
            branch: "main".into(),
            pipeline: "model-eval".into(),
            run: "42".into(),
            url: "https://github.com/acme/fraud/actions/runs/42".into(),
        }
    );
    // A pull request's branch is its head, not the merge ref.
    let pr = ci_run(env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_HEAD_REF", "feature"),
        ("GITHUB_REF_NAME", "7/merge"),
    ]))
    .unwrap();
    assert_eq!(pr.branch, "feature");
    assert_eq!(pr.url, "", "no link without server, repository and run");
    let partial = ci_run(env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/fraud"),
    ]))
    .unwrap();
    assert_eq!(partial.url, "");
    let partial = ci_run(env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_RUN_ID", "1"),
    ]))
    .unwrap();
    assert_eq!(partial.url, "");
    let partial = ci_run(env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_REPOSITORY", "a/b"),
        ("GITHUB_RUN_ID", "1"),
    ]))
    .unwrap();
    assert_eq!(partial.url, "");
}

#[test]
fn gitlab_jenkins_and_generic_ci_are_read() {
    let gl = ci_run(env(&[
        ("GITLAB_CI", "true"),
        ("CI", "true"),
        ("CI_COMMIT_SHA", "def456"),
        ("CI_COMMIT_REF_NAME", "release"),
        ("CI_PIPELINE_ID", "900"),
        ("CI_JOB_ID", "901"),
        ("CI_JOB_URL", "https://gitlab.example/j/901"),
        ("CI_PROJECT_PATH", "acme/fraud"),
    ]))
    .unwrap();
    assert_eq!(
        (
            gl.system.as_str(),
            gl.commit.as_str(),
            gl.branch.as_str(),
            gl.pipeline.as_str(),
            gl.run.as_str(),
            gl.url.as_str(),
            gl.repository.as_str()
        ),
        (
            "gitlab-ci",
            "def456",
            "release",
            "900",
            "901",
            "https://gitlab.example/j/901",
            "acme/fraud"
        )
    );
    let j = ci_run(env(&[
        ("JENKINS_URL", "https://ci.example/"),
        ("GIT_COMMIT", "fff"),
        ("GIT_BRANCH", "origin/main"),
        ("JOB_NAME", "eval"),
        ("BUILD_NUMBER", "7"),
        ("BUILD_URL", "https://ci.example/job/eval/7/"),
        ("GIT_URL", "git@example:acme/fraud.git"),
    ]))
    .unwrap();
    assert_eq!(
        (
            j.system.as_str(),
            j.commit.as_str(),
            j.branch.as_str(),
            j.pipeline.as_str(),
            j.run.as_str(),
            j.url.as_str(),
            j.repository.as_str()
        ),
        (
            "jenkins",
            "fff",
            "origin/main",
            "eval",
            "7",
            "https://ci.example/job/eval/7/",
            "git@example:acme/fraud.git"
        )
    );
    let g = ci_run(env(&[
        ("CI_COMMIT_SHA", " 0a1b "),
        ("CI_BRANCH", "dev"),
        ("CI_PIPELINE", "nightly"),
        ("CI_RUN_ID", "3"),
        ("CI_RUN_URL", "https://ci/3"),
        ("CI_REPO", "acme/x"),
    ]))
    .unwrap();
    assert_eq!(
        g,
        CiRun {
            system: "ci".into(),
            repository: "acme/x".into(),
            commit: "0a1b".into(),
            branch: "dev".into(),
            pipeline: "nightly".into(),
            run: "3".into(),
            url: "https://ci/3".into(),
        }
    );
    assert_eq!(ci_run(env(&[("CI", "true")])).unwrap().system, "ci");
    assert_eq!(
        ci_run(env(&[("CI_PIPELINE_ID", "1")])).unwrap().pipeline,
        "1"
    );
    assert!(ci_run(env(&[])).is_none(), "outside CI");
    assert!(ci_run(env(&[("CI", "  ")])).is_none(), "blank is unset");
    assert!(
        ci_run(env(&[("GITHUB_ACTIONS", "false")])).is_none(),
        "only true means GitHub"
    );
}

#[test]
fn ci_fields_too_long_or_with_control_characters_are_named() {
    let mut run = CiRun {
        system: "ci".into(),
        commit: "x".repeat(CI_FIELD_MAX),
        ..CiRun::default()
    };
    assert!(run.problems().is_empty());
    run.commit.push('x');
    run.branch = "a\u{7}b".into();
    assert_eq!(run.problems(), ["ci.commit", "ci.branch"]);
    let all = CiRun {
        system: "\u{1}".into(),
        repository: "\u{1}".into(),
        commit: String::new(),
        branch: String::new(),
        pipeline: "\u{1}".into(),
        run: "\u{1}".into(),
        url: "\u{1}".into(),
    };
    assert_eq!(
        all.problems(),
        [
            "ci.system",
            "ci.repository",
            "ci.pipeline",
            "ci.run",
            "ci.url"
        ]
    );
}

#[test]
fn file_names_keep_only_their_last_component() {
    assert_eq!(file_name("report.pdf").as_deref(), Some("report.pdf"));
    assert_eq!(
        file_name("../../etc/passwd").as_deref(),
        Some("passwd"),
        "no directory survives"
    );
    assert_eq!(
        file_name("C:\\temp\\eval.json").as_deref(),
        Some("eval.json")
    );
    assert_eq!(
        file_name(" a\u{0}b\u{202E}c.txt ").as_deref(),
        Some("abc.txt")
    );
    assert_eq!(file_name(".."), None);
    assert_eq!(file_name("dir/"), None);
    assert_eq!(file_name(""), None);
    assert_eq!(file_name(".hidden").as_deref(), Some(".hidden"));
    let long = "é".repeat(FILE_NAME_MAX + 10);
    assert_eq!(
        file_name(&long).map(|n| n.chars().count()),
        Some(FILE_NAME_MAX)
    );
}

#[test]
fn content_types_come_from_the_bytes_and_nothing_is_active() {
    assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), "image/png");
    assert_eq!(sniff(b"\xff\xd8\xff\xe0"), "image/jpeg");
    assert_eq!(sniff(b"GIF87a.."), "image/gif");
    assert_eq!(sniff(b"GIF89a.."), "image/gif");
    assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp");
    assert_eq!(
        sniff(b"RIFF\x10\x00\x00\x00WAVE"),
        "application/octet-stream"
    );
    assert_eq!(sniff(b"RIFF"), "text/plain");
    assert_eq!(sniff(b"PK\x03\x04"), "application/zip");
    assert_eq!(sniff(b"\x1f\x8b\x08"), "application/gzip");
    assert_eq!(sniff(b"  {\"accuracy\": 0.9}"), "application/json");
    assert_eq!(sniff("\u{feff}[1]".as_bytes()), "application/json");
    assert_eq!(sniff(b"<html><script>alert(1)</script>"), "text/plain");
    assert_eq!(sniff(b"<svg onload=alert(1)>"), "text/plain");
    assert_eq!(sniff(b"a\0b"), "application/octet-stream");
    assert_eq!(sniff(b"\xff\xfe\x00"), "application/octet-stream");
    assert_eq!(sniff("caf\u{e9}".as_bytes()), "text/plain");
    // A character cut by the head's end.
    assert_eq!(sniff(&"é".as_bytes()[..1]), "text/plain");
    assert_eq!(sniff(b""), "text/plain");
    for t in [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "application/json",
    ] {
        assert!(previewable(t), "{t}");
    }
    for t in [
        "application/zip",
        "application/octet-stream",
        "text/html",
        "image/svg+xml",
        "application/gzip",
    ] {
        assert!(!previewable(t), "{t}");
    }
}
