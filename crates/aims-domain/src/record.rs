//! The one record path: a kind of record declares its fields (with their
//! types), the actions each operation requires and the links it takes part
//! in; parsing, validation, the history diff, filters, import and export of
//! every kind come from that declaration. Field values are kept as JSON
//! (`Fields`), in one canonical form per type, so storage, API and history
//! treat every kind the same way.

mod kinds;
mod kinds_check;
mod kinds_run;
mod parse;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fields;

pub use kinds::{
    kind, kind_by_record_type, relation, CONTROLS, EVIDENCE, EVIDENCE_REQUESTS, KINDS, RELATIONS,
    RISKS, RISK_ACTIONS,
};
pub use kinds_check::{
    AUDITS, CERTIFICATION, CORRECTIVE_ACTIONS, FINDINGS, IMPROVEMENTS, METRICS, NONCONFORMITIES,
    REVIEWS,
};
pub use kinds_run::{
    CHANGES, COMMITMENTS, COMMUNICATIONS, DOCUMENTS, INCIDENTS, OBJECTIVES, RESPONSIBILITIES,
    SUPPLIERS, TRAININGS,
};
pub use parse::{
    declaration_problems, normalise_name, parse_bool, parse_date, Input, COMPUTED_MESSAGE,
    METRICS_MAX,
};

use crate::Action;
use serde_json::{Map, Value};

/// A record's field values by field name, in canonical form: text, choice and
/// date (`YYYY-MM-DD`) as strings, several choices as an array of strings in
/// declared order, yes/no as a boolean, a member as the user's id, metrics as
/// an array of `{name, value, dataset?, task?}`. An empty field is absent.
pub type Fields = Map<String, Value>;

/// One value a choice field may take: the stored value and what people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The type of a field, which decides how it is parsed, stored, shown and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text, at most `max` characters.
    Text { max: usize },
    /// Several lines of text, at most `max` characters.
    LongText { max: usize },
    /// One of the choices.
    Choice(&'static [Choice]),
    /// Any number of the choices.
    Choices(&'static [Choice]),
    /// Yes or no.
    Bool,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A member of the workspace (given as e-mail or user id, stored as the user id).
    Member,
    /// Measured results: a list of `{name, value, dataset?, task?}`.
    Metrics,
    /// A level on one of the workspace's scales (a risk's likelihood or
    /// impact), from 1 to [`crate::risk::method::MAX_LEVELS`]: given as its
    /// number or its name; a name is turned into its number by the kind's
    /// [`Derived`] rule, which knows the workspace's scales.
    Level(Scale),
    /// A number people enter (a target, a measured value): finite, at most
    /// [`DECIMAL_MAX`] either way, stored as a JSON number.
    Decimal,
    /// A whole number aims computes (a risk's score); never input.
    Number,
    /// A key aims computes (a risk's band), filterable; never input.
    Key,
}

impl FieldType {
    /// Fields of these types can be filtered on: their values are indexed.
    pub fn is_facet(self) -> bool {
        matches!(
            self,
            FieldType::Choice(_)
                | FieldType::Choices(_)
                | FieldType::Bool
                | FieldType::Member
                | FieldType::Key
        )
    }

    pub fn choices(self) -> &'static [Choice] {
        match self {
            FieldType::Choice(c) | FieldType::Choices(c) => c,
            _ => &[],
        }
    }
}

/// Which of the workspace's risk scales a level is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Likelihood,
    Impact,
}

