//! Supplier due-diligence questionnaires (A.10.3): a set of questions sent
//! to a supplier, answered once — by the supplier through a private link or
//! recorded by a member from their reply — and reviewed. The answers are
//! kept as given. aims ships one questionnaire for AI suppliers, written in
//! its own words; a workspace may send its own questions instead.

use crate::validation::{has_control_chars, FieldErrors, CONTROL_MESSAGE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One question, with the key its answer is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub text: String,
}

/// The built-in questionnaire's key and title.
pub const BUILT_IN_KEY: &str = "ai-supplier";
pub const BUILT_IN_TITLE: &str = "AI supplier due diligence";

/// The built-in questions for an AI supplier: `(key, text)`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("offering", "Which AI models, data or AI-enabled services do you provide to us, and which of them do you build yourselves?"),
    ("subprocessors", "Which third parties (model providers, hosting, labelling) take part in delivering them?"),
    ("training_data", "Where does the data used to train or tune these models come from, and on what legal basis is it used?"),
    ("customer_data", "Is any data we send you used to train or improve models? How can we opt out?"),
    ("evaluation", "How do you test the models for accuracy, robustness and unfair bias before release, and can you share the results?"),
    ("monitoring", "How do you watch the models in production, and how do you tell customers about changes in behaviour or new versions?"),
    ("incidents", "How, and how fast, will you tell us about an incident involving the service, and whom do we contact?"),
    ("security", "Which security certifications or attestations do you hold (for example ISO/IEC 27001, SOC 2), and when do they expire?"),
    ("management_system", "Do you run an AI management system (for example certified to ISO/IEC 42001)? Who is accountable for AI risk?"),
    ("eu_ai_act", "How do you classify the service under the EU AI Act, and which obligations do you take on as its provider?"),
    ("documentation", "Which documentation do you give customers: model cards, intended use and limitations, instructions for use?"),
    ("human_oversight", "What can we configure to keep a person in control of the outputs (thresholds, review steps, switching features off)?"),
];

/// The built-in questions as [`Question`]s.
pub fn built_in() -> Vec<Question> {
    BUILT_IN
        .iter()
        .map(|(key, text)| Question {
            key: (*key).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

/// At most this many questions in one questionnaire.
pub const QUESTIONS_MAX: usize = 60;
/// The longest question, in characters.
pub const QUESTION_MAX: usize = 500;
/// The longest answer, in characters.
pub const ANSWER_MAX: usize = 10_000;

/// Custom questions from text, one per non-blank line, keyed `q1`, `q2`…
pub fn custom(text: &str) -> Result<Vec<Question>, FieldErrors> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut e = FieldErrors::new();
    if lines.is_empty() {
        e.add("questions", "write at least one question, one per line");
    } else if lines.len() > QUESTIONS_MAX {
        e.add(
            "questions",
            format!("at most {QUESTIONS_MAX} questions, one per line"),
        );
    }
    for (n, l) in lines.iter().enumerate() {
        if l.chars().count() > QUESTION_MAX {
            e.add(
                "questions",
                format!(
                    "question {} is longer than {QUESTION_MAX} characters",
                    n + 1
                ),
            );
        } else if has_control_chars(l) {
            e.add("questions", CONTROL_MESSAGE);
        }
    }
    e.into_result()?;
    Ok(lines
        .iter()
        .enumerate()
        .map(|(n, l)| Question {
            key: format!("q{}", n + 1),
            text: (*l).to_owned(),
        })
        .collect())
}

/// Where a questionnaire stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Sent, waiting for answers.
    Sent,
    Answered,
    /// Answered and its answers reviewed, with a conclusion.
    Reviewed,
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Sent => "sent",
            State::Answered => "answered",
            State::Reviewed => "reviewed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Sent => "Waiting for answers",
            State::Answered => "Answered",
            State::Reviewed => "Reviewed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        [State::Sent, State::Answered, State::Reviewed]
            .into_iter()
            .find(|st| st.key() == s)
    }
}

/// Checks answers to `questions`: each names a question, none is too
/// long, at least one says something; blank answers are dropped.
pub fn check_answers(
    questions: &[Question],
    answers: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = BTreeMap::new();
    for (key, value) in answers {
        let field = format!("answers.{key}");
        if !questions.iter().any(|q| q.key == *key) {
            e.add(&field, "is not a question of this questionnaire");
            continue;
        }
        let v = value.trim();
        if v.chars().count() > ANSWER_MAX {
            e.add(&field, format!("must be at most {ANSWER_MAX} characters"));
        } else if has_control_chars(v) {
            e.add(&field, CONTROL_MESSAGE);
        } else if !v.is_empty() {
            out.insert(key.clone(), v.to_owned());
        }
    }
    if e.is_empty() && out.is_empty() {
        e.add("answers", "answer at least one question");
    }
    e.into_result()?;
    Ok(out)
}

