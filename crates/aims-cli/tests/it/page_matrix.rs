//! The page role matrix, generated from the page route table (the router is
//! built from the same table): every page and form, for a signed-in member of
//! each role, the administrator, nobody, and a member of another workspace.
//! Refused forms change nothing (the history head does not move); accepted
//! ones leave a history event.

use crate::helpers::{
    browser, csrf_of, fetch_text, member_session, sign_in, SystemsExt, TestApp, ADMIN_EMAIL,
    ADMIN_PASSWORD,
};
use aims_app::domain::Role;
use aims_app::Principal;
use aims_web::PageRequires;
use reqwest::{Client, Method};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Member(Role),
    Admin,
    Nobody,
    OtherMember,
}

const CALLERS: [Who; 6] = [
    Who::Member(Role::Manager),
    Who::Member(Role::Contributor),
    Who::Member(Role::Auditor),
    Who::Admin,
    Who::Nobody,
    Who::OtherMember,
];

#[derive(Debug, PartialEq)]
enum Outcome {
    Done,
    SignIn,
    Refused(u16),
}

fn expected(who: Who, req: PageRequires) -> Outcome {
    match (who, req) {
        (_, PageRequires::Anyone) => Outcome::Done,
        (Who::Nobody, _) => Outcome::SignIn,
        (_, PageRequires::SignedIn) => Outcome::Done,
        (Who::Admin, _) => Outcome::Done,
        (_, PageRequires::Admin) => Outcome::Refused(403),
        (Who::OtherMember, PageRequires::Workspace(_)) => Outcome::Refused(404),
        (Who::Member(role), PageRequires::Workspace(a)) if role.allows(a) => Outcome::Done,
        (Who::Member(_), PageRequires::Workspace(_)) => Outcome::Refused(403),
    }
}

async fn head(t: &TestApp) -> i64 {
    let mut c = t.app.store.conn().await.unwrap();
    c.conn().history_head().await.unwrap().seq
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()[20..].to_owned()
}