/// One field of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// A date field that is a dated duty (next review, due, expiry): stored so
    /// that work lists and readiness can query every kind's duties at once.
    pub duty: bool,
    /// One short sentence shown under the field.
    pub help: &'static str,
    /// Set by aims from other fields (a risk's score and band), never from
    /// input: JSON input naming it is refused, a form or spreadsheet column
    /// of it is ignored (so an export imports back).
    pub computed: bool,
    /// Other column headers that stand for this field in imports
    /// (`likelihood` for the inherent likelihood).
    pub aliases: &'static [&'static str],
    /// A duty that ends when another field takes one of these values (a
    /// treatment action's due date once its status is done): no longer
    /// stored as a duty, so it is never overdue.
    pub duty_until: Option<(&'static str, &'static [&'static str])>,
    /// What a record past this duty's date is called in lists (`Stale`
    /// evidence); empty: `Overdue`.
    pub lapsed: &'static str,
}

impl Field {
    pub const fn text(name: &'static str, label: &'static str, max: usize) -> Field {
        Field {
            name,
            label,
            ty: FieldType::Text { max },
            required: false,
            duty: false,
            help: "",
            computed: false,
            aliases: &[],
            duty_until: None,
            lapsed: "",
        }
    }
    pub const fn long(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::LongText { max: LONG_TEXT_MAX },
            ..Field::text(name, label, 0)
        }
    }
    pub const fn choice(name: &'static str, label: &'static str, c: &'static [Choice]) -> Field {
        Field {
            ty: FieldType::Choice(c),
            ..Field::text(name, label, 0)
        }
    }
    pub const fn choices(name: &'static str, label: &'static str, c: &'static [Choice]) -> Field {
        Field {
            ty: FieldType::Choices(c),
            ..Field::text(name, label, 0)
        }
    }
    pub const fn boolean(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Bool,
            ..Field::text(name, label, 0)
        }
    }
    pub const fn date(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Date,
            ..Field::text(name, label, 0)
        }
    }
    pub const fn owner() -> Field {
        Field {
            ty: FieldType::Member,
            help: "The workspace member answerable for it (e-mail address).",
            ..Field::text("owner", "Owner", 0)
        }
    }
    pub const fn metrics(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Metrics,
            ..Field::text(name, label, 0)
        }
    }
    pub const fn level(name: &'static str, label: &'static str, scale: Scale) -> Field {
        Field {
            ty: FieldType::Level(scale),
            ..Field::text(name, label, 0)
        }
    }
    /// A number people enter.
    pub const fn decimal(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Decimal,
            ..Field::text(name, label, 0)
        }
    }
    /// A number aims computes.
    pub const fn number(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Number,
            computed: true,
            ..Field::text(name, label, 0)
        }
    }
    /// A key aims computes, filterable.
    pub const fn key(name: &'static str, label: &'static str) -> Field {
        Field {
            ty: FieldType::Key,
            computed: true,
            ..Field::text(name, label, 0)
        }
    }
    /// Set by aims, never from input.
    pub const fn computed(self) -> Field {
        Field {
            computed: true,
            ..self
        }
    }
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Field {
        Field { aliases, ..self }
    }
    pub const fn required(self) -> Field {
        Field {
            required: true,
            ..self
        }
    }
    pub const fn duty(self) -> Field {
        Field { duty: true, ..self }
    }
    /// A duty that ends once `field` is one of `values`.
    pub const fn duty_until(self, field: &'static str, values: &'static [&'static str]) -> Field {
        Field {
            duty: true,
            duty_until: Some((field, values)),
            ..self
        }
    }
    pub const fn help(self, help: &'static str) -> Field {
        Field { help, ..self }
    }
    /// What a record past this duty's date is called (`Stale`).
    pub const fn lapsed(self, lapsed: &'static str) -> Field {
        Field { lapsed, ..self }
    }

    /// The label people read for a stored choice value (the value itself if unknown).
    pub fn choice_label<'a>(&self, value: &'a str) -> &'a str {
        self.ty
            .choices()
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label)
            .unwrap_or(value)
    }
}

/// Longest multi-line text field.
pub const LONG_TEXT_MAX: usize = 4000;

/// The largest magnitude a decimal field takes (well inside what a double
/// holds exactly as an integer).
pub const DECIMAL_MAX: f64 = 1e15;
/// Longest title (name) of any record.
pub const TITLE_MAX: usize = 200;

/// What each operation on a kind requires of the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub read: Action,
    pub create: Action,
    pub update: Action,
    pub delete: Action,
    pub export: Action,
    /// Approving a version, for kinds whose versions are approved (`None`: not approvable).
    pub approve: Option<Action>,
}

