//! Parsing field values from JSON (API, imported files) and from text (forms,
//! CSV and XLSX cells) into their canonical form, with every problem reported
//! under the field's name.

use super::{Field, FieldType, Fields, Kind, RESERVED, TITLE_MAX};
use crate::validation::{has_control_chars, has_hidden_format_chars, FieldErrors, CONTROL_MESSAGE};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Raw input for a record's fields.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A JSON object (API bodies, imported files): values of the field's JSON type,
    /// or text in the same forms [`Input::Text`] accepts; `null` clears a field.
    Json(&'a Map<String, Value>),
    /// Text by field name (forms, spreadsheet cells); an empty text clears a field.
    Text(&'a BTreeMap<String, String>),
}

/// Most entries a metrics field holds.
pub const METRICS_MAX: usize = 200;
/// Longest member reference (an e-mail address or a user id).
const MEMBER_MAX: usize = 320;
/// Why a computed field cannot be set.
pub const COMPUTED_MESSAGE: &str = "is computed by aims and cannot be set";
/// Longest level name accepted as input (the method's own limit).
const LEVEL_NAME_MAX: usize = crate::risk::method::NAME_MAX;

impl Kind {
    /// The fields of a new record. Unknown field names are errors, so a typo
    /// never passes silently.
    pub fn parse_new(&self, input: Input<'_>) -> Result<Fields, FieldErrors> {
        self.parse_update(&Fields::new(), input)
    }

    /// `old` with the fields present in `input` replaced (an empty value
    /// clears one); fields left out keep their value.
    pub fn parse_update(&self, old: &Fields, input: Input<'_>) -> Result<Fields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut out = old.clone();
        let mut apply =
            |name: &str, parsed: Result<Option<Value>, String>| match (self.field(name), parsed) {
                (None, _) => errors.add(name, self.unknown_field_message()),
                (Some(_), Err(m)) => errors.add(name, m),
                (Some(f), Ok(Some(v))) => {
                    out.insert(f.name.to_owned(), v);
                }
                (Some(f), Ok(None)) => {
                    out.remove(f.name);
                }
            };
        match input {
            Input::Json(map) => {
                for (name, v) in map {
                    let parsed = self.field(name).map(|f| match f.computed {
                        true => Err(COMPUTED_MESSAGE.to_owned()),
                        false => json_value(self, f, v),
                    });
                    apply(name, parsed.unwrap_or(Ok(None)));
                }
            }
            Input::Text(map) => {
                for (name, v) in map {
                    match self.field(name) {
                        // A computed column (an export imported back) is not input.
                        Some(f) if f.computed => {}
                        Some(f) => apply(name, text_value(self, f, v)),
                        None => apply(name, Ok(None)),
                    }
                }
            }
        }
        for f in self.fields.iter().filter(|f| f.required) {
            if !out.contains_key(f.name) && errors.get(f.name).is_empty() {
                errors.add(f.name, "is required");
            }
        }
        errors.into_result()?;
        Ok(out)
    }

    fn unknown_field_message(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name).collect();
        format!(
            "is not a field of {}; the fields are: {}",
            self.plural,
            names.join(", ")
        )
    }

    /// The field a spreadsheet column stands for: its name or its label,
    /// compared after [`normalise_name`] (so "Lifecycle stage" is `lifecycle_stage`).
    /// Computed fields are no column to import; a field's aliases are.
    pub fn column_field(&self, header: &str) -> Option<&'static Field> {
        let h = normalise_name(header);
        let input = || self.fields.iter().filter(|f| !f.computed);
        input()
            .find(|f| f.name == h || normalise_name(f.label) == h)
            .or_else(|| input().find(|f| f.aliases.iter().any(|a| normalise_name(a) == h)))
    }
}

