use super::*;

/// Unix seconds of `date` at `hh:mm:ss` UTC.
fn at(date: &str, h: i64, m: i64, s: i64) -> i64 {
    crate::date::day_number(date).unwrap() * 86_400 + h * 3600 + m * 60 + s
}

#[test]
fn a_digest_time_is_hh_mm() {
    let t = DigestAt::parse("07:00").unwrap();
    assert_eq!((t.seconds(), t.to_string()), (7 * 3600, "07:00".into()));
    assert_eq!(DigestAt::default(), t);
    assert_eq!(DigestAt::parse(" 7:05 ").unwrap().to_string(), "07:05");
    assert_eq!(DigestAt::parse("00:00").unwrap().seconds(), 0);
    assert_eq!(DigestAt::parse("23:59").unwrap().seconds(), 86_340);
    assert_eq!(DigestAt::parse("13:30").unwrap().seconds(), 48_600);
    for bad in [
        "",
        "7",
        "24:00",
        "12:60",
        "12:5",
        "123:00",
        ":30",
        "12:",
        "-1:00",
        "+7:00",
        "07:00:00",
        "ab:cd",
        "１２:００",
    ] {
        let e = DigestAt::parse(bad).unwrap_err();
        assert!(e.contains("HH:MM"), "{bad}: {e}");
    }
}

#[test]
fn the_day_s_digest_is_due_from_its_time_on() {
    let seven = DigestAt::parse("07:00").unwrap();
    assert_eq!(due_day(at("2026-11-30", 6, 59, 59), seven), None);
    assert_eq!(
        due_day(at("2026-11-30", 7, 0, 0), seven).as_deref(),
        Some("2026-11-30")
    );
    assert_eq!(
        due_day(at("2026-11-30", 23, 59, 59), seven).as_deref(),
        Some("2026-11-30")
    );
    // After midnight, yesterday's is not sent late.
    assert_eq!(due_day(at("2026-12-01", 0, 0, 0), seven), None);
    let midnight = DigestAt::parse("00:00").unwrap();
    assert_eq!(
        due_day(at("2027-01-01", 0, 0, 0), midnight).as_deref(),
        Some("2027-01-01")
    );
    // Before 1970 too (Euclidean division).
    assert_eq!(day_of(-1).as_deref(), Some("1969-12-31"));
    assert_eq!(day_of(0).as_deref(), Some("1970-01-01"));
    assert_eq!(day_of(86_399).as_deref(), Some("1970-01-01"));
    assert_eq!(day_of(86_400).as_deref(), Some("1970-01-02"));
}

#[test]
fn the_next_run_is_today_at_its_time_or_tomorrow() {
    let seven = DigestAt::parse("07:00").unwrap();
    let now = at("2026-11-30", 6, 59, 0);
    assert_eq!(next_run(now, seven), at("2026-11-30", 7, 0, 0));
    // At the very time, the next one is tomorrow's.
    assert_eq!(
        next_run(at("2026-11-30", 7, 0, 0), seven),
        at("2026-12-01", 7, 0, 0)
    );
    assert_eq!(
        next_run(at("2026-12-31", 18, 0, 0), seven),
        at("2027-01-01", 7, 0, 0)
    );
    assert_eq!(
        next_run(
            at("2028-02-28", 23, 59, 59),
            DigestAt::parse("00:00").unwrap()
        ),
        at("2028-02-29", 0, 0, 0)
    );
    assert_eq!(
        next_run(at("2026-11-30", 0, 0, 0), DigestAt::parse("23:59").unwrap()),
        at("2026-11-30", 23, 59, 0)
    );
}

