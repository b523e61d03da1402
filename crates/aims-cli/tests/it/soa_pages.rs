//! The Statement of Applicability pages (issue #9), as people use them: the
//! table of every Annex A control with its filters, a contributor editing a
//! row, a manager's approval refused naming the control at fault and then
//! given, the changes between versions, the printable statement, the bulk
//! edit of status and owner, and an auditor who reads but never writes.

use crate::helpers::{fetch_text, member_session, sign_in, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use aims_app::domain::record::{Input, KINDS};
use aims_app::domain::soa::{Decision, Reason, Row};
use aims_app::domain::Role;
use reqwest::Client;

/// How many controls a page's table shows (one row header each).
fn rows_in(html: &str) -> usize {
    html.matches("<th scope=\"row\">").count()
}

async fn post(
    t: &TestApp,
    b: &Client,
    csrf: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let mut form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form.push(("csrf".into(), csrf.to_owned()));
    let r = b.post(t.url(path)).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = crate::helpers::location(&r);
    let text = r.text().await.unwrap();
    (status, if status == 303 { location } else { text })
}

async fn history_head(t: &TestApp) -> i64 {
    let mut c = t.app.store.conn().await.unwrap();
    c.conn().history_head().await.unwrap().seq
}

/// A risk "Drift" treated by an action that implements A.6.2.4.
async fn drift_treated_by_a_6_2_4(t: &TestApp) {
    let acme = t.scope("acme").await;
    let actions = KINDS.iter().find(|k| k.name == "risk-actions").unwrap();
    let title = |t: &str| {
        serde_json::json!({"title": t})
            .as_object()
            .cloned()
            .unwrap()
    };
    let risk = t
        .app
        .create_record(&acme, aims_app::risks_kind(), Input::Json(&title("Drift")))
        .await
        .unwrap();
    let action = t
        .app
        .create_record(&acme, actions, Input::Json(&title("Monitor drift")))
        .await
        .unwrap();
    t.app
        .link(
            &acme,
            aims_app::risks_kind(),
            &risk.id,
            "treated_by",
            &action.id,
        )
        .await
        .unwrap();
    t.app
        .link(&acme, actions, &action.id, "implements", "iso42001:A.6.2.4")
        .await
        .unwrap();
}

/// Every row decided: included (as proposed, else as best practice), but
/// `excluded` excluded with no reason given.
async fn decided_draft(t: &TestApp, excluded: &str) -> aims_app::SoaVersion {
    let acme = t.scope("acme").await;
    let (current, _) = t.app.soa(&acme).await.unwrap();
    let rows: Vec<Row> = current
        .lines
        .into_iter()
        .map(|l| Row {
            decision: if l.row.control == excluded {
                Decision::Excluded
            } else {
                Decision::Included
            },
            reasons: if l.row.reasons.is_empty() {
                vec![Reason::BestPractice]
            } else {
                l.row.reasons.clone()
            },
            exclusion: String::new(),
            ..l.row
        })
        .collect();
    t.app.save_soa(&acme, None, rows).await.unwrap()
}

#[tokio::test]
async fn the_soa_page_lists_every_control_filters_and_a_contributor_edits_a_row() {
    let t = TestApp::new().await;
    drift_treated_by_a_6_2_4(&t).await;
    let (b, csrf) = member_session(&t, "carol@example.org", "acme", Role::Contributor).await;
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert_eq!(rows_in(&html), 38, "every Annex A control: {html}");
    assert!(html.contains("Proposal, not saved yet"), "{html}");
    assert!(html.contains("Treats risks: Drift"), "{html}");
    assert!(html.contains("needs evidence"));
    assert!(
        html.contains("href=\"/w/acme/soa\" aria-current=\"page\""),
        "the navigation links the page: {html}"
    );
    assert!(
        html.contains("href=\"/w/acme/controls/"),
        "a control's record"
    );
    assert!(
        html.contains("href=\"/catalog/iso42001/item/A.2.2\""),
        "a control without a record links the catalogue: {html}"
    );
    assert!(html.contains("/api/v1/workspaces/acme/soa/export?format=xlsx"));
    assert!(html.contains("/api/v1/workspaces/acme/soa/export?format=csv"));
    assert!(html.contains("href=\"/w/acme/soa/print\""));
    assert!(
        html.contains("1 included · 0 excluded · 37 undecided"),
        "{html}"
    );

    // Filters narrow the table.
    let included = fetch_text(&b, &t.url("/w/acme/soa?decision=included")).await;
    assert_eq!(rows_in(&included), 1, "{included}");
    assert!(included.contains("A.6.2.4") && included.contains("1 of 38 controls"));
    let area = fetch_text(&b, &t.url("/w/acme/soa?area=A.2")).await;
    assert!(rows_in(&area) > 0 && rows_in(&area) < 38);
    assert!(
        area.contains("A.2.2") && !area.contains(">A.6.2.4<"),
        "{area}"
    );
    let needs = fetch_text(&b, &t.url("/w/acme/soa?needs_evidence=1")).await;
    assert_eq!(
        rows_in(&needs),
        38,
        "every control not excluded needs evidence while it has none"
    );
    let started = fetch_text(&b, &t.url("/w/acme/soa?status=not_started")).await;
    assert_eq!(rows_in(&started), 1, "the record the link made: {started}");
    let none = fetch_text(&b, &t.url("/w/acme/soa?status=none")).await;
    assert_eq!(rows_in(&none), 37);

    // The edit form starts from the row chosen, and saving makes version 1.
    let form = fetch_text(&b, &t.url("/w/acme/soa?edit=iso42001:A.2.2")).await;
    assert!(
        form.contains("<option value=\"iso42001:A.2.2\" selected>"),
        "{form}"
    );
    let (s, to) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/rows",
        &[
            ("based_on", ""),
            ("control", "iso42001:A.2.2"),
            ("decision", "excluded"),
            ("reasons", "best_practice"),
            ("exclusion", "We publish no AI policy of our own"),
            ("notes", "Group policy applies"),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/w/acme/soa?flash=saved"));
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert!(html.contains("Version 1: Draft"), "{html}");
    assert!(html.contains("Not applicable: We publish no AI policy of our own"));
    assert!(html.contains("Group policy applies"));
    assert!(html.contains("1 included · 1 excluded · 36 undecided"));
    let excluded = fetch_text(&b, &t.url("/w/acme/soa?decision=excluded")).await;
    assert_eq!(rows_in(&excluded), 1);

    // A form read before someone else saved is refused with a clear message.
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/rows",
        &[
            ("based_on", "1.0"),
            ("control", "iso42001:A.2.3"),
            ("decision", "included"),
            ("reasons", "business_need"),
        ],
    )
    .await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("changed since you read it"), "{html}");
    // A control that is not a row is a field error, not a failure.
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/rows",
        &[("control", "iso42001:Z.9"), ("decision", "included")],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("choose a control of the list"));
    t.stop().await;
}

