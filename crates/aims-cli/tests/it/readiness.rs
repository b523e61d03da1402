//! Readiness (issue #12): on the demo organisation the dashboard names the
//! gaps with links to the pages that fix them, the API gives every score
//! and gap, fixing a gap raises the score by what it said, and the CLI
//! prints the score.

use crate::helpers::{member_session, TestApp};
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
}

/// Text as askama writes it into HTML.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}