/// Fills the path's parameters with fresh records and returns the form a
/// browser would send there. A new form needs its sample here.
async fn prepare(t: &TestApp, path: &str) -> (String, Vec<(String, String)>) {
    let op = Principal::operator();
    let acme = t.scope("acme").await;
    let system = t.app.create_system(&acme, "Target", "").await.unwrap().id;
    let token = t
        .app
        .create_token(&acme, "target", "auditor")
        .await
        .unwrap()
        .row
        .id;
    let webhook = if path.contains("/webhooks/") {
        t.app
            .create_webhook(
                &acme,
                aims_app::WebhookInput {
                    url: Some("https://hooks.example.org/target".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .webhook
            .id
    } else {
        String::new()
    };
    let email = format!("t{}@example.org", unique());
    let user = t
        .app
        .add_user(&op, &email, "Target", "target password 1", false, false)
        .await
        .unwrap();
    let url = path
        .replace("{ws}", "acme")
        .replace("{user_id}", &user.id)
        .replace("{area}", "risks")
        .replace("{framework}", "iso42001")
        .replace("{kind}", "summary")
        .replace("{item}", "A.2.2")
        .replace(
            "{key}",
            if path.contains("/document-templates/") {
                "ai-policy"
            } else {
                "model_drift"
            },
        )
        .replace(
            "{id}",
            if path.contains("/tokens/") {
                &token
            } else if path.contains("/webhooks/") {
                &webhook
            } else {
                &system
            },
        );
    if path.ends_with("/members/{user_id}/remove") {
        t.app.set_member(&acme, &email, "auditor").await.unwrap();
    }
    let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let name = format!("Page matrix {}", unique());
    // A questionnaire sent to a supplier: answered first when it is to be reviewed.
    if path.starts_with("/w/{ws}/questionnaires/") {
        let q = sent_questionnaire(t).await;
        if path.ends_with("/review") {
            let answers = [("offering".to_owned(), "Matrix".to_owned())].into();
            t.app.record_answers(&acme, &q, &answers).await.unwrap();
        }
        let form = if path.ends_with("/answers") {
            f(&[("answer.offering", &name)])
        } else if path.ends_with("/review") {
            f(&[("conclusion", &name)])
        } else {
            vec![]
        };
        return (url.replace(&system, &q), form);
    }
    // Pages of a kind of record: a record of that kind, and for links another one.
    if let Some(kind) = aims_app::domain::record::KINDS.iter().find(|k| {
        let base = format!("/w/{{ws}}/{}", k.page);
        // The whole page segment: `/evidence` is not `/evidence-requests`.
        (path == base || path.starts_with(&format!("{base}/")))
            && !path.contains("/classification")
            && !path.contains("/impact")
    }) {
        let title = kind.title_field().name;
        let body = serde_json::json!({title: "Target"});
        let new = || {
            t.app.create_record(
                &acme,
                kind,
                aims_app::domain::record::Input::Json(body.as_object().unwrap()),
            )
        };
        let (id, to) = (new().await.unwrap().id, new().await.unwrap().id);
        let link = if path.ends_with("/links/{link}/delete") {
            t.app
                .link(&acme, kind, &id, "related_to", &to)
                .await
                .unwrap()
                .id
        } else {
            String::new()
        };
        let url = url.replace(&system, &id).replace("{link}", &link);
        // A system's page with its monitoring section filled: the latest
        // fairness and drift reports.
        if kind.name == "systems" && path == "/w/{ws}/inventory/{id}" {
            for report in [
                crate::monitoring_reports::fairness_report(),
                crate::monitoring_reports::drift_report(),
            ] {
                t.app
                    .record_monitoring_report(&acme, &id, &report.to_string())
                    .await
                    .unwrap();
            }
        }
        // An audit with its checklist: the first item.
        let url = if path.contains("/checklist/{item}") {
            let items = t
                .app
                .generate_checklist(&acme, &id, &["9.2".to_owned()])
                .await
                .unwrap();
            // (`{item}` was filled for the catalogue's pages.)
            url.replace("/checklist/A.2.2", &format!("/checklist/{}", items[0].id))
        } else {
            url
        };
        if path.contains("/files/{number}") {
            // An evidence item with one file version to preview.
            let mut w = t.app.evidence_writer(&acme).unwrap();
            w.write("matrix evidence".into()).await.unwrap();
            let stored = w.finish().await.unwrap();
            t.app
                .push_evidence(
                    &acme,
                    aims_app::Push {
                        evidence_id: Some(id.clone()),
                        source: "manual".into(),
                        files: vec![aims_app::PushedFile {
                            file_name: "matrix.txt".into(),
                            stored,
                        }],
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let url = url.replace("{number}", "1");
        // A document's text: a draft to move; a published version to acknowledge.
        if kind.name == "documents" && (path.ends_with("/move") || path.ends_with("/acknowledge")) {
            let v = t
                .app
                .save_document_text(&acme, &id, None, "# Matrix")
                .await
                .unwrap();
            if path.ends_with("/acknowledge") {
                use aims_app::domain::document::DocState;
                let v = t
                    .app
                    .move_document(&acme, &id, 1, v.revision, DocState::Approved, "")
                    .await
                    .unwrap();
                t.app
                    .move_document(&acme, &id, 1, v.revision, DocState::Published, "")
                    .await
                    .unwrap();
                return (url, vec![]);
            }
            return (
                url,
                f(&[
                    ("number", "1"),
                    ("revision", &v.revision.to_string()),
                    ("to", "in_review"),
                ]),
            );
        }
        if kind.name == "documents" && path.ends_with("/text") {
            return (
                url,
                f(&[("based_on", ""), ("markdown", &format!("# {name}"))]),
            );
        }
        if kind.name == "findings" && path.ends_with("/raise") {
            // Only a finding graded a nonconformity is raised.
            let grade = serde_json::json!({"grade": "major_nc"});
            t.app
                .update_record(
                    &acme,
                    kind,
                    &id,
                    1,
                    aims_app::domain::record::Input::Json(grade.as_object().unwrap()),
                )
                .await
                .unwrap();
        }
        if kind.name == "reviews" && path.ends_with("/approve") {
            // A review is signed off once held.
            let held = serde_json::json!({"held_on": "2026-01-15", "status": "held"});
            t.app
                .update_record(
                    &acme,
                    kind,
                    &id,
                    1,
                    aims_app::domain::record::Input::Json(held.as_object().unwrap()),
                )
                .await
                .unwrap();
            return (url, f(&[("version", "2"), ("note", "matrix")]));
        }
        let journal = aims_app::domain::journal::entry_types(kind.name);
        let form = if path.ends_with("/checklist") {
            f(&[("only", "9.2")])
        } else if path.ends_with("/sample") {
            f(&[("size", "2")])
        } else if path.ends_with("/checklist/{item}") {
            f(&[("result", "observation"), ("notes", &name)])
        } else if path.ends_with("/entries") {
            f(&[
                ("entry_type", journal[0].key),
                ("text", &name),
                ("recipient", "Matrix readers"),
            ])
        } else if path.ends_with("/questionnaires") {
            f(&[
                ("template", "ai-supplier"),
                ("sent_to", "matrix@supplier.example"),
                ("due_on", &t.app.today()),
            ])
        } else if path.ends_with("/measurements") {
            f(&[("value", "0.5")])
        } else if path.ends_with("/approve") {
            f(&[("version", "1"), ("note", "matrix")])
        } else if path.ends_with("/import") {
            f(&[("mode", "all"), ("file", &format!("{title}\n{name}\n"))])
        } else if path.ends_with("/upload") {
            f(&[("file", &format!("evidence {name}\n"))])
        } else if path.ends_with("/links") {
            f(&[("relation", "related_to"), ("to", &to)])
        } else if path.ends_with("/{id}") {
            f(&[("version", "1"), (title, &name)])
        } else if path == format!("/w/{{ws}}/{}", kind.page) {
            f(&[(title, &name)])
        } else {
            vec![]
        };
        return (url, form);
    }
    // A system's impact assessment: a complete draft to submit, one in review to move on.
    if path.contains("/{id}/impact/") {
        let v = t
            .app
            .save_impact(&acme, &system, None, crate::helpers::complete_impact())
            .await
            .unwrap();
        let mut revision = v.revision;
        if !path.ends_with("/submit") {
            revision = t
                .app
                .move_impact(
                    &acme,
                    &system,
                    1,
                    revision,
                    aims_app::domain::impact::ImpactState::InReview,
                    "",
                )
                .await
                .unwrap()
                .revision;
        }
        return (
            url,
            f(&[("based_on", &format!("1.{revision}")), ("note", "matrix")]),
        );
    }
    // The Statement of Applicability: a draft to read or edit; to approve,
    // one where every control is decided.
    if path.starts_with("/w/{ws}/soa") {
        use aims_app::domain::soa::{Decision, Reason, Row};
        let draft = if path.ends_with("/approve") {
            // Only the Annex A rows, whatever an earlier call adopted.
            t.app
                .set_soa_frameworks(&acme, None, vec!["iso42001".into()])
                .await
                .unwrap();
            let (current, _) = t.app.soa(&acme).await.unwrap();
            let rows = current
                .lines
                .into_iter()
                .map(|l| Row {
                    decision: Decision::Included,
                    reasons: vec![Reason::BestPractice],
                    exclusion: String::new(),
                    ..l.row
                })
                .collect();
            t.app.save_soa(&acme, None, rows).await.unwrap()
        } else {
            t.app.save_soa(&acme, None, vec![]).await.unwrap()
        };
        let (number, revision) = (draft.number.to_string(), draft.revision.to_string());
        // A status the control does not hold yet, so the bulk edit writes.
        let held = draft
            .lines
            .iter()
            .find(|l| l.row.control == "iso42001:A.2.2")
            .and_then(|l| l.facts.implementation_status.clone());
        let status = if held.as_deref() == Some("implemented") {
            "planned"
        } else {
            "implemented"
        };
        let form = match path {
            "/w/{ws}/soa/rows" => f(&[
                ("based_on", ""),
                ("control", "iso42001:A.2.2"),
                ("decision", "included"),
                ("reasons", "best_practice"),
                ("notes", &name),
            ]),
            "/w/{ws}/soa/approve" => f(&[
                ("number", &number),
                ("revision", &revision),
                ("note", "matrix"),
            ]),
            "/w/{ws}/soa/bulk" => f(&[
                ("control", "iso42001:A.2.2"),
                ("control", "iso42001:A.2.3"),
                ("implementation_status", status),
                ("owner", ADMIN_EMAIL),
            ]),
            // Adopted when it is not, dropped when it is: always a change.
            "/w/{ws}/soa/frameworks" => {
                if draft.frameworks.iter().any(|f| f == "iso27001") {
                    f(&[("based_on", "")])
                } else {
                    f(&[("based_on", ""), ("framework", "iso27001")])
                }
            }
            _ => vec![],
        };
        return (url.replace("{number}", &number), form);
    }
    let form = match path {
        "/w/{ws}/inventory/{id}/impact" => f(&[
            ("based_on", ""),
            ("context.affected_groups", &name),
            ("impact_area", "privacy"),
            ("impact_description", "Leak"),
            ("impact_severity", "2"),
            ("impact_likelihood", "2"),
        ]),
        "/w/{ws}/settings/members" | "/admin/members" => {
            f(&[("workspace", "acme"), ("email", &email), ("role", "contributor")])
        }
        "/w/{ws}/settings/tokens" => f(&[("name", &name), ("role", "auditor")]),
        "/w/{ws}/settings/trust" => f(&[("enabled", "on")]),
        "/w/{ws}/settings/auditors" => f(&[
            ("name", "Matrix auditor"),
            ("email", &email),
            ("expires_on", "2099-12-31"),
        ]),
        "/w/{ws}/document-preview" => f(&[("markdown", "**matrix**")]),
        "/w/{ws}/settings/webhooks" => f(&[
            ("url", "https://hooks.example.org/matrix"),
            ("events", "*"),
            ("enabled", "on"),
        ]),
        // The checkbox left out: a fresh webhook is switched off.
        "/w/{ws}/settings/webhooks/{id}" => f(&[("events", "ai_system.create")]),
        // Each caller switches their own digest off: a change, recorded.
        "/me/digest" => f(&[("receive", "off"), ("ws", "acme")]),
        "/admin/users" => f(&[
            ("name", "New"),
            ("email", &format!("n{}@example.org", unique())),
            ("password", "a long password"),
        ]),
        "/admin/workspaces" => f(&[("name", &name), ("slug", &format!("p-{}", unique()))]),
        "/w/{ws}/risk-method" => {
            // A method unlike any before (a band's name is new), so it is written.
            let mut m = serde_json::to_value(aims_app::domain::risk::RiskMethod::default_5x5()).unwrap();
            m["bands"][0]["name"] = serde_json::json!(format!("Low {}", unique()));
            f(&[("method", &m.to_string()), ("based_on", ""), ("note", "matrix")])
        }
        "/catalog/import" => f(&[
            (
                "content",
                &format!("[framework]\nid = \"page-{}\"\nname = \"P\"\nkind = \"internal\"\n\n[[item]]\nid = \"R1\"\nkind = \"rule\"\ntitle = \"One\"\n", unique()),
            ),
            ("id", ""),
        ]),
        _ => vec![],
    };
    (url, form)
}

/// A questionnaire just sent to a new supplier of `acme`: its id.
async fn sent_questionnaire(t: &TestApp) -> String {
    let acme = t.scope("acme").await;
    let body = serde_json::json!({"title": "Matrix supplier"});
    let supplier = t
        .app
        .create_record(
            &acme,
            &aims_app::domain::record::SUPPLIERS,
            aims_app::domain::record::Input::Json(body.as_object().unwrap()),
        )
        .await
        .unwrap();
    let req = aims_app::SendQuestionnaire {
        sent_to: "matrix@supplier.example".into(),
        due_on: t.app.today(),
        ..Default::default()
    };
    t.app
        .send_questionnaire(&acme, &supplier.id, &req)
        .await
        .unwrap()
        .questionnaire
        .id
}

#[tokio::test]
async fn every_page_and_form_for_every_caller() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let mut sessions: Vec<(Who, Client, String)> = vec![];
    for who in CALLERS {
        let (client, csrf) = match who {
            Who::Member(role) => {
                let email = format!("{}@example.org", role.as_str());
                member_session(&t, &email, "acme", role).await
            }
            Who::Admin => sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await,
            Who::OtherMember => {
                member_session(&t, "outsider@example.org", "other", Role::Manager).await
            }
            Who::Nobody => {
                // A session-less browser still has a page to take a token from.
                (browser(), "0".repeat(64))
            }
        };
        sessions.push((who, client, csrf));
    }
    let mut checked = 0;
    for (method, path, req) in aims_web::page_routes() {
        // Sign-in, setup and sign-out have their own tests (they change who is signed in).
        if req == PageRequires::Anyone || path == "/logout" {
            continue;
        }
        for (who, client, csrf) in &sessions {
            let (url, mut form) = prepare(&t, path).await;
            let before = head(&t).await;
            let r = if method == Method::POST && form.iter().any(|(k, _)| k == "file") {
                // An upload: a multipart form with the file last.
                let mut multipart = reqwest::multipart::Form::new().text("csrf", csrf.clone());
                for (k, v) in form {
                    multipart = if k == "file" {
                        multipart.part(
                            "file",
                            reqwest::multipart::Part::bytes(v.into_bytes()).file_name("rows.csv"),
                        )
                    } else {
                        multipart.text(k, v)
                    };
                }
                client
                    .post(t.url(&url))
                    .multipart(multipart)
                    .send()
                    .await
                    .unwrap()
            } else if method == Method::POST {
                form.push(("csrf".into(), csrf.clone()));
                client.post(t.url(&url)).form(&form).send().await.unwrap()
            } else {
                client.get(t.url(&url)).send().await.unwrap()
            };
            let status = r.status().as_u16();
            let to = r
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let text = r.text().await.unwrap();
            let outcome = match status {
                303 if to == "/login" || to == "/setup" => Outcome::SignIn,
                200..=399 => Outcome::Done,
                s => Outcome::Refused(s),
            };
            assert_eq!(
                outcome,
                expected(*who, req),
                "{method} {path} as {who:?}: {status} {text:.300}"
            );
            let after = head(&t).await;
            if outcome != Outcome::Done {
                assert_eq!(
                    before, after,
                    "{method} {path} as {who:?} was refused but changed something"
                );
            } else if method == Method::POST
                && !path.starts_with("/catalog")
                && !path.ends_with("/document-preview")
            {
                assert!(
                    after > before,
                    "{method} {path} as {who:?} changed nothing recorded"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20 * CALLERS.len(), "{checked}");
    t.stop().await;
}

#[tokio::test]
async fn every_form_carries_the_session_token() {
    // Each signed-in page that has forms embeds the CSRF token the matrix uses.
    let t = TestApp::new().await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for path in [
        "/w/acme/inventory",
        "/w/acme/settings",
        "/w/acme/settings/webhooks",
        "/admin",
        "/catalog",
    ] {
        assert_eq!(csrf_of(&fetch_text(&b, &t.url(path)).await), csrf, "{path}");
    }
    t.stop().await;
}

#[tokio::test]
async fn every_form_refuses_a_wrong_session_token() {
    // The administrator may send every form; with another token, none is taken.
    let t = TestApp::new().await;
    let (client, _) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut checked = 0;
    for (method, path, req) in aims_web::page_routes() {
        if method != Method::POST || req == PageRequires::Anyone || path == "/logout" {
            continue;
        }
        let (url, form) = prepare(&t, path).await;
        let before = head(&t).await;
        let wrong = "f".repeat(64);
        let r = if form.iter().any(|(k, _)| k == "file") {
            let mut multipart = reqwest::multipart::Form::new().text("csrf", wrong);
            for (k, v) in form {
                multipart = if k == "file" {
                    multipart.part(
                        "file",
                        reqwest::multipart::Part::bytes(v.into_bytes()).file_name("rows.csv"),
                    )
                } else {
                    multipart.text(k, v)
                };
            }
            client
                .post(t.url(&url))
                .multipart(multipart)
                .send()
                .await
                .unwrap()
        } else {
            let mut form = form;
            form.push(("csrf".into(), wrong));
            client.post(t.url(&url)).form(&form).send().await.unwrap()
        };
        assert_eq!(r.status().as_u16(), 403, "POST {path} took a wrong token");
        assert_eq!(before, head(&t).await, "POST {path} changed something");
        checked += 1;
    }
    assert!(checked > 15, "{checked}");
    t.stop().await;
}