#[tokio::test]
async fn an_approval_names_the_control_at_fault_and_passes_once_it_is_fixed() {
    let t = TestApp::new().await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let draft = decided_draft(&t, "iso42001:A.2.2").await;
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert!(html.contains("Approve version 1"), "{html}");
    let revision = draft.revision.to_string();
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/approve",
        &[("number", "1"), ("revision", &revision), ("note", "")],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    let title = &draft
        .lines
        .iter()
        .find(|l| l.row.control == "iso42001:A.2.2")
        .unwrap()
        .title;
    assert!(
        html.contains(&format!("A.2.2 {title}</a> — Why it does not apply")),
        "the row at fault by its control: {html}"
    );
    assert!(html.contains("an excluded control needs the reason it does not apply"));

    // The reason given through the row form, the approval passes.
    let (s, _) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/rows",
        &[
            ("based_on", &format!("1.{revision}")),
            ("control", "iso42001:A.2.2"),
            ("decision", "excluded"),
            ("exclusion", "Group policy applies"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let next = (draft.revision + 1).to_string();
    let (s, to) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/approve",
        &[
            ("number", "1"),
            ("revision", &next),
            ("note", "Board review"),
        ],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (303, "/w/acme/soa?flash=approved"),
        "{to}"
    );
    let html = fetch_text(&b, &t.url("/w/acme/soa?flash=approved")).await;
    assert!(html.contains("Version 1: Approved"), "{html}");
    assert!(html.contains("The Statement of Applicability is approved."));
    assert!(html.contains("“Board review”"));
    assert!(!html.contains("Approve version"), "nothing left to approve");
    // Approving it again is a conflict shown on the page.
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/approve",
        &[("number", "1"), ("revision", &next), ("note", "")],
    )
    .await;
    assert_eq!(s, 409, "{html}");
    assert!(html.contains("approved already"));
    t.stop().await;
}

