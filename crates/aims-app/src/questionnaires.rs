//! Supplier due-diligence questionnaires (A.10.3). A member sends one to a
//! supplier — the built-in AI supplier questionnaire or questions of their
//! own — with the day answers are due; aims gives a private answer link
//! (shown once, kept as its SHA-256) for the supplier's contact, who needs
//! no account and sees only the questions. Answers come once, through the
//! link or recorded by a member from the supplier's reply, and are kept
//! as given; a member then reviews them with a conclusion. Until answered
//! the supplier carries a dated duty in the sender's work list.

use crate::{new_id, random_hex, sha256_hex, App, AppError, Principal, Result, Scope};
use aims_domain::questionnaire::{
    built_in, check_answers, check_due, custom, Question, State, BUILT_IN_KEY, BUILT_IN_TITLE,
};
use aims_domain::record::SUPPLIERS;
use aims_domain::FieldErrors;
use aims_store::QuestionnaireRow;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// The history's record type of a questionnaire.
const RECORD_TYPE: &str = "supplier_questionnaire";

/// A questionnaire as members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    pub id: String,
    pub supplier_id: String,
    pub title: String,
    /// `ai-supplier` (built in) or `custom`.
    pub template: String,
    pub questions: Vec<Question>,
    pub sent_to: String,
    pub sent_on: String,
    pub due_on: String,
    pub state: State,
    pub answers: BTreeMap<String, String>,
    pub answered_at: Option<String>,
    pub answered_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub conclusion: String,
    pub created_by: String,
}

impl Questionnaire {
    fn from_row(r: QuestionnaireRow) -> Questionnaire {
        Questionnaire {
            questions: serde_json::from_str(&r.questions).unwrap_or_default(),
            answers: r
                .answers
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_default(),
            state: State::parse(&r.state).unwrap_or(State::Sent),
            id: r.id,
            supplier_id: r.supplier_id,
            title: r.title,
            template: r.template,
            sent_to: r.sent_to,
            sent_on: r.sent_on,
            due_on: r.due_on,
            answered_at: r.answered_at,
            answered_by: r.answered_by,
            reviewed_at: r.reviewed_at,
            reviewed_by: r.reviewed_by,
            conclusion: r.conclusion,
            created_by: r.created_by,
        }
    }

    /// The answer to `key`, if given.
    pub fn answer(&self, key: &str) -> Option<&str> {
        self.answers.get(key).map(String::as_str)
    }
}

/// What sending a questionnaire takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SendQuestionnaire {
    /// `ai-supplier` (the built-in questions, the default) or `custom`.
    #[serde(default)]
    pub template: String,
    /// A title; the built-in questionnaire's by default.
    #[serde(default)]
    pub title: String,
    /// For `custom`: the questions, one per line.
    #[serde(default)]
    pub questions: String,
    /// Who it goes to at the supplier (a name or an e-mail address).
    pub sent_to: String,
    /// The day answers are due (`YYYY-MM-DD`).
    pub due_on: String,
}

/// A questionnaire just sent, with its answer link's path (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub questionnaire: Questionnaire,
    /// `/answer/<secret>`: give it to the supplier's contact.
    pub answer_path: String,
}

/// What the supplier's contact sees through the answer link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToAnswer {
    /// The organisation asking (the workspace's name).
    pub asked_by: String,
    pub title: String,
    pub due_on: String,
    pub questions: Vec<Question>,
}

fn conflict(message: &str) -> AppError {
    AppError::Conflict {
        message: message.to_owned(),
        current_version: None,
    }
}

fn one_line(e: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        e.add(field, format!("must be at most {max} characters"));
    } else if v.contains(|c: char| c.is_control()) {
        e.add(field, "must be one line of text");
    }
    v.to_owned()
}

