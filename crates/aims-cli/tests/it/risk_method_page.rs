//! The risk method edited as a grid on its page: levels dropped and
//! renamed, a cell that is not likelihood × impact, a band people may not
//! accept; the preview resizes the grid; mistakes come back named.

use crate::helpers::{csrf_of, fetch_text, sign_in, Caller, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// Every named input of the page's grid form, with its value (selects: the chosen option).
fn grid_form(html: &str) -> Vec<(String, String)> {
    let start = html.find("name=\"editor\" value=\"grid\"").unwrap();
    let form = &html[start..html[start..].find("</form>").unwrap() + start];
    let mut out = vec![
        ("csrf".to_owned(), csrf_of(html)),
        ("editor".to_owned(), "grid".to_owned()),
    ];
    for part in form.split('<').skip(1) {
        let attr = |a: &str| {
            part.split(&format!("{a}=\""))
                .nth(1)
                .map(|r| r.split('"').next().unwrap().to_owned())
        };
        if part.starts_with("input") {
            if let (Some(n), Some(v)) = (attr("name"), attr("value")) {
                out.push((n, v));
            } else if let Some(n) = attr("name") {
                out.push((n, String::new()));
            }
        } else if part.starts_with("select") {
            out.push((attr("name").unwrap(), String::new()));
        } else if part.starts_with("option") && part.contains(" selected") {
            out.last_mut().unwrap().1 = attr("value").unwrap();
        }
    }
    out
}

fn set(form: &mut [(String, String)], name: &str, value: &str) {
    form.iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("{name}"))
        .1 = value.into();
}

#[tokio::test]
async fn the_method_is_edited_as_a_grid() {
    let t = TestApp::new().await;
    let (client, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = t.url("/w/acme/risk-method");
    let html = fetch_text(&client, &page).await;
    assert_eq!(csrf_of(&html), csrf);
    let mut form = grid_form(&html);
    assert!(
        form.iter().any(|(k, v)| k == "cell_5_5" && v == "25"),
        "{form:?}"
    );

    // 4 likelihood × 3 impact levels: the preview shows the smaller grid, nothing saved.
    set(&mut form, "l_name_5", "");
    set(&mut form, "i_name_4", "");
    set(&mut form, "i_name_5", "");
    form.push(("action".into(), "preview".into()));
    let r = client.post(&page).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let html = r.text().await.unwrap();
    assert_eq!(
        status,
        200,
        "{}",
        html.split("role=\"alert\">")
            .nth(1)
            .unwrap_or("")
            .split('<')
            .next()
            .unwrap()
    );
    let mut form = grid_form(&html);
    assert!(
        form.iter().any(|(k, _)| k == "cell_4_3")
            && !form.iter().any(|(k, _)| k == "cell_5_1" || k == "cell_1_4"),
        "{form:?}"
    );
    let manager = Caller::new(&t, "manager").await;
    assert_eq!(
        manager.get("/risk-method").await.1["version"],
        1,
        "a preview saves nothing"
    );
    // A risk in the cell that will score 2 instead of 12.
    let (s, r) = manager
        .post(
            "/risks",
            serde_json::json!({"title": "Pilot risk", "inherent_likelihood": 4, "inherent_impact": 3}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["inherent_band"], "high", "{r}");

    // A cell that is not a product, a band nobody may accept; saved as version 2.
    let r = client
        .post(&page)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422, "neither grid nor JSON");
    set(&mut form, "cell_4_3", "2");
    set(&mut form, "band_accept_1", "no");
    // The top bands start above the smaller grid's highest score (9): dropped.
    set(&mut form, "band_key_3", "");
    set(&mut form, "band_key_4", "");
    set(&mut form, "note", "4 × 3 for the pilot");
    form.push(("action".into(), "save".into()));
    let r = client.post(&page).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let report = r.text().await.unwrap();
    assert!(report.contains("Version 2 saved"), "{report}");
    assert!(
        report.contains("Pilot risk") && report.contains("high → low"),
        "the risk whose band moved is named: {report}"
    );
    let (_, m) = manager.get("/risk-method").await;
    assert_eq!(m["version"], 2);
    assert_eq!(m["method"]["grid"][3], serde_json::json!([4, 8, 2]));
    assert_eq!(m["method"]["likelihood"].as_array().unwrap().len(), 4);
    assert_eq!(m["note"], "4 × 3 for the pilot");
    assert_eq!(m["method"]["acceptance"][0]["may_accept"], false);

    // Mistakes come back named, with the form as it was sent.
    let html = fetch_text(&client, &page).await;
    let mut form = grid_form(&html);
    set(&mut form, "cell_1_1", "lots");
    set(&mut form, "l_name_2", "");
    set(&mut form, "l_name_3", "");
    form.push(("action".into(), "save".into()));
    let r = client.post(&page).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("must be a whole number"), "{html}");
    set(&mut form, "cell_1_1", "1");
    let r = client.post(&page).form(&form).send().await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        422,
        "two likelihood levels are too few"
    );
    assert_eq!(manager.get("/risk-method").await.1["version"], 2);
    t.stop().await;
}
