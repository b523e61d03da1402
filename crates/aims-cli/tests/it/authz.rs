//! The authorization matrix: every API route, for every role, without a token,
//! and with a token of another workspace.

use crate::helpers::{TestApp, ADMIN_EMAIL};
use aims_app::store::SystemFilter;
use aims_app::Principal;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What a case needs created right before each call.
#[derive(Clone, Copy)]
enum Target {
    /// The shared system of `acme`.
    Shared,
    /// A new system per call (for deletes).
    FreshSystem,
    /// A new token per call (for revokes).
    FreshToken,
    /// A new member per call (for removals).
    FreshMember,
    /// Only the workspace.
    Ws,
}

struct Case {
    method: Method,
    /// The path as the OpenAPI document names it.
    template: &'static str,
    body: Option<Value>,
    target: Target,
    /// Expected status for manager, contributor, auditor.
    expect: [u16; 3],
}

fn case(
    method: Method,
    template: &'static str,
    body: Option<Value>,
    target: Target,
    expect: [u16; 3],
) -> Case {
    Case {
        method,
        template,
        body,
        target,
        expect,
    }
}

fn cases() -> Vec<Case> {
    use Target::*;
    let sys = "/api/v1/workspaces/{workspace}/systems";
    vec![
        case(Method::GET, sys, None, Ws, [200, 200, 200]),
        case(
            Method::POST,
            sys,
            Some(json!({"name": "New system"})),
            Ws,
            [201, 201, 403],
        ),
        case(
            Method::GET,
            "/api/v1/workspaces/{workspace}/systems/{id}",
            None,
            Shared,
            [200, 200, 200],
        ),
        case(
            Method::PUT,
            "/api/v1/workspaces/{workspace}/systems/{id}",
            Some(json!({"name": "Renamed"})),
            Shared,
            [200, 200, 403],
        ),
        case(
            Method::DELETE,
            "/api/v1/workspaces/{workspace}/systems/{id}",
            None,
            FreshSystem,
            [204, 403, 403],
        ),
        case(
            Method::GET,
            "/api/v1/workspaces/{workspace}/systems/{id}/history",
            None,
            Shared,
            [200, 200, 200],
        ),
        case(
            Method::GET,
            "/api/v1/workspaces/{workspace}/activity",
            None,
            Ws,
            [200, 200, 200],
        ),
        case(
            Method::GET,
            "/api/v1/workspaces/{workspace}/members",
            None,
            Ws,
            [200, 200, 200],
        ),
        case(
            Method::PUT,
            "/api/v1/workspaces/{workspace}/members",
            Some(json!({"email": ADMIN_EMAIL, "role": "manager"})),
            Ws,
            [403, 403, 403],
        ),
        case(
            Method::GET,
            "/api/v1/workspaces/{workspace}/tokens",
            None,
            Ws,
            [403, 403, 403],
        ),
        case(
            Method::POST,
            "/api/v1/workspaces/{workspace}/tokens",
            Some(json!({"name": "x", "role": "auditor"})),
            Ws,
            [403, 403, 403],
        ),
        case(
            Method::DELETE,
            "/api/v1/workspaces/{workspace}/tokens/{id}",
            None,
            FreshToken,
            [403, 403, 403],
        ),
        // Access is managed by people, never by API tokens.
        case(
            Method::DELETE,
            "/api/v1/workspaces/{workspace}/members/{id}",
            None,
            FreshMember,
            [403, 403, 403],
        ),
    ]
}

#[tokio::test]
async fn every_route_for_every_role() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let op = Principal::operator();
    let shared = t
        .app
        .create_system(&t.app.enter(&op, "acme").await.unwrap(), "Shared", "")
        .await
        .unwrap()
        .id;
    let foreign = t
        .app
        .create_system(&t.app.enter(&op, "other").await.unwrap(), "Foreign", "")
        .await
        .unwrap()
        .id;
    let roles = ["manager", "contributor", "auditor"];
    let mut tokens = vec![];
    for r in roles {
        tokens.push(t.token("acme", r).await);
    }
    let other_manager = t.token("other", "manager").await;

    for c in cases() {
        // Each caller: the three roles, then no token (401), then another workspace's manager (404).
        let callers: Vec<(Option<&str>, u16, String)> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| (Some(tokens[i].as_str()), c.expect[i], r.to_string()))
            .chain([
                (None, 401, "no token".to_string()),
                (
                    Some(other_manager.as_str()),
                    404,
                    "other workspace".to_string(),
                ),
            ])
            .collect();
        for (token, expected, who) in callers {
            let id = match c.target {
                Target::Shared => shared.clone(),
                Target::FreshSystem => {
                    t.app
                        .create_system(&t.app.enter(&op, "acme").await.unwrap(), "Doomed", "")
                        .await
                        .unwrap()
                        .id
                }
                Target::FreshToken => {
                    t.app
                        .create_token(
                            &t.app.enter(&op, "acme").await.unwrap(),
                            "doomed",
                            "auditor",
                        )
                        .await
                        .unwrap()
                        .row
                        .id
                }
                Target::FreshMember => {
                    let email = format!("m{}@example.org", uuid::Uuid::now_v7().simple());
                    let u = t
                        .app
                        .add_user(&op, &email, "Member", "member password 1", false, false)
                        .await
                        .unwrap();
                    t.app
                        .set_member(&t.app.enter(&op, "acme").await.unwrap(), &email, "auditor")
                        .await
                        .unwrap();
                    u.id
                }
                Target::Ws => String::new(),
            };
            let path = c
                .template
                .replace("{workspace}", "acme")
                .replace("{id}", &id);
            let mut body = c.body.clone();
            if c.method == Method::PUT && c.template.ends_with("{id}") {
                let v = t
                    .app
                    .system(&t.app.enter(&op, "acme").await.unwrap(), &id)
                    .await
                    .unwrap()
                    .version;
                body = Some(json!({"name": format!("Renamed {v}"), "version": v}));
            }
            let r = t.call(c.method.clone(), &path, token, body).await;
            assert_eq!(
                r.status.as_u16(),
                expected,
                "{} {} as {who}: {}",
                c.method,
                c.template,
                r.text
            );
            if expected >= 400 {
                assert_eq!(
                    r.content_type, "application/problem+json",
                    "{} {} as {who}",
                    c.method, c.template
                );
            }
        }
    }

    // Forbidden writes changed nothing: only the manager's and contributor's creates exist.
    let page = t
        .app
        .systems(
            &t.app.enter(&op, "acme").await.unwrap(),
            &SystemFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().filter(|s| s.name == "New system").count(),
        2
    );

    // A record of another workspace answers 404 even through a valid workspace,
    // and so do another workspace and one that does not exist.
    let foreign_record = format!("/api/v1/workspaces/acme/systems/{foreign}");
    for path in [
        foreign_record.as_str(),
        "/api/v1/workspaces/other/systems",
        "/api/v1/workspaces/nope/systems",
    ] {
        t.call(Method::GET, path, Some(&tokens[0]), None)
            .await
            .problem(404);
    }
    t.stop().await;
}

