//! Readiness (issue #12): on the demo organisation the dashboard names the
//! gaps with links to the pages that fix them, the API gives every score
//! and gap, fixing a gap raises the score by what it said, and the CLI
//! prints the score.

use crate::helpers::{browser as anonymous_browser, member_session, TestApp};
use aims_app::domain::Role;
use aims_app::Principal;
use reqwest::Method;
use serde_json::{json, Value};

const DEMO: &str = "/api/v1/workspaces/demo";

async fn get(t: &TestApp, token: &str, path: &str) -> Value {
    let r = t
        .call(Method::GET, &format!("{DEMO}{path}"), Some(token), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.text);
    r.json()
}

#[tokio::test]
async fn the_demo_shows_named_gaps_and_fixing_one_raises_the_score() {
    let t = TestApp::new().await;
    t.app.load_demo(&Principal::operator()).await.unwrap();
    let token = t.token("demo", "contributor").await;
    let before = get(&t, &token, "/readiness").await;
    let overall = before["overall"]["percent"].as_u64().unwrap();
    assert!(overall > 0 && overall < 100, "{overall}");
    let clauses: Vec<&str> = before["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(clauses, ["4", "5", "6", "7", "8", "9", "10"]);
    let gaps = before["gaps"].as_array().unwrap();
    assert!(gaps.len() > 10, "{}", gaps.len());
    // Largest gain first.
    let gains: Vec<f64> = gaps.iter().map(|g| g["gain"].as_f64().unwrap()).collect();
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");

    // The dashboard names the top gaps, each linking to a page that opens.
    let (browser, _) = member_session(&t, "mia@example.org", "demo", Role::Manager).await;
    let html = browser
        .get(t.url("/w/demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("Readiness: {overall}%")), "{html}");
    // The risk heat maps, the overdue work and the controls short of evidence.
    assert!(html.contains("aria-label=\"Inherent: risks per likelihood and impact\""));
    assert!(html.contains("aria-label=\"Residual: risks per likelihood and impact\""));
    assert!(html.contains("risks on the heat map"), "{html}");
    assert!(html.contains("overdue duties") || html.contains("No overdue duty"));
    assert!(html.contains("controls need evidence"), "{html}");
    let top = &gaps[0];
    let href = format!("/w/demo/{}", top["subject"]["path"].as_str().unwrap());
    assert!(
        html.contains(&format!("href=\"{href}\"")),
        "{href} not on the dashboard"
    );
    let title = top["subject"]["title"].as_str().unwrap();
    assert!(html.contains(&askama_escape(title)), "{title}");
    let page = browser.get(t.url(&href)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200, "{href}");
    let full = browser
        .get(t.url("/w/demo/readiness"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(full.contains(&format!("{overall}%")));
    assert!(full.contains("<svg class=\"chart bars\""), "clause bars");

    // The signed pack downloads from the page and the API, and verifies.
    let zip = browser.get(t.url("/w/demo/pack")).send().await.unwrap();
    assert_eq!(zip.status().as_u16(), 200);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let key = zip.headers()["x-aims-pack-key"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = zip.bytes().await.unwrap();
    let v = aims_app::pack_format::verify(std::io::Cursor::new(&bytes[..]), Some(&key)).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.manifest.workspace, "demo");
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/pack?controls=A.6.2.4&from=2020-01-01"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200);
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/pack?from=yesterday"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);

    // The demo's trust page is on, with its public AI policy.
    let trust = anonymous_browser()
        .get(t.url("/trust/demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(trust.status().as_u16(), 200);
    assert!(trust.text().await.unwrap().contains("AI policy"));

    // Fix one gap: a control the statement includes is implemented.
    let gap = gaps
        .iter()
        .find(|g| {
            g["rule"] == "control_implemented"
                && g["subject"]["path"]
                    .as_str()
                    .unwrap()
                    .starts_with("controls/")
        })
        .expect("an included control not implemented");
    let path = gap["subject"]["path"].as_str().unwrap();
    let control = get(&t, &token, &format!("/{path}")).await;
    let r = t
        .call(
            Method::PUT,
            &format!("{DEMO}/{path}"),
            Some(&token),
            Some(json!({"version": control["version"], "implementation_status": "implemented"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let after = get(&t, &token, "/readiness").await;
    let (was, now) = (
        before["overall"]["score"].as_f64().unwrap(),
        after["overall"]["score"].as_f64().unwrap(),
    );
    let gain = gap["gain"].as_f64().unwrap();
    assert!(
        (now - was - gain / 100.0).abs() < 1e-9,
        "{was} + {gain} points != {now}"
    );
    assert_eq!(
        after["gaps"].as_array().unwrap().len(),
        gaps.len() - 1,
        "that gap is gone"
    );
    // The day's score is kept for the trend.
    let trend = get(&t, &token, "/readiness/trend?days=7").await;
    assert_eq!(
        trend["days"][0]["percent"], after["overall"]["percent"],
        "{trend}"
    );

    // The CLI prints the same score, and the reading as JSON.
    let out = std::process::Command::new(TestApp::bin())
        .args(t.db.cli_args())
        .args(["readiness", "--workspace", "demo", "--gaps", "3"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("{}%", after["overall"]["percent"])),
        "{text}"
    );
    assert!(text.contains("Gaps (3 of"), "{text}");
    let out = std::process::Command::new(TestApp::bin())
        .args(t.db.cli_args())
        .args(["readiness", "--workspace", "demo", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["percent"], after["overall"]["percent"]);

    // The gap report: an XLSX workbook with its four sheets, and the gaps as CSV.
    let xlsx = t.db.dir.path().join("gaps.xlsx");
    let out = std::process::Command::new(TestApp::bin())
        .args(t.db.cli_args())
        .args([
            "report",
            "gap",
            "--workspace",
            "demo",
            "--format",
            "xlsx",
            "-o",
        ])
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut book.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    for sheet in ["Summary", "Gaps", "Systems", "EU AI Act"] {
        assert!(
            workbook.contains(&format!("name=\"{sheet}\"")),
            "{sheet} in {workbook}"
        );
    }
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/readiness/export?format=csv"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200);
    let lines = r.text.lines().count();
    assert_eq!(
        lines,
        after["gaps"].as_array().unwrap().len() + 1,
        "a line per gap and the header"
    );
}

/// Text as askama writes it into HTML.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The pack rewritten with one byte of `name` flipped.
fn altered(pack: &[u8], name: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pack)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let entry = e.name().unwrap().into_owned();
        let mut content = Vec::new();
        e.read_to_end(&mut content).unwrap();
        if entry == name {
            content[0] ^= 0x20;
        }
        out.start_file(entry, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_signed_pack_verifies_and_names_what_was_altered() {
    let t = TestApp::new().await;
    t.app.load_demo(&Principal::operator()).await.unwrap();
    // An evidence file under its control.
    let demo = t.scope("demo").await;
    let dir = t.db.dir.path().to_owned();
    let pack = dir.join("demo-pack.zip");
    let out = t.run_cli(&[
        "export",
        "pack",
        "--workspace",
        "demo",
        "-o",
        pack.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["files"].as_u64().unwrap() > 20, "{report}");
    assert!(report["history_events"].as_u64().unwrap() > 50, "{report}");
    let key = t.run_cli(&["pack", "key"]);
    let key = String::from_utf8(key.stdout).unwrap().trim().to_owned();
    assert_eq!(key.len(), 64);
    assert_eq!(
        report["public_key"],
        key.as_str(),
        "the key printed signs the packs"
    );

    let bytes = std::fs::read(&pack).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    for expected in [
        "manifest.json",
        "manifest.sig",
        "manifest.pub",
        "records/risks.json",
        "records/links.json",
        "soa/statement.xlsx",
        "registers/risks.xlsx",
        "readiness.json",
        "history/events.jsonl",
        "evidence/index.json",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let risks: Value = {
        use std::io::Read;
        let mut s = String::new();
        zip.by_name("records/risks.json")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        serde_json::from_str(&s).unwrap()
    };
    let demo_risks = t
        .app
        .all_records(&demo, aims_app::risks_kind(), &Default::default())
        .await
        .unwrap();
    assert_eq!(risks.as_array().unwrap().len(), demo_risks.len());
    let evidence = names
        .iter()
        .find(|n| n.starts_with("evidence/A.") || n.starts_with("evidence/other/"))
        .cloned();

    // Unaltered: passes with the printed key, and with the key in the pack.
    let ok = t.run_cli(&["pack", "verify", pack.to_str().unwrap(), "--key", &key]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    assert!(text.contains("OK"), "{text}");
    let ok = t.run_cli(&["pack", "verify", pack.to_str().unwrap(), "--format", "json"]);
    // Without a key it is only intact: anyone could have re-signed it.
    assert_eq!(ok.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(
        (
            v["ok"].as_bool(),
            v["authenticated"].as_bool(),
            v["key_from_pack"].as_bool()
        ),
        (Some(true), Some(false), Some(true))
    );

    // The wrong key fails.
    let wrong = "11".repeat(32);
    let bad = t.run_cli(&["pack", "verify", pack.to_str().unwrap(), "--key", &wrong]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stdout).contains("signature"));

    // One byte of one file changed: named.
    let target = evidence.unwrap_or_else(|| "records/risks.json".into());
    let changed = dir.join("changed.zip");
    std::fs::write(&changed, altered(&bytes, &target)).unwrap();
    let bad = t.run_cli(&["pack", "verify", changed.to_str().unwrap(), "--key", &key]);
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(!bad.status.success(), "{text}");
    assert!(text.contains(&format!("altered: {target}")), "{text}");
    assert!(text.contains("FAILED"), "{text}");
    // A history event changed is named as an altered file too.
    let changed = dir.join("history.zip");
    std::fs::write(&changed, altered(&bytes, "history/events.jsonl")).unwrap();
    let bad = t.run_cli(&["pack", "verify", changed.to_str().unwrap(), "--key", &key]);
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text.contains("altered: history/events.jsonl"), "{text}");
}

#[tokio::test]
async fn risks_are_read_for_their_score_treatment_and_owner() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let post = |body: Value| {
        let (t, token) = (&t, &token);
        async move {
            let r = t
                .call(
                    Method::POST,
                    "/api/v1/workspaces/acme/risks",
                    Some(token),
                    Some(body),
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "{}", r.text);
            r.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let scored = post(
        json!({"title": "Scored and treated", "inherent_likelihood": 2, "inherent_impact": 3,
                            "treatment": "modify", "owner": "ada@example.org"}),
    )
    .await;
    let bare = post(json!({"title": "Bare", "owner": "ada@example.org"})).await;
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/readiness",
            Some(&token),
            None,
        )
        .await;
    let gaps = r.json()["gaps"].as_array().unwrap().clone();
    let of = |rule: &str| -> Vec<(String, String)> {
        gaps.iter()
            .filter(|g| g["rule"] == rule)
            .map(|g| {
                (
                    g["subject"]["path"].as_str().unwrap().to_owned(),
                    g["subject"]["owner"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let owner = "ada@example.org".to_owned();
    assert_eq!(
        of("risks_scored"),
        [(format!("risks/{bare}"), owner.clone())]
    );
    assert_eq!(of("treatment_chosen"), [(format!("risks/{bare}"), owner)]);
    assert!(
        !gaps
            .iter()
            .any(|g| g["subject"]["path"] == format!("risks/{scored}")
                && matches!(
                    g["rule"].as_str(),
                    Some("risks_scored" | "treatment_chosen")
                )),
        "{gaps:?}"
    );
}

/// After changes that only created, edited or linked risks or systems,
/// readiness reads those again and takes every other risk and system from
/// the snapshot it kept: the reading must be the one gathered afresh,
/// whatever the change touched (score, treatment, title, owner, an
/// acceptance it voids, scope, links, new records).
#[tokio::test]
async fn readiness_after_risk_and_system_edits_is_the_reading_gathered_afresh() {
    use crate::helpers::Caller;
    let t = TestApp::new().await;
    let manager = Caller::new(&t, "manager").await;
    let c = Caller::new(&t, "contributor").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let (_, sys) = c
        .post(
            "/systems",
            json!({"name": "Triage bot", "purpose": "Sorts tickets"}),
        )
        .await;
    let (_, other) = c
        .post(
            "/systems",
            json!({"name": "Scorer", "purpose": "Scores leads"}),
        )
        .await;
    let mut risks = Vec::new();
    for (n, body) in [
        json!({"title": "Bare risk"}),
        json!({"title": "Prompt injection", "inherent_likelihood": 4, "inherent_impact": 4,
               "residual_likelihood": 2, "residual_impact": 2, "treatment": "retain"}),
        json!({"title": "Drift", "inherent_likelihood": 2, "inherent_impact": 3, "treatment": "modify"}),
        json!({"title": "Leakage", "treatment": "avoid", "owner": "ada@example.org"}),
    ]
    .into_iter()
    .enumerate()
    {
        let (s, r) = c.post("/risks", body).await;
        assert_eq!(s, 201, "{r}");
        let to = if n % 2 == 0 { id(&sys) } else { id(&other) };
        let (s, _) = c
            .post(&format!("/risks/{}/links", id(&r)), json!({"relation": "concerns", "to": to}))
            .await;
        assert_eq!(s, 201);
        risks.push(id(&r));
    }
    let (_, action) = c
        .post(
            "/risk-actions",
            json!({"title": "Retrain monthly", "due": "2001-01-01"}),
        )
        .await;
    let (s, _) = c
        .post(
            &format!("/risks/{}/links", risks[2]),
            json!({"relation": "treated_by", "to": id(&action)}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, a) = manager
        .post(
            &format!("/risks/{}/acceptance", risks[1]),
            json!({"version": 1, "reason": "Filters in place", "expires_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(s, 200, "{a}");

    let scope = t.scope("acme").await;
    let fresh = || async {
        let s = t.app.readiness_snapshot(&scope).await.unwrap();
        serde_json::to_value(aims_app::domain::readiness::assess(&s)).unwrap()
    };
    let (_, first) = c.get("/readiness").await;
    assert_eq!(first, fresh().await);
    let gaps_of = |r: &Value, risk: &str| -> Vec<String> {
        let path = format!("risks/{risk}");
        let mut v: Vec<String> = r["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["subject"]["path"] == path.as_str())
            .map(|g| g["rule"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        gaps_of(&first, &risks[0]),
        ["risks_scored", "treatment_chosen"]
    );
    assert!(gaps_of(&first, &risks[1]).is_empty(), "accepted: {first}");

    // Each step edits risks only; the reading after it is compared with one
    // gathered afresh, and with what the user should see.
    let (s, r0) = c
        .put(&format!("/risks/{}", risks[0]),
             json!({"version": 1, "inherent_likelihood": 3, "inherent_impact": 3, "treatment": "share"}))
        .await;
    assert_eq!(s, 200, "{r0}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert_eq!(gaps_of(&now, &risks[0]), ["treatments_on_track"]);

    // A material change voids the acceptance; the risk's title changes too.
    let (s, r1) = c
        .put(
            &format!("/risks/{}", risks[1]),
            json!({"version": 1, "title": "Prompt injection (chat)", "residual_likelihood": 4}),
        )
        .await;
    assert_eq!(s, 200, "{r1}");
    let (s, r3) = c
        .put(
            &format!("/risks/{}", risks[3]),
            json!({"version": 1, "owner": "", "treatment": ""}),
        )
        .await;
    assert_eq!(s, 200, "{r3}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert_eq!(gaps_of(&now, &risks[1]), ["acceptances_valid"]);
    assert!(now.to_string().contains("Prompt injection (chat)"));
    assert_eq!(
        gaps_of(&now, &risks[3]),
        ["risks_scored", "treatment_chosen"]
    );

    // Systems edited: out of scope, renamed.
    let (s, e) = c
        .put(
            &format!("/systems/{}", id(&other)),
            json!({"version": 1, "in_scope": false, "name": "Lead scorer"}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert!(now.to_string().contains("Lead scorer"));
    assert!(
        !now["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["subject"]["path"] == format!("inventory/{}", id(&other)).as_str()),
        "out of scope: {now}"
    );

    // Links made and removed: both ends read again (a risk's systems and
    // actions, a system's risks).
    let (s, link) = c
        .post(
            &format!("/risks/{}/links", risks[3]),
            json!({"relation": "concerns", "to": id(&sys)}),
        )
        .await;
    assert_eq!(s, 201, "{link}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    let (s, _) = c
        .post(
            &format!("/risks/{}/links", risks[0]),
            json!({"relation": "treated_by", "to": id(&action)}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = c
        .delete(&format!(
            "/systems/{}/links/{}",
            id(&sys),
            link["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, 204);
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert_eq!(
        gaps_of(&now, &risks[0]),
        ["treatments_on_track"],
        "its action is overdue: {now}"
    );

    // Records created: read and put in their place.
    let (s, late) = c.post("/risks", json!({"title": "Late risk"})).await;
    assert_eq!(s, 201);
    let (s, late_system) = c
        .post(
            "/systems",
            json!({"name": "Late system", "purpose": "Arrives last"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert_eq!(
        gaps_of(&now, &id(&late)),
        ["risks_scored", "treatment_chosen"]
    );
    let system_gaps = |r: &Value| -> Vec<String> {
        let path = format!("inventory/{}", id(&late_system));
        r["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["subject"]["path"] == path.as_str())
            .map(|g| g["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(system_gaps(&now).contains(&"systems_risk_assessed".to_owned()));
    let (s, _) = c
        .post(
            &format!("/risks/{}/links", id(&late)),
            json!({"relation": "concerns", "to": id(&late_system)}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert!(!system_gaps(&now).contains(&"systems_risk_assessed".to_owned()));

    // Records deleted: gone, and what they were linked to read again (the
    // system concerned by risks[2] counts one risk less).
    let (s, _) = manager.delete(&format!("/risks/{}", id(&late))).await;
    assert_eq!(s, 204);
    let (s, _) = manager.delete(&format!("/risks/{}", risks[0])).await;
    assert_eq!(s, 204);
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert!(gaps_of(&now, &id(&late)).is_empty());
    assert!(gaps_of(&now, &risks[0]).is_empty());
    assert!(
        system_gaps(&now).contains(&"systems_risk_assessed".to_owned()),
        "its only risk went: {now}"
    );

    // Something else changes (the treatment action done): gathered afresh;
    // then risks again.
    let (s, done) = c
        .put(
            &format!("/risk-actions/{}", id(&action)),
            json!({"version": 1, "status": "done"}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    let (s, r2) = c
        .put(
            &format!("/risks/{}", risks[2]),
            json!({"version": 1, "treatment": "retain"}),
        )
        .await;
    assert_eq!(s, 200, "{r2}");
    let (_, now) = c.get("/readiness").await;
    assert_eq!(now, fresh().await);
    assert_eq!(gaps_of(&now, &risks[2]), ["acceptances_valid"]);
    t.stop().await;
}