#[tokio::test]
async fn a_version_shows_its_changes_and_the_print_page_lists_every_control() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    drift_treated_by_a_6_2_4(&t).await;
    let v1 = decided_draft(&t, "").await;
    t.app
        .approve_soa(&acme, 1, v1.revision, "First")
        .await
        .unwrap();
    t.app
        .save_soa(
            &acme,
            None,
            vec![
                Row {
                    control: "iso42001:A.2.2".into(),
                    decision: Decision::Excluded,
                    reasons: vec![],
                    exclusion: "Group policy applies".into(),
                    notes: String::new(),
                },
                Row {
                    control: "iso42001:A.6.2.4".into(),
                    decision: Decision::Excluded,
                    reasons: vec![],
                    exclusion: "The vendor does it".into(),
                    notes: String::new(),
                },
            ],
        )
        .await
        .unwrap();
    let (b, _) = member_session(&t, "audrey@example.org", "acme", Role::Auditor).await;
    let html = fetch_text(&b, &t.url("/w/acme/soa/versions/2?compare=1")).await;
    assert!(
        html.contains("Changes from version 1 to version 2"),
        "{html}"
    );
    assert!(
        html.contains("<td>Decision</td><td>Included</td><td>Excluded</td>"),
        "{html}"
    );
    assert!(html.contains("<td>Why it does not apply</td><td><span class=\"muted\">none</span></td><td>Group policy applies</td>"));
    assert!(html.contains("<td>Reasons</td><td>best practice</td>"));
    assert!(
        html.contains("<td>Reasons</td><td>risk treatment: Drift</td>"),
        "risks by title: {html}"
    );
    assert!(
        html.contains("Excluded, yet the treatment of a risk relies on it"),
        "the flag: {html}"
    );
    assert!(html.contains("\">Drift</a>"));
    let v1_page = fetch_text(&b, &t.url("/w/acme/soa/versions/1")).await;
    assert!(v1_page.contains("Version 1: Approved") && v1_page.contains("First"));
    assert_eq!(rows_in(&v1_page), 38);
    let r = b.get(t.url("/w/acme/soa/versions/9")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = b.get(t.url("/w/acme/soa/versions/x")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // The printable statement: every control, the approval, no navigation.
    let print = fetch_text(&b, &t.url("/w/acme/soa/print?version=1")).await;
    assert!(print.contains("<h1>Statement of Applicability</h1>"));
    assert!(print.contains("Acme AI"), "the organisation: {print}");
    assert!(print.contains("<dt>State</dt><dd>Approved</dd>"), "{print}");
    assert!(print.contains("<dt>Approved by</dt><dd>operator (command line)</dd>"));
    assert!(print.contains("<dt>Printed</dt>"));
    assert!(!print.contains("<nav") && !print.contains("Sign out"));
    assert!(!print.contains("style=") && !print.contains("<script"));
    assert_eq!(rows_in(&print), 38);
    for c in t.app.soa_catalog_controls().await.unwrap() {
        let Some(id) = c.reference.strip_prefix("iso42001:") else {
            continue; // another framework, not adopted here
        };
        assert!(
            print.contains(&format!("<th scope=\"row\">{id}</th>")),
            "{id} printed"
        );
    }
    let draft = fetch_text(&b, &t.url("/w/acme/soa/print")).await;
    assert!(draft.contains("This version is not approved."));
    assert!(draft.contains("Not applicable: Group policy applies"));
    t.stop().await;
}

#[tokio::test]
async fn a_bulk_edit_sets_status_and_owner_of_the_ticked_controls() {
    let t = TestApp::new().await;
    drift_treated_by_a_6_2_4(&t).await;
    let (b, csrf) = member_session(&t, "carol@example.org", "acme", Role::Contributor).await;
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert!(
        html.contains(&format!("<option value=\"{ADMIN_EMAIL}\">")),
        "{html}"
    );
    // A.6.2.4 has its record (made by the link); A.2.2 has none yet.
    let (s, to) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/bulk",
        &[
            ("control", "iso42001:A.2.2"),
            ("control", "iso42001:A.6.2.4"),
            ("implementation_status", "implemented"),
            ("owner", ADMIN_EMAIL),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/w/acme/soa?flash=bulk"), "{to}");
    let html = fetch_text(&b, &t.url("/w/acme/soa?status=implemented")).await;
    assert_eq!(rows_in(&html), 2, "{html}");
    assert_eq!(html.matches(&format!("<td>{ADMIN_EMAIL}</td>")).count(), 2);
    assert!(html.contains("<td>Implemented</td>"));
    assert!(
        !html.contains("href=\"/catalog/iso42001/item/A.2.2\""),
        "A.2.2 has a record now"
    );
    // Once more, on the records now there: the owner cleared, the status kept.
    let (s, _) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/bulk",
        &[("control", "iso42001:A.2.2"), ("owner", "none")],
    )
    .await;
    assert_eq!(s, 303);
    let acme = t.scope("acme").await;
    let (v, _) = t.app.soa(&acme).await.unwrap();
    let facts = |c: &str| {
        v.lines
            .iter()
            .find(|l| l.row.control == c)
            .unwrap()
            .facts
            .clone()
    };
    assert_eq!(facts("iso42001:A.2.2").owner, None);
    assert_eq!(
        facts("iso42001:A.2.2").implementation_status.as_deref(),
        Some("implemented")
    );
    assert_eq!(
        facts("iso42001:A.6.2.4").owner.as_deref(),
        Some(ADMIN_EMAIL)
    );
    // Nothing ticked, or someone who is not a member: refused on the page.
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/bulk",
        &[("implementation_status", "planned")],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("Control: choose at least one control"),
        "{html}"
    );
    let (s, html) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/bulk",
        &[
            ("control", "iso42001:A.2.2"),
            ("owner", "stranger@example.org"),
        ],
    )
    .await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("must be a member of this workspace"));
    t.stop().await;
}

