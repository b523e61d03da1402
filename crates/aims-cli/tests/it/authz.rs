//! The authorization matrix, generated from the route table: every operation
//! of the OpenAPI document (which the router is built from, so no route exists
//! undocumented) declares what it requires in `x-aims-requires`, and each is
//! called by every kind of caller — API tokens and signed-in members of each
//! role, an instance administrator, no caller, and a caller of another
//! workspace. Every answer must be what the declaration and the role rule say;
//! after every refused write nothing changed (the history head did not move),
//! and every allowed write appended to the history.

use crate::helpers::{
    member_session, problem_fields, sign_in, SystemsExt, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use aims_app::domain::impact::ImpactState;
use aims_app::domain::record::Input;
use aims_app::domain::{Action, Role};
use aims_app::Principal;
use reqwest::{Client, Method};
use serde_json::{json, Map, Value};

/// What an operation requires, from its `x-aims-requires`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Requires {
    SignedIn,
    Admin,
    Workspace(Action),
}

fn requires(op: &Value) -> Requires {
    match op["x-aims-requires"].as_str() {
        Some("signed-in") => Requires::SignedIn,
        Some("admin") => Requires::Admin,
        Some(action) => Requires::Workspace(
            action
                .parse()
                .unwrap_or_else(|e| panic!("x-aims-requires: {e}")),
        ),
        None => panic!("an operation does not declare x-aims-requires: {op}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Token(Role),
    Member(Role),
    /// The instance administrator (also a manager of `acme`).
    Admin,
    Nobody,
    /// A token of, and a member of, another workspace only.
    OtherToken,
    OtherMember,
}

impl Who {
    const ALL: [Who; 10] = [
        Who::Token(Role::Manager),
        Who::Token(Role::Contributor),
        Who::Token(Role::Auditor),
        Who::Member(Role::Manager),
        Who::Member(Role::Contributor),
        Who::Member(Role::Auditor),
        Who::Admin,
        Who::Nobody,
        Who::OtherToken,
        Who::OtherMember,
    ];

    /// The status the rules give `self` calling an operation that requires
    /// `req` and answers `ok` on success.
    fn expect(self, req: Requires, ok: u16) -> u16 {
        let allowed = |yes: bool| if yes { ok } else { 403 };
        match (self, req) {
            (Who::Nobody, _) => 401,
            (_, Requires::SignedIn) => ok,
            (who, Requires::Admin) => allowed(who == Who::Admin),
            (Who::OtherToken | Who::OtherMember, Requires::Workspace(_)) => 404,
            (Who::Token(_), Requires::Workspace(Action::Administer)) => 403,
            (Who::Token(r) | Who::Member(r), Requires::Workspace(a)) => allowed(r.allows(a)),
            (Who::Admin, Requires::Workspace(_)) => ok,
        }
    }
}

/// A signed-in browser session with its CSRF token.
struct Session {
    client: Client,
    csrf: String,
}

struct Callers {
    tokens: Vec<(Role, String)>,
    members: Vec<(Role, Session)>,
    admin: Session,
    other_token: String,
    other_member: Session,
}

async fn callers(t: &TestApp) -> Callers {
    let mut tokens = vec![];
    let mut members = vec![];
    for role in Role::ALL {
        tokens.push((role, t.token("acme", role.as_str()).await));
        let email = format!("{}@example.org", role.as_str());
        let (client, csrf) = member_session(t, &email, "acme", role).await;
        members.push((role, Session { client, csrf }));
    }
    let (client, csrf) = sign_in(t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    Callers {
        tokens,
        members,
        admin: Session { client, csrf },
        other_token: t.token("other", "manager").await,
        other_member: {
            let (client, csrf) =
                member_session(t, "outsider@example.org", "other", Role::Manager).await;
            Session { client, csrf }
        },
    }
}

/// The history head: every change appends to it, nothing else moves it.
async fn head(t: &TestApp) -> i64 {
    let mut c = t.app.store.conn().await.unwrap();
    c.conn().history_head().await.unwrap().seq
}

/// A sample value for a request body field, by name. A new field needs a line here.
fn sample(field: &str, target: &Target) -> Value {
    match field {
        "name" => json!(format!("Matrix {}", uuid::Uuid::now_v7().simple())),
        "purpose" => json!("Made by the authorization matrix"),
        "slug" => json!(format!(
            "m-{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        )),
        "email" => json!(target.email),
        "role" => json!("contributor"),
        "version" => json!(target.version),
        "answers" => json!({"art5.social_scoring": false}),
        "method" => matrix_method(),
        "based_on" => Value::Null,
        "note" => json!("Made by the authorization matrix"),
        "reason" => json!("Accepted by the authorization matrix"),
        "expires_on" => json!("2999-01-01"),
        "revision" => json!(target.version),
        "system" => Value::Null,
        "assessment" => serde_json::to_value(crate::helpers::complete_impact()).unwrap(),
        "rows" => json!([]),
        "frameworks" => json!(["iso42001", "iso27001"]),
        "markdown" => json!(format!("# Matrix {}", uuid::Uuid::now_v7().simple())),
        "to" => json!("in_review"),
        "status" => json!("accepted"),
        "url" => json!("https://hooks.example.org/matrix"),
        "events" => json!(["ai_system.create"]),
        "enabled" => json!(false),
        other => panic!("the authorization matrix has no sample for body field `{other}`"),
    }
}

/// A risk method that differs from every other one sent (a band's name is
/// new), so each allowed change is written; contributors may accept low risks.
fn matrix_method() -> Value {
    let mut m = serde_json::to_value(aims_app::domain::risk::RiskMethod::default_5x5()).unwrap();
    m["bands"][0]["name"] = json!(format!(
        "Low {}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    ));
    m["acceptance"][0]["by"] = json!("contributor");
    m
}

/// Fresh records an operation acts on, made right before each call.
struct Target {
    id: String,
    email: String,
    version: i64,
    /// Another record to link to, and a link to remove.
    to: String,
    /// The title column of the kind a path imports.
    title: &'static str,
    link: String,
    /// The version a `{number}` path names.
    number: i64,
}

async fn target(t: &TestApp, path: &str, shared_system: &str) -> Target {
    let op = Principal::operator();
    let acme = t.scope("acme").await;
    let email = format!("t{}@example.org", uuid::Uuid::now_v7().simple());
    let user = t
        .app
        .add_user(&op, &email, "Target", "target password 1", false, false)
        .await
        .unwrap();
    if path.contains("/impact-assessment/") || path.ends_with("/impact-assessment") {
        return impact_target(t, path, email).await;
    }
    if path.contains("/soa/") {
        return soa_target(t, email).await;
    }
    if path.contains("/evidence/{id}/files/{number}") {
        return evidence_target(t, email).await;
    }
    if path.contains("/documents/{id}/") && !path.contains("/links") {
        return document_target(t, email).await;
    }
    if path.contains("/questionnaires/{id}") {
        // A questionnaire sent to a supplier; answered when it is to be reviewed.
        let body = json!({"title": "Target supplier"});
        let supplier = t
            .app
            .create_record(
                &acme,
                &aims_app::domain::record::SUPPLIERS,
                Input::Json(body.as_object().unwrap()),
            )
            .await
            .unwrap();
        let req = aims_app::SendQuestionnaire {
            sent_to: "target@supplier.example".into(),
            due_on: t.app.today(),
            ..Default::default()
        };
        let q = t
            .app
            .send_questionnaire(&acme, &supplier.id, &req)
            .await
            .unwrap()
            .questionnaire
            .id;
        if path.ends_with("/review") {
            let answers = [("offering".to_owned(), "Target".to_owned())].into();
            t.app.record_answers(&acme, &q, &answers).await.unwrap();
        }
        return Target {
            id: q,
            email,
            version: 1,
            to: String::new(),
            link: String::new(),
            title: "title",
            number: 1,
        };
    }
    let id = if path.ends_with("/systems/{id}/classification") {
        // A system that has been classified once, so it can be read back.
        let s = t.app.create_system(&acme, "Target", "").await.unwrap();
        t.app
            .classify_system(&acme, &s.id, &Default::default())
            .await
            .unwrap();
        s.id
    } else if let Some(kind) = record_kind(path) {
        let body = if path.ends_with("/acceptance") {
            // A risk whose residual is scored, so it can be accepted.
            json!({"title": "Target", "residual_likelihood": 1, "residual_impact": 1})
        } else if path.ends_with("/findings/{id}/raise") {
            // Only a finding graded a nonconformity is raised.
            json!({"title": "Target", "grade": "major_nc"})
        } else if path.ends_with("/reviews/{id}/approve") {
            // A review is signed off once held.
            json!({"title": "Target", "held_on": "2026-01-15", "status": "held"})
        } else {
            json!({kind.title_field().name: "Target"})
        };
        let new = || {
            t.app
                .create_record(&acme, kind, Input::Json(body.as_object().unwrap()))
        };
        let (id, to) = (new().await.unwrap().id, new().await.unwrap().id);
        let link = if path.ends_with("/links/{link}") {
            t.app
                .link(&acme, kind, &id, "related_to", &to)
                .await
                .unwrap()
                .id
        } else if path.contains("/checklist/{item}") {
            // An audit with its checklist: the first item.
            t.app
                .generate_checklist(&acme, &id, &["9.2".to_owned()])
                .await
                .unwrap()[0]
                .id
                .clone()
        } else {
            String::new()
        };
        return Target {
            id,
            email,
            version: 1,
            to,
            link,
            title: kind.title_field().name,
            number: 1,
        };
    } else if path.ends_with("/tokens/{id}") {
        t.app
            .create_token(&acme, "target", "auditor")
            .await
            .unwrap()
            .row
            .id
    } else if path.contains("/webhooks/{id}") {
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
    } else if path.ends_with("/members/{id}") {
        t.app.set_member(&acme, &email, "auditor").await.unwrap();
        user.id
    } else {
        shared_system.to_owned()
    };
    Target {
        id,
        email,
        version: 1,
        to: String::new(),
        link: String::new(),
        title: aims_app::domain::record::KINDS
            .iter()
            .find(|k| path.ends_with(&format!("/{}/import", k.name)))
            .map_or("name", |k| k.title_field().name),
        number: 1,
    }
}

/// A system whose impact assessment is where the operation needs it: in
/// review to be approved or sent back, a complete draft otherwise.
async fn impact_target(t: &TestApp, path: &str, email: String) -> Target {
    let acme = t.scope("acme").await;
    let s = t.app.create_system(&acme, "Target", "").await.unwrap();
    let v = t
        .app
        .save_impact(&acme, &s.id, None, crate::helpers::complete_impact())
        .await
        .unwrap();
    let mut revision = v.revision;
    if path.ends_with("/approve") || path.ends_with("/return") {
        revision = t
            .app
            .move_impact(&acme, &s.id, 1, revision, ImpactState::InReview, "")
            .await
            .unwrap()
            .revision;
    }
    Target {
        id: s.id,
        email,
        version: revision,
        to: String::new(),
        link: String::new(),
        title: "name",
        number: 1,
    }
}

/// A fresh draft of the Statement of Applicability with every control
/// decided and justified, so a manager may approve it.
async fn soa_target(t: &TestApp, email: String) -> Target {
    let acme = t.scope("acme").await;
    // Only the Annex A rows, whatever an earlier call adopted.
    t.app
        .set_soa_frameworks(&acme, None, vec!["iso42001".into()])
        .await
        .unwrap();
    let rows = t
        .app
        .soa_proposal(&acme)
        .await
        .unwrap()
        .into_iter()
        .map(|mut r| {
            r.decision = aims_app::domain::soa::Decision::Included;
            r.reasons = vec![aims_app::domain::soa::Reason::BestPractice];
            r
        })
        .collect();
    let v = t.app.save_soa(&acme, None, rows).await.unwrap();
    Target {
        id: String::new(),
        email,
        version: v.revision,
        to: String::new(),
        link: String::new(),
        title: "name",
        number: v.number,
    }
}

/// A document whose text has a draft version 1; a published version 1 for
/// reading acknowledgements.
async fn document_target(t: &TestApp, email: String) -> Target {
    let acme = t.scope("acme").await;
    let doc = t
        .app
        .create_record(
            &acme,
            &aims_app::domain::record::DOCUMENTS,
            aims_app::domain::record::Input::Json(
                json!({"title": "Matrix policy"}).as_object().unwrap(),
            ),
        )
        .await
        .unwrap();
    let v = t
        .app
        .save_document_text(&acme, &doc.id, None, "# Matrix policy")
        .await
        .unwrap();
    Target {
        id: doc.id,
        email,
        version: v.revision,
        to: String::new(),
        link: String::new(),
        title: "title",
        number: v.number,
    }
}

/// An evidence item with one file version.
async fn evidence_target(t: &TestApp, email: String) -> Target {
    let acme = t.scope("acme").await;
    let mut w = t.app.evidence_writer(&acme).unwrap();
    w.write("matrix evidence".into()).await.unwrap();
    let stored = w.finish().await.unwrap();
    let v = t
        .app
        .push_evidence(
            &acme,
            aims_app::Push {
                source: "api".into(),
                files: vec![aims_app::PushedFile {
                    file_name: "matrix.txt".into(),
                    stored,
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    Target {
        id: v.id,
        email,
        version: v.version,
        to: String::new(),
        link: String::new(),
        title: "name",
        number: 1,
    }
}

/// The kind of record a path acts on, when it is one of the record routes.
fn record_kind(path: &str) -> Option<&'static aims_app::domain::record::Kind> {
    aims_app::domain::record::KINDS.iter().find(|k| {
        path.starts_with(&format!(
            "/api/v1/workspaces/{{workspace}}/{}/{{id}}",
            k.name
        )) && !path.ends_with("/classification")
    })
}

/// Resolves a `$ref` into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn body(doc: &Value, op: &Value, target: &Target) -> Option<(String, String)> {
    let content = op["requestBody"]["content"].as_object()?;
    if let Some(json_body) = content.get("application/json") {
        let schema = resolve(doc, &json_body["schema"]);
        if let Some(Value::Object(example)) = schema.get("example") {
            // Record bodies: the documented example, pointed at the target.
            let mut obj = example.clone();
            for (k, v) in obj.iter_mut() {
                match k.as_str() {
                    "version" => *v = json!(target.version),
                    "to" => *v = json!(target.to),
                    _ => {}
                }
            }
            return Some(("application/json".into(), Value::Object(obj).to_string()));
        }
        let mut obj = Map::new();
        for field in schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            obj.insert(field.clone(), sample(field, target));
        }
        return Some(("application/json".into(), Value::Object(obj).to_string()));
    }
    if content.contains_key("multipart/form-data") {
        // An evidence push: one small file for a control.
        let b = "matrixboundary";
        return Some((
            format!("multipart/form-data; boundary={b}"),
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"control\"\r\n\r\nA.6.2.4\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"matrix.txt\"\r\nContent-Type: text/plain\r\n\r\nMatrix {}\r\n--{b}--\r\n",
                uuid::Uuid::now_v7().simple()
            ),
        ));
    }
    if content.contains_key("text/csv") {
        // A record import: one new row of the kind.
        return Some((
            "text/csv".into(),
            format!(
                "{}\nMatrix {}\n",
                target.title,
                uuid::Uuid::now_v7().simple()
            ),
        ));
    }
    // A catalogue file.
    let id = format!(
        "matrix-{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    Some((
        "application/toml".into(),
        format!("[framework]\nid = \"{id}\"\nname = \"Matrix\"\nkind = \"internal\"\n\n[[item]]\nid = \"R1\"\nkind = \"rule\"\ntitle = \"One\"\n"),
    ))
}

#[tokio::test]
async fn every_operation_for_every_caller() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let shared = t
        .app
        .create_system(&t.scope("acme").await, "Shared", "")
        .await
        .unwrap()
        .id;
    t.app
        .set_risk_method(&t.scope("acme").await, None, &matrix_method(), "")
        .await
        .unwrap();
    let c = callers(&t).await;
    let doc: Value = serde_json::from_str(&aims_web::openapi_json()).unwrap();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, operation) in ops.as_object().unwrap() {
            let req = requires(operation);
            let ok: u16 = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|k| k.parse().ok())
                .find(|s| (200..300).contains(s))
                .unwrap_or_else(|| panic!("{method} {path} documents no success"));
            let method: Method = method.to_uppercase().parse().unwrap();
            for who in Who::ALL {
                let target = target(&t, path, &shared).await;
                let mut url = path
                    .replace("{workspace}", "acme")
                    .replace("{id}", &target.id)
                    .replace("{link}", &target.link)
                    .replace("{number}", &target.number.to_string())
                    .replace(
                        "{key}",
                        if path.contains("/document-templates/") {
                            "ai-policy"
                        } else {
                            "model_drift"
                        },
                    )
                    .replace("{framework}", "iso42001")
                    .replace("{kind}", "summary")
                    .replace(
                        "{item}",
                        if path.contains("/checklist/") {
                            &target.link
                        } else {
                            "A.2.2"
                        },
                    );
                let required_query: Vec<String> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query" && p["required"] == true)
                    .map(|p| match p["name"].as_str().unwrap() {
                        // Version numbers (the SoA's changes): the target's version.
                        n @ ("from" | "to") => format!("{n}={}", target.number),
                        n => format!("{n}=policy"),
                    })
                    .collect();
                if !required_query.is_empty() {
                    url = format!("{url}?{}", required_query.join("&"));
                }
                let mut request = t.client.request(method.clone(), t.url(&url));
                request = match who {
                    Who::Token(role) => {
                        let token = &c.tokens.iter().find(|(r, _)| *r == role).unwrap().1;
                        request.bearer_auth(token)
                    }
                    Who::OtherToken => request.bearer_auth(&c.other_token),
                    Who::Member(_) | Who::Admin | Who::OtherMember => {
                        let s = match who {
                            Who::Member(role) => {
                                &c.members.iter().find(|(r, _)| *r == role).unwrap().1
                            }
                            Who::Admin => &c.admin,
                            _ => &c.other_member,
                        };
                        s.client
                            .request(method.clone(), t.url(&url))
                            .header("x-csrf-token", &s.csrf)
                    }
                    Who::Nobody => request,
                };
                if let Some((content_type, text)) = body(&doc, operation, &target) {
                    request = request.header("content-type", content_type).body(text);
                }
                let before = head(&t).await;
                let r = request.send().await.unwrap();
                let status = r.status().as_u16();
                let content_type = r
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let text = r.text().await.unwrap();
                let expected = who.expect(req, ok);
                assert_eq!(status, expected, "{method} {path} as {who:?}: {text}");
                let after = head(&t).await;
                if status >= 400 {
                    assert_eq!(
                        content_type, "application/problem+json",
                        "{method} {path} as {who:?}"
                    );
                    assert_eq!(
                        before, after,
                        "{method} {path} as {who:?} was refused but changed something"
                    );
                } else if method != Method::GET && !path.starts_with("/api/v1/catalog") {
                    assert!(
                        after > before,
                        "{method} {path} as {who:?} changed a record without a history event"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 22 * Who::ALL.len(), "{checked} calls");
    t.stop().await;
}

#[tokio::test]
async fn records_of_another_workspace_are_not_found() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let foreign = t
        .app
        .create_system(&t.scope("other").await, "Foreign", "")
        .await
        .unwrap()
        .id;
    let token = t.token("acme", "manager").await;
    let foreign_record = format!("/api/v1/workspaces/acme/systems/{foreign}");
    for path in [
        foreign_record.as_str(),
        "/api/v1/workspaces/other/systems",
        "/api/v1/workspaces/nope/systems",
    ] {
        t.call(Method::GET, path, Some(&token), None)
            .await
            .problem(404);
    }
    let r = t
        .call(
            Method::PUT,
            &foreign_record,
            Some(&token),
            Some(json!({"name": "x", "version": 1})),
        )
        .await;
    r.problem(404);
    assert!(problem_fields(&r.json()).is_empty());
    t.stop().await;
}

#[tokio::test]
async fn a_token_sees_only_its_own_workspace() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let tok = t.token("acme", "manager").await;
    let ws = t
        .call(Method::GET, "/api/v1/workspaces", Some(&tok), None)
        .await
        .json();
    let slugs: Vec<_> = ws["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs, ["acme"]);
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&tok), None)
        .await
        .json();
    assert_eq!(me["kind"], "token");
    t.stop().await;
}

#[tokio::test]
async fn revoked_tokens_stop_working_and_use_is_recorded() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let created = t
        .app
        .create_token(&acme, "ci", "contributor")
        .await
        .unwrap();
    assert!(created.secret.starts_with("aims_"));
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/systems",
            Some(&created.secret),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let listed = t.app.tokens(&acme).await.unwrap();
    assert!(listed[0].last_used_at.is_some(), "last use is recorded");
    t.app.revoke_token(&acme, &created.row.id).await.unwrap();
    t.call(
        Method::GET,
        "/api/v1/workspaces/acme/systems",
        Some(&created.secret),
        None,
    )
    .await
    .problem(401);
    t.stop().await;
}

#[test]
fn every_operation_has_its_own_id() {
    // Client generators and the spec validator need unique operation ids.
    let doc: Value = serde_json::from_str(&aims_web::openapi_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operation id {id} is used by {other} and {method} {path}");
            }
        }
    }
    assert!(seen.len() > 50, "{}", seen.len());
}
