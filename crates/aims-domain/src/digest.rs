//! The daily e-mail digest: when it is due (a time of day, UTC), what one
//! member's message says (what is overdue and what falls due within seven
//! days, per workspace, overdue first) as plain text and as HTML, and the
//! SMTP server URL it is sent through ([`smtp`]). Pure rules: the app finds
//! the duties and claims the day, a sender outside the app delivers.

pub mod smtp;
#[cfg(test)]
mod tests;

use crate::work::{days_text, Urgency};
use std::fmt;

/// A digest lists duties due up to this many days ahead (and every overdue one).
pub const LOOK_AHEAD_DAYS: i64 = 7;

/// At most this many duties of one workspace are listed; the rest are counted.
pub const MAX_LINES_PER_WORKSPACE: usize = 50;

const DAY_SECS: i64 = 86_400;

/// The time of day (UTC) the digest goes out, `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DigestAt {
    /// Minutes after midnight, 0–1439.
    minute: u16,
}

impl Default for DigestAt {
    /// 07:00 UTC.
    fn default() -> Self {
        DigestAt { minute: 7 * 60 }
    }
}

impl DigestAt {
    /// `HH:MM` on a 24-hour clock (`7:05` is taken too).
    pub fn parse(text: &str) -> Result<DigestAt, String> {
        let bad = || format!("must be a time of day as HH:MM (UTC), like 07:00, not '{text}'");
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str, max_len: usize| {
            !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(DigestAt { minute: h * 60 + m })
    }

    /// Seconds after midnight.
    pub fn seconds(self) -> i64 {
        i64::from(self.minute) * 60
    }
}

impl fmt::Display for DigestAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minute / 60, self.minute % 60)
    }
}

/// The date (`YYYY-MM-DD`, UTC) at Unix time `now`.
pub fn day_of(now: i64) -> Option<String> {
    crate::date::add_days("1970-01-01", now.div_euclid(DAY_SECS))
}

/// The day whose digest is due at Unix time `now`: today once its time of
/// day has come, otherwise none. A missed day is not sent late the next
/// day: a digest is about the day it is sent.
pub fn due_day(now: i64, at: DigestAt) -> Option<String> {
    if now.rem_euclid(DAY_SECS) >= at.seconds() {
        day_of(now)
    } else {
        None
    }
}

/// The Unix time of the next digest after `now` (strictly later).
pub fn next_run(now: i64, at: DigestAt) -> i64 {
    let today = now - now.rem_euclid(DAY_SECS) + at.seconds();
    if today > now {
        today
    } else {
        today + DAY_SECS
    }
}

/// A public base URL for links (`https://aims.example.org`, maybe under a
/// path): http or https, with a host, no user, query or fragment; returned
/// without its trailing slash.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must be an http or https URL, not {}:",
            url.scheme()
        ));
    }
    if url.host().is_none() {
        return Err("has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or a #fragment".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// One duty in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    /// What kind of record it is (`treatment action`).
    pub kind: String,
    pub title: String,
    /// What falls due (`Due`, `Report due`, `Valid until`).
    pub duty: String,
    pub due_on: String,
    /// Days from the digest's day (negative: overdue).
    pub days: i64,
    pub urgency: Urgency,
    /// The record's page, from the site's root (`/w/acme/risk-actions/…`).
    pub path: String,
}

/// One workspace's duties, soonest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSection {
    pub workspace: String,
    pub slug: String,
    pub lines: Vec<DigestLine>,
}

/// One member's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Duties reported (also those past the per-workspace limit).
    pub items: usize,
    pub overdue: usize,
    /// Workspaces with something reported.
    pub workspaces: usize,
}

/// The urgencies a digest reports, most urgent first.
const REPORTED: [Urgency; 3] = [Urgency::Overdue, Urgency::Today, Urgency::ThisWeek];

fn reported(l: &DigestLine) -> bool {
    l.urgency != Urgency::Later && l.days <= LOOK_AHEAD_DAYS
}