#[tokio::test]
async fn an_auditor_sees_no_forms_and_cannot_post() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let (b, csrf) = member_session(&t, "audrey@example.org", "acme", Role::Auditor).await;
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert_eq!(rows_in(&html), 38);
    for form in [
        "/w/acme/soa/rows",
        "/w/acme/soa/bulk",
        "/w/acme/soa/approve",
    ] {
        assert!(!html.contains(form), "no form posting to {form}");
    }
    assert!(!html.contains("name=\"control\""));
    let head = history_head(&t).await;
    for (path, form) in [
        (
            "/w/acme/soa/rows",
            vec![
                ("control", "iso42001:A.2.2"),
                ("decision", "included"),
                ("reasons", "best_practice"),
            ],
        ),
        (
            "/w/acme/soa/bulk",
            vec![
                ("control", "iso42001:A.2.2"),
                ("implementation_status", "implemented"),
            ],
        ),
        (
            "/w/acme/soa/approve",
            vec![("number", "1"), ("revision", "1")],
        ),
    ] {
        let (s, _) = post(&t, &b, &csrf, path, &form).await;
        assert_eq!(s, 403, "{path}");
    }
    assert_eq!(history_head(&t).await, head, "nothing was written");
    assert_eq!(t.app.soa(&acme).await.unwrap().0.number, 0, "nothing saved");
    t.stop().await;
}

#[tokio::test]
async fn a_contributor_adds_iso_27001_to_the_statement_on_the_page() {
    let t = TestApp::new().await;
    let (b, csrf) = member_session(&t, "carol@example.org", "acme", Role::Contributor).await;
    let html = fetch_text(&b, &t.url("/w/acme/soa")).await;
    assert!(
        html.contains("name=\"framework\" value=\"iso27001\">"),
        "offered, not ticked: {html}"
    );
    let (s, to) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/frameworks",
        &[("based_on", ""), ("framework", "iso27001")],
    )
    .await;
    assert_eq!(s, 303, "{to}");
    let html = fetch_text(&b, &t.url(&to)).await;
    let adopted = rows_in(&html) - 38;
    assert!(adopted > 0, "{html}");
    assert!(html.contains("saved in the draft"));
    assert!(html.contains(">iso27001 A.5.1</a>"), "{html}");
    assert!(html.contains("value=\"iso27001\" checked>"));
    let area = fetch_text(&b, &t.url("/w/acme/soa?area=ISO%2FIEC+27001%3A2022+A.5")).await;
    assert!(
        rows_in(&area) > 0 && rows_in(&area) < adopted,
        "the area filter tells the frameworks apart"
    );
    // Unticked again: the Annex A rows alone.
    let v = t.app.soa(&t.scope("acme").await).await.unwrap().0;
    let (s, to) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/frameworks",
        &[("based_on", &format!("{}.{}", v.number, v.revision))],
    )
    .await;
    assert_eq!(s, 303, "{to}");
    assert_eq!(rows_in(&fetch_text(&b, &t.url(&to)).await), 38);
    // A stale form is a conflict, nothing changes.
    let (s, _) = post(
        &t,
        &b,
        &csrf,
        "/w/acme/soa/frameworks",
        &[
            ("based_on", &format!("{}.{}", v.number, v.revision)),
            ("framework", "iso27001"),
        ],
    )
    .await;
    assert_eq!(s, 409);
    t.stop().await;
}