impl Kind {
    /// The field each column of a sheet stands for: a column the user
    /// mapped (`(header, field name)`; an empty field name ignores it) goes
    /// where they said, any other is matched by [`Kind::column_field`].
    /// Refused under `columns`: a mapping for a header the sheet lacks, or
    /// to a name that is not an input field of the kind.
    pub fn column_fields(
        &self,
        headers: &[String],
        mapping: &[(String, String)],
    ) -> Result<Vec<Option<&'static Field>>, FieldErrors> {
        let mut e = FieldErrors::new();
        for (header, field) in mapping {
            if !headers
                .iter()
                .any(|h| normalise_name(h) == normalise_name(header))
            {
                e.add("columns", format!("the file has no column “{header}”"));
            }
            let field = field.trim();
            if !field.is_empty() && !self.fields.iter().any(|f| !f.computed && f.name == field) {
                e.add(
                    "columns",
                    format!("“{field}” is not a field of {} one can set", self.plural),
                );
            }
        }
        e.into_result()?;
        Ok(headers
            .iter()
            .map(|h| {
                match mapping
                    .iter()
                    .find(|(m, _)| normalise_name(m) == normalise_name(h))
                {
                    Some((_, field)) => self.field(field.trim()).filter(|f| !f.computed),
                    None => self.column_field(h),
                }
            })
            .collect())
    }
}

/// Lowercase, with runs of spaces, `-`, `_` and `.` as one `_`.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for ch in s.trim().chars() {
        if matches!(ch, ' ' | '-' | '_' | '.' | '\t') {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

fn json_value(kind: &Kind, f: &Field, v: &Value) -> Result<Option<Value>, String> {
    match (f.ty, v) {
        (_, Value::Null) => text_value(kind, f, ""),
        (FieldType::Bool, Value::Bool(b)) => Ok(Some(Value::Bool(*b))),
        (FieldType::Choices(_), Value::Array(items)) => {
            let mut parts = vec![];
            for item in items {
                match item {
                    Value::String(s) => parts.push(s.as_str()),
                    _ => return Err("must be a list of texts".into()),
                }
            }
            choices_value(f, parts.into_iter())
        }
        (FieldType::Metrics, Value::Array(items)) => metrics_json(items),
        (FieldType::Decimal, Value::Number(n)) => match n.as_f64() {
            Some(x) => decimal_value(x),
            None => Err(DECIMAL_MESSAGE.into()),
        },
        (FieldType::Level(_), Value::Number(n)) => match n.as_u64() {
            Some(l) => level_value(l),
            None => Err(LEVEL_MESSAGE.into()),
        },
        (_, Value::String(s)) => text_value(kind, f, s),
        (FieldType::Bool, _) => Err("must be true or false".into()),
        (FieldType::Choices(_) | FieldType::Metrics, _) => Err("must be a list".into()),
        (FieldType::Level(_), _) => Err(LEVEL_MESSAGE.into()),
        (FieldType::Decimal, _) => Err(DECIMAL_MESSAGE.into()),
        _ => Err("must be a text".into()),
    }
}

fn text_value(kind: &Kind, f: &Field, raw: &str) -> Result<Option<Value>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if has_control_chars(s) {
        return Err(CONTROL_MESSAGE.into());
    }
    let is_title = kind.title_field().name == f.name;
    match f.ty {
        FieldType::Text { max } | FieldType::LongText { max } => {
            let max = if is_title { max.min(TITLE_MAX) } else { max };
            if s.chars().count() > max {
                return Err(format!("must be at most {max} characters"));
            }
            if (is_title || matches!(f.ty, FieldType::Text { .. })) && has_hidden_format_chars(s) {
                return Err(
                    "must not contain invisible characters (bidirectional overrides or zero-width characters)"
                        .into(),
                );
            }
            Ok(Some(Value::String(s.to_owned())))
        }
        FieldType::Choice(_) => choice_value(f, s).map(|c| Some(Value::String(c.to_owned()))),
        FieldType::Choices(_) => choices_value(f, s.split([';', ',', '\n'])),
        FieldType::Bool => parse_bool(s)
            .map(|b| Some(Value::Bool(b)))
            .ok_or_else(|| "must be yes or no (true/false)".to_owned()),
        FieldType::Date => parse_date(s)
            .map(|d| Some(Value::String(d)))
            .ok_or_else(|| "must be a date written YYYY-MM-DD".to_owned()),
        FieldType::Member => {
            if s.chars().count() > MEMBER_MAX {
                return Err("must be a member's e-mail address".into());
            }
            Ok(Some(Value::String(s.to_owned())))
        }
        FieldType::Metrics => metrics_text(s),
        FieldType::Level(_) => match s.parse::<u64>() {
            Ok(l) => level_value(l),
            // A name, turned into its number on the workspace's scale.
            Err(_) if s.chars().count() <= LEVEL_NAME_MAX && !has_hidden_format_chars(s) => {
                Ok(Some(Value::String(s.to_owned())))
            }
            Err(_) => Err(LEVEL_MESSAGE.into()),
        },
        FieldType::Decimal => match s.parse::<f64>() {
            Ok(x) => decimal_value(x),
            Err(_) => Err(DECIMAL_MESSAGE.into()),
        },
        FieldType::Number | FieldType::Key => Err(COMPUTED_MESSAGE.into()),
    }
}