/// `2 overdue, 1 due today, 3 due within 7 days`: the counts that are not zero.
pub fn summary(overdue: usize, today: usize, week: usize) -> String {
    let parts: Vec<String> = [
        (overdue, "overdue".to_owned()),
        (today, "due today".to_owned()),
        (week, format!("due within {LOOK_AHEAD_DAYS} days")),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    parts.join(", ")
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text on one line: control characters (line breaks among them) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn heading(u: Urgency) -> String {
    match u {
        Urgency::ThisWeek => format!("Due within {LOOK_AHEAD_DAYS} days"),
        u => u.label().to_owned(),
    }
}

/// The digest for the member called `name` on `day`, with links under
/// `base` (a [`parse_public_url`] result) when there is one; `None` when
/// nothing is overdue or due within [`LOOK_AHEAD_DAYS`] days.
pub fn compose(
    name: &str,
    day: &str,
    sections: &[DigestSection],
    base: Option<&str>,
) -> Option<Digest> {
    let count = |u: Urgency| {
        sections
            .iter()
            .flat_map(|s| &s.lines)
            .filter(|l| reported(l) && l.urgency == u)
            .count()
    };
    let (overdue, today, week) = (
        count(Urgency::Overdue),
        count(Urgency::Today),
        count(Urgency::ThisWeek),
    );
    let items = overdue + today + week;
    if items == 0 {
        return None;
    }
    let sum = summary(overdue, today, week);
    let subject = format!("aims digest for {day}: {sum}");
    let name = one_line(name);
    let link = |path: &str| base.map(|b| format!("{b}{path}"));
    let mut text = format!("Hello {name},\n\nYour duties in aims on {day}: {sum}.\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.4\">\n<p>Hello {},</p>\n<p>Your duties in aims on {}: <strong>{}</strong>.</p>\n",
        escape_html(&subject),
        escape_html(&name),
        escape_html(day),
        escape_html(&sum)
    );
    let mut workspaces = 0;
    for s in sections {
        let lines: Vec<&DigestLine> = s.lines.iter().filter(|l| reported(l)).collect();
        if lines.is_empty() {
            continue;
        }
        workspaces += 1;
        let ws = one_line(&s.workspace);
        text.push_str(&format!(
            "\n{ws}\n{}\n",
            "=".repeat(ws.chars().count().max(1))
        ));
        html.push_str(&format!("<h2>{}</h2>\n", escape_html(&ws)));
        let mut shown = 0;
        for u in REPORTED {
            let group: Vec<&&DigestLine> = lines.iter().filter(|l| l.urgency == u).collect();
            let room = MAX_LINES_PER_WORKSPACE.saturating_sub(shown);
            if group.is_empty() || room == 0 {
                continue;
            }
            let head = heading(u);
            text.push_str(&format!("\n{head} ({})\n", group.len()));
            let colour = if u == Urgency::Overdue {
                "#b00020"
            } else {
                "#333333"
            };
            html.push_str(&format!(
                "<h3 style=\"color: {colour}\">{} ({})</h3>\n<ul>\n",
                escape_html(&head),
                group.len()
            ));
            for l in group.iter().take(room) {
                shown += 1;
                let title = one_line(&l.title);
                let what = format!(
                    "{}, {} {}",
                    one_line(&l.kind),
                    one_line(&l.duty).to_lowercase(),
                    one_line(&l.due_on)
                );
                let when = days_text(l.days);
                text.push_str(&format!("  * {title} ({what}, {when})\n"));
                let title_html = match link(&l.path) {
                    Some(url) => {
                        text.push_str(&format!("    {url}\n"));
                        format!(
                            "<a href=\"{}\">{}</a>",
                            escape_html(&url),
                            escape_html(&title)
                        )
                    }
                    None => escape_html(&title),
                };
                html.push_str(&format!(
                    "<li>{title_html} — {} (<strong>{}</strong>)</li>\n",
                    escape_html(&what),
                    escape_html(&when)
                ));
            }
            html.push_str("</ul>\n");
        }
        let rest = lines.len() - shown;
        let work = link(&format!("/w/{}/work", s.slug));
        if rest > 0 {
            text.push_str(&format!("\n  … and {rest} more"));
            html.push_str(&format!("<p>… and {rest} more"));
            match &work {
                Some(url) => {
                    text.push_str(&format!(": {url}\n"));
                    html.push_str(&format!(
                        ": <a href=\"{}\">all your work in {}</a></p>\n",
                        escape_html(url),
                        escape_html(&ws)
                    ));
                }
                None => {
                    text.push_str(" on your My work page.\n");
                    html.push_str(" on your My work page.</p>\n");
                }
            }
        } else if let Some(url) = &work {
            text.push_str(&format!("\nAll your work in {ws}: {url}\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\">All your work in {}</a></p>\n",
                escape_html(url),
                escape_html(&ws)
            ));
        }
    }
    let footer = "You receive this e-mail once a day from aims because you own these duties. \
                  To stop it, switch the daily digest off on your My work page.";
    text.push_str(&format!("\n-- \n{footer}\n"));
    html.push_str(&format!(
        "<hr>\n<p style=\"color: #666666; font-size: small\">{}</p>\n</body></html>\n",
        escape_html(footer)
    ));
    Some(Digest {
        subject,
        text,
        html,
        items,
        overdue,
        workspaces,
    })
}
