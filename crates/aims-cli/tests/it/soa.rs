//! The Statement of Applicability (issue #9): proposed from the risk
//! register, saved in versions, approved by a manager when every control is
//! decided and justified, immutable once approved, compared between
//! versions, exported one row per Annex A control.

use crate::helpers::{problem_fields, Caller, TestApp, WS};
use serde_json::{json, Value};

#[tokio::test]
async fn the_soa_proposal_includes_a_control_that_treats_a_risk_naming_the_risk() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, risk) = c.post("/risks", json!({"title": "Drift"})).await;
    let (_, action) = c
        .post("/risk-actions", json!({"title": "Monitor drift"}))
        .await;
    let (risk, action) = (risk["id"].as_str().unwrap(), action["id"].as_str().unwrap());
    let (s, _) = c
        .post(
            &format!("/risks/{risk}/links"),
            json!({"relation": "treated_by", "to": action}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = c
        .post(
            &format!("/risk-actions/{action}/links"),
            json!({"relation": "implements", "to": "iso42001:A.6.2.6"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, p) = Caller::new(&t, "auditor").await.get("/soa/proposal").await;
    assert_eq!(s, 200, "{p}");
    let rows = p["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 38, "every Annex A control");
    let row = rows
        .iter()
        .find(|r| r["control"] == "iso42001:A.6.2.6")
        .unwrap();
    assert_eq!(row["decision"], "included");
    assert_eq!(
        row["reasons"],
        json!([{"kind": "risk_treatment", "risks": [risk]}])
    );
    assert_eq!(
        rows.iter().filter(|r| r["decision"] == "undecided").count(),
        37
    );
    t.stop().await;
}

fn row<'a>(v: &'a Value, control: &str) -> &'a Value {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"] == control)
        .unwrap_or_else(|| panic!("no row {control} in {v}"))
}

async fn download(t: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(t.url(&format!("{WS}{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn an_soa_is_approved_only_when_justified_and_then_never_changes() {
    let t = TestApp::new().await;
    let contributor = Caller::new(&t, "contributor").await;
    let manager = Caller::new(&t, "manager").await;
    let auditor = Caller::new(&t, "auditor").await;
    let (_, risk) = contributor
        .post("/risks", json!({"title": "Biased credit decisions"}))
        .await;
    let (_, action) = contributor
        .post("/risk-actions", json!({"title": "Fairness testing"}))
        .await;
    let (risk, action) = (risk["id"].as_str().unwrap(), action["id"].as_str().unwrap());
    contributor
        .post(
            &format!("/risks/{risk}/links"),
            json!({"relation": "treated_by", "to": action}),
        )
        .await;
    contributor
        .post(
            &format!("/risk-actions/{action}/links"),
            json!({"relation": "implements", "to": "iso42001:A.6.2.4"}),
        )
        .await;
    // Before the first save the proposal shows as version 0.
    let (s, soa) = auditor.get("/soa").await;
    assert_eq!(s, 200, "{soa}");
    assert_eq!(soa["current"]["number"], 0);
    assert_eq!(soa["current"]["lines"].as_array().unwrap().len(), 38);
    let line = row(&soa["current"], "iso42001:A.6.2.4");
    assert_eq!(line["decision"], "included");
    assert_eq!(line["risk_titles"], json!(["Biased credit decisions"]));
    assert_eq!(line["needs_evidence"], true, "no evidence yet");
    // Renaming the risk shows at once (the kept facts take the edit), and
    // so does a rename after an edit that renamed nothing.
    for (body, title) in [
        (
            json!({"version": 1, "title": "Biased credit scores"}),
            "Biased credit scores",
        ),
        (
            json!({"version": 2, "description": "Seen in the audit"}),
            "Biased credit scores",
        ),
        (
            json!({"version": 3, "title": "Biased credit decisions"}),
            "Biased credit decisions",
        ),
    ] {
        let (s, r) = contributor.put(&format!("/risks/{risk}"), body).await;
        assert_eq!(s, 200, "{r}");
        let (_, soa) = auditor.get("/soa").await;
        let line = row(&soa["current"], "iso42001:A.6.2.4");
        assert_eq!(line["risk_titles"], json!([title]));
    }
    // An auditor reads but never writes.
    let (s, _) = auditor.put("/soa", json!({})).await;
    assert_eq!(s, 403);
    // Every undecided control is decided: A.2.2 excluded without a reason.
    let (_, proposal) = contributor.get("/soa/proposal").await;
    let rows: Vec<Value> = proposal["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r["decision"] == "undecided" {
                if r["control"] == "iso42001:A.2.2" {
                    r["decision"] = json!("excluded");
                } else {
                    r["decision"] = json!("included");
                    r["reasons"] = json!([{"kind": "best_practice"}]);
                }
            }
            r
        })
        .collect();
    let (s, v1) = contributor.put("/soa", json!({"rows": rows})).await;
    assert_eq!(s, 200, "{v1}");
    assert_eq!(
        (v1["number"].as_i64(), v1["state"].as_str()),
        (Some(1), Some("draft"))
    );
    // A contributor cannot approve; a manager cannot approve the unjustified exclusion.
    let (s, _) = contributor
        .post(
            "/soa/versions/1/approve",
            json!({"revision": v1["revision"]}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, p) = manager
        .post(
            "/soa/versions/1/approve",
            json!({"revision": v1["revision"]}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let at = row(&v1, "iso42001:A.2.2");
    let n = v1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l == at)
        .unwrap();
    assert_eq!(problem_fields(&p), [format!("rows[{n}].exclusion")], "{p}");
    // A stale save is refused; the justified one is approved.
    let mut excluded = json!({"control": "iso42001:A.2.2", "decision": "excluded",
        "exclusion": "The AI policy is part of the group policy, which the parent company's AIMS covers."});
    let (s, _) = contributor
        .put(
            "/soa",
            json!({"based_on": {"number": 1, "revision": 99}, "rows": [excluded.clone()]}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, v1) = contributor
        .put(
            "/soa",
            json!({"based_on": {"number": 1, "revision": v1["revision"]}, "rows": [excluded.clone()]}),
        )
        .await;
    assert_eq!(s, 200, "{v1}");
    let (s, approved) = manager
        .post(
            "/soa/versions/1/approve",
            json!({"revision": v1["revision"], "note": "Reviewed with the AIMS board"}),
        )
        .await;
    assert_eq!(s, 200, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert!(approved["approved_by"].as_str().is_some());
    // The approved version exports one row per control with its justification.
    let (s, xlsx) = download(&t, &auditor.token, "/soa/export?format=xlsx&version=1").await;
    assert_eq!(s, 200);
    let (_, sheet) =
        aims_app::export::read_sheet(&xlsx, &aims_app::export::ReadLimits::default()).unwrap();
    assert_eq!(sheet.rows.len(), 38, "one row per Annex A control");
    let col = |name: &str| sheet.column(name).unwrap();
    let a624 = sheet
        .rows
        .iter()
        .find(|r| r.cells[col("control")] == "iso42001:A.6.2.4")
        .unwrap();
    assert_eq!(a624.cells[col("decision")], "included");
    assert_eq!(
        a624.cells[col("justification")],
        "risk treatment: Biased credit decisions"
    );
    let a22 = sheet
        .rows
        .iter()
        .find(|r| r.cells[col("control")] == "iso42001:A.2.2")
        .unwrap();
    assert_eq!(a22.cells[col("decision")], "excluded");
    assert!(a22.cells[col("exclusion_reason")].starts_with("The AI policy"));
    // Editing starts version 2; version 1 stays as approved.
    excluded["decision"] = json!("included");
    excluded["reasons"] = json!([{"kind": "business_need"}]);
    excluded["exclusion"] = json!("");
    let (s, v2) = contributor.put("/soa", json!({"rows": [excluded]})).await;
    assert_eq!(s, 200, "{v2}");
    assert_eq!(
        (v2["number"].as_i64(), v2["state"].as_str()),
        (Some(2), Some("draft"))
    );
    let (_, again) = auditor.get("/soa/versions/1").await;
    assert_eq!(row(&again, "iso42001:A.2.2")["decision"], "excluded");
    assert_eq!(again["state"], "approved");
    let (s, diff) = auditor.get("/soa/changes?from=1&to=2").await;
    assert_eq!(s, 200, "{diff}");
    let fields: Vec<(&str, &str)> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["control"].as_str().unwrap(), c["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("iso42001:A.2.2", "decision"),
            ("iso42001:A.2.2", "reasons"),
            ("iso42001:A.2.2", "exclusion")
        ]
    );
    let (_, soa) = auditor.get("/soa").await;
    assert_eq!(soa["versions"].as_array().unwrap().len(), 2);
    // A risk that is not in this workspace cannot be named.
    let (s, p) = contributor
        .put(
            "/soa",
            json!({"rows": [{"control": "iso42001:A.5.2", "decision": "included",
                "reasons": [{"kind": "risk_treatment", "risks": ["00000000-0000-0000-0000-000000000000"]}]}]}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let (s, p) = contributor
        .put(
            "/soa",
            json!({"rows": [{"control": "iso42001:Z.9", "decision": "included"}]}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["rows[0].control".to_owned()])
    );
    t.stop().await;
}

#[tokio::test]
async fn many_simultaneous_soa_reads_all_answer() {
    // More readers than pooled connections, none of them kept yet: a reader
    // that held one connection while waiting for another would starve the
    // pool and answer 503.
    let t = TestApp::new().await;
    let auditor = Caller::new(&t, "auditor").await;
    let readers = 3 * aims_app::store::POOL_CONNECTIONS as usize;
    let answers = futures_util::future::join_all((0..readers).map(|_| auditor.get("/soa"))).await;
    for (s, body) in &answers {
        assert_eq!(*s, 200, "{body}");
        assert_eq!(body["current"]["lines"].as_array().map(Vec::len), Some(38));
    }
    t.stop().await;
}

#[tokio::test]
async fn a_workspace_adopts_iso_27001_into_its_statement_and_drops_it_again() {
    let t = TestApp::new().await;
    let contributor = Caller::new(&t, "contributor").await;
    let auditor = Caller::new(&t, "auditor").await;
    // A treatment that implements a 27001 control proposes it as included.
    let (_, risk) = contributor
        .post("/risks", json!({"title": "Model weights leak"}))
        .await;
    let (_, action) = contributor
        .post("/risk-actions", json!({"title": "Log access to weights"}))
        .await;
    let (risk, action) = (risk["id"].as_str().unwrap(), action["id"].as_str().unwrap());
    contributor
        .post(
            &format!("/risks/{risk}/links"),
            json!({"relation": "treated_by", "to": action}),
        )
        .await;
    let (s, v) = contributor
        .post(
            &format!("/risk-actions/{action}/links"),
            json!({"relation": "implements", "to": "iso27001:A.8.15"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = contributor
        .put(
            "/soa/frameworks",
            json!({"frameworks": ["iso42001", "iso27001"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["frameworks"], json!(["iso42001", "iso27001"]));
    let lines = v["lines"].as_array().unwrap();
    let of_27001 = lines
        .iter()
        .filter(|l| l["control"].as_str().unwrap().starts_with("iso27001:"))
        .count();
    assert!(of_27001 > 0, "{v}");
    assert_eq!(lines.len(), 38 + of_27001);
    let a815 = row(&v, "iso27001:A.8.15");
    assert_eq!(a815["decision"], "included");
    assert_eq!(
        a815["reasons"],
        json!([{"kind": "risk_treatment", "risks": [risk]}])
    );
    assert!(
        a815["area"].as_str().unwrap().starts_with("ISO/IEC 27001"),
        "{a815}"
    );
    // Approval asks for every adopted control to be decided too.
    let manager = Caller::new(&t, "manager").await;
    let mut rows: Vec<Value> = lines
        .iter()
        .filter(|l| l["control"].as_str().unwrap().starts_with("iso42001:"))
        .map(|l| json!({"control": l["control"], "decision": "included", "reasons": [{"kind": "best_practice"}]}))
        .collect();
    let (_, v) = contributor.put("/soa", json!({"rows": rows})).await;
    let (s, p) = manager
        .post(
            "/soa/versions/1/approve",
            json!({"revision": v["revision"]}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        problem_fields(&p).iter().all(|f| f.ends_with(".decision")),
        "{p}"
    );
    rows = lines
        .iter()
        .filter(|l| l["control"].as_str().unwrap().starts_with("iso27001:"))
        .map(|l| json!({"control": l["control"], "decision": "included", "reasons": [{"kind": "business_need"}]}))
        .collect();
    let (_, v) = contributor.put("/soa", json!({"rows": rows})).await;
    let (s, p) = manager
        .post(
            "/soa/versions/1/approve",
            json!({"revision": v["revision"]}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let (_, xlsx) = download(&t, &auditor.token, "/soa/export?format=xlsx").await;
    let (_, sheet) =
        aims_app::export::read_sheet(&xlsx, &aims_app::export::ReadLimits::default()).unwrap();
    assert_eq!(
        sheet.rows.len(),
        38 + of_27001,
        "one row per control of both"
    );
    // An unknown framework is named; 42001 always stays; dropping 27001
    // starts the next draft without its rows.
    let (s, p) = contributor
        .put(
            "/soa/frameworks",
            json!({"frameworks": ["iso42001", "nist-ai-rmf", "cobit"]}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(
        problem_fields(&p),
        vec!["frameworks[1]".to_owned(), "frameworks[2]".to_owned()]
    );
    let (s, v) = contributor
        .put("/soa/frameworks", json!({"frameworks": []}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["number"].as_i64(), v["frameworks"].clone()),
        (Some(2), json!(["iso42001"]))
    );
    assert_eq!(v["lines"].as_array().unwrap().len(), 38);
    let (_, diff) = auditor.get("/soa/changes?from=1&to=2").await;
    assert_eq!(
        diff["changes"].as_array().unwrap().len(),
        of_27001,
        "{diff}"
    );
    // Auditors read but do not change it.
    let (s, _) = auditor
        .put("/soa/frameworks", json!({"frameworks": ["iso27001"]}))
        .await;
    assert_eq!(s, 403);
    t.stop().await;
}

#[tokio::test]
async fn aims_soa_frameworks_lists_and_sets_what_the_statement_covers() {
    let t = TestApp::new().await;
    let run = |args: &[&str]| {
        let o = crate::cli::aims(&t.db, args, None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        crate::cli::stdout(&o)
    };
    let shown = run(&["soa", "frameworks", "--workspace", "acme"]);
    assert!(shown.contains("iso42001\tISO/IEC 42001"), "{shown}");
    assert!(shown.contains("38 controls in the statement"), "{shown}");
    assert!(
        shown.contains("iso27001\tISO/IEC 27001:2022\tnot adopted"),
        "{shown}"
    );
    let set = run(&[
        "soa",
        "frameworks",
        "--workspace",
        "acme",
        "--set",
        "iso27001",
    ]);
    assert!(
        set.lines()
            .any(|l| l.starts_with("iso27001\t") && l.ends_with("controls in the statement")),
        "{set}"
    );
    let o = crate::cli::aims(
        &t.db,
        &["soa", "frameworks", "--workspace", "acme", "--set", "cobit"],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cobit is not a framework"));
    let back = run(&["soa", "frameworks", "--workspace", "acme", "--set"]);
    assert!(
        back.contains("iso27001\tISO/IEC 27001:2022\tnot adopted"),
        "{back}"
    );
    t.stop().await;
}
