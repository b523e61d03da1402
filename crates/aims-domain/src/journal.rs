//! Journals: dated entries kept beside a record — an incident's timeline
//! and the communications sent about it, a communication's record of each
//! sending. An entry is written once and never edited (a correction is a
//! new entry); it has the moment it is about (`occurred_at`, as the writer
//! read the clock) apart from the moment it was recorded. Which kinds keep
//! a journal, and which types of entry each takes, is declared here.

use crate::validation::{has_control_chars, FieldErrors, CONTROL_MESSAGE};

/// One type of journal entry a kind takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryType {
    /// Its stored value (`sent`).
    pub key: &'static str,
    pub label: &'static str,
    /// Whether it names who it went to and the channel (a communication).
    pub sent: bool,
}

const fn entry(key: &'static str, label: &'static str, sent: bool) -> EntryType {
    EntryType { key, label, sent }
}

/// An incident's timeline: what was learnt, what was done, and each
/// communication sent about it (to the people affected, an authority, a
/// customer).
pub const INCIDENT_ENTRIES: &[EntryType] = &[
    entry("note", "Timeline entry", false),
    entry("action", "Action taken", false),
    entry("sent", "Communication sent", true),
];

/// A communication's record of each time it went out.
pub const COMMUNICATION_ENTRIES: &[EntryType] = &[entry("sent", "Sent", true)];

/// A nonconformity's or a corrective action's progress notes.
pub const NOTE_ENTRIES: &[EntryType] = &[entry("note", "Note", false)];

/// The journal a kind keeps (by its API name), empty when it keeps none.
pub fn entry_types(kind: &str) -> &'static [EntryType] {
    match kind {
        "incidents" => INCIDENT_ENTRIES,
        "communications" => COMMUNICATION_ENTRIES,
        "nonconformities" | "corrective-actions" => NOTE_ENTRIES,
        _ => &[],
    }
}

/// The longest entry text, in characters.
pub const TEXT_MAX: usize = 10_000;
/// The longest recipient or channel, in characters.
pub const NAME_MAX: usize = 200;

/// An entry as written, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    pub entry_type: String,
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or with seconds; empty: now.
    pub occurred_at: String,
    pub text: String,
    pub recipient: String,
    pub channel: String,
}

/// A checked entry, ready to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub entry_type: &'static EntryType,
    /// `YYYY-MM-DDTHH:MM` (minutes; a bare date is read as its midnight).
    pub occurred_at: String,
    pub text: String,
    pub recipient: String,
    pub channel: String,
}

/// `s` as `YYYY-MM-DDTHH:MM`: a date, or a date and time with a `T` or a
/// space, minutes or seconds (seconds and a trailing `Z` are dropped).
pub fn parse_moment(s: &str) -> Option<String> {
    let s = s.trim();
    let date = crate::record::parse_date(s.get(..10)?)?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(format!("{date}T00:00"));
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let rest = rest.strip_suffix('Z').unwrap_or(rest);
    let (hm, secs) = match rest.len() {
        5 => (rest, None),
        8 => (rest.get(..5)?, Some(rest.get(5..)?)),
        _ => return None,
    };
    let h: u32 = hm.get(..2)?.parse().ok()?;
    let m: u32 = hm.get(3..)?.parse().ok()?;
    let sep_ok = hm.as_bytes().get(2) == Some(&b':');
    let secs_ok = secs.is_none_or(|x| {
        x.starts_with(':') && x[1..].len() == 2 && x[1..].parse::<u32>().is_ok_and(|v| v < 60)
    });
    (sep_ok && secs_ok && h < 24 && m < 60 && hm.bytes().all(|b| b.is_ascii_digit() || b == b':'))
        .then(|| format!("{date}T{h:02}:{m:02}"))
}

fn bounded(e: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        e.add(field, format!("must be at most {max} characters"));
    } else if has_control_chars(v) {
        e.add(field, CONTROL_MESSAGE);
    } else if field != "text" && v.contains(['\n', '\r']) {
        e.add(field, "must be one line of text");
    }
    v.to_owned()
}