#[tokio::test]
async fn instance_routes() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let tok = t.token("acme", "manager").await;
    // A token sees only its own workspace.
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
    t.call(Method::GET, "/api/v1/workspaces", None, None)
        .await
        .problem(401);
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&tok), None)
        .await
        .json();
    assert_eq!(me["kind"], "token");
    t.call(Method::GET, "/api/v1/me", None, None)
        .await
        .problem(401);
    // Creating workspaces is for administrators, never for tokens.
    t.call(
        Method::POST,
        "/api/v1/workspaces",
        Some(&tok),
        Some(json!({"name": "X", "slug": "x-org"})),
    )
    .await
    .problem(403);
    t.call(
        Method::POST,
        "/api/v1/workspaces",
        None,
        Some(json!({"name": "X", "slug": "x-org"})),
    )
    .await
    .problem(401);
    t.stop().await;
}

#[tokio::test]
async fn the_matrix_covers_every_documented_route() {
    let doc: Value = serde_json::from_str(&aims_web::openapi_json()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let mut covered: BTreeSet<String> = cases()
        .iter()
        .map(|c| format!("{} {}", c.method, c.template))
        .collect();
    // Instance-level routes are covered by `instance_routes` and `catalogue_routes`.
    for extra in [
        "GET /api/v1/me",
        "GET /api/v1/workspaces",
        "POST /api/v1/workspaces",
        "GET /api/v1/catalog/frameworks",
        "GET /api/v1/catalog/frameworks/{framework}",
        "GET /api/v1/catalog/frameworks/{framework}/items/{item}",
        "GET /api/v1/catalog/mappings",
        "GET /api/v1/catalog/search",
        "POST /api/v1/catalog/imports",
    ] {
        covered.insert(extra.into());
    }
    assert_eq!(
        documented, covered,
        "every API route needs a row in the authorization matrix"
    );
}

#[tokio::test]
async fn revoked_tokens_stop_working_and_use_is_recorded() {
    let t = TestApp::new().await;
    let op = Principal::operator();
    let created = t
        .app
        .create_token(
            &t.app.enter(&op, "acme").await.unwrap(),
            "ci",
            "contributor",
        )
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
    let listed = t
        .app
        .tokens(&t.app.enter(&op, "acme").await.unwrap())
        .await
        .unwrap();
    assert!(listed[0].last_used_at.is_some(), "last use is recorded");
    t.app
        .revoke_token(&t.app.enter(&op, "acme").await.unwrap(), &created.row.id)
        .await
        .unwrap();
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

#[tokio::test]
async fn catalogue_routes() {
    let t = TestApp::new().await;
    let reads = [
        "/api/v1/catalog/frameworks",
        "/api/v1/catalog/frameworks/iso42001",
        "/api/v1/catalog/frameworks/iso42001/items/A.2.2",
        "/api/v1/catalog/mappings",
        "/api/v1/catalog/search?q=policy",
    ];
    for role in ["manager", "contributor", "auditor"] {
        let tok = t.token("acme", role).await;
        for path in reads {
            assert_eq!(
                t.call(Method::GET, path, Some(&tok), None).await.status,
                200,
                "{path} as {role}"
            );
        }
        let r = t
            .client
            .post(t.url("/api/v1/catalog/imports"))
            .bearer_auth(&tok)
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "only administrators import");
    }
    for path in reads {
        t.call(Method::GET, path, None, None).await.problem(401);
    }
    t.call(Method::POST, "/api/v1/catalog/imports", None, None)
        .await
        .problem(401);
    t.stop().await;
}
