//! Reports (issue #12): every kind typesets into a PDF whose pages turn into
//! images (pdftoppm) and whose text is the demo's own; the tabular kinds
//! open as workbooks with the expected sheets; each has a printable page;
//! what people typed is printed as text.

use crate::helpers::{fetch_text, member_session, TestApp};
use aims_app::domain::Role;
use aims_app::Principal;
use reqwest::Method;
use serde_json::{json, Value};

const DEMO: &str = "/api/v1/workspaces/demo";
const KINDS: [&str; 7] = [
    "gap", "soa", "risks", "impact", "audit", "review", "summary",
];

/// The text of a PDF, as pdftotext reads it.
fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils; scripts/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Turns each page into a PNG and returns how many there are, checking
/// each is an image with ink on it.
fn pages_as_images(pdf: &std::path::Path, dir: &std::path::Path) -> usize {
    let prefix = dir.join("page");
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "40"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (Debian's poppler-utils; scripts/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pngs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    for p in &pngs {
        let bytes = std::fs::read(p).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", p.display());
        // A blank A4 page at 40 dpi compresses to well under 1 KiB.
        assert!(bytes.len() > 2_000, "{} looks blank", p.display());
    }
    pngs.len()
}

fn sheets(xlsx: &[u8]) -> String {
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut book.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    workbook
}

