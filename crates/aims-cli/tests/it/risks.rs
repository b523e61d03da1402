//! The risk register through the API: the risk method as versioned JSON with
//! every risk re-scored on a change, scores that come from the method's grid,
//! unscored risks shown as not assessed, the residual rule, and acceptances
//! voided by a material change, by a band-moving method change and by expiry.

use crate::helpers::{problem_fields, Caller, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;

/// 4 likelihood × 3 impact levels; the cell (4, 3) scores 2, not 12.
fn custom_method() -> Value {
    let level = |n: &str| json!({"name": n, "description": ""});
    json!({
        "likelihood": [level("Rare"), level("Seldom"), level("Often"), level("Always")],
        "impact": [level("Small"), level("Medium"), level("Large")],
        "grid": [[1, 2, 3], [2, 4, 6], [3, 6, 9], [4, 8, 2]],
        "bands": [
            {"key": "low", "name": "Low", "colour": "#2e7d32", "min_score": 1},
            {"key": "high", "name": "High", "colour": "#c62828", "min_score": 4}
        ],
        "acceptance": [{"band": "low", "may_accept": true, "by": "manager"}]
    })
}

#[tokio::test]
async fn scores_come_from_the_method_and_a_method_change_rescores_every_risk() {
    let t = TestApp::new().await;
    let manager = Caller::new(&t, "manager").await;
    let contributor = Caller::new(&t, "contributor").await;

    // The default method: 5 × 5, version 1.
    let (s, m) = manager.get("/risk-method").await;
    assert_eq!(s, 200);
    assert_eq!(m["version"], 1);
    assert_eq!(m["method"]["grid"][3][4], 20);

    // Scored on the default grid, by level number or name.
    let (s, drift) = contributor
        .post(
            "/risks",
            json!({
        "title": "Model drift", "inherent_likelihood": "Likely", "inherent_impact": 5,
        "residual_likelihood": 2, "residual_impact": "Moderate"}),
        )
        .await;
    assert_eq!(s, 201, "{drift}");
    assert_eq!(
        (
            drift["inherent_score"].clone(),
            drift["inherent_band"].clone()
        ),
        (json!(20), json!("critical"))
    );
    assert_eq!(
        (
            drift["residual_score"].clone(),
            drift["residual_band"].clone()
        ),
        (json!(6), json!("medium"))
    );
    // Never scored: not assessed, no score — never the lowest band.
    assert_eq!(drift["current_band"], "not_assessed");
    assert_eq!(drift["current_score"], Value::Null);
    let (_, bias) = contributor
        .post(
            "/risks",
            json!({
        "title": "Training-data bias", "inherent_likelihood": 4, "inherent_impact": 2}),
        )
        .await;
    assert_eq!(bias["inherent_score"], 8);
    let (_, blank) = contributor
        .post("/risks", json!({"title": "Unscored"}))
        .await;
    assert_eq!(blank["inherent_band"], "not_assessed");
    let (_, list) = contributor.get("/risks?inherent_band=not_assessed").await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Unscored"]);

    // Scores are not input; levels off the scale name the scale.
    let (s, p) = contributor
        .post("/risks", json!({"title": "x", "inherent_score": 1}))
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["inherent_score".to_owned()])
    );
    let (s, p) = contributor
        .post("/risks", json!({"title": "x", "inherent_impact": "Huge"}))
        .await;
    assert_eq!(s, 422);
    assert!(
        p.to_string()
            .contains("1 Negligible, 2 Minor, 3 Moderate, 4 Major, 5 Severe"),
        "{p}"
    );

    // Residual above inherent needs a reason.
    let (s, p) = contributor
        .post(
            "/risks",
            json!({"title": "Worse", "inherent_likelihood": 1,
        "inherent_impact": 1, "residual_likelihood": 2, "residual_impact": 2}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["residual_confirmation".to_owned()])
    );
    let (s, _) = contributor
        .post(
            "/risks",
            json!({"title": "Worse", "inherent_likelihood": 1,
        "inherent_impact": 1, "residual_likelihood": 2, "residual_impact": 2,
        "residual_confirmation": "The supplier removed a safeguard."}),
        )
        .await;
    assert_eq!(s, 201);

    // Only a manager changes the method; a bad method names the field at fault.
    let (s, _) = contributor
        .put("/risk-method", json!({"method": custom_method()}))
        .await;
    assert_eq!(s, 403);
    let mut bad = custom_method();
    bad["grid"][1][2] = json!(0);
    let (s, p) = manager.put("/risk-method", json!({"method": bad})).await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["grid[1][2]".to_owned()])
    );

    // The 4 × 3 method: every risk re-scored, the moved bands listed.
    let (s, change) = manager
        .put(
            "/risk-method",
            json!({
        "method": custom_method(), "based_on": 1, "note": "Our own scales"}),
        )
        .await;
    assert_eq!(s, 200, "{change}");
    assert_eq!(change["method"]["version"], 2);
    assert_eq!(change["changed"], true);
    // Drift: inherent 4/5 loses its impact level (the scale has 3) → not
    // assessed; residual 2/3 scores 6 → high (was medium).
    let moved = change["report"]["moved"].as_array().unwrap();
    assert!(
        moved.iter().any(|m| m["id"] == drift["id"]
            && m["which"] == "residual"
            && m["from_band"] == "medium"
            && m["to_band"] == "high"),
        "{change}"
    );
    let lost = change["report"]["needs_reassessment"].as_array().unwrap();
    assert!(
        lost.iter()
            .any(|m| m["id"] == drift["id"] && m["which"] == "inherent"),
        "{change}"
    );
    let (_, d) = manager
        .get(&format!("/risks/{}", drift["id"].as_str().unwrap()))
        .await;
    assert_eq!(d["inherent_band"], "not_assessed");
    assert_eq!(d["inherent_likelihood"], 4);
    assert_eq!(d["inherent_impact"], Value::Null);
    assert_eq!(
        (d["residual_score"].clone(), d["residual_band"].clone()),
        (json!(6), json!("high"))
    );
    // The non-multiplicative cell: likelihood 4 × impact 2 → 8; set 4/3 → 2 (low).
    let (_, b) = manager
        .get(&format!("/risks/{}", bias["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        (b["inherent_score"].clone(), b["inherent_band"].clone()),
        (json!(8), json!("high"))
    );
    let (s, b) = manager
        .put(
            &format!("/risks/{}", bias["id"].as_str().unwrap()),
            json!({"version": b["version"], "inherent_impact": "Large"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["inherent_score"].clone(), b["inherent_band"].clone()),
        (json!(2), json!("low"))
    );

    // A stale version of the method is a conflict; the same method again changes nothing.
    let (s, _) = manager
        .put(
            "/risk-method",
            json!({"method": custom_method(), "based_on": 1}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, same) = manager
        .put("/risk-method", json!({"method": custom_method()}))
        .await;
    assert_eq!(
        (
            s,
            same["changed"].clone(),
            same["method"]["version"].clone()
        ),
        (200, json!(false), json!(2))
    );
    let (_, versions) = contributor.get("/risk-method/versions").await;
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);

    // The heat map counts risks per cell of the method in force.
    let (_, map) = contributor.get("/risks/heatmap").await;
    assert_eq!(map["method_version"], 2);
    assert_eq!(map["inherent"].as_array().unwrap().len(), 4);
    assert_eq!(
        map["inherent"][3][2], 1,
        "bias at likelihood 4, impact 3: {map}"
    );
    assert_eq!(map["total"], 4);
    // Asked again it is the same; any change to a risk shows at once.
    assert_eq!(contributor.get("/risks/heatmap").await.1, map);
    let (s, _) = contributor
        .post(
            "/risks",
            json!({"title": "Another bias", "inherent_likelihood": 4, "inherent_impact": 3}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, map) = contributor.get("/risks/heatmap").await;
    assert_eq!(
        (map["inherent"][3][2].clone(), map["total"].clone()),
        (json!(2), json!(5))
    );
    let (_, all) = contributor.get("/risks?q=another").await;
    let r = &all["items"][0];
    let (s, _) = manager
        .send(
            Method::DELETE,
            &format!("/risks/{}", r["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (_, map) = contributor.get("/risks/heatmap").await;
    assert_eq!(
        (map["inherent"][3][2].clone(), map["total"].clone()),
        (json!(1), json!(4))
    );
    // An edit that moves no likelihood or impact leaves the counts as they
    // are (the kept map serves); one that does moves its risk at once.
    let path = format!("/risks/{}", bias["id"].as_str().unwrap());
    let (_, now) = contributor.get(&path).await;
    let (s, edited) = contributor
        .put(
            &path,
            json!({"version": now["version"], "description": "Seen in reviews"}),
        )
        .await;
    assert_eq!(s, 200, "{edited}");
    assert_eq!(contributor.get("/risks/heatmap").await.1, map);
    let (s, edited) = contributor
        .put(
            &path,
            json!({"version": edited["version"], "inherent_likelihood": 1}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, moved) = contributor.get("/risks/heatmap").await;
    assert_eq!(
        (
            moved["inherent"][3][2].clone(),
            moved["inherent"][0][2].clone(),
            moved["total"].clone()
        ),
        (json!(0), json!(1), json!(4)),
        "{moved}"
    );
    let (s, _) = contributor
        .put(
            &path,
            json!({"version": edited["version"], "inherent_likelihood": 4}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(contributor.get("/risks/heatmap").await.1, map);

    // The pages draw the same counts from the same method version.
    let (browser, _) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let page = crate::helpers::fetch_text(&browser, &t.url("/w/acme/risks/heatmap")).await;
    assert!(
        page.contains("4 risks on risk method version 2"),
        "{page:.2000}"
    );
    assert!(
        page.contains("aria-label=\"Likelihood 4, impact 3: 1 risks, score 2, Low\""),
        "{page:.4000}"
    );
    assert!(page.contains("href=\"/w/acme/risks?inherent_band=low\""));
    let page = crate::helpers::fetch_text(&browser, &t.url("/w/acme/risk-method")).await;
    assert!(page.contains("Version 2"), "{page:.2000}");
    assert!(page.contains("Our own scales"));
    assert!(page.contains("Save as version 3"));
    t.stop().await;
}

#[tokio::test]
async fn acceptances_are_voided_by_material_changes_band_moves_and_expiry() {
    let t = TestApp::new().await;
    let manager = Caller::new(&t, "manager").await;
    let contributor = Caller::new(&t, "contributor").await;
    let (_, risk) = contributor
        .post(
            "/risks",
            json!({
        "title": "Prompt injection", "inherent_likelihood": 4, "inherent_impact": 4,
        "residual_likelihood": 2, "residual_impact": 2, "treatment": "modify"}),
        )
        .await;
    let id = risk["id"].as_str().unwrap().to_owned();
    let accept = |version: i64, expires: &str| json!({"version": version, "reason": "Filters in place", "expires_on": expires});

    // The default method lets only managers accept; critical never.
    let (s, p) = contributor
        .post(&format!("/risks/{id}/acceptance"), accept(1, "2999-01-01"))
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["band".to_owned()]));
    let (s, p) = manager
        .post(&format!("/risks/{id}/acceptance"), accept(1, "2001-01-01"))
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["expires_on".to_owned()])
    );
    let (s, a) = manager
        .post(&format!("/risks/{id}/acceptance"), accept(1, "2999-01-01"))
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a[0]["status"]["status"], "valid");
    assert_eq!(a[0]["band"], "low");
    assert_eq!(a[0]["method_version"], 1);

    // A change that is not material (the description) keeps it.
    let (_, r) = contributor
        .put(
            &format!("/risks/{id}"),
            json!({"version": 1, "description": "More words"}),
        )
        .await;
    let (_, a) = manager.get(&format!("/risks/{id}/acceptance")).await;
    assert_eq!(a[0]["status"]["status"], "valid");
    // A material change (the residual likelihood) voids it.
    let (_, r) = contributor
        .put(
            &format!("/risks/{id}"),
            json!({"version": r["version"], "residual_likelihood": 1}),
        )
        .await;
    let (_, a) = manager.get(&format!("/risks/{id}/acceptance")).await;
    assert_eq!(
        a[0]["status"],
        json!({"status": "voided", "reason": "material_change"})
    );
    // Linking a system to the risk is material too: accept again, then link.
    let (s, _) = manager
        .post(
            &format!("/risks/{id}/acceptance"),
            accept(r["version"].as_i64().unwrap(), "2999-01-01"),
        )
        .await;
    assert_eq!(s, 200);
    let (_, system) = contributor
        .post("/systems", json!({"name": "Support bot"}))
        .await;
    let (s, _) = contributor
        .post(
            &format!("/risks/{id}/links"),
            json!({"relation": "concerns", "to": system["id"]}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, a) = manager.get(&format!("/risks/{id}/acceptance")).await;
    assert_eq!(a[0]["status"]["reason"], "material_change");
    assert_eq!(
        a.as_array().unwrap().len(),
        2,
        "older acceptances stay as history"
    );

    // Accept again; a method change that moves the residual band voids it.
    let (s, _) = manager
        .post(
            &format!("/risks/{id}/acceptance"),
            accept(r["version"].as_i64().unwrap(), "2999-01-01"),
        )
        .await;
    assert_eq!(s, 200);
    let mut m = serde_json::to_value(aims_app::domain::risk::RiskMethod::default_5x5()).unwrap();
    m["grid"][0][1] = json!(5); // likelihood 1 × impact 2: low → medium
    let (s, _) = manager.put("/risk-method", json!({"method": m})).await;
    assert_eq!(s, 200);
    let (_, a) = manager.get(&format!("/risks/{id}/acceptance")).await;
    assert_eq!(
        a[0]["status"],
        json!({"status": "voided", "reason": "band_moved", "from": "low", "to": "medium"})
    );
    // The heat map page lists it among the acceptances to look at, in words.
    let (browser, _) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let page = crate::helpers::fetch_text(&browser, &t.url("/w/acme/risks/heatmap")).await;
    assert!(
        page.contains("Voided: the band moved from low to medium"),
        "{page}"
    );

    // Expiry, through the injected clock: valid the day before, expired on the day.
    let (_, r) = manager.get(&format!("/risks/{id}")).await;
    let (s, _) = manager
        .post(
            &format!("/risks/{id}/acceptance"),
            accept(r["version"].as_i64().unwrap(), "2999-01-01"),
        )
        .await;
    assert_eq!(s, 200);
    let at = |days_since_epoch: u64| {
        let noon = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs(days_since_epoch * 86_400 + 43_200);
        t.app
            .clone()
            .with_clock(Arc::new(aims_app::FixedClock(noon.into())))
    };
    let acme = t.scope("acme").await;
    // 2999-01-01 is day 375,835 after 1970-01-01.
    let before = at(375_834).risk_acceptances(&acme, &id).await.unwrap();
    assert!(before[0].status.is_valid(), "{:?}", before[0].status);
    let on = at(375_835).risk_acceptances(&acme, &id).await.unwrap();
    assert_eq!(
        on[0].status,
        aims_app::domain::risk::AcceptanceStatus::Expired
    );
    // Accepted far ahead, it is nothing to look at.
    let page = crate::helpers::fetch_text(&browser, &t.url("/w/acme/risks/heatmap")).await;
    assert!(
        page.contains("No acceptance is voided, expired or expiring"),
        "{page}"
    );
    // An auditor reads but never accepts.
    let auditor = Caller::new(&t, "auditor").await;
    let (s, _) = auditor
        .post(
            &format!("/risks/{id}/acceptance"),
            accept(r["version"].as_i64().unwrap(), "2999-01-01"),
        )
        .await;
    assert_eq!(s, 403);
    t.stop().await;
}

#[tokio::test]
async fn ten_thousand_risks_import_from_csv_and_export_to_a_workbook_from_the_command_line() {
    use crate::cli::{aims, stdout};
    let t = TestApp::new().await;
    let dir = crate::helpers::tempdir::TempDir::new();
    let csv = dir.path().join("register.csv");
    let levels = ["Rare", "2", "Possible", "4", "Almost certain"];
    let mut text =
        String::from("Title,Description,Risk source,Owner,Likelihood,Impact,Treatment\n");
    for n in 0..10_000 {
        text.push_str(&format!(
            "Risk {n},\"Cause {n}, and its consequence\",machine_learning,ada@example.org,{},{},{}\n",
            levels[n % 5],
            1 + n % 5,
            ["modify", "avoid", "share", "retain"][n % 4]
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let o = aims(
        &t.db,
        &[
            "risks",
            "import",
            "--workspace",
            "acme",
            "--format",
            "json",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    assert_eq!(report["files"][0]["created"], 10_000, "{report}");
    let acme = t.scope("acme").await;
    assert_eq!(
        t.app
            .count_records(&acme, aims_app::risks_kind())
            .await
            .unwrap(),
        10_000
    );
    // Level names and numbers both scored on the default grid.
    let o = aims(
        &t.db,
        &[
            "risks",
            "list",
            "--workspace",
            "acme",
            "--q",
            "risk 7",
            "--format",
            "json",
        ],
        None,
    );
    let list: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let seven = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Risk 7")
        .unwrap();
    assert_eq!(
        (
            seven["inherent_likelihood"].clone(),
            seven["inherent_score"].clone()
        ),
        (json!(3), json!(9))
    );

    let xlsx = dir.path().join("register.xlsx");
    let o = aims(
        &t.db,
        &[
            "risks",
            "export",
            "--workspace",
            "acme",
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&xlsx).unwrap();
    let sheet = aims_app::export::read::read_xlsx(&bytes, &Default::default()).unwrap();
    assert_eq!(sheet.rows.len(), 10_000);
    for column in [
        "inherent_score",
        "inherent_band",
        "residual_band",
        "acceptance",
    ] {
        assert!(
            sheet.column(column).is_some(),
            "{column}: {:?}",
            sheet.headers
        );
    }
    t.stop().await;
}

#[tokio::test]
async fn treatment_actions_link_to_catalogue_controls_and_a_control_lists_the_risks_it_treats() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, risk) = c.post("/risks", json!({"title": "Prompt injection"})).await;
    let (_, a1) = c
        .post("/risk-actions", json!({"title": "Filter inputs"}))
        .await;
    let (_, a2) = c
        .post("/risk-actions", json!({"title": "Red-team prompts"}))
        .await;
    let (risk, a1, a2) = (
        risk["id"].as_str().unwrap(),
        a1["id"].as_str().unwrap(),
        a2["id"].as_str().unwrap(),
    );
    let (s, _) = c
        .post(
            &format!("/risks/{risk}/links"),
            json!({"relation": "treated_by", "to": a1}),
        )
        .await;
    assert_eq!(s, 201);

    // A catalogue control by reference: the workspace's record of it is made once.
    let (s, l1) = c
        .post(
            &format!("/risk-actions/{a1}/links"),
            json!({"relation": "implements", "to": "iso42001:A.6.2.4"}),
        )
        .await;
    assert_eq!(s, 201, "{l1}");
    assert_eq!(l1["other"]["kind"], "controls");
    assert!(
        l1["other"]["title"]
            .as_str()
            .unwrap()
            .starts_with("A.6.2.4 "),
        "{l1}"
    );
    let (s, l2) = c
        .post(
            &format!("/risk-actions/{a2}/links"),
            json!({"relation": "implements", "to": " iso42001:A.6.2.4 "}),
        )
        .await;
    assert_eq!(s, 201, "{l2}");
    assert_eq!(
        l1["other"]["id"], l2["other"]["id"],
        "one record per catalogue control"
    );
    let control = l1["other"]["id"].as_str().unwrap();
    let (_, controls) = c.get("/controls").await;
    assert_eq!(controls["items"].as_array().unwrap().len(), 1);
    assert_eq!(controls["items"][0]["reference"], "iso42001:A.6.2.4");
    assert_eq!(controls["items"][0]["implementation_status"], "not_started");
    // Both actions show at the control's end.
    let (_, links) = c.get(&format!("/controls/{control}/links")).await;
    assert_eq!(links["items"].as_array().unwrap().len(), 2, "{links}");

    // What is not a control of the catalogue, or not a control relation, is a clear 422.
    for (relation, to, says) in [
        ("implements", "iso42001:4.1", "not a control"),
        ("implements", "iso42001:A.99", "not in the catalogue"),
        ("implements", "nonsense", "catalogue control"),
    ] {
        let (s, p) = c
            .post(
                &format!("/risk-actions/{a1}/links"),
                json!({"relation": relation, "to": to}),
            )
            .await;
        assert_eq!(s, 422, "{to}: {p}");
        assert_eq!(problem_fields(&p), ["to"], "{p}");
        assert!(p["detail"].as_str().unwrap().contains(says), "{to}: {p}");
    }
    let (s, p) = c
        .post(
            &format!("/risks/{risk}/links"),
            json!({"relation": "treated_by", "to": "iso42001:A.6.2.4"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");

    // The control's page lists the risk through the action.
    let (client, _) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let html =
        crate::helpers::fetch_text(&client, &t.url(&format!("/w/acme/controls/{control}"))).await;
    assert!(
        html.contains("Risks it treats")
            && html.contains("Prompt injection")
            && html.contains("Filter inputs"),
        "{html}"
    );
    // An action's page offers the Annex A controls not yet recorded.
    let html =
        crate::helpers::fetch_text(&client, &t.url(&format!("/w/acme/risk-actions/{a1}"))).await;
    assert!(
        html.contains("value=\"iso42001:A.2.2\"") && !html.contains("value=\"iso42001:A.6.2.4\""),
        "{html}"
    );
    t.stop().await;
}

#[tokio::test]
async fn lists_show_the_risks_of_a_system_and_overdue_actions() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, system) = c.post("/systems", json!({"name": "Chatbot"})).await;
    let system = system["id"].as_str().unwrap();
    let mut risks = vec![];
    for title in ["Hallucination", "Prompt injection", "Unrelated"] {
        let (_, r) = c.post("/risks", json!({"title": title})).await;
        risks.push(r["id"].as_str().unwrap().to_owned());
    }
    for r in &risks[..2] {
        let (s, _) = c
            .post(
                &format!("/risks/{r}/links"),
                json!({"relation": "concerns", "to": system}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let titles = |v: &Value| -> Vec<String> {
        let mut t: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect();
        t.sort();
        t
    };
    let (s, by_system) = c.get(&format!("/risks?linked={system}")).await;
    assert_eq!(s, 200, "{by_system}");
    assert_eq!(titles(&by_system), ["Hallucination", "Prompt injection"]);

    // Overdue: an open duty before the date; done or cancelled actions are not due.
    let mut actions = vec![];
    for (title, due) in [
        ("Late", "2026-01-10"),
        ("Later", "2026-03-01"),
        ("Future", "2030-01-01"),
    ] {
        let (_, a) = c
            .post(
                "/risk-actions",
                json!({"title": title, "due": due, "status": "planned"}),
            )
            .await;
        actions.push(a);
    }
    let (_, overdue) = c.get("/risk-actions?due_before=2026-06-01").await;
    assert_eq!(titles(&overdue), ["Late", "Later"]);
    let late = &actions[0];
    let (s, _) = c
        .put(
            &format!("/risk-actions/{}", late["id"].as_str().unwrap()),
            json!({"version": late["version"], "status": "done"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, overdue) = c.get("/risk-actions?due_before=2026-06-01").await;
    assert_eq!(titles(&overdue), ["Later"], "a done action is not overdue");
    let (_, both) = c
        .get("/risk-actions?due_before=2026-06-01&status=planned")
        .await;
    assert_eq!(titles(&both), ["Later"]);

    for bad in ["/risks?linked=nope", "/risk-actions?due_before=soon"] {
        let (s, p) = c.get(bad).await;
        assert_eq!(s, 422, "{bad}: {p}");
    }
    // The pages keep the filter and say what it is.
    let (client, _) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let html =
        crate::helpers::fetch_text(&client, &t.url(&format!("/w/acme/risks?linked={system}")))
            .await;
    assert!(
        html.contains("Linked to Chatbot")
            && html.contains("Prompt injection")
            && !html.contains("Unrelated"),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"linked\" value=\"{system}\"")),
        "{html}"
    );
    let html = crate::helpers::fetch_text(
        &client,
        &t.url("/w/acme/risk-actions?due_before=2026-06-01"),
    )
    .await;
    assert!(
        html.contains("Due before 1 Jun 2026")
            && html.contains("Later")
            && !html.contains("Future"),
        "{html}"
    );
    t.stop().await;
}
