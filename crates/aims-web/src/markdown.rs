//! Markdown people write (documents, policies) rendered to HTML that is
//! safe to put in a page: CommonMark with tables, strikethrough and task
//! lists through pulldown-cmark, then every tag and attribute outside a
//! short allow-list removed by ammonia — no script or style, no event
//! attributes, no `javascript:` or `data:` links, no raw HTML that could
//! carry them. Links get `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{html, Options, Parser};
use std::collections::HashSet;

/// `markdown` as sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::default()
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_html() {
        let html =
            render("# AI policy\n\n- **fair**\n- *safe*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h1>AI policy</h1>"), "{html}");
        assert!(html.contains("<strong>fair</strong>") && html.contains("<em>safe</em>"));
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
    }

    #[test]
    fn nothing_active_survives() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<svg onload=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ] {
            let html = render(hostile).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "<iframe",
                "<style",
                "data:text",
                "style=",
            ] {
                assert!(!html.contains(bad), "{hostile} → {html}");
            }
        }
        let html = render("[aims](https://example.org)");
        assert!(html.contains("href=\"https://example.org\""));
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }
}
