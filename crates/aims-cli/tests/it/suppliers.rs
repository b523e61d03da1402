//! Supplier due diligence and journals (issue #10): a questionnaire goes
//! to a supplier, waits in the sender's work list, is answered once through
//! a private link that shows nothing else and then closes, and is reviewed;
//! an incident keeps a timeline with the communications sent; the RACI
//! reads as a matrix.

use crate::helpers::{fetch_text, member_session, problem_fields, Caller, TestApp};
use aims_app::domain::Role;
use serde_json::json;

#[tokio::test]
async fn a_questionnaire_is_answered_once_through_its_private_link_and_reviewed() {
    let t = TestApp::new().await;
    let (page, csrf) = member_session(&t, "sam@example.org", "acme", Role::Contributor).await;
    let c = Caller::new(&t, "contributor").await;
    let (s, sup) = c
        .post(
            "/suppliers",
            json!({"title": "LLM API Inc.", "type": "model_api"}),
        )
        .await;
    assert_eq!(s, 201, "{sup}");
    let sid = sup["id"].as_str().unwrap().to_owned();
    let due = aims_app::domain::date::add_days(&t.app.today(), 10).unwrap();
    // Sent from the supplier's page by a member: the link is shown once.
    let r = page
        .post(t.url(&format!("/w/acme/suppliers/{sid}/questionnaires")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("template", "ai-supplier"),
            ("sent_to", "compliance@llm-api.example"),
            ("due_on", due.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let at = html.find("/answer/").expect("the answer link is shown") + "/answer/".len();
    let secret = html[at..at + 48].to_owned();
    // It waits in the sender's work list.
    let work = fetch_text(&page, &t.url("/w/acme/work")).await;
    assert!(
        work.to_lowercase().contains("questionnaire answers due") && work.contains("LLM API Inc."),
        "{work}"
    );
    let (_, list) = c.get(&format!("/suppliers/{sid}/questionnaires")).await;
    let q = &list["items"][0];
    assert_eq!(
        (q["state"].as_str(), q["due_on"].as_str()),
        (Some("sent"), Some(due.as_str()))
    );
    assert!(q["questions"].as_array().unwrap().len() >= 10);
    let qid = q["id"].as_str().unwrap().to_owned();
    // The supplier opens the link without an account: the questions, and
    // nothing else of the workspace.
    let anon = reqwest::Client::new();
    let form = fetch_text(&anon, &t.url(&format!("/answer/{secret}"))).await;
    assert!(
        form.contains("AI supplier due diligence") && form.contains("Acme AI asks"),
        "{form}"
    );
    assert!(
        !form.contains("/w/acme") && !form.contains("LLM API Inc."),
        "{form}"
    );
    // An answer to no question is refused and nothing is kept.
    let r = anon
        .post(t.url(&format!("/answer/{secret}")))
        .form(&[("answer.offering", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = anon
        .post(t.url(&format!("/answer/{secret}")))
        .form(&[
            ("answer.offering", "A hosted language model API"),
            (
                "answer.customer_data",
                "Never used for training <script>alert(1)</script>",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Your answers are recorded"));
    // The link is closed; the answers are kept as given.
    let r = anon
        .get(t.url(&format!("/answer/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, q) = c.get(&format!("/questionnaires/{qid}")).await;
    assert_eq!(q["state"], "answered");
    assert_eq!(q["answers"]["offering"], "A hosted language model API");
    assert_eq!(q["answered_by"], "compliance@llm-api.example (answer link)");
    let (s, p) = c
        .put(
            &format!("/questionnaires/{qid}/answers"),
            json!({"answers": {"offering": "changed"}}),
        )
        .await;
    assert_eq!(s, 409, "{p}");
    // The answer page escapes what the supplier wrote.
    let html = fetch_text(&page, &t.url(&format!("/w/acme/questionnaires/{qid}"))).await;
    assert!(
        html.contains("&#60;script&#62;alert(1)") && !html.contains("<script>alert"),
        "{html}"
    );
    // Out of the work list once answered.
    let work = fetch_text(&page, &t.url("/w/acme/work")).await;
    assert!(
        !work.to_lowercase().contains("questionnaire answers due"),
        "{work}"
    );
    // Reviewed, with a conclusion; an auditor may read but not review.
    let auditor = Caller::new(&t, "auditor").await;
    let (s, _) = auditor
        .post(
            &format!("/questionnaires/{qid}/review"),
            json!({"conclusion": "fine"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, p) = c
        .post(
            &format!("/questionnaires/{qid}/review"),
            json!({"conclusion": " "}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["conclusion".to_owned()])
    );
    let (s, q) = c
        .post(
            &format!("/questionnaires/{qid}/review"),
            json!({"conclusion": "Acceptable; training opt-out in the contract"}),
        )
        .await;
    assert_eq!((s, q["state"].as_str()), (200, Some("reviewed")), "{q}");
    let (s, _) = c
        .post(
            &format!("/questionnaires/{qid}/review"),
            json!({"conclusion": "again"}),
        )
        .await;
    assert_eq!(s, 409);
    t.stop().await;
}

#[tokio::test]
async fn custom_questions_are_checked_and_answers_can_be_recorded_by_a_member() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, sup) = c.post("/suppliers", json!({"title": "Labelling Co"})).await;
    let sid = sup["id"].as_str().unwrap();
    let today = t.app.today();
    let yesterday = aims_app::domain::date::add_days(&today, -1).unwrap();
    let (s, p) = c
        .post(
            &format!("/suppliers/{sid}/questionnaires"),
            json!({"template": "custom", "questions": "  \n ", "sent_to": "", "due_on": yesterday}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let mut fields = problem_fields(&p);
    fields.sort();
    assert_eq!(fields, ["due_on", "questions", "sent_to"]);
    let (s, sent) = c
        .post(
            &format!("/suppliers/{sid}/questionnaires"),
            json!({"template": "custom", "questions": "Who labels the data?\nHow are labellers paid?",
                   "sent_to": "Jo at Labelling Co", "due_on": today}),
        )
        .await;
    assert_eq!(s, 201, "{sent}");
    assert!(sent["answer_path"]
        .as_str()
        .unwrap()
        .starts_with("/answer/"));
    let qid = sent["questionnaire"]["id"].as_str().unwrap();
    let (s, p) = c
        .put(
            &format!("/questionnaires/{qid}/answers"),
            json!({"answers": {"q9": "x"}}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["answers.q9".to_owned()])
    );
    let (s, q) = c
        .put(
            &format!("/questionnaires/{qid}/answers"),
            json!({"answers": {"q1": "Staff in two countries"}}),
        )
        .await;
    assert_eq!(s, 200, "{q}");
    assert_eq!(q["answers"], json!({"q1": "Staff in two countries"}));
    // The answer link closed when a member recorded the answers.
    let link = sent["answer_path"].as_str().unwrap();
    let r = reqwest::Client::new()
        .get(t.url(link))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Another workspace's caller cannot see it.
    t.add_workspace("other").await;
    let other = t.token("other", "manager").await;
    let r = t
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/workspaces/other/questionnaires/{qid}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);
    t.stop().await;
}

#[tokio::test]
async fn an_incident_keeps_a_timeline_with_the_communications_sent() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, inc) = c
        .post(
            "/incidents",
            json!({"title": "Chatbot leaked an order number", "type": "incident"}),
        )
        .await;
    let id = inc["id"].as_str().unwrap().to_owned();
    let path = format!("/incidents/{id}/entries");
    let (s, e) = c
        .post(&path, json!({"entry_type": "action", "occurred_at": "2026-11-20T14:05", "text": "Switched the chatbot off"}))
        .await;
    assert_eq!(s, 201, "{e}");
    let (s, e) = c
        .post(
            &path,
            json!({"entry_type": "note", "occurred_at": "2026-11-20", "text": "First user report"}),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    // A communication names who it went to.
    let (s, p) = c
        .post(
            &path,
            json!({"entry_type": "sent", "text": "Notice to users"}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["recipient".to_owned()]));
    let (s, _) = c
        .post(&path, json!({"entry_type": "sent", "occurred_at": "2026-11-21T09:00", "text": "Notice to affected users <b>now</b>",
                            "recipient": "Affected customers", "channel": "e-mail"}))
        .await;
    assert_eq!(s, 201);
    // Not in the future, not a made-up type.
    let (s, p) = c
        .post(
            &path,
            json!({"entry_type": "note", "occurred_at": "2999-01-01", "text": "x"}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["occurred_at".to_owned()])
    );
    let (s, p) = c
        .post(&path, json!({"entry_type": "gossip", "text": "x"}))
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["entry_type".to_owned()])
    );
    // In the order things happened, whatever the order written.
    let (_, list) = c.get(&path).await;
    let texts: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "First user report",
            "Switched the chatbot off",
            "Notice to affected users <b>now</b>"
        ]
    );
    assert_eq!(list["items"][2]["recipient"], "Affected customers");
    // Each entry is in the incident's history; an auditor reads, never writes.
    let (_, h) = c.get(&format!("/incidents/{id}/history")).await;
    assert!(h.to_string().contains("add_entry"), "{h}");
    let auditor = Caller::new(&t, "auditor").await;
    assert_eq!(auditor.get(&path).await.0, 200);
    assert_eq!(
        auditor
            .post(&path, json!({"entry_type": "note", "text": "x"}))
            .await
            .0,
        403
    );
    // Kinds without a journal have no such route.
    let (_, risk) = c.post("/risks", json!({"title": "Leak"})).await;
    let rid = risk["id"].as_str().unwrap();
    assert_eq!(c.get(&format!("/risks/{rid}/entries")).await.0, 404);
    // The page shows the timeline, escaped, and adds to it.
    let (page, csrf) = member_session(&t, "ines@example.org", "acme", Role::Contributor).await;
    let html = fetch_text(&page, &t.url(&format!("/w/acme/incidents/{id}"))).await;
    assert!(
        html.contains("Timeline") && html.contains("20 Nov 2026, 14:05"),
        "{html}"
    );
    assert!(
        html.contains("&#60;b&#62;now")
            && !html.contains("<b>now")
            && html.contains("to Affected customers by e-mail"),
        "{html}"
    );
    let r = page
        .post(t.url(&format!("/w/acme/incidents/{id}/entries")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("entry_type", "note"),
            ("occurred_at", ""),
            ("text", "Root cause found"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = fetch_text(&page, &t.url(&format!("/w/acme/incidents/{id}"))).await;
    assert!(html.contains("Root cause found"), "{html}");
    let r = page
        .post(t.url(&format!("/w/acme/incidents/{id}/entries")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("entry_type", "note"),
            ("occurred_at", "tomorrow-ish"),
            ("text", "kept in the form"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Not added: When:") && html.contains("kept in the form"),
        "{html}"
    );
    t.stop().await;
}

#[tokio::test]
async fn the_raci_reads_as_a_matrix_with_its_gaps() {
    let t = TestApp::new().await;
    let (page, _) = member_session(&t, "lee@example.org", "acme", Role::Manager).await;
    let c = Caller::new(&t, "contributor").await;
    let (s, _) = c
        .post("/responsibilities", json!({"title": "Approve AI policy", "process": "leadership",
              "owner": "lee@example.org", "responsible": "AIMS lead", "consulted": "DPO, Legal", "informed": "All staff"}))
        .await;
    assert_eq!(s, 201);
    c.post(
        "/responsibilities",
        json!({"title": "Run drift monitoring", "process": "operation", "consulted": "AIMS lead"}),
    )
    .await;
    let html = fetch_text(&page, &t.url("/w/acme/raci/matrix")).await;
    for cell in [
        "lee@example.org",
        "AIMS lead",
        "DPO",
        "Legal",
        "All staff",
        ">A<",
        ">R<",
        ">C<",
        ">I<",
    ] {
        assert!(html.contains(cell), "{cell}: {html}");
    }
    assert!(html.contains("Run drift monitoring: nobody is accountable"));
    assert!(html.contains("Run drift monitoring: nobody is responsible"));
    t.stop().await;
}
