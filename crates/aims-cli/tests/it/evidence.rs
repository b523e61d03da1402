//! Evidence (issue #9): pushed from a pipeline in one request with its CI
//! run, stored once per content, downloaded safely, judged stale by the
//! clock, re-hashed by `aims evidence verify`.

use crate::helpers::{Caller, TestApp, WS};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::Arc;

/// Runs `aims` with only the environment given (no CI variables leak in
/// from the machine running the tests).
/// On a blocking thread: the server answers on this test's runtime meanwhile.
pub(crate) async fn aims(t: &TestApp, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(TestApp::bin());
    cmd.env_clear()
        .envs(env.iter().copied())
        .args(t.db.cli_args())
        .args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn push(t: &TestApp, token: &str, parts: reqwest::multipart::Form) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(t.url(&format!("{WS}/evidence/push")))
        .bearer_auth(token)
        .multipart(parts)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn file(bytes: &'static [u8], name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned())
}

fn blob_count(t: &TestApp) -> usize {
    crate::helpers::blob_files(t)
}

pub(crate) fn soa_line(soa: &Value, control: &str) -> Value {
    soa["current"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["control"] == control)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_push_from_ci_lands_on_the_control_in_one_request_with_its_run() {
    let t = TestApp::new().await;
    let contributor = Caller::new(&t, "contributor").await;
    contributor
        .post("/systems", json!({"name": "Fraud model"}))
        .await;
    let dir = crate::helpers::tempdir::TempDir::new();
    let report = dir.path().join("eval-report.json");
    std::fs::write(&report, br#"{"auc": 0.91, "fairness_gap": 0.02}"#).unwrap();
    let o = aims(
        &t,
        &[
            "evidence",
            "push",
            "--server",
            &t.base,
            "--token",
            &contributor.token,
            "--workspace",
            "acme",
            "--control",
            "A.6.2.4",
            "--system",
            "Fraud model",
            "--covers",
            "2026-01-01..2026-03-31",
            "--valid-until",
            "2026-12-31",
            "--format",
            "json",
            report.to_str().unwrap(),
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SHA", "4f2a9c1"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_WORKFLOW", "model-eval"),
            ("GITHUB_RUN_ID", "8812"),
            ("GITHUB_SERVER_URL", "https://github.example"),
            ("GITHUB_REPOSITORY", "acme/fraud"),
        ],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let item: Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(item["fields"]["source"], "ci");
    assert_eq!(item["fields"]["covers_from"], "2026-01-01");
    assert_eq!(item["fields"]["covers_to"], "2026-03-31");
    let f = &item["files"][0];
    assert_eq!(f["file_name"], "eval-report.json");
    assert_eq!(
        f["media_type"], "application/json",
        "sniffed from the content"
    );
    let ci: Value = serde_json::from_str(f["ci"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            ci["commit"].as_str(),
            ci["run"].as_str(),
            ci["branch"].as_str()
        ),
        (Some("4f2a9c1"), Some("8812"), Some("main"))
    );
    let kinds: Vec<&str> = item["for_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "the control and the system: {item}");
    // The control shows it: current evidence, covering the system.
    let (_, soa) = contributor.get("/soa").await;
    let line = soa_line(&soa, "iso42001:A.6.2.4");
    assert_eq!(line["evidence"]["current"], 1, "{line}");
    assert_eq!(line["systems"], json!(["Fraud model"]));
    // Staleness flips the control to "needs evidence" through the clock.
    let acme = t.scope("acme").await;
    let on = |secs: u64| {
        t.app.clone().with_clock(Arc::new(aims_app::FixedClock(
            (std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)).into(),
        )))
    };
    // 2026-12-31 and 2027-01-01 at noon.
    let last_day = on(1_798_718_400);
    let (v, _) = last_day.soa(&acme).await.unwrap();
    let l = v
        .lines
        .iter()
        .find(|l| l.row.control == "iso42001:A.6.2.4")
        .unwrap();
    assert_eq!((l.facts.evidence.current, l.needs_evidence), (1, false));
    let after = on(1_798_804_800);
    let (v, _) = after.soa(&acme).await.unwrap();
    let l = v
        .lines
        .iter()
        .find(|l| l.row.control == "iso42001:A.6.2.4")
        .unwrap();
    assert_eq!((l.facts.evidence.stale, l.needs_evidence), (1, true));
    // The item lists with its duty in the owner's work (valid_until is a dated duty).
    let (s, list) = contributor.get("/evidence?due_before=2027-01-01").await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    // `aims evidence show` reads it back with its run.
    let o = aims(&t, &["evidence", "show", "--workspace", "acme", &id], &[]).await;
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && text.contains("commit 4f2a9c1 run 8812"),
        "{text}"
    );
    t.stop().await;
}

#[tokio::test]
async fn identical_content_is_stored_once_downloads_are_attachments_and_roles_hold() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let contributor = Caller::new(&t, "contributor").await;
    let auditor = Caller::new(&t, "auditor").await;
    let html: &'static [u8] = b"<html><script>alert(1)</script></html>";
    let form = || {
        reqwest::multipart::Form::new()
            .text("control", "A.6.2.6")
            .part("file", file(html, "../../report.html"))
    };
    let (s, first) = push(&t, &contributor.token, form()).await;
    assert_eq!(s, 201, "{first}");
    let (s, second) = push(&t, &contributor.token, form()).await;
    assert_eq!(s, 201, "{second}");
    assert_eq!(first["files"][0]["sha256"], second["files"][0]["sha256"]);
    assert_eq!(blob_count(&t), 1, "identical content is stored once");
    assert_eq!(
        first["files"][0]["file_name"], "report.html",
        "no directory kept"
    );
    // A new version of the same item.
    let id = first["id"].as_str().unwrap();
    let r = reqwest::Client::new()
        .post(t.url(&format!("{WS}/evidence/{id}/files")))
        .bearer_auth(&contributor.token)
        .multipart(reqwest::multipart::Form::new().part("file", file(b"%PDF-1.7 v2", "report.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["files"][0]["number"], 2, "newest first");
    assert_eq!(v["files"][0]["media_type"], "application/pdf");
    assert_eq!(blob_count(&t), 2);
    // An auditor downloads, never as active content, but cannot push.
    let r = reqwest::Client::new()
        .get(t.url(&format!("{WS}/evidence/{id}/files/1")))
        .bearer_auth(&auditor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(r.bytes().await.unwrap().as_ref(), html);
    let r = reqwest::Client::new()
        .get(t.url(&format!("{WS}/evidence/{id}/files/1/preview")))
        .bearer_auth(&auditor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "text/plain",
        "HTML is shown as text: {:?}",
        r.headers()
    );
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    let (s, _) = push(&t, &auditor.token, form()).await;
    assert_eq!(s, 403);
    // Another workspace's evidence does not exist for this one.
    let other = t.token("other", "manager").await;
    let r = reqwest::Client::new()
        .get(t.url(&format!("/api/v1/workspaces/other/evidence/{id}/files/1")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // Bad parts are named.
    let (s, p) = push(
        &t,
        &contributor.token,
        reqwest::multipart::Form::new()
            .text("control", "Z.9")
            .part("file", file(b"x", "x.txt")),
    )
    .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("control")),
        "{p}"
    );
    let (s, _) = push(
        &t,
        &contributor.token,
        reqwest::multipart::Form::new()
            .text("covers", "2026-02-01..2026-01-01")
            .part("file", file(b"x", "x.txt")),
    )
    .await;
    assert_eq!(s, 422);
    // A reviewer rejects it, with a reason.
    let manager = Caller::new(&t, "manager").await;
    let (_, item) = manager.get(&format!("/evidence/{id}")).await;
    let (s, p) = manager
        .post(
            &format!("/evidence/{id}/review"),
            json!({"version": item["version"], "status": "rejected"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let (s, _) = manager
        .post(
            &format!("/evidence/{id}/review"),
            json!({"version": item["version"], "status": "rejected", "note": "Unreadable"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, soa) = auditor.get("/soa").await;
    let line = soa_line(&soa, "iso42001:A.6.2.6");
    assert_eq!(line["evidence"]["rejected"], 1, "{line}");
    t.stop().await;
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_keeps_nothing() {
    let t = TestApp::with(crate::helpers::Options {
        max_upload_bytes: 1024,
        ..Default::default()
    })
    .await;
    let c = Caller::new(&t, "contributor").await;
    let big: &'static [u8] = Box::leak(vec![b'a'; 4096].into_boxed_slice());
    let (s, p) = push(
        &t,
        &c.token,
        reqwest::multipart::Form::new().part("file", file(big, "big.txt")),
    )
    .await;
    assert_eq!(s, 413, "{p}");
    assert_eq!(blob_count(&t), 0);
    let (_, list) = c.get("/evidence").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    t.stop().await;
}

#[tokio::test]
async fn verify_names_a_blob_altered_or_missing_on_disk() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, a) = push(
        &t,
        &c.token,
        reqwest::multipart::Form::new().part("file", file(b"model card v1", "card.md")),
    )
    .await;
    let (_, b) = push(
        &t,
        &c.token,
        reqwest::multipart::Form::new().part("file", file(b"test report", "tests.xml")),
    )
    .await;
    let o = aims(&t, &["evidence", "verify"], &[]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let sha = a["files"][0]["sha256"].as_str().unwrap();
    let path =
        t.db.dir
            .path()
            .join("evidence/sha256")
            .join(&sha[..2])
            .join(sha);
    std::fs::write(&path, b"model card v2").unwrap();
    let gone = b["files"][0]["sha256"].as_str().unwrap();
    std::fs::remove_file(
        t.db.dir
            .path()
            .join("evidence/sha256")
            .join(&gone[..2])
            .join(gone),
    )
    .unwrap();
    let o = aims(&t, &["evidence", "verify"], &[]).await;
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("altered: card.md"), "{text}");
    assert!(text.contains("missing: tests.xml"), "{text}");
    assert!(
        text.contains("2 stored file(s) checked, 2 missing or altered"),
        "{text}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_person_uploads_a_version_on_the_page_and_the_control_shows_it_with_its_crosswalk() {
    let t = TestApp::new().await;
    let (browser, csrf) = crate::helpers::member_session(
        &t,
        "ines@example.org",
        "acme",
        aims_app::domain::Role::Contributor,
    )
    .await;
    let c = Caller::new(&t, "contributor").await;
    let (_, item) = push(
        &t,
        &c.token,
        reqwest::multipart::Form::new()
            .text("control", "A.6.2.4")
            .part("file", file(b"first", "plan.txt")),
    )
    .await;
    let id = item["id"].as_str().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", file(b"\x89PNG\r\n\x1a\nimage", "chart.png"));
    let r = browser
        .post(t.url(&format!("/w/acme/evidence/{id}/upload")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = crate::helpers::location(&r);
    let html = crate::helpers::fetch_text(&browser, &t.url(&to)).await;
    assert!(html.contains("File added as a new version"), "{html}");
    assert!(html.contains("chart.png") && html.contains("plan.txt"));
    assert!(html.contains("image/png") && html.contains("Preview of chart.png"));
    // A forged form stores nothing.
    let before = crate::helpers::blob_files(&t);
    let r = browser
        .post(t.url(&format!("/w/acme/evidence/{id}/upload")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", "f".repeat(64))
                .part("file", file(b"forged", "x.txt")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(crate::helpers::blob_files(&t), before);
    // The control lists it and what else it supports through the crosswalks.
    let control = item["for_records"][0]["id"].as_str().unwrap();
    let html =
        crate::helpers::fetch_text(&browser, &t.url(&format!("/w/acme/controls/{control}"))).await;
    assert!(
        html.contains("plan.txt") && html.contains(">current<"),
        "{html}"
    );
    assert!(html.contains("The same evidence also supports"), "{html}");
    // The API answers the same from the other framework's side.
    let (_, mapped) = c.get("/catalog/iso42001/A.6.2.4/evidence").await;
    assert_eq!(mapped["supporting"][0]["relationship"], "direct");
    let crosswalk = t.app.control_crosswalk("iso42001:A.6.2.4").await.unwrap();
    let other = crosswalk
        .first()
        .expect("A.6.2.4 maps to another framework");
    let (s, v) = c
        .get(&format!(
            "/catalog/{}/{}/evidence",
            other.framework,
            other.item.replace(' ', "%20")
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let found = v["supporting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["control"] == "iso42001:A.6.2.4")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(found["evidence"][0]["evidence"]["title"], "plan.txt");
    assert_ne!(found["relationship"], "direct");
    t.stop().await;
}

#[tokio::test]
async fn the_evidence_library_offers_mine_and_stale_views() {
    let t = TestApp::new().await;
    let (b, _) = crate::helpers::member_session(
        &t,
        "carol@example.org",
        "acme",
        aims_app::domain::Role::Contributor,
    )
    .await;
    let c = Caller::new(&t, "contributor").await;
    for (title, owner, until) in [
        ("Carol's lapsed eval", "carol@example.org", "2020-06-30"),
        ("Carol's current eval", "carol@example.org", "2999-01-01"),
        ("Someone else's lapsed card", "", "2021-01-31"),
    ] {
        let mut body = json!({"title": title, "valid_until": until});
        if !owner.is_empty() {
            body["owner"] = json!(owner);
        }
        let (s, v) = c.post("/evidence", body).await;
        assert_eq!(s, 201, "{v}");
    }
    let page = crate::helpers::fetch_text(&b, &t.url("/w/acme/evidence")).await;
    let today = t.app.today();
    assert!(
        page.contains("href=\"/w/acme/evidence?owner=me\">Mine</a>")
            && page.contains(&format!(
                "href=\"/w/acme/evidence?due_before={today}\">Stale</a>"
            )),
        "{page}"
    );
    let stale =
        crate::helpers::fetch_text(&b, &t.url(&format!("/w/acme/evidence?due_before={today}")))
            .await;
    assert!(
        stale.contains("Carol&#39;s lapsed eval")
            && stale.contains("Someone else&#39;s lapsed card")
            && !stale.contains("Carol&#39;s current eval"),
        "{stale}"
    );
    assert!(stale.contains("Valid until before"), "named by the duty");
    assert!(stale.contains(">30 Jun 2020<"), "dates as people read them");
    assert!(stale.contains("aria-current=\"page\">Stale</a>"));
    let mine = crate::helpers::fetch_text(&b, &t.url("/w/acme/evidence?owner=me")).await;
    assert!(
        mine.contains("Carol&#39;s lapsed eval")
            && mine.contains("Carol&#39;s current eval")
            && !mine.contains("Someone else"),
        "{mine}"
    );
    // The owner filter shows the reader chosen, so Apply keeps the view.
    assert!(
        mine.contains("<option value=\"carol@example.org\" selected>"),
        "{mine}"
    );
    t.stop().await;
}

#[tokio::test]
async fn evidence_is_kept_for_a_clause_requirement_too() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let token = c.token.clone();
    // Pushed for clause 9.2.2 (the internal audit programme) by its number.
    let (s, item) = push(
        &t,
        &token,
        reqwest::multipart::Form::new()
            .text("control", "9.2.2")
            .part("file", file(b"2027 audit programme", "programme.txt")),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    assert_eq!(
        item["for_records"][0]["title"],
        "9.2.2 Internal audit programme"
    );
    // Linked to another clause through the shared link mechanism.
    let id = item["id"].as_str().unwrap();
    let (s, v) = c
        .post(
            &format!("/evidence/{id}/links"),
            json!({"relation": "evidence_for", "to": "iso42001:7.5.3"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = c.get("/catalog/iso42001/9.2.2/evidence").await;
    assert_eq!(v["supporting"][0]["relationship"], "direct", "{v}");
    assert_eq!(
        v["supporting"][0]["evidence"][0]["evidence"]["title"],
        "programme.txt"
    );
    // A treatment implements controls, not clauses.
    let (_, action) = c
        .post("/risk-actions", json!({"title": "Plan audits"}))
        .await;
    let (s, p) = c
        .post(
            &format!("/risk-actions/{}/links", action["id"].as_str().unwrap()),
            json!({"relation": "implements", "to": "iso42001:9.2.2"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert!(p.to_string().contains("is a clause, not a control"), "{p}");
    // The SoA still lists the 38 Annex A controls and nothing else.
    let (_, soa) = c.get("/soa").await;
    assert_eq!(soa["current"]["lines"].as_array().unwrap().len(), 38);
    t.stop().await;
}

/// One evidence item of the test below as the test made it.
struct Item {
    id: String,
    review: Option<&'static str>,
    date: Option<&'static str>,
    /// `(control, link id)` of its links to controls.
    controls: Vec<(&'static str, String)>,
}

/// Each control's counts as the domain judges the items on `today`.
fn expected(
    items: &[Item],
    today: &str,
) -> std::collections::HashMap<&'static str, aims_domain::evidence::Counts> {
    let mut expect: std::collections::HashMap<_, aims_domain::evidence::Counts> =
        Default::default();
    for i in items {
        for (control, _) in &i.controls {
            expect
                .entry(*control)
                .or_default()
                .add(aims_domain::evidence::standing(i.review, i.date, today));
        }
    }
    expect
}

/// The SoA counts each control's evidence as the domain judges every item
/// on its own: each review status with each validity (none, past, the day
/// before, today, later), an item rejected and past its validity at once,
/// items for two controls, for a control and a system, for a risk only —
/// and still after reviews, validity dates set, moved and cleared, links
/// removed and items deleted (the counts are kept as they change).
#[tokio::test]
async fn the_soa_counts_every_item_as_the_domain_judges_it() {
    use aims_domain::evidence::Counts;
    let t = TestApp::new().await;
    let c = Caller::new(&t, "manager").await;
    let (_, system) = c.post("/systems", json!({"name": "Fraud model"})).await;
    let (_, risk) = c.post("/risks", json!({"title": "Drift"})).await;
    let controls = ["iso42001:A.6.2.4", "iso42001:A.6.2.6", "iso42001:A.7.4"];
    // Judged at noon on 2027-01-01.
    let today = "2027-01-01";
    let dates = [
        None,
        Some("2020-01-01"),
        Some("2026-12-31"),
        Some("2027-01-01"),
        Some("2027-06-30"),
    ];
    let reviews = [None, Some("submitted"), Some("accepted"), Some("rejected")];
    let mut items = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    let mut n = 0;
    for date in dates {
        for review in reviews {
            let mut fields = json!({"title": format!("Evidence {n}")});
            if let Some(d) = date {
                fields["valid_until"] = json!(d);
            }
            if let Some(r) = review {
                fields["review_status"] = json!(r);
            }
            let (s, item) = c.post("/evidence", fields).await;
            assert_eq!(s, 201, "{item}");
            let id = item["id"].as_str().unwrap().to_owned();
            assert_eq!(item["review_status"].as_str(), review, "{item}");
            let mut targets = vec![];
            if n % 7 != 6 {
                targets.push((Some(controls[n % 3]), json!(controls[n % 3])));
            }
            if n % 4 == 0 {
                let other = controls[(n + 1) % 3];
                targets.push((Some(other), json!(other)));
            }
            if n % 5 == 0 {
                targets.push((None, system["id"].clone()));
                if n % 7 != 6 {
                    covered.insert(controls[n % 3]);
                }
                if n % 4 == 0 {
                    covered.insert(controls[(n + 1) % 3]);
                }
            }
            if n % 7 == 6 {
                targets.push((None, risk["id"].clone()));
            }
            let mut linked = vec![];
            for (control, to) in targets {
                let (s, v) = c
                    .post(
                        &format!("/evidence/{id}/links"),
                        json!({"relation": "evidence_for", "to": to}),
                    )
                    .await;
                assert_eq!(s, 201, "{v}");
                if let Some(control) = control {
                    linked.push((control, v["id"].as_str().unwrap().to_owned()));
                }
            }
            items.push(Item {
                id,
                review,
                date,
                controls: linked,
            });
            n += 1;
        }
    }
    let app = t.app.clone().with_clock(Arc::new(aims_app::FixedClock(
        (std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_798_804_800)).into(),
    )));
    let check = |items: &[Item], systems_too: bool| {
        let expect = expected(items, today);
        let app = app.clone();
        let covered = covered.clone();
        let ws = t.scope("acme");
        async move {
            let (v, _) = app.soa(&ws.await).await.unwrap();
            for l in &v.lines {
                let want = expect
                    .get(l.row.control.as_str())
                    .copied()
                    .unwrap_or_default();
                assert_eq!(l.facts.evidence, want, "{}", l.row.control);
                assert_eq!(l.needs_evidence, want.current == 0, "{}", l.row.control);
                if systems_too {
                    let systems: &[&str] = if covered.contains(l.row.control.as_str()) {
                        &["Fraud model"]
                    } else {
                        &[]
                    };
                    assert_eq!(l.facts.systems, systems, "{}", l.row.control);
                }
            }
            // Every kind of group occurs, rejected and stale at once included.
            let all = expect.values().fold(Counts::default(), |mut a, c| {
                a.current += c.current;
                a.stale += c.stale;
                a.rejected += c.rejected;
                a
            });
            assert!(
                all.current > 0 && all.stale > 0 && all.rejected > 0,
                "{all:?}"
            );
        }
    };
    check(&items, true).await;
    // Reviews cross `rejected` both ways, validity dates are set, moved and
    // cleared, a link goes, items are deleted: the counts follow.
    for (k, i) in items.iter_mut().enumerate() {
        let (_, now) = c.get(&format!("/evidence/{}", i.id)).await;
        let mut change = json!({"version": now["version"]});
        match k % 4 {
            0 => {
                let review = if i.review == Some("rejected") {
                    "accepted"
                } else {
                    "rejected"
                };
                change["review_status"] = json!(review);
                i.review = Some(review);
            }
            1 => {
                let date = if i.date.is_some() {
                    None
                } else {
                    Some("2020-06-01")
                };
                change["valid_until"] = json!(date);
                i.date = date;
            }
            2 => {
                let date = if i.date == Some("2030-01-01") {
                    "2026-01-01"
                } else {
                    "2030-01-01"
                };
                change["valid_until"] = json!(date);
                i.date = Some(date);
            }
            _ => continue,
        }
        let (s, v) = c.put(&format!("/evidence/{}", i.id), change).await;
        assert_eq!(s, 200, "{v}");
    }
    let unlinked = items.iter_mut().find(|i| !i.controls.is_empty()).unwrap();
    let (_, link) = unlinked.controls.pop().unwrap();
    let (s, v) = c
        .delete(&format!("/evidence/{}/links/{link}", unlinked.id))
        .await;
    assert_eq!(s, 204, "{v}");
    let gone: Vec<String> = [3, 7, 11].iter().map(|&k| items[k].id.clone()).collect();
    for id in &gone {
        let (s, v) = c.delete(&format!("/evidence/{id}")).await;
        assert_eq!(s, 204, "{v}");
    }
    items.retain(|i| !gone.contains(&i.id));
    check(&items, false).await;
    t.stop().await;
}
