//! The impact assessment questionnaire as data: stable question ids in
//! sections, our own wording, and the kind of answer each takes.
//!
//! Ids are part of the API (`{"answers": {question_id: value}}`) and of every
//! stored assessment: never rename or reuse one; add new ids instead. An
//! answer is `true`/`false` (yes/no), an option id (choice) or a string
//! (text); `null` means "not answered yet".

use crate::validation::{has_control_chars, FieldErrors, CONTROL_MESSAGE};
use serde::Serialize;
use serde_json::Value;

/// A group of questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub about: &'static str,
}

/// An option of a choice question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Opt {
    pub id: &'static str,
    pub label: &'static str,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    YesNo,
    Choice {
        options: &'static [Opt],
    },
    /// Free text of at most `max` characters.
    Text {
        max: usize,
    },
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id, `section.name`.
    pub id: &'static str,
    pub section: &'static str,
    pub text: &'static str,
    pub kind: QuestionKind,
    /// Asked only when this yes/no question was answered yes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_when: Option<&'static str>,
}

/// Longest text answer.
pub const ANSWER_MAX: usize = 4000;

pub const SECTIONS: &[Section] = &[
    Section {
        id: "context",
        title: "The system and the people it touches",
        about: "Who is affected by the system and how much its output decides for them.",
    },
    Section {
        id: "individuals",
        title: "Consequences for individuals and groups",
        about: "How the system could affect people's rights, equal treatment, safety, privacy and livelihood.",
    },
    Section {
        id: "society",
        title: "Consequences for society",
        about: "How the system could affect the environment, democratic life and work.",
    },
    Section {
        id: "qualities",
        title: "Performance, fairness, transparency, safety, security and privacy",
        about: "What has been done to know and limit those consequences.",
    },
];

const DECISION_ROLE: &[Opt] = &[
    Opt {
        id: "none",
        label: "It makes or supports no decisions about people",
    },
    Opt {
        id: "informs",
        label: "It gives information a person weighs",
    },
    Opt {
        id: "recommends",
        label: "It recommends what a person then decides",
    },
    Opt {
        id: "decides",
        label: "It decides, with or without later review",
    },
];

const REVERSIBLE: &[Opt] = &[
    Opt {
        id: "easily",
        label: "Easily and quickly",
    },
    Opt {
        id: "with_effort",
        label: "With effort, time or cost",
    },
    Opt {
        id: "not",
        label: "Not, or not fully",
    },
];

const EVIDENCE: &[Opt] = &[
    Opt {
        id: "yes",
        label: "Yes, and the results are recorded",
    },
    Opt {
        id: "partly",
        label: "Partly, or not for every group",
    },
    Opt {
        id: "no",
        label: "Not yet",
    },
];

const TEXT: QuestionKind = QuestionKind::Text { max: ANSWER_MAX };

const fn q(
    id: &'static str,
    section: &'static str,
    kind: QuestionKind,
    text: &'static str,
) -> Question {
    Question {
        id,
        section,
        text,
        kind,
        asked_when: None,
    }
}

/// A text question asked when `after` was answered yes.
const fn how(
    id: &'static str,
    section: &'static str,
    after: &'static str,
    text: &'static str,
) -> Question {
    Question {
        asked_when: Some(after),
        ..q(id, section, TEXT, text)
    }
}

const YES_NO: QuestionKind = QuestionKind::YesNo;