/// Checks an entry for a record of `kind` written at `now`
/// (`YYYY-MM-DDTHH:MM…`): its type is one the kind takes, its text is not
/// empty, its moment is a moment and not after `now`, and a sending names
/// who it went to.
pub fn check(kind: &str, input: &EntryInput, now: &str) -> Result<Entry, FieldErrors> {
    let mut e = FieldErrors::new();
    let types = entry_types(kind);
    let entry_type = types.iter().find(|t| t.key == input.entry_type.trim());
    if entry_type.is_none() {
        let keys: Vec<&str> = types.iter().map(|t| t.key).collect();
        e.add("entry_type", format!("must be one of: {}", keys.join(", ")));
    }
    let now_minute = parse_moment(now.get(..16).unwrap_or(now));
    let occurred_at = if input.occurred_at.trim().is_empty() {
        now_minute.clone()
    } else {
        let m = parse_moment(&input.occurred_at);
        if m.is_none() {
            e.add(
                "occurred_at",
                "must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)",
            );
        }
        m
    };
    if let (Some(at), Some(now)) = (&occurred_at, &now_minute) {
        if at > now {
            e.add("occurred_at", "cannot be in the future");
        }
    }
    let text = input.text.trim();
    if text.is_empty() {
        e.add("text", "say what happened, was done or was sent");
    }
    let text = bounded(&mut e, "text", text, TEXT_MAX);
    let recipient = bounded(&mut e, "recipient", &input.recipient, NAME_MAX);
    let channel = bounded(&mut e, "channel", &input.channel, NAME_MAX);
    if entry_type.is_some_and(|t| t.sent) && recipient.is_empty() {
        e.add("recipient", "say who it was sent to");
    }
    e.into_result()?;
    match (entry_type, occurred_at) {
        (Some(entry_type), Some(occurred_at)) => Ok(Entry {
            entry_type,
            occurred_at,
            text,
            recipient: if entry_type.sent {
                recipient
            } else {
                String::new()
            },
            channel: if entry_type.sent {
                channel
            } else {
                String::new()
            },
        }),
        _ => Err(FieldErrors::single("occurred_at", "must be a moment")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-27T10:30:15Z";

    fn input(t: &str, at: &str, text: &str, to: &str) -> EntryInput {
        EntryInput {
            entry_type: t.into(),
            occurred_at: at.into(),
            text: text.into(),
            recipient: to.into(),
            channel: "e-mail".into(),
        }
    }

    #[test]
    fn which_kinds_keep_a_journal() {
        assert_eq!(entry_types("incidents"), INCIDENT_ENTRIES);
        assert_eq!(entry_types("communications"), COMMUNICATION_ENTRIES);
        assert_eq!(entry_types("nonconformities"), NOTE_ENTRIES);
        assert_eq!(entry_types("corrective-actions"), NOTE_ENTRIES);
        assert!(entry_types("risks").is_empty());
        assert!(entry_types("").is_empty());
    }

    #[test]
    fn moments_are_read_to_the_minute() {
        assert_eq!(
            parse_moment("2026-11-27").as_deref(),
            Some("2026-11-27T00:00")
        );
        assert_eq!(
            parse_moment(" 2026-11-27T09:05 ").as_deref(),
            Some("2026-11-27T09:05")
        );
        assert_eq!(
            parse_moment("2026-11-27 23:59").as_deref(),
            Some("2026-11-27T23:59")
        );
        assert_eq!(
            parse_moment("2026-11-27T09:05:59Z").as_deref(),
            Some("2026-11-27T09:05")
        );
        assert_eq!(
            parse_moment("2026-11-27T09:05Z").as_deref(),
            Some("2026-11-27T09:05")
        );
        for bad in [
            "",
            "2026-02-30",
            "2026-11-27T24:00",
            "2026-11-27T10:60",
            "2026-11-27T10:05:60",
            "2026-11-27T10:05:5x",
            "2026-11-27T10:05:5",
            "2026-11-27T1:05",
            "2026-11-27T10-05",
            "2026-11-27X10:05",
            "2026-11-27T+1:05",
            "2026-11-27T10:05:00:00",
            "yesterday",
        ] {
            assert_eq!(parse_moment(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_sound_entry_is_kept_as_written() {
        let e = check(
            "incidents",
            &input("sent", "2026-11-26T08:00", " Told users ", " Users "),
            NOW,
        )
        .unwrap();
        assert_eq!(e.entry_type.key, "sent");
        assert_eq!(e.occurred_at, "2026-11-26T08:00");
        assert_eq!(e.text, "Told users");
        assert_eq!(e.recipient, "Users");
        assert_eq!(e.channel, "e-mail");
    }

    #[test]
    fn a_note_keeps_no_recipient_and_defaults_to_now() {
        let e = check(
            "incidents",
            &input("note", "", "Model rolled back", "someone"),
            NOW,
        )
        .unwrap();
        assert_eq!(e.occurred_at, "2026-11-27T10:30");
        assert_eq!(e.recipient, "");
        assert_eq!(e.channel, "");
    }

    #[test]
    fn the_present_minute_is_not_the_future() {
        assert!(check(
            "incidents",
            &input("note", "2026-11-27T10:30", "x", ""),
            NOW
        )
        .is_ok());
        let e = check(
            "incidents",
            &input("note", "2026-11-27T10:31", "x", ""),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.get("occurred_at"), ["cannot be in the future"]);
    }

    #[test]
    fn bad_entries_name_each_field() {
        let e = check("risks", &input("note", "soon", " ", ""), NOW).unwrap_err();
        assert_eq!(e.get("entry_type"), ["must be one of: "]);
        assert_eq!(e.get("occurred_at").len(), 1);
        assert_eq!(e.get("text").len(), 1);
        let e = check("communications", &input("note", "", "x", ""), NOW).unwrap_err();
        assert_eq!(e.get("entry_type"), ["must be one of: sent"]);
        let e = check("communications", &input("sent", "", "x", " "), NOW).unwrap_err();
        assert_eq!(e.get("recipient"), ["say who it was sent to"]);
        let long = "x".repeat(TEXT_MAX + 1);
        let e = check("incidents", &input("note", "", &long, ""), NOW).unwrap_err();
        assert_eq!(
            e.get("text"),
            [format!("must be at most {TEXT_MAX} characters")]
        );
        assert!(check(
            "incidents",
            &input("note", "", &"x".repeat(TEXT_MAX), ""),
            NOW
        )
        .is_ok());
        let name = "y".repeat(NAME_MAX + 1);
        let e = check("incidents", &input("sent", "", "x", &name), NOW).unwrap_err();
        assert_eq!(
            e.get("recipient"),
            [format!("must be at most {NAME_MAX} characters")]
        );
        assert!(check(
            "incidents",
            &input("sent", "", "x", &"y".repeat(NAME_MAX)),
            NOW
        )
        .is_ok());
        let e = check("incidents", &input("sent", "", "line\none", "a\nb"), NOW).unwrap_err();
        assert_eq!(e.get("recipient"), ["must be one line of text"]);
        assert!(e.get("text").is_empty(), "text may have several lines");
        let e = check("incidents", &input("note", "", "bell\u{7}", ""), NOW).unwrap_err();
        assert_eq!(e.get("text"), [CONTROL_MESSAGE]);
    }
}
