use super::*;
use aims_export::doc::bar;

fn doc_with_every_block(text: &str) -> ReportDoc {
    let mut d = ReportDoc::new(
        "Gap report",
        format!("About {text}"),
        "Acme «AI»",
        "2026-11-27",
    );
    d.facts([("Overall", "62 %"), ("Said by a user", text)])
        .heading(1, text)
        .heading(2, "A sub-heading")
        .paragraph(text)
        .table(
            "Gaps",
            &[("Requirement", 2), ("What is missing", 6)],
            (0..120)
                .map(|i| vec![format!("6.1.{i}"), format!("{text} row {i}")])
                .collect(),
            "none",
        )
        .table("Empty", &[("A", 1)], vec![], "Nothing here.")
        .bars(
            "Clauses",
            vec![bar("4 Context", 100, 3, 3), bar("6 Planning", 0, 0, 5)],
        )
        .list(vec![text.to_owned(), "second".into()], "none")
        .list(vec![], "An empty list says so.");
    d
}

#[test]
fn every_block_typesets_into_a_pdf_of_several_pages() {
    let pdf = render(&doc_with_every_block("plain words")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    assert!(pdf.len() > 10_000, "fonts and pages: {} bytes", pdf.len());
    // 120 table rows do not fit on one A4 page.
    let pages = layout(&doc_with_every_block("plain words"))
        .unwrap()
        .pages()
        .len();
    assert!(pages >= 3, "{pages} pages");
}

#[test]
fn text_people_typed_is_set_as_text_never_run_as_markup() {
    // Each of these would fail the compile, or change the layout, if it
    // were read as typst markup or code.
    for hostile in [
        "#panic(\"boom\")",
        "#read(\"/etc/passwd\")",
        "*bold* _em_ $x^2$ ] [ } { \\ // not a comment",
        "#import \"@preview/x:1.0.0\": *",
        "= not a heading",
        "",
        "ünïcödé — «quotes» ✓ 漢字",
        "nul \u{0} escape \u{1b}[31m bell \u{7} tab\tnewline\r\n",
        &"unbroken".repeat(500),
        &"word ".repeat(1000),
    ] {
        let pdf = render(&doc_with_every_block(hostile));
        assert!(pdf.is_ok(), "{hostile:?}: {:?}", pdf.err());
    }
}

#[test]
fn the_same_report_makes_the_same_file() {
    let d = doc_with_every_block("x");
    assert_eq!(render(&d).unwrap(), render(&d).unwrap());
}

#[test]
fn the_typesetter_is_what_the_app_calls() {
    let d = doc_with_every_block("x");
    assert_eq!(Typst.pdf(&d).unwrap(), render(&d).unwrap());
}
