//! The `aims` command line on a real database.

use crate::helpers::{SystemsExt, TestApp, TestDb};
use reqwest::Method;
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub(crate) fn aims(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(TestApp::bin())
        .args(db.cli_args())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test]
async fn administration_from_the_command_line_drives_the_running_server() {
    let t = TestApp::empty().await;
    let db = &t.db;
    let o = aims(
        db,
        &[
            "user",
            "add",
            "--email",
            "Grace@Example.org",
            "--name",
            "Grace",
            "--admin",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("grace@example.org"));

    let o = aims(
        db,
        &[
            "user",
            "add",
            "--email",
            "bad",
            "--name",
            "",
            "--password-stdin",
        ],
        Some("short"),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--email") && err.contains("--name") && err.contains("--password"),
        "{err}"
    );

    assert!(aims(
        db,
        &["workspace", "create", "--name", "Acme AI", "--slug", "acme"],
        None
    )
    .status
    .success());
    let dup = aims(
        db,
        &["workspace", "create", "--name", "Again", "--slug", "acme"],
        None,
    );
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("slug"));
    assert!(aims(
        db,
        &[
            "member",
            "add",
            "--workspace",
            "acme",
            "--email",
            "grace@example.org",
            "--role",
            "auditor"
        ],
        None
    )
    .status
    .success());

    let o = aims(
        db,
        &[
            "token",
            "create",
            "--workspace",
            "acme",
            "--role",
            "contributor",
            "--name",
            "ci",
        ],
        None,
    );
    assert!(o.status.success());
    let out = stdout(&o);
    let token = out.lines().last().unwrap().to_owned();
    assert!(
        token.starts_with("aims_") && !token.contains(' '),
        "token alone on the last line: {out}"
    );

    // The running server accepts the token created by the CLI at once.
    let r = t
        .call(
            Method::POST,
            "/api/v1/workspaces/acme/systems",
            Some(&token),
            Some(serde_json::json!({"name": "From CI"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let list = stdout(&aims(db, &["token", "list", "--workspace", "acme"], None));
    assert!(list.contains("ci") && list.contains("contributor"));
    assert!(!list.contains(&token), "the secret is never listed");
    let id = list
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        aims(db, &["token", "revoke", "--workspace", "acme", &id], None)
            .status
            .success()
    );
    t.call(
        Method::GET,
        "/api/v1/workspaces/acme/systems",
        Some(&token),
        None,
    )
    .await
    .problem(401);

    let unknown = aims(
        db,
        &[
            "member",
            "add",
            "--workspace",
            "nope",
            "--email",
            "grace@example.org",
            "--role",
            "auditor",
        ],
        None,
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("workspace not found"));
    t.stop().await;
}

#[tokio::test]
async fn demo_is_idempotent() {
    let t = TestApp::new().await;
    let first = aims(&t.db, &["demo"], None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout(&first).contains("9 AI systems added, 5 classified"));
    assert!(
        stdout(&first).contains("10 risks with their treatment actions added"),
        "{}",
        stdout(&first)
    );
    let again = aims(&t.db, &["demo"], None);
    assert!(
        stdout(&again).contains("0 AI systems added, 0 classified"),
        "{}",
        stdout(&again)
    );
    assert!(
        stdout(&again).contains("0 risks with"),
        "{}",
        stdout(&again)
    );
    // Its risks are scored and treated; of four acceptances one was voided by a later change.
    let demo = t.scope("demo").await;
    let risks = t
        .app
        .all_records(&demo, aims_app::risks_kind(), &Default::default())
        .await
        .unwrap();
    assert_eq!(risks.len(), 10);
    assert!(risks
        .iter()
        .all(|r| r.fields["residual_band"] != "not_assessed"));
    let statuses = t.app.risk_acceptance_statuses(&demo).await.unwrap();
    let mut states: Vec<String> = statuses
        .values()
        .map(|(_, s)| {
            serde_json::to_value(s).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    states.sort();
    assert_eq!(states, ["valid", "valid", "valid", "voided"]);
    // The high-risk pricing model has an approved impact assessment; the CV
    // screening assistant a draft; the other systems none yet.
    assert!(stdout(&again).contains("0 impact assessments added"));
    let impacts = t.app.impact_statuses(&demo).await.unwrap();
    let state = |name: &str| {
        let s = impacts.iter().find(|s| s.system_name == name).unwrap();
        (s.latest.map(|l| l.1.key()), s.approved, s.fria_required)
    };
    assert_eq!(
        state("Premium pricing model"),
        (Some("approved"), Some(1), false)
    );
    assert_eq!(
        state("CV screening assistant"),
        (Some("draft"), None, false)
    );
    let run_ok = |args: &[&str]| {
        let o = aims(&t.db, args, None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    assert!(
        stdout(&first).contains("2 impact assessments added"),
        "{}",
        stdout(&first)
    );
    // The SoA: version 1 approved with two justified exclusions, version 2 a
    // draft; evidence current, stale, rejected and one from CI.
    assert!(
        stdout(&first).contains("2 Statement of Applicability versions and 5 evidence items added"),
        "{}",
        stdout(&first)
    );
    assert!(
        stdout(&again).contains("0 Statement of Applicability versions and 0 evidence items added")
    );
    assert!(
        stdout(&first).contains("17 documents, objectives, trainings, suppliers, incidents and other day-to-day records added"),
        "{}",
        stdout(&first)
    );
    assert!(stdout(&again).contains(" 0 documents, objectives"));
    // The published AI policy waits for acknowledgements; the incident's
    // report counts down; one training has expired.
    let ops = t.scope("demo").await;
    let docs = t
        .app
        .all_records(
            &ops,
            &aims_app::domain::record::DOCUMENTS,
            &Default::default(),
        )
        .await
        .unwrap();
    let policy = docs.iter().find(|d| d.title == "AI policy").unwrap();
    let acks = t
        .app
        .document_acknowledgements(&ops, &policy.id)
        .await
        .unwrap();
    assert_eq!(acks.number, Some(1));
    assert!(!acks.pending.is_empty());
    let work = t
        .app
        .work_list(&ops, &aims_app::WorkOf::Everyone, None)
        .await
        .unwrap();
    let due = |title: &str| {
        work.items
            .iter()
            .find(|i| i.title == title)
            .map(|i| (i.duty.clone(), i.days))
    };
    assert_eq!(
        due("Chatbot gave wrong cover information to members"),
        Some(("report_due".to_owned(), 12))
    );
    assert_eq!(
        due("Fairness testing for ML engineers"),
        Some(("expires_on".to_owned(), -35))
    );
    // The same from the command line, for any kind.
    let incidents: serde_json::Value = serde_json::from_str(&run_ok(&[
        "records",
        "list",
        "--workspace",
        "demo",
        "--kind",
        "incidents",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(incidents["items"].as_array().unwrap().len(), 2);
    let expired = run_ok(&[
        "records",
        "list",
        "--workspace",
        "demo",
        "--kind",
        "trainings",
        "--due-before",
        &t.app.today(),
    ]);
    assert!(
        expired.contains("Fairness testing for ML engineers")
            && !expired.contains("AI Act awareness"),
        "{expired}"
    );
    let anonymous = run_ok(&[
        "records",
        "list",
        "--workspace",
        "demo",
        "--kind",
        "incidents",
        "--filter",
        "source=anonymous",
    ]);
    assert!(
        anonymous.contains("Concern: screening") && !anonymous.contains("Chatbot"),
        "{anonymous}"
    );
    let tasks: serde_json::Value = serde_json::from_str(&run_ok(&[
        "tasks",
        "--workspace",
        "demo",
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(tasks["items"].to_string().contains("report_due"), "{tasks}");
    let o = aims(
        &t.db,
        &["records", "list", "--workspace", "demo", "--kind", "nope"],
        None,
    );
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--kind must be one of")
    );
    let v1 = t.app.soa_version(&demo, 1).await.unwrap();
    assert_eq!(v1.state, "approved");
    assert_eq!(v1.count(aims_app::domain::soa::Decision::Excluded), 2);
    assert_eq!(v1.count(aims_app::domain::soa::Decision::Undecided), 0);
    assert_eq!(t.app.soa_changes(&demo, 1, 2).await.unwrap().len(), 2);
    let shown = run_ok(&["soa", "show", "--workspace", "demo"]);
    assert!(
        shown.contains("iso42001:A.10.4\texcluded\tnot applicable:"),
        "{shown}"
    );
    let listed = run_ok(&[
        "evidence",
        "list",
        "--workspace",
        "demo",
        "--format",
        "json",
    ]);
    let items: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(items["items"].as_array().unwrap().len(), 5);
    let (current, _) = t.app.soa(&demo).await.unwrap();
    let line = |c: &str| {
        current
            .lines
            .iter()
            .find(|l| l.row.control == c)
            .unwrap()
            .clone()
    };
    assert_eq!(line("iso42001:A.6.2.4").facts.evidence.current, 1);
    assert_eq!(line("iso42001:A.6.2.4").facts.evidence.rejected, 1);
    let count = |args: &[&str]| -> usize {
        let mut all = vec![
            "evidence",
            "list",
            "--workspace",
            "demo",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        let v: serde_json::Value = serde_json::from_str(&run_ok(&all)).unwrap();
        v["items"].as_array().unwrap().len()
    };
    let e = line("iso42001:A.6.2.4").facts.evidence;
    assert_eq!(
        count(&["--control", "A.6.2.4"]) as u32,
        e.current + e.stale + e.rejected
    );
    assert_eq!(count(&["--stale"]), 1, "the demo's one stale item");
    assert_eq!(
        count(&["--control", "A.9.4"]),
        0,
        "a control with no record"
    );
    let o = aims(
        &t.db,
        &[
            "evidence",
            "list",
            "--workspace",
            "demo",
            "--control",
            "A.99",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("A.99 is not a control in the catalogue"));
    assert_eq!(
        line("iso42001:A.6.2.4")
            .facts
            .implementation_status
            .as_deref(),
        Some("implemented")
    );
    assert!(
        line("iso42001:A.4.6").needs_evidence,
        "its only evidence is stale"
    );
    let report = t.db.dir.path().join("soa.xlsx");
    run_ok(&[
        "report",
        "soa",
        "--workspace",
        "demo",
        "--version",
        "1",
        "-o",
        report.to_str().unwrap(),
    ]);
    let (_, sheet) = aims_app::export::read_sheet(
        &std::fs::read(&report).unwrap(),
        &aims_app::export::ReadLimits::default(),
    )
    .unwrap();
    assert_eq!(sheet.rows.len(), 38);
    let listed = run_ok(&["impact", "list", "--workspace", "demo", "--due"]);
    assert!(!listed.contains("Premium pricing model"), "{listed}");
    assert!(
        listed.contains("CV screening assistant\tv1 draft"),
        "{listed}"
    );
    let shown = run_ok(&[
        "impact",
        "show",
        "--workspace",
        "demo",
        &impacts
            .iter()
            .find(|s| s.system_name == "Premium pricing model")
            .unwrap()
            .system_id,
    ]);
    assert!(
        shown.contains("version 1 (Approved)") && shown.contains("Fundamental rights"),
        "{shown}"
    );
    // Its impacts name the risks of the register and the controls that mitigate them.
    let pricing = &impacts
        .iter()
        .find(|s| s.system_name == "Premium pricing model")
        .unwrap()
        .system_id;
    let (_, versions) = t.app.impact_assessment(&demo, pricing).await.unwrap();
    let first = &versions[0].assessment.impacts[0];
    assert_eq!(first.risks.len(), 1, "{first:?}");
    assert!(
        first.controls.contains(&"iso42001:A.5.4".to_owned()),
        "{first:?}"
    );
    // Its classifications span the tiers.
    let demo = t.scope("demo").await;
    let systems = t
        .app
        .all_records(&demo, aims_app::systems_kind(), &Default::default())
        .await
        .unwrap();
    let mut tiers = vec![];
    for s in &systems {
        if let Ok(c) = t.app.system_classification(&demo, &s.id).await {
            tiers.push(c.result.risk_tier.name());
        }
    }
    tiers.sort();
    assert_eq!(
        tiers,
        [
            "high_risk",
            "high_risk",
            "minimal",
            "minimal",
            "undetermined"
        ]
    );
    // The administrator can open it.
    let members = t.app.members(&t.scope("demo").await).await.unwrap();
    assert!(members
        .iter()
        .any(|m| m.email == crate::helpers::ADMIN_EMAIL && m.role == "manager"));
    assert_eq!(
        t.app.count_systems(&t.scope("demo").await).await.unwrap(),
        9
    );
    t.stop().await;
}

#[test]
fn help_documents_configuration() {
    let o = Command::new(TestApp::bin()).arg("--help").output().unwrap();
    let help = stdout(&o);
    for needle in [
        "serve",
        "demo",
        "audit",
        "token",
        "AIMS_DATA_DIR",
        "--database-url",
        "TOML",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
    let o = Command::new(TestApp::bin())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("--listen"));
}

#[test]
fn flags_beat_environment_beat_config_file() {
    let dir = crate::helpers::tempdir::TempDir::new();
    let file = dir.path().join("aims.toml");
    std::fs::write(&file, "data_dir = \"/from/file\"\nlog_format = \"json\"\ndatabase_url = \"postgres://u:secret@db/aims\"\n").unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(TestApp::bin());
        c.arg("--config")
            .arg(&file)
            .args(args)
            .arg("check-config")
            .env_remove("AIMS_DATA_DIR")
            .env_remove("AIMS_DATABASE_URL");
        for (k, v) in env {
            c.env(k, v);
        }
        stdout(&c.output().unwrap())
    };
    let from_file = run(&[], &[]);
    assert!(from_file.contains("/from/file") && from_file.contains("json"));
    assert!(
        !from_file.contains("secret"),
        "passwords are redacted: {from_file}"
    );
    let from_env = run(&[], &[("AIMS_DATA_DIR", "/from/env")]);
    assert!(from_env.contains("/from/env"));
    let from_flag = run(
        &["--data-dir", "/from/flag"],
        &[("AIMS_DATA_DIR", "/from/env")],
    );
    assert!(from_flag.contains("/from/flag"));
}

#[test]
fn serve_starts_and_stops_gracefully_on_sigterm() {
    let dir = crate::helpers::tempdir::TempDir::new();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(TestApp::bin())
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--log-format",
            "json",
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("AIMS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let mut ready = false;
    while start.elapsed() < std::time::Duration::from_secs(20) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                ready = true;
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(ready, "server never became ready");
    assert!(
        dir.path().join("aims.db").exists(),
        "database created on first start"
    );
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
    let mut log = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.lines()
            .any(|l| l.starts_with('{') && l.contains("shutting down")),
        "json logs: {log}"
    );
}

#[tokio::test]
async fn systems_are_listed_shown_and_classified_from_the_command_line() {
    let t = TestApp::new().await;
    let s = t
        .app
        .create_system(&t.scope("acme").await, "Spam filter", "Filters mail")
        .await
        .unwrap();
    let answers = r#"{"answers": {"role.places_on_market": true, "annex1.product_legislation": false,
        "annex3.area": "none", "gpai.provides_model": false, "art50.interacts_with_people": true}}"#;
    let o = aims(
        &t.db,
        &[
            "systems",
            "classify",
            "--workspace",
            "acme",
            &s.id,
            "--answers",
            "-",
        ],
        Some(answers),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("Art. 50"), "{}", stdout(&o));
    let o = aims(
        &t.db,
        &["systems", "list", "--workspace", "acme", "--format", "json"],
        None,
    );
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let item = &list["items"][0];
    assert_eq!(item["name"], "Spam filter");
    assert_eq!(item["classification"]["version"], 1);
    let o = aims(&t.db, &["systems", "list", "--workspace", "acme"], None);
    assert!(stdout(&o).contains("Spam filter\t"), "{}", stdout(&o));
    let o = aims(
        &t.db,
        &["systems", "show", "--workspace", "acme", &s.id],
        None,
    );
    assert!(stdout(&o).contains("EU AI Act:"), "{}", stdout(&o));
    // Bad answers name the question and exit non-zero.
    let o = aims(
        &t.db,
        &[
            "systems",
            "classify",
            "--workspace",
            "acme",
            &s.id,
            "--answers",
            "-",
        ],
        Some(r#"{"no.such": true}"#),
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no.such"));
    t.stop().await;
}

#[tokio::test]
async fn systems_export_from_the_command_line() {
    let t = TestApp::new().await;
    t.app
        .create_system(&t.scope("acme").await, "Exported", "")
        .await
        .unwrap();
    let file = t.db.dir.path().join("systems.xlsx");
    let o = aims(
        &t.db,
        &[
            "systems",
            "export",
            "--workspace",
            "acme",
            "--format",
            "xlsx",
            "-o",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK\x03\x04"));
    let o = aims(
        &t.db,
        &["systems", "export", "--workspace", "acme", "-o", "-"],
        None,
    );
    assert!(stdout(&o).contains("Exported"), "{}", stdout(&o));
    let o = aims(
        &t.db,
        &[
            "systems",
            "export",
            "--workspace",
            "acme",
            "--format",
            "pdf",
            "-o",
            "-",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("csv, json or xlsx"));
    t.stop().await;
}