impl App {
    /// Sends a questionnaire to a supplier.
    pub async fn send_questionnaire(
        &self,
        ws: &Scope,
        supplier_id: &str,
        req: &SendQuestionnaire,
    ) -> Result<Sent> {
        ws.require(SUPPLIERS.access.update)?;
        let supplier = self.record(ws, &SUPPLIERS, supplier_id).await?;
        let today = self.today();
        let mut e = FieldErrors::new();
        let (template, questions, default_title) = match req.template.trim() {
            "" | BUILT_IN_KEY => (BUILT_IN_KEY, Ok(built_in()), BUILT_IN_TITLE),
            "custom" => (
                "custom",
                custom(&req.questions),
                "Due diligence questionnaire",
            ),
            _ => {
                e.add("template", format!("must be {BUILT_IN_KEY} or custom"));
                ("", Ok(vec![]), "")
            }
        };
        let questions = questions.unwrap_or_else(|q| {
            for (f, msgs) in q.iter() {
                for m in msgs {
                    e.add(f, m.clone());
                }
            }
            vec![]
        });
        let title = one_line(&mut e, "title", &req.title, 200);
        let sent_to = one_line(&mut e, "sent_to", &req.sent_to, 200);
        if sent_to.is_empty() {
            e.add("sent_to", "say who at the supplier it goes to");
        }
        let due_on = check_due(&today, &req.due_on).unwrap_or_else(|d| {
            for (f, msgs) in d.iter() {
                for m in msgs {
                    e.add(f, m.clone());
                }
            }
            String::new()
        });
        e.into_result().map_err(AppError::Validation)?;
        let secret = random_hex(24)?;
        let now = self.now();
        let row = QuestionnaireRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            supplier_id: supplier.id.clone(),
            title: if title.is_empty() {
                default_title.to_owned()
            } else {
                title
            },
            template: template.to_owned(),
            questions: serde_json::to_string(&questions)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            sent_to,
            sent_on: today,
            due_on,
            token_hash: Some(sha256_hex(&secret)),
            state: State::Sent.key().to_owned(),
            answers: None,
            answered_at: None,
            answered_by: None,
            reviewed_at: None,
            reviewed_by: None,
            conclusion: String::new(),
            created_at: now,
            created_by: ws.principal.label.clone(),
            owner_id: ws.principal.user_id().map(str::to_owned),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().questionnaire_insert(&row).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "send",
                RECORD_TYPE,
                &row.id,
                json!({"supplier": supplier.title, "title": row.title, "sent_to": row.sent_to,
                       "due_on": row.due_on, "questions": questions.len()}),
            ))
            .await?;
        tx.commit().await?;
        Ok(Sent {
            answer_path: format!("/answer/{secret}"),
            questionnaire: Questionnaire::from_row(row),
        })
    }

    /// A supplier's questionnaires, newest first.
    pub async fn questionnaires(
        &self,
        ws: &Scope,
        supplier_id: &str,
    ) -> Result<Vec<Questionnaire>> {
        self.record(ws, &SUPPLIERS, supplier_id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .questionnaires_of(&ws.workspace.id, supplier_id)
            .await?
            .into_iter()
            .map(Questionnaire::from_row)
            .collect())
    }

    /// One questionnaire.
    pub async fn questionnaire(&self, ws: &Scope, id: &str) -> Result<Questionnaire> {
        ws.require(SUPPLIERS.access.read)?;
        if !aims_domain::validation::is_record_id(id) {
            return Err(AppError::NotFound("questionnaire"));
        }
        let mut c = self.store.conn().await?;
        c.conn()
            .questionnaire(&ws.workspace.id, id)
            .await?
            .map(Questionnaire::from_row)
            .ok_or(AppError::NotFound("questionnaire"))
    }

    async fn keep_answers(
        &self,
        by: &Principal,
        q: &Questionnaire,
        workspace_id: &str,
        answers: &BTreeMap<String, String>,
    ) -> Result<()> {
        let answers = check_answers(&q.questions, answers).map_err(AppError::Validation)?;
        let text =
            serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .questionnaire_answer(workspace_id, &q.id, &text, &now, &by.label)
            .await?
        {
            return Err(conflict(
                "this questionnaire has been answered already; its answers are kept as given",
            ));
        }
        tx.conn()
            .history_append(self.event(
                by,
                workspace_id,
                "answer",
                RECORD_TYPE,
                &q.id,
                json!({"answers": answers}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the supplier's answers from their reply (a member).
    pub async fn record_answers(
        &self,
        ws: &Scope,
        id: &str,
        answers: &BTreeMap<String, String>,
    ) -> Result<Questionnaire> {
        ws.require(SUPPLIERS.access.update)?;
        let q = self.questionnaire(ws, id).await?;
        self.keep_answers(&ws.principal, &q, &ws.workspace.id, answers)
            .await?;
        self.questionnaire(ws, id).await
    }

    /// Records the review of the answers, with its conclusion.
    pub async fn review_questionnaire(
        &self,
        ws: &Scope,
        id: &str,
        conclusion: &str,
    ) -> Result<Questionnaire> {
        ws.require(SUPPLIERS.access.update)?;
        let q = self.questionnaire(ws, id).await?;
        let conclusion = conclusion.trim();
        if conclusion.is_empty() {
            return Err(AppError::field(
                "conclusion",
                "say what the answers mean for the supplier's risk",
            ));
        }
        if conclusion.chars().count() > 10_000 {
            return Err(AppError::field(
                "conclusion",
                "must be at most 10000 characters",
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx
            .conn()
            .questionnaire_review(
                &ws.workspace.id,
                &q.id,
                conclusion,
                &now,
                &ws.principal.label,
            )
            .await?
        {
            return Err(conflict(match q.state {
                State::Sent => "the questionnaire has no answers to review yet",
                _ => "the questionnaire has been reviewed already",
            }));
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "review",
                RECORD_TYPE,
                &q.id,
                json!({"conclusion": conclusion}),
            ))
            .await?;
        tx.commit().await?;
        self.questionnaire(ws, id).await
    }

    async fn by_answer_link(&self, secret: &str) -> Result<QuestionnaireRow> {
        let secret = secret.trim();
        let shaped = secret.len() == 48 && secret.chars().all(|c| c.is_ascii_hexdigit());
        if !shaped {
            return Err(AppError::NotFound("questionnaire"));
        }
        let mut c = self.store.conn().await?;
        c.conn()
            .questionnaire_by_token(&sha256_hex(secret))
            .await?
            .ok_or(AppError::NotFound("questionnaire"))
    }

    /// What the answer link shows; "not found" once answered, as for a
    /// wrong secret.
    pub async fn questionnaire_to_answer(&self, secret: &str) -> Result<ToAnswer> {
        let row = self.by_answer_link(secret).await?;
        let asked_by = {
            let mut c = self.store.conn().await?;
            c.conn()
                .workspace_name(&row.workspace_id)
                .await?
                .unwrap_or_default()
        };
        let q = Questionnaire::from_row(row);
        Ok(ToAnswer {
            asked_by,
            title: q.title,
            due_on: q.due_on,
            questions: q.questions,
        })
    }

    /// Keeps the answers given through the link; the link closes.
    pub async fn answer_questionnaire(
        &self,
        secret: &str,
        answers: &BTreeMap<String, String>,
    ) -> Result<()> {
        let row = self.by_answer_link(secret).await?;
        let workspace_id = row.workspace_id.clone();
        let q = Questionnaire::from_row(row);
        let by = Principal {
            label: format!("{} (answer link)", q.sent_to),
            kind: crate::PrincipalKind::Link { id: q.id.clone() },
        };
        self.keep_answers(&by, &q, &workspace_id, answers).await
    }
}