/// The usual rule: read to see, create/update/delete to change, export to download.
pub const STANDARD_ACCESS: Access = Access {
    read: Action::Read,
    create: Action::Create,
    update: Action::Update,
    delete: Action::Delete,
    export: Action::Export,
    approve: None,
};

/// The usual rule for kinds whose versions a manager approves.
pub const APPROVED_ACCESS: Access = Access {
    approve: Some(Action::Approve),
    ..STANDARD_ACCESS
};

/// Where a record of an approvable kind stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ApprovalState {
    /// Never approved.
    Draft,
    /// Exactly as approved version `number`.
    Approved { number: i64 },
    /// Edited since approved version `number`: a new draft.
    ChangedSince { number: i64 },
}

impl ApprovalState {
    /// From the record's fields and its latest approved version (number and fields).
    pub fn of(current: &Fields, latest: Option<(i64, &Fields)>) -> ApprovalState {
        match latest {
            None => ApprovalState::Draft,
            Some((number, approved)) if approved == current => ApprovalState::Approved { number },
            Some((number, _)) => ApprovalState::ChangedSince { number },
        }
    }

    pub fn label(self) -> String {
        match self {
            ApprovalState::Draft => "Draft, never approved".into(),
            ApprovalState::Approved { number } => format!("Approved (version {number})"),
            ApprovalState::ChangedSince { number } => {
                format!("Draft: changed since approved version {number}")
            }
        }
    }
}

/// A kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Its name in API paths and on the command line (`systems`).
    pub name: &'static str,
    /// Its name in the history and in storage (`ai_system`).
    pub record_type: &'static str,
    /// Its page path segment (`inventory`).
    pub page: &'static str,
    pub singular: &'static str,
    pub plural: &'static str,
    /// One sentence saying what this kind is for, shown on its list page.
    pub about: &'static str,
    /// Its fields; the first one is the title, always required text.
    pub fields: &'static [Field],
    /// Fields shown as columns in lists, after the title.
    pub columns: &'static [&'static str],
    pub access: Access,
    /// The rule that completes its fields from workspace data before they
    /// are stored (levels by name, computed scores).
    pub derived: Derived,
}

/// A ready-made view of a kind's list: one filter and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortcut {
    pub label: &'static str,
    /// The list filter it sets (`owner`, `due_before`).
    pub filter: &'static str,
    pub value: ShortcutValue,
}

/// The value a shortcut's filter takes when followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcutValue {
    /// The reader (`me`).
    Me,
    /// Today's date: `due_before` today lists what is past its date.
    Today,
}

impl ShortcutValue {
    /// The filter's value on `today` (`YYYY-MM-DD`).
    pub fn on(self, today: &str) -> &str {
        match self {
            ShortcutValue::Me => "me",
            ShortcutValue::Today => today,
        }
    }
}

/// A rule that completes a kind's fields from workspace data (which the
/// application layer loads) before they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// The fields are stored as parsed.
    None,
    /// Risk levels resolved on the workspace's risk method, scores and bands
    /// computed, residual above inherent confirmed: [`crate::risk::fields`].
    RiskScores,
    /// An incident's EU AI Act Art. 73 report deadline from its awareness
    /// day and category: [`crate::incident::derive`].
    IncidentDeadline,
    /// A certificate's expiry and surveillance audits from the day it
    /// starts: [`crate::certification::derive`].
    Certification,
    /// A metric's thresholds checked against its direction:
    /// [`crate::metric::fields::derive`].
    MetricThresholds,
}

/// Field names the record itself uses: no kind may declare them.
pub const RESERVED: &[&str] = &[
    "id",
    "kind",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "links",
];