const DECIMAL_MESSAGE: &str = "must be a number, such as 12 or 0.85";

/// A decimal as stored: a whole number as an integer (`12`, not `12.0`).
fn decimal_value(x: f64) -> Result<Option<Value>, String> {
    if !x.is_finite() || x.abs() > crate::record::DECIMAL_MAX {
        return Err(format!(
            "must be a number between -{max} and {max}",
            max = crate::record::DECIMAL_MAX
        ));
    }
    if x.fract() == 0.0 {
        // Exact: |x| ≤ 1e15 < 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(Some(json!(x as i64)));
    }
    Ok(serde_json::Number::from_f64(x).map(Value::Number))
}

const LEVEL_MESSAGE: &str = "must be a level: its number (1, 2, …) or its name";

fn level_value(l: u64) -> Result<Option<Value>, String> {
    let max = crate::risk::method::MAX_LEVELS as u64;
    if (1..=max).contains(&l) {
        Ok(Some(json!(l)))
    } else {
        Err(format!("must be a level from 1 to at most {max}"))
    }
}

fn choice_value(f: &Field, s: &str) -> Result<&'static str, String> {
    // The stored value as it is (an exported file) needs no normalising.
    if let Some(c) = f.ty.choices().iter().find(|c| c.value == s) {
        return Ok(c.value);
    }
    let wanted = normalise_name(s);
    f.ty.choices()
        .iter()
        .find(|c| c.value == wanted || normalise_name(c.label) == wanted)
        .map(|c| c.value)
        .ok_or_else(|| {
            let values: Vec<&str> = f.ty.choices().iter().map(|c| c.value).collect();
            format!("must be one of: {}", values.join(", "))
        })
}

fn choices_value<'a>(
    f: &Field,
    parts: impl Iterator<Item = &'a str>,
) -> Result<Option<Value>, String> {
    let mut chosen = vec![];
    for part in parts.map(str::trim).filter(|p| !p.is_empty()) {
        chosen.push(choice_value(f, part)?);
    }
    // Declared order, each once, so equal sets compare equal.
    let values: Vec<Value> =
        f.ty.choices()
            .iter()
            .filter(|c| chosen.contains(&c.value))
            .map(|c| Value::String(c.value.to_owned()))
            .collect();
    Ok((!values.is_empty()).then_some(Value::Array(values)))
}

/// Yes/no as people write it: true/false, yes/no, y/n, 1/0, on/off (any case).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" => Some(true),
        "false" | "no" | "n" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// A calendar date `YYYY-MM-DD` (a spreadsheet's `YYYY-MM-DDT00:00:00` too),
/// checked against the calendar; returns the date part.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let date = match s.split_once('T') {
        Some((d, time)) if time.chars().all(|c| c.is_ascii_digit() || c == ':') => d,
        Some(_) => return None,
        None => s,
    };
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = date.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=days).contains(&d)).then(|| date.to_owned())
}

fn metric(name: &str, value: Value, dataset: Option<&str>, task: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("value".into(), value);
    if let Some(d) = dataset.filter(|d| !d.is_empty()) {
        m.insert("dataset".into(), json!(d));
    }
    if let Some(t) = task.filter(|t| !t.is_empty()) {
        m.insert("task".into(), json!(t));
    }
    Value::Object(m)
}

fn metric_value(raw: &str) -> Value {
    match raw.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => json!(n),
        _ => json!(raw.trim()),
    }
}

fn check_metric_text(what: &str, s: &str, max: usize) -> Result<(), String> {
    if s.chars().count() > max {
        return Err(format!(
            "a metric's {what} must be at most {max} characters"
        ));
    }
    Ok(())
}