/// Every question, in the order a person answers them.
pub const QUESTIONS: &[Question] = &[
    q("context.affected_groups", "context", TEXT,
        "Who is affected by what the system produces, including people who never use it themselves?"),
    q("context.vulnerable_groups", "context", YES_NO,
        "Are children, people in vulnerable situations or others who need extra care among them?"),
    q("context.decision_role", "context", QuestionKind::Choice { options: DECISION_ROLE },
        "How much does the system's output decide about a person?"),
    q("context.reversible", "context", QuestionKind::Choice { options: REVERSIBLE },
        "If the system gets it wrong for someone, can the effect be undone?"),
    q("individuals.fundamental_rights", "individuals", YES_NO,
        "Could the system limit someone's fundamental rights, such as dignity, free expression, access to justice or to public services?"),
    how("individuals.fundamental_rights_how", "individuals", "individuals.fundamental_rights",
        "Which rights, for whom, and how?"),
    q("individuals.discrimination", "individuals", YES_NO,
        "Could the system treat people differently because of a protected trait, or of something standing in for one?"),
    how("individuals.discrimination_how", "individuals", "individuals.discrimination",
        "Which groups, and how could it happen?"),
    q("individuals.safety", "individuals", YES_NO,
        "Could the system's output or actions hurt someone physically or mentally?"),
    how("individuals.safety_how", "individuals", "individuals.safety",
        "What harm, and in which situations?"),
    q("individuals.privacy", "individuals", YES_NO,
        "Could the system expose, infer or misuse personal information?"),
    how("individuals.privacy_how", "individuals", "individuals.privacy",
        "Which information, and how could it leak or be misused?"),
    q("individuals.economic", "individuals", YES_NO,
        "Could the system affect someone's income, job, credit, housing or access to goods and services?"),
    how("individuals.economic_how", "individuals", "individuals.economic",
        "Whose livelihood, and in what way?"),
    q("society.environment", "society", YES_NO,
        "Does building or running the system use energy, water or hardware at a scale worth managing?"),
    how("society.environment_how", "society", "society.environment",
        "What is used, roughly how much, and what limits it?"),
    q("society.democracy", "society", YES_NO,
        "Could the system shape public opinion, elections, the news people see or trust in institutions?"),
    how("society.democracy_how", "society", "society.democracy",
        "How, and at what scale?"),
    q("society.labour", "society", YES_NO,
        "Could the system replace, deskill or closely monitor workers?"),
    how("society.labour_how", "society", "society.labour",
        "Which work and workers, and how?"),
    q("qualities.performance", "qualities", QuestionKind::Choice { options: EVIDENCE },
        "Has performance been measured on data that looks like real use?"),
    q("qualities.fairness", "qualities", QuestionKind::Choice { options: EVIDENCE },
        "Have results been compared across the groups the system affects?"),
    q("qualities.transparency", "qualities", YES_NO,
        "Are people told when the system is involved, and can they get an explanation of an outcome?"),
    q("qualities.safety", "qualities", YES_NO,
        "Can a person stop or override the system, with a safe fallback, when it misbehaves?"),
    q("qualities.security", "qualities", YES_NO,
        "Has the system been tested against misuse and attacks such as manipulated inputs?"),
    q("qualities.privacy", "qualities", YES_NO,
        "Is personal data limited to what the purpose needs, with a lawful basis for each use?"),
    q("qualities.notes", "qualities", TEXT,
        "Anything else reviewers should know about these qualities?"),
];

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// Checks answers (a JSON object: question id → answer). Refused, under the
/// question's id: an id that is not a question, a yes/no answer that is not a
/// boolean, a choice that is not one of the options, a text that is not a
/// string, too long or holds control characters. `null` is "not answered".
pub fn validate_answers(answers: &Value) -> Result<(), FieldErrors> {
    let Some(map) = answers.as_object() else {
        return Err(FieldErrors::single(
            "answers",
            "must be an object of question id → answer",
        ));
    };
    let mut e = FieldErrors::new();
    for (id, value) in map {
        let Some(q) = question(id) else {
            e.add(id, "is not a question of the impact assessment");
            continue;
        };
        if value.is_null() {
            continue;
        }
        match (q.kind, value) {
            (QuestionKind::YesNo, Value::Bool(_)) => {}
            (QuestionKind::YesNo, _) => e.add(id, "must be yes or no (true or false)"),
            (QuestionKind::Choice { options }, Value::String(s))
                if options.iter().any(|o| o.id == s) => {}
            (QuestionKind::Choice { options }, _) => e.add(
                id,
                format!(
                    "must be one of: {}",
                    options.iter().map(|o| o.id).collect::<Vec<_>>().join(", ")
                ),
            ),
            (QuestionKind::Text { max }, Value::String(s)) => {
                if s.chars().count() > max {
                    e.add(id, format!("must be at most {max} characters"));
                } else if has_control_chars(s) {
                    e.add(id, CONTROL_MESSAGE);
                }
            }
            (QuestionKind::Text { .. }, _) => e.add(id, "must be text"),
        }
    }
    e.into_result()
}

/// The questions still to answer, in questionnaire order: every question not
/// answered (absent, `null` or blank text) whose `asked_when` question, if
/// any, was answered yes.
pub fn missing(answers: &Value) -> Vec<&'static str> {
    let get = |id: &str| answers.get(id).filter(|v| !v.is_null());
    QUESTIONS
        .iter()
        .filter(|q| {
            q.asked_when
                .is_none_or(|w| get(w) == Some(&Value::Bool(true)))
        })
        .filter(|q| match get(q.id) {
            None => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        })
        .map(|q| q.id)
        .collect()
}