impl Kind {
    pub fn title_field(&self) -> &'static Field {
        &self.fields[0]
    }

    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The name of files holding records of this kind (`ai-systems`).
    pub fn file_stem(&self) -> String {
        self.plural.to_lowercase().replace(' ', "-")
    }

    pub fn has_owner(&self) -> bool {
        self.fields.iter().any(|f| f.ty == FieldType::Member)
    }

    /// The record's title from its fields.
    pub fn title_of<'a>(&self, fields: &'a Fields) -> &'a str {
        fields
            .get(self.title_field().name)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The facet values of a record, `(field, value)` pairs, as indexed for filters.
    pub fn facets(&self, fields: &Fields) -> Vec<(&'static str, String)> {
        let mut out = vec![];
        for f in self.fields.iter().filter(|f| f.ty.is_facet()) {
            match fields.get(f.name) {
                Some(Value::String(s)) => out.push((f.name, s.clone())),
                Some(Value::Bool(b)) => out.push((f.name, b.to_string())),
                Some(Value::Array(items)) => out.extend(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| (f.name, s.to_owned())),
                ),
                _ => {}
            }
        }
        out
    }

    /// The ready-made views of its list: `Mine` (its owner is the reader)
    /// and, for a kind with dated duties, the records past one (`Overdue`,
    /// or what its first duty calls it).
    pub fn shortcuts(&self) -> Vec<Shortcut> {
        let mut out = Vec::new();
        if self
            .fields
            .iter()
            .any(|f| f.name == "owner" && f.ty == FieldType::Member)
        {
            out.push(Shortcut {
                label: "Mine",
                filter: "owner",
                value: ShortcutValue::Me,
            });
        }
        if let Some(duty) = self.fields.iter().find(|f| f.duty) {
            out.push(Shortcut {
                label: if duty.lapsed.is_empty() {
                    "Overdue"
                } else {
                    duty.lapsed
                },
                filter: "due_before",
                value: ShortcutValue::Today,
            });
        }
        out
    }

    /// The open dated duties of a record, `(field, date)` pairs: a duty
    /// whose `duty_until` field has one of its values has ended.
    pub fn duties(&self, fields: &Fields) -> Vec<(&'static str, String)> {
        self.fields
            .iter()
            .filter(|f| f.duty)
            .filter(|f| {
                f.duty_until.is_none_or(|(field, ends)| {
                    fields
                        .get(field)
                        .and_then(Value::as_str)
                        .is_none_or(|v| !ends.contains(&v))
                })
            })
            .filter_map(|f| {
                fields
                    .get(f.name)
                    .and_then(Value::as_str)
                    .map(|d| (f.name, d.to_owned()))
            })
            .collect()
    }

    /// The owner's user id, if the record has one.
    pub fn owner_of<'a>(&self, fields: &'a Fields) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|f| f.ty == FieldType::Member)
            .and_then(|f| fields.get(f.name))
            .and_then(Value::as_str)
    }

    /// What people search: every text field, lowercased with Rust's full
    /// Unicode rules so both databases match the same rows.
    pub fn search_text(&self, fields: &Fields) -> String {
        let mut out = String::new();
        for f in self.fields {
            if let (FieldType::Text { .. } | FieldType::LongText { .. }, Some(Value::String(s))) =
                (f.ty, fields.get(f.name))
            {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(s);
            }
        }
        out.to_lowercase()
    }

    /// A field's value as one line of text, as in exports and CSV imports
    /// (the inverse of parsing text input): choices joined by `; `, yes/no
    /// as `true`/`false`, metrics as `name=value (dataset)` joined by `; `.
    pub fn cell(&self, field: &Field, fields: &Fields) -> String {
        match fields.get(field.name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Array(items)) if field.ty == FieldType::Metrics => items
                .iter()
                .map(parse::metric_text)
                .collect::<Vec<_>>()
                .join("; "),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
            Some(other) => other.to_string(),
        }
    }
}

/// `word` with its first letter in upper case (kind labels as headings).
pub fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A named relation between two kinds of record (`uses_model`: systems → models).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relation {
    pub name: &'static str,
    /// Kinds (by `name`) that may be at each end; empty means any kind.
    pub from: &'static [&'static str],
    pub to: &'static [&'static str],
    /// How it reads from each end: "uses model" / "used by".
    pub label: &'static str,
    pub inverse: &'static str,
}

impl Relation {
    /// Whether a link of this relation may go from a record of kind `from` to one of kind `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        (self.from.is_empty() || self.from.contains(&from))
            && (self.to.is_empty() || self.to.contains(&to))
    }
}