fn metrics_json(items: &[Value]) -> Result<Option<Value>, String> {
    if items.len() > METRICS_MAX {
        return Err(format!("must hold at most {METRICS_MAX} metrics"));
    }
    let mut out = vec![];
    for (i, item) in items.iter().enumerate() {
        let Value::Object(m) = item else {
            return Err(format!(
                "metric {}: must be an object with name and value",
                i + 1
            ));
        };
        let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::trim);
        let name = text("name")
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("metric {}: needs a name", i + 1))?;
        let value = match m.get("value") {
            // serde_json numbers are always finite.
            Some(Value::Number(n)) => Value::Number(n.clone()),
            Some(Value::String(s)) if !s.trim().is_empty() => metric_value(s),
            _ => return Err(format!("metric {}: needs a value", i + 1)),
        };
        for (what, s, max) in [
            ("name", Some(name), 200),
            ("dataset", text("dataset"), 200),
            ("task", text("task"), 200),
        ] {
            if let Some(s) = s {
                check_metric_text(what, s, max)?;
            }
        }
        if let Value::String(s) = &value {
            check_metric_text("value", s, 100)?;
        }
        out.push(metric(name, value, text("dataset"), text("task")));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

/// `accuracy=0.93 (imdb); f1=0.9` → metrics.
fn metrics_text(s: &str) -> Result<Option<Value>, String> {
    let mut items = vec![];
    for part in s
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((name, rest)) = part.split_once('=') else {
            return Err(format!(
                "`{part}`: write each metric as name=value, optionally followed by (dataset)"
            ));
        };
        let (value, dataset) = match rest.trim().split_once('(') {
            Some((v, d)) => (v.trim(), Some(d.trim().trim_end_matches(')').trim())),
            None => (rest.trim(), None),
        };
        let mut m = Map::new();
        m.insert("name".into(), json!(name.trim()));
        m.insert("value".into(), json!(value));
        if let Some(d) = dataset {
            m.insert("dataset".into(), json!(d));
        }
        items.push(Value::Object(m));
    }
    metrics_json(&items)
}

/// One metric as text: `name=value (dataset)`.
pub(super) fn metric_text(m: &Value) -> String {
    let name = m.get("name").and_then(Value::as_str).unwrap_or("");
    let value = match m.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    match m.get("dataset").and_then(Value::as_str) {
        Some(d) => format!("{name}={value} ({d})"),
        None => format!("{name}={value}"),
    }
}

/// True when no kind declares a reserved name or repeats a field, every
/// title is required text and every listed column exists (checked by a test).
pub fn declaration_problems(kind: &Kind) -> Vec<String> {
    let mut out = vec![];
    let title = kind.title_field();
    if !title.required || !matches!(title.ty, FieldType::Text { .. }) {
        out.push(format!("{}: the title must be required text", kind.name));
    }
    for (i, f) in kind.fields.iter().enumerate() {
        if RESERVED.contains(&f.name) {
            out.push(format!("{}: `{}` is reserved", kind.name, f.name));
        }
        if kind.fields[..i].iter().any(|g| g.name == f.name) {
            out.push(format!("{}: `{}` is declared twice", kind.name, f.name));
        }
        if f.computed
            && !matches!(
                f.ty,
                FieldType::Number | FieldType::Key | FieldType::Text { .. } | FieldType::Date
            )
        {
            out.push(format!(
                "{}: computed `{}` has an input type",
                kind.name, f.name
            ));
        }
        if !f.computed && matches!(f.ty, FieldType::Number | FieldType::Key) {
            out.push(format!("{}: `{}` must be computed", kind.name, f.name));
        }
        if f.required && f.computed {
            out.push(format!(
                "{}: computed `{}` cannot be required",
                kind.name, f.name
            ));
        }
        if f.duty && f.ty != FieldType::Date {
            out.push(format!("{}: duty `{}` must be a date", kind.name, f.name));
        }
        if let Some((until, values)) = f.duty_until {
            let choices = match kind.field(until).map(|u| u.ty) {
                Some(FieldType::Choice(c)) => c,
                _ => &[],
            };
            if values.is_empty()
                || values
                    .iter()
                    .any(|v| !choices.iter().any(|c| c.value == *v))
            {
                out.push(format!(
                    "{}: duty `{}` ends on values that are not choices of `{until}`",
                    kind.name, f.name
                ));
            }
        }
    }
    if kind
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::Member)
        .count()
        > 1
    {
        out.push(format!("{}: at most one owner field", kind.name));
    }
    for c in kind.columns {
        if kind.field(c).is_none() {
            out.push(format!("{}: column `{c}` is not a field", kind.name));
        }
    }
    out
}