/// Checks the day answers are due against the day it is sent: a date, not
/// before it.
pub fn check_due(sent_on: &str, due_on: &str) -> Result<String, FieldErrors> {
    let due = crate::record::parse_date(due_on.trim())
        .ok_or_else(|| FieldErrors::single("due_on", "must be a date (YYYY-MM-DD)"))?;
    if due.as_str() < sent_on {
        return Err(FieldErrors::single(
            "due_on",
            "cannot be before the day it is sent",
        ));
    }
    Ok(due)
}

/// The questions answered and left open, in order.
pub fn unanswered<'a>(
    questions: &'a [Question],
    answers: &BTreeMap<String, String>,
) -> Vec<&'a Question> {
    questions
        .iter()
        .filter(|q| !answers.contains_key(&q.key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_built_in_questionnaire_has_unique_keys() {
        let q = built_in();
        assert_eq!(q.len(), BUILT_IN.len());
        assert!(q.len() >= 10);
        let mut keys: Vec<&str> = q.iter().map(|q| q.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), q.len());
        assert!(q
            .iter()
            .all(|q| q.text.ends_with('?') && q.text.len() <= QUESTION_MAX));
        assert_eq!(q[0].key, "offering");
    }

    #[test]
    fn custom_questions_are_one_per_line() {
        let q = custom("  Who owns the model?\n\n Where is it hosted? \r\n").unwrap();
        assert_eq!(
            q,
            vec![
                Question {
                    key: "q1".into(),
                    text: "Who owns the model?".into()
                },
                Question {
                    key: "q2".into(),
                    text: "Where is it hosted?".into()
                },
            ]
        );
        assert_eq!(custom(" \n ").unwrap_err().get("questions").len(), 1);
        let many = "q?\n".repeat(QUESTIONS_MAX);
        assert_eq!(custom(&many).unwrap().len(), QUESTIONS_MAX);
        let too_many = "q?\n".repeat(QUESTIONS_MAX + 1);
        assert_eq!(
            custom(&too_many).unwrap_err().get("questions"),
            [format!("at most {QUESTIONS_MAX} questions, one per line")]
        );
        assert!(custom(&"x".repeat(QUESTION_MAX)).is_ok());
        assert_eq!(
            custom(&format!("ok\n{}", "x".repeat(QUESTION_MAX + 1)))
                .unwrap_err()
                .get("questions"),
            [format!(
                "question 2 is longer than {QUESTION_MAX} characters"
            )]
        );
        assert_eq!(
            custom("a\u{7}b").unwrap_err().get("questions"),
            [CONTROL_MESSAGE]
        );
    }

    #[test]
    fn states_round_trip() {
        for s in [State::Sent, State::Answered, State::Reviewed] {
            assert_eq!(State::parse(s.key()), Some(s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(State::Sent.label(), "Waiting for answers");
        assert_eq!(State::Answered.label(), "Answered");
        assert_eq!(State::Reviewed.label(), "Reviewed");
        assert_eq!(State::parse("done"), None);
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let q = built_in();
        let ok = check_answers(
            &q,
            &answers(&[("offering", " An LLM API "), ("security", " ")]),
        )
        .unwrap();
        assert_eq!(ok, answers(&[("offering", "An LLM API")]));
        let e = check_answers(&q, &answers(&[("nope", "x")])).unwrap_err();
        assert_eq!(
            e.get("answers.nope"),
            ["is not a question of this questionnaire"]
        );
        assert!(e.get("answers").is_empty());
        let e = check_answers(&q, &answers(&[("offering", " ")])).unwrap_err();
        assert_eq!(e.get("answers"), ["answer at least one question"]);
        let long = "x".repeat(ANSWER_MAX + 1);
        let e = check_answers(&q, &answers(&[("offering", &long)])).unwrap_err();
        assert_eq!(
            e.get("answers.offering"),
            [format!("must be at most {ANSWER_MAX} characters")]
        );
        assert!(check_answers(&q, &answers(&[("offering", &"x".repeat(ANSWER_MAX))])).is_ok());
        let e = check_answers(&q, &answers(&[("offering", "a\u{0}")])).unwrap_err();
        assert_eq!(e.get("answers.offering"), [CONTROL_MESSAGE]);
        assert!(check_answers(&q, &answers(&[("offering", "line\nbreaks\tare fine")])).is_ok());
    }

    #[test]
    fn answers_are_due_on_or_after_sending() {
        assert_eq!(
            check_due("2026-11-27", " 2026-11-27 ").unwrap(),
            "2026-11-27"
        );
        assert_eq!(check_due("2026-11-27", "2026-12-11").unwrap(), "2026-12-11");
        assert_eq!(
            check_due("2026-11-27", "2026-11-26")
                .unwrap_err()
                .get("due_on"),
            ["cannot be before the day it is sent"]
        );
        assert_eq!(
            check_due("2026-11-27", "soon").unwrap_err().get("due_on"),
            ["must be a date (YYYY-MM-DD)"]
        );
    }

    #[test]
    fn unanswered_questions_are_listed_in_order() {
        let q = custom("a?\nb?\nc?").unwrap();
        let open = unanswered(&q, &answers(&[("q2", "yes")]));
        assert_eq!(
            open.iter().map(|q| q.key.as_str()).collect::<Vec<_>>(),
            ["q1", "q3"]
        );
    }
}