#[tokio::test]
async fn the_api_documents_every_kind_of_report() {
    let t = TestApp::new().await;
    let keys: Vec<&str> = aims_app::ReportKind::ALL.iter().map(|k| k.key()).collect();
    assert_eq!(keys, KINDS);
    let doc = t
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let params = doc["paths"]["/api/v1/workspaces/{workspace}/reports/{kind}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let kind = params.iter().find(|p| p["name"] == "kind").unwrap();
    assert_eq!(kind["schema"]["enum"], json!(KINDS));
}

#[tokio::test]
async fn the_gap_report_pdf_renders_the_demos_gaps() {
    let t = TestApp::new().await;
    t.app.load_demo(&Principal::operator()).await.unwrap();
    let token = t.token("demo", "auditor").await;
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/readiness"),
            Some(&token),
            None,
        )
        .await;
    let readiness = r.json();

    let dir = t.db.dir.path().join("gap-pages");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = t.db.dir.path().join("gap.pdf");
    let out = t.run_cli(&[
        "report",
        "gap",
        "--workspace",
        "demo",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let pages = pages_as_images(&pdf, &dir);
    assert!(pages >= 2, "{pages} pages");

    let text = pdf_text(&pdf);
    assert!(text.contains("Gap report"), "{text}");
    assert!(
        text.contains("Northwind"),
        "the organisation's name: {text}"
    );
    let overall = readiness["overall"]["percent"].as_u64().unwrap();
    assert!(
        text.contains(&format!("{overall} %")),
        "the score {overall}: {text}"
    );
    // The top gap's subject is printed (pdftotext may break long lines, so
    // look for the first words).
    let subject = readiness["gaps"][0]["subject"]["title"].as_str().unwrap();
    let start: String = subject
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(&start), "{start:?} in {text}");
    assert!(text.contains("Page 1 of"), "{text}");

    // A PDF cannot go to a terminal.
    let out = t.run_cli(&[
        "report",
        "gap",
        "--workspace",
        "demo",
        "--format",
        "pdf",
        "-o",
        "-",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a PDF file needs -o FILE"));
    let out = t.run_cli(&[
        "report",
        "gap",
        "--workspace",
        "demo",
        "--format",
        "docx",
        "-o",
        "x",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("pdf, xlsx, csv or json"));
}

#[tokio::test]
async fn every_report_kind_comes_as_pdf_xlsx_and_a_printable_page() {
    let t = TestApp::new().await;
    t.app.load_demo(&Principal::operator()).await.unwrap();
    let token = t.token("demo", "auditor").await;
    for kind in KINDS {
        let r = t
            .call(
                Method::GET,
                &format!("{DEMO}/reports/{kind}?format=pdf"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{kind}: {}", r.text);
        assert_eq!(r.headers["content-type"], "application/pdf", "{kind}");
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("demo-{kind}-report.pdf")),
            "{kind}"
        );
        assert!(r.bytes.starts_with(b"%PDF-"), "{kind}");

        let r = t
            .call(
                Method::GET,
                &format!("{DEMO}/reports/{kind}?format=xlsx"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status.as_u16(), 200, "{kind}: {}", r.text);
        let workbook = sheets(&r.bytes);
        let expected: &[&str] = match kind {
            "gap" => &["Summary", "Gaps", "Systems", "EU AI Act"],
            "soa" => &["Statement of Applicability"],
            "risks" => &["Risks"],
            "impact" => &["Impact assessments"],
            "audit" => &["Summary", "Checklist"],
            "review" => &["Summary"],
            _ => &["Summary", "Clauses 4 to 10"],
        };
        for sheet in expected {
            assert!(
                workbook.contains(&format!("name=\"{sheet}\"")),
                "{kind}: {sheet} in {workbook}"
            );
        }
    }

    // The audit report holds the demo audit's checklist; the review its inputs.
    let (browser, _) = member_session(&t, "mia@example.org", "demo", Role::Auditor).await;
    for kind in KINDS {
        let html = browser
            .get(t.url(&format!("/w/demo/reports/{kind}")))
            .send()
            .await
            .unwrap();
        assert_eq!(html.status().as_u16(), 200, "{kind}");
        let html = html.text().await.unwrap();
        assert!(html.contains("<h1>"), "{kind}");
        assert!(html.contains("Made by aims on"), "{kind}");
        let holds = match kind {
            "audit" => "<h2>Checklist</h2>",
            "review" => "<h2>Inputs, as of",
            "risks" => "<h2>Treatment plan</h2>",
            "summary" => "<h2>What to fix first</h2>",
            _ => "</table>",
        };
        assert!(html.contains(holds), "{kind}: {holds} in {html}");
    }
    let index = fetch_text(&browser, &t.url("/w/demo/reports")).await;
    for kind in KINDS {
        assert!(
            index.contains(&format!("/reports/{kind}?format=pdf")),
            "{kind} in {index}"
        );
    }
    let missing = browser
        .get(t.url("/w/demo/reports/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/reports/nothing"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/reports/gap?format=docx"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "format");
    let r = t
        .call(
            Method::GET,
            &format!("{DEMO}/reports/audit?id=missing"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);
}

#[tokio::test]
async fn what_people_typed_is_printed_as_text_in_every_format() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let title = "Audit <b>#panic(\"x\")</b> *bold* $x$ ]";
    let r = t
        .call(
            Method::POST,
            "/api/v1/workspaces/acme/audits",
            Some(&token),
            Some(json!({"title": title, "type": "internal", "scope": "= not a heading\n#read(\"/etc/passwd\")"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let pdf = t.db.dir.path().join("audit.pdf");
    let out = t.run_cli(&[
        "report",
        "audit",
        "--workspace",
        "acme",
        "--id",
        &id,
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = pdf_text(&pdf);
    assert!(text.contains("#panic(\"x\")"), "{text}");
    assert!(text.contains("= not a heading"), "{text}");
    assert!(!text.contains("root:"), "no file is read: {text}");

    let (browser, _) = member_session(&t, "vic@example.org", "acme", Role::Auditor).await;
    let html = fetch_text(&browser, &t.url(&format!("/w/acme/reports/audit?id={id}"))).await;
    assert!(html.contains("Audit &#60;b&#62;"), "escaped: {html}");
    assert!(!html.contains("<b>#panic"), "{html}");

    let v: Value = serde_json::from_slice(
        &t.call(
            Method::GET,
            &format!("/api/v1/workspaces/acme/reports/audit?format=json&id={id}"),
            Some(&token),
            None,
        )
        .await
        .bytes,
    )
    .unwrap();
    assert_eq!(v["subtitle"], title);
    // With no review yet, the review report says there is none.
    let r = t
        .call(
            Method::GET,
            "/api/v1/workspaces/acme/reports/review?format=json",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404, "{}", r.text);
}