#[test]
fn public_urls_are_http_with_a_host_and_lose_their_trailing_slash() {
    assert_eq!(
        parse_public_url("https://aims.example.org/").unwrap(),
        "https://aims.example.org"
    );
    assert_eq!(
        parse_public_url(" http://h:8080/aims/ ").unwrap(),
        "http://h:8080/aims"
    );
    for (bad, why) in [
        ("aims.example.org", "not a URL"),
        ("ftp://h", "http or https"),
        ("https://u:p@h", "user name"),
        ("https://h/?x=1", "query"),
        ("https://h/#top", "fragment"),
    ] {
        let e = parse_public_url(bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
}

#[test]
fn html_is_escaped() {
    assert_eq!(
        escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    assert_eq!(escape_html("plain é"), "plain é");
    assert_eq!(one_line("a\r\nb\tc"), "a  b c");
}

#[test]
fn the_summary_names_the_counts_that_are_not_zero() {
    assert_eq!(
        summary(2, 1, 3),
        "2 overdue, 1 due today, 3 due within 7 days"
    );
    assert_eq!(summary(0, 0, 1), "1 due within 7 days");
    assert_eq!(summary(1, 0, 0), "1 overdue");
    assert_eq!(summary(0, 2, 0), "2 due today");
    assert_eq!(summary(0, 0, 0), "");
}

fn line(title: &str, days: i64, urgency: Urgency) -> DigestLine {
    DigestLine {
        kind: "Treatment action".into(),
        title: title.into(),
        duty: "Due".into(),
        due_on: format!("day{days}"),
        days,
        urgency,
        path: format!("/w/acme/risk-actions/{title}"),
    }
}

fn section(lines: Vec<DigestLine>) -> DigestSection {
    DigestSection {
        workspace: "Acme <AI>".into(),
        slug: "acme".into(),
        lines,
    }
}

#[test]
fn nothing_due_is_no_digest() {
    assert_eq!(compose("Carol", "2026-11-30", &[], None), None);
    let later = section(vec![line("far", 8, Urgency::Later)]);
    assert_eq!(compose("Carol", "2026-11-30", &[later], None), None);
    assert_eq!(
        compose("Carol", "2026-11-30", &[section(vec![])], None),
        None
    );
    // Eight days ahead is not reported even if marked as this week.
    let odd = section(vec![line("odd", 8, Urgency::ThisWeek)]);
    assert_eq!(compose("Carol", "2026-11-30", &[odd], None), None);
}

#[test]
fn a_digest_lists_overdue_first_with_links() {
    let s = section(vec![
        line("soon", 7, Urgency::ThisWeek),
        line("now", 0, Urgency::Today),
        line("far", 9, Urgency::Later),
        line("late", -3, Urgency::Overdue),
    ]);
    let empty = DigestSection {
        workspace: "Quiet".into(),
        slug: "quiet".into(),
        lines: vec![line("far", 30, Urgency::Later)],
    };
    let d = compose(
        "Carol\nBcc: x",
        "2026-11-30",
        &[empty, s],
        Some("https://aims.example.org"),
    )
    .unwrap();
    assert_eq!(
        d.subject,
        "aims digest for 2026-11-30: 1 overdue, 1 due today, 1 due within 7 days"
    );
    assert_eq!((d.items, d.overdue, d.workspaces), (3, 1, 1));
    let t = &d.text;
    assert!(t.starts_with("Hello Carol Bcc: x,\n\n"), "{t}");
    assert!(
        t.contains("Your duties in aims on 2026-11-30: 1 overdue"),
        "{t}"
    );
    assert!(!t.contains("Quiet") && !t.contains("far"), "{t}");
    assert!(t.contains("\nAcme <AI>\n=========\n"), "{t}");
    let pos = |s: &str| t.find(s).unwrap_or_else(|| panic!("{s} in {t}"));
    assert!(pos("Overdue (1)") < pos("* late"));
    assert!(pos("* late") < pos("Due today (1)"));
    assert!(pos("Due today (1)") < pos("* now"));
    assert!(pos("* now") < pos("Due within 7 days (1)"));
    assert!(pos("Due within 7 days (1)") < pos("* soon"));
    assert!(t.contains(
        "  * late (Treatment action, due day-3, 3 days overdue)\n    https://aims.example.org/w/acme/risk-actions/late\n"
    ), "{t}");
    assert!(
        t.contains("* now (Treatment action, due day0, due today)"),
        "{t}"
    );
    assert!(
        t.contains("* soon (Treatment action, due day7, in 7 days)"),
        "{t}"
    );
    assert!(
        t.contains("All your work in Acme <AI>: https://aims.example.org/w/acme/work\n"),
        "{t}"
    );
    assert!(t.contains("switch the daily digest off"), "{t}");
    let h = &d.html;
    assert!(h.contains("<h2>Acme &lt;AI&gt;</h2>"), "{h}");
    assert!(!h.contains("<AI>"), "{h}");
    assert!(h.contains("<p>Hello Carol Bcc: x,</p>"), "{h}");
    assert!(h.contains(
        "<li><a href=\"https://aims.example.org/w/acme/risk-actions/late\">late</a> — Treatment action, due day-3 (<strong>3 days overdue</strong>)</li>"
    ), "{h}");
    assert!(
        h.contains("<h3 style=\"color: #b00020\">Overdue (1)</h3>"),
        "{h}"
    );
    assert!(
        h.contains("<h3 style=\"color: #333333\">Due today (1)</h3>"),
        "{h}"
    );
    assert!(
        h.contains(
            "<a href=\"https://aims.example.org/w/acme/work\">All your work in Acme &lt;AI&gt;</a>"
        ),
        "{h}"
    );
    let hp = |s: &str| h.find(s).unwrap_or_else(|| panic!("{s} in {h}"));
    assert!(
        hp("Overdue (1)") < hp("Due today (1)")
            && hp("Due today (1)") < hp("Due within 7 days (1)")
    );
    assert!(h.starts_with("<!DOCTYPE html>") && h.ends_with("</body></html>\n"));
}

#[test]
fn without_a_public_url_there_are_no_links_and_titles_are_escaped() {
    let s = section(vec![line(
        "<script>alert(1)</script>",
        -1,
        Urgency::Overdue,
    )]);
    let d = compose("Ann & Bob", "2026-11-30", &[s], None).unwrap();
    assert!(
        !d.text.contains("http") && !d.html.contains("href"),
        "{d:?}"
    );
    assert!(d
        .text
        .contains("* <script>alert(1)</script> (Treatment action, due day-1, 1 day overdue)\n"));
    assert!(!d.html.contains("<script>"), "{}", d.html);
    assert!(
        d.html
            .contains("<li>&lt;script&gt;alert(1)&lt;/script&gt; — "),
        "{}",
        d.html
    );
    assert!(d.html.contains("<p>Hello Ann &amp; Bob,</p>"), "{}", d.html);
    assert!(!d.text.contains("All your work"), "{}", d.text);
    assert_eq!(d.subject, "aims digest for 2026-11-30: 1 overdue");
}

#[test]
fn a_long_list_is_cut_and_counted() {
    let mut lines: Vec<DigestLine> = (0..MAX_LINES_PER_WORKSPACE + 2)
        .map(|i| line(&format!("late{i}"), -1, Urgency::Overdue))
        .collect();
    lines.push(line("soon", 2, Urgency::ThisWeek));
    let d = compose(
        "C",
        "2026-11-30",
        &[section(lines.clone())],
        Some("https://a.example"),
    )
    .unwrap();
    assert_eq!(
        (d.items, d.overdue),
        (MAX_LINES_PER_WORKSPACE + 3, MAX_LINES_PER_WORKSPACE + 2)
    );
    let shown = d.text.matches("\n  * ").count();
    assert_eq!(shown, MAX_LINES_PER_WORKSPACE, "{}", d.text);
    assert_eq!(d.html.matches("<li>").count(), MAX_LINES_PER_WORKSPACE);
    assert!(d.text.contains("late49") && !d.text.contains("late50"));
    assert!(!d.text.contains("Due within 7 days ("), "{}", d.text);
    assert!(
        d.text
            .contains("… and 3 more: https://a.example/w/acme/work\n"),
        "{}",
        d.text
    );
    assert!(d.html.contains("<p>… and 3 more: <a href=\"https://a.example/w/acme/work\">all your work in Acme &lt;AI&gt;</a></p>"), "{}", d.html);
    assert!(!d.text.contains("All your work"));
    let d = compose("C", "2026-11-30", &[section(lines)], None).unwrap();
    assert!(
        d.text.contains("… and 3 more on your My work page.\n"),
        "{}",
        d.text
    );
    assert!(d.html.contains("<p>… and 3 more on your My work page.</p>"));
}

#[test]
fn each_workspace_has_its_section() {
    let a = section(vec![line("a", -1, Urgency::Overdue)]);
    let b = DigestSection {
        workspace: "Beta".into(),
        slug: "beta".into(),
        lines: vec![line("b", 1, Urgency::ThisWeek)],
    };
    let d = compose("C", "2026-11-30", &[a, b], None).unwrap();
    assert_eq!((d.items, d.overdue, d.workspaces), (2, 1, 2));
    let t = &d.text;
    assert!(
        t.find("Acme <AI>").unwrap() < t.find("\nBeta\n====\n").unwrap(),
        "{t}"
    );
}
