//! Imports: CSV and XLSX for any kind (dry run, all-or-nothing with each
//! problem's line and column, sound rows only, re-import updates), model cards
//! and CycloneDX BOMs (the official ML-BOM test file), the CycloneDX export
//! round trip, and the command line (`aims systems import`, `aims discover`).

use crate::cli::{aims, stdout};
use crate::helpers::{problem_fields, Resp, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn fixture(path: &str) -> Vec<u8> {
    let p = format!(
        "{}/../aims-interchange/testdata/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

async fn upload(t: &TestApp, token: &str, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
    let r = t
        .client
        .post(t.url(&format!("/api/v1/workspaces/acme{path}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    Resp::from(r).await
}

async fn count(t: &TestApp, token: &str, kind: &str) -> usize {
    t.call(
        Method::GET,
        &format!("/api/v1/workspaces/acme/{kind}?limit=500"),
        Some(token),
        None,
    )
    .await
    .json()["items"]
        .as_array()
        .unwrap()
        .len()
}

const SHEET: &str = "Name,Purpose,Life-cycle stage,Our roles,In the AIMS scope,Next review\n\
Claims triage,Routes claims,Operation and monitoring,AI provider; AI producer,yes,2027-01-31\n\
Chatbot,\"Answers members, hands over\",deployment,ai_customer,no,\n\
Fraud model,Scores claims,orbiting,ai_provider,maybe,2027-02-30\n";

#[tokio::test]
async fn csv_import_checks_every_row_then_writes_all_or_nothing() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    // Dry run: the problems with line and column, nothing written.
    let r = upload(
        &t,
        &token,
        "/systems/import?mode=dry-run",
        "text/csv",
        SHEET.into(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let report = r.json();
    assert_eq!(report["written"], false);
    assert_eq!(report["created"], 2);
    let problems = report["problems"].as_array().unwrap();
    let found: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            (4, "Life-cycle stage"),
            (4, "In the AIMS scope"),
            (4, "Next review")
        ]
    );
    assert_eq!(count(&t, &token, "systems").await, 0);
    // All or nothing: refused, each problem named, nothing written.
    let r = upload(&t, &token, "/systems/import", "text/csv", SHEET.into()).await;
    let p = r.problem(422);
    assert!(
        problem_fields(&p).contains(&"line 4: Life-cycle stage".to_owned()),
        "{p}"
    );
    assert_eq!(count(&t, &token, "systems").await, 0);
    // The sound rows only.
    let r = upload(
        &t,
        &token,
        "/systems/import?mode=sound",
        "text/csv",
        SHEET.into(),
    )
    .await;
    let report = r.json();
    assert_eq!(
        (report["created"].as_u64(), report["skipped"].as_u64()),
        (Some(2), Some(1))
    );
    let list = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/systems?sort=title",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(list["items"][1]["name"], "Claims triage");
    assert_eq!(
        list["items"][1]["roles"],
        json!(["ai_provider", "ai_producer"])
    );
    assert_eq!(list["items"][1]["next_review"], "2027-01-31");
    assert_eq!(list["items"][0]["purpose"], "Answers members, hands over");
    // The same file again updates, never duplicates.
    let fixed = SHEET.replace(
        "orbiting,ai_provider,maybe,2027-02-30",
        "idea,ai_provider,no,2027-02-28",
    );
    let r = upload(&t, &token, "/systems/import", "text/csv", fixed.into()).await;
    let report = r.json();
    assert_eq!(
        (report["created"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(2)),
        "{report}"
    );
    assert_eq!(count(&t, &token, "systems").await, 3);
    // Each imported record has its own history event.
    let id = list["items"][1]["id"].as_str().unwrap();
    let h = t
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/acme/systems/{id}/history"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(h["items"][0]["action"], "create");
    // A file without a name column says what it needs.
    let r = upload(
        &t,
        &token,
        "/systems/import",
        "text/csv",
        "purpose\nx\n".into(),
    )
    .await;
    assert_eq!(problem_fields(&r.problem(422)), ["file"]);
    // Auditors cannot import.
    let auditor = t.token("acme", "auditor").await;
    upload(&t, &auditor, "/systems/import", "text/csv", SHEET.into())
        .await
        .problem(403);
    // The history chain still verifies.
    assert!(t.app.verify_history(None).await.is_ok());
    t.stop().await;
}

#[tokio::test]
async fn an_xlsx_export_imports_back_to_the_same_records() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    for name in ["A", "B", "C"] {
        t.call(Method::POST, "/api/v1/workspaces/acme/datasets", Some(&token),
               Some(json!({"name": name, "personal_data": name == "B", "source": format!("=src {name}")})))
            .await;
    }
    let xlsx = t
        .client
        .get(t.url("/api/v1/workspaces/acme/datasets/export?format=xlsx"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let r = upload(
        &t,
        &token,
        "/datasets/import",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx.clone(),
    )
    .await;
    let report = r.json();
    assert_eq!(report["format"], "xlsx");
    assert_eq!(
        (report["created"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(3)),
        "{report}"
    );
    // Edited in the spreadsheet: the same file with one change updates one record.
    let csv = t
        .client
        .get(t.url("/api/v1/workspaces/acme/datasets/export?format=csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let edited = csv.replacen(",false,", ",true,", 1);
    let report = upload(&t, &token, "/datasets/import", "text/csv", edited.into())
        .await
        .json();
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(2)),
        "{report}"
    );
    let b = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/datasets?sort=title",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        b["items"][0]["source"], "=src A",
        "formula neutralising is undone on import"
    );
    // Into another workspace, the export's ids name nothing there: new records.
    t.add_workspace("other").await;
    let other = t.token("other", "manager").await;
    let r = t
        .client
        .post(t.url("/api/v1/workspaces/other/datasets/import"))
        .bearer_auth(&other)
        .header("content-type", "application/octet-stream")
        .body(xlsx)
        .send()
        .await
        .unwrap();
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["created"].as_u64(), report["foreign_ids"].as_u64()),
        (Some(3), Some(3)),
        "{report}"
    );
    t.stop().await;
}

#[tokio::test]
async fn the_official_ml_bom_and_a_model_card_import_with_their_metrics() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let bom = fixture("cyclonedx/valid-machine-learning-1.6.json");
    let r = upload(
        &t,
        &token,
        "/systems/import?file_name=bom.json",
        "application/vnd.cyclonedx+json",
        bom.clone(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let report = r.json();
    assert_eq!(report["format"], "cyclonedx");
    assert_eq!(report["written"], true);
    let models = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/models",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(models["items"][0]["name"], "stable-diffusion");
    assert_eq!(models["items"][0]["model_version"], "1.4");
    assert!(models["items"][0]["metrics"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));
    let datasets = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/datasets",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(datasets["items"][0]["name"], "Training Data");
    let mid = models["items"][0]["id"].as_str().unwrap();
    let links = t
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/acme/models/{mid}/links"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(links["items"][0]["relation"], "trained_on");
    // Re-importing updates nothing and creates nothing.
    let again = upload(
        &t,
        &token,
        "/systems/import?file_name=bom.json",
        "application/json",
        bom,
    )
    .await
    .json();
    assert_eq!(
        (again["created"].as_u64(), again["links_added"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(count(&t, &token, "models").await, 1);

    // A model card with model-index results.
    let card = fixture("modelcards/sample_simple_model_index.md");
    let r = upload(
        &t,
        &token,
        "/models/import?file_name=README.md",
        "text/markdown",
        card,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let models = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/models?sort=title",
            Some(&token),
            None,
        )
        .await
        .json();
    let card_model = models["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] != "stable-diffusion")
        .unwrap()
        .clone();
    let metrics = card_model["metrics"].as_array().unwrap();
    assert!(
        metrics
            .iter()
            .any(|m| m["name"] == "accuracy" && m["value"] == 0.9),
        "{metrics:?}"
    );

    // A broken BOM is refused with its line and column.
    let broken = b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [,]\n}\n".to_vec();
    let r = upload(
        &t,
        &token,
        "/systems/import?file_name=bom.json",
        "application/json",
        broken,
    )
    .await;
    let p = r.problem(422);
    assert!(
        p["detail"].as_str().unwrap().contains("line 4, column"),
        "{p}"
    );
    t.stop().await;
}

#[tokio::test]
async fn the_cyclonedx_export_imports_back_to_the_same_records() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    let post = |path: &'static str, body: Value| {
        let t = &t;
        let token = token.clone();
        async move {
            t.call(
                Method::POST,
                &format!("/api/v1/workspaces/acme/{path}"),
                Some(&token),
                Some(body),
            )
            .await
            .json()
        }
    };
    let s = post(
        "systems",
        json!({"name": "Chatbot", "purpose": "Answers questions"}),
    )
    .await;
    let m = post(
        "models",
        json!({"name": "Atlas", "model_version": "2", "licence": "MIT",
                                 "metrics": [{"name": "accuracy", "value": 0.8}]}),
    )
    .await;
    let d = post(
        "datasets",
        json!({"name": "Transcripts", "personal_data": true}),
    )
    .await;
    let (sid, mid, did) = (
        s["id"].as_str().unwrap(),
        m["id"].as_str().unwrap(),
        d["id"].as_str().unwrap(),
    );
    for (from, kind, rel, to) in [
        (sid, "systems", "uses_model", mid),
        (mid, "models", "trained_on", did),
    ] {
        t.call(
            Method::POST,
            &format!("/api/v1/workspaces/acme/{kind}/{from}/links"),
            Some(&token),
            Some(json!({"relation": rel, "to": to})),
        )
        .await;
    }
    let r = t
        .client
        .get(t.url("/api/v1/workspaces/acme/systems/export?format=cyclonedx"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.cyclonedx+json"
    );
    let bom: Value = r.json().await.unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["components"].as_array().unwrap().len(), 3);
    // Into the same workspace: nothing new. Into another: the same records and links.
    let text = serde_json::to_vec(&bom).unwrap();
    let same = upload(
        &t,
        &token,
        "/systems/import?file_name=bom.json",
        "application/json",
        text.clone(),
    )
    .await
    .json();
    assert_eq!(
        (
            same["created"].as_u64(),
            same["updated"].as_u64(),
            same["links_added"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{same}"
    );
    t.add_workspace("other").await;
    let other = t.token("other", "manager").await;
    let r = t
        .client
        .post(t.url("/api/v1/workspaces/other/systems/import?file_name=bom.json"))
        .bearer_auth(&other)
        .header("content-type", "application/json")
        .body(text)
        .send()
        .await
        .unwrap();
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["created"].as_u64(), report["links_added"].as_u64()),
        (Some(3), Some(2)),
        "{report}"
    );
    let models = t
        .call(
            Method::GET,
            "/api/v1/workspaces/other/models",
            Some(&other),
            None,
        )
        .await
        .json();
    assert_eq!(
        models["items"][0]["metrics"],
        json!([{"name": "accuracy", "value": 0.8}])
    );
    assert_eq!(models["items"][0]["licence"], "MIT");
    t.stop().await;
}

#[tokio::test]
async fn the_command_line_imports_files_and_discovers_ai_in_a_source_tree() {
    let t = TestApp::new().await;
    let dir = std::env::temp_dir().join(format!("aims-it-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(dir.join("models")).unwrap();
    let csv = dir.join("systems.csv");
    std::fs::write(&csv, SHEET).unwrap();
    let o = aims(
        &t.db,
        &[
            "systems",
            "import",
            "--workspace",
            "acme",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success(), "a wrong row refuses the file");
    assert!(
        stdout(&o).contains("line 4, Life-cycle stage: must be one of"),
        "{}",
        stdout(&o)
    );
    let o = aims(
        &t.db,
        &[
            "systems",
            "import",
            "--workspace",
            "acme",
            "--sound-rows",
            "--format",
            "json",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["files"][0]["created"], 2);
    // Discovery: a project with an OpenAI client and a model file.
    let project = dir.join("claims-bot");
    std::fs::create_dir_all(project.join("models")).unwrap();
    std::fs::write(
        project.join("requirements.txt"),
        "openai>=1.0\ntorch==2.3 # training\n",
    )
    .unwrap();
    std::fs::write(project.join("models/intent.onnx"), b"\x08\x01").unwrap();
    let o = aims(&t.db, &["discover", project.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("openai") && out.contains("requirements.txt:1") && out.contains("intent.onnx"),
        "{out}"
    );
    let o = aims(
        &t.db,
        &[
            "discover",
            project.to_str().unwrap(),
            "--apply",
            "--workspace",
            "acme",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = aims(
        &t.db,
        &[
            "discover",
            project.to_str().unwrap(),
            "--apply",
            "--workspace",
            "acme",
        ],
        None,
    );
    assert!(stdout(&again).contains("0 added"), "{}", stdout(&again));
    let models = t
        .app
        .all_records(
            &t.scope("acme").await,
            aims_app::domain::record::kind("models").unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(
        models.iter().any(|m| m.title.contains("intent")),
        "{models:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    t.stop().await;
}

#[tokio::test]
async fn columns_aims_does_not_know_are_mapped_in_the_preview() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let csv = "Risk,Prob,Sev,Remarks\nDrift,Likely,4,seen twice\nBias,2,5,\n";

    // API: a dry run lists what it ignored; mapped, the columns land in fields.
    let r = upload(
        &t,
        &token,
        "/risks/import?mode=dry-run",
        "text/csv",
        csv.into(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let report: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(report["ignored_columns"], json!(["Prob", "Sev", "Remarks"]));
    let cols = urlencode(
        r#"{"Risk": "title", "Prob": "inherent_likelihood", "Sev": "inherent_impact", "Remarks": ""}"#,
    );
    let r = upload(
        &t,
        &token,
        &format!("/risks/import?mode=dry-run&columns={cols}"),
        "text/csv",
        csv.into(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let report: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        (report["created"].clone(), report["ignored_columns"].clone()),
        (json!(2), json!([]))
    );
    let r = upload(
        &t,
        &token,
        &format!("/risks/import?columns={cols}"),
        "text/csv",
        csv.into(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/risks?q=drift",
            Some(&token),
            None,
        )
        .await;
    let list: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        (
            list["items"][0]["inherent_score"].clone(),
            list["items"][0]["inherent_band"].clone()
        ),
        (json!(16), json!("high")),
        "{list}"
    );
    // A mapping to no field, or from no column, is refused by name.
    for bad in [
        r#"{"Prob": "probability"}"#,
        r#"{"Nope": "title"}"#,
        "not json",
    ] {
        let r = upload(
            &t,
            &token,
            &format!("/risks/import?mode=dry-run&columns={}", urlencode(bad)),
            "text/csv",
            csv.into(),
        )
        .await;
        assert_eq!(r.status.as_u16(), 422, "{bad}: {}", r.text);
        assert_eq!(
            problem_fields(&serde_json::from_str(&r.text).unwrap()),
            ["columns"],
            "{bad}"
        );
    }

    // The page: the dry run offers the unknown columns; the file travels with the form.
    let (client, csrf) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let csv2 = "title,Prob\nPoisoning,3\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("mode", "dry-run")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv2.as_bytes().to_vec()).file_name("r.csv"),
        );
    let html = client
        .post(t.url("/w/acme/risks/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Map the columns") && html.contains("name=\"column\" value=\"Prob\""),
        "{html}"
    );
    let b64 = html
        .split("name=\"file_b64\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("mode", "all")
        .text("file_name", "r.csv")
        .text("file_b64", b64)
        .text("column", "Prob")
        .text("field", "residual_likelihood");
    let r = client
        .post(t.url("/w/acme/risks/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/risks?q=poisoning",
            Some(&token),
            None,
        )
        .await;
    let list: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(list["items"][0]["residual_likelihood"], 3, "{list}");

    // The command line: --column HEADER=FIELD.
    let dir = crate::helpers::tempdir::TempDir::new();
    let path = dir.path().join("r.csv");
    std::fs::write(&path, "title,Chance\nTheft,4\n").unwrap();
    let o = aims(
        &t.db,
        &[
            "risks",
            "import",
            "--workspace",
            "acme",
            "--column",
            "Chance=current_likelihood",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/risks?q=theft",
            Some(&token),
            None,
        )
        .await;
    let list: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(list["items"][0]["current_likelihood"], 4, "{list}");
    t.stop().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
