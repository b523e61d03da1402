//! Supplier due-diligence questionnaires (migration 0018): sent, answered
//! once (the answers are kept as given), reviewed; the private answer
//! link is known by its SHA-256 only and cleared once answered. While
//! answers are awaited the supplier carries a dated duty
//! (`questionnaire:<id>`) so the sender's work list shows it.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One questionnaire sent to a supplier.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuestionnaireRow {
    pub id: String,
    pub workspace_id: String,
    pub supplier_id: String,
    pub title: String,
    pub template: String,
    /// The questions as JSON (`[{key, text}]`).
    pub questions: String,
    pub sent_to: String,
    pub sent_on: String,
    pub due_on: String,
    pub token_hash: Option<String>,
    pub state: String,
    /// The answers as JSON (`{key: text}`), once answered.
    pub answers: Option<String>,
    pub answered_at: Option<String>,
    pub answered_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub conclusion: String,
    pub created_at: String,
    pub created_by: String,
    /// The member who sent it, whose work list shows the answers due.
    pub owner_id: Option<String>,
}

const COLS: &str = "id, workspace_id, supplier_id, title, template, questions, sent_to, sent_on, due_on, token_hash, state, answers, answered_at, answered_by, reviewed_at, reviewed_by, conclusion, created_at, created_by, owner_id";

/// The duty a questionnaire waiting for answers puts on its supplier.
pub fn questionnaire_duty(id: &str) -> String {
    format!("{}{id}", aims_domain::work::QUESTIONNAIRE_DUTY)
}

impl Conn<'_> {
    /// Keeps a new questionnaire and the duty of its answers.
    pub async fn questionnaire_insert(&mut self, r: &QuestionnaireRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(&format!(
            "INSERT INTO supplier_questionnaires ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"))
            .bind(&r.id).bind(&r.workspace_id).bind(&r.supplier_id).bind(&r.title).bind(&r.template)
            .bind(&r.questions).bind(&r.sent_to).bind(&r.sent_on).bind(&r.due_on).bind(&r.token_hash)
            .bind(&r.state).bind(&r.answers).bind(&r.answered_at).bind(&r.answered_by)
            .bind(&r.reviewed_at).bind(&r.reviewed_by).bind(&r.conclusion).bind(&r.created_at)
            .bind(&r.created_by).bind(&r.owner_id)
            .execute(&mut **c).await.map(|_| ()))?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO record_duties (record_id, workspace_id, kind, duty, due_on, owner_id) VALUES ($1, $2, 'supplier', $3, $4, $5)")
            .bind(&r.supplier_id).bind(&r.workspace_id).bind(questionnaire_duty(&r.id)).bind(&r.due_on).bind(&r.owner_id)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn questionnaire(
        &mut self,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<QuestionnaireRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM supplier_questionnaires WHERE workspace_id = $1 AND id = $2"))
            .bind(workspace_id).bind(id).fetch_optional(&mut **c).await)?)
    }

    /// The questionnaire whose answer link's secret hashes to `token_hash`.
    pub async fn questionnaire_by_token(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<QuestionnaireRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM supplier_questionnaires WHERE token_hash = $1"))
            .bind(token_hash).fetch_optional(&mut **c).await)?)
    }

    /// A supplier's questionnaires, newest first.
    pub async fn questionnaires_of(
        &mut self,
        workspace_id: &str,
        supplier_id: &str,
    ) -> Result<Vec<QuestionnaireRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM supplier_questionnaires WHERE workspace_id = $1 AND supplier_id = $2
             ORDER BY sent_on DESC, created_at DESC"))
            .bind(workspace_id).bind(supplier_id).fetch_all(&mut **c).await)?)
    }

    /// Keeps the answers of a questionnaire still waiting for them, closes
    /// its link and ends its duty; false when it was answered already.
    pub async fn questionnaire_answer(
        &mut self,
        workspace_id: &str,
        id: &str,
        answers: &str,
        at: &str,
        by: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE supplier_questionnaires SET answers = $3, answered_at = $4, answered_by = $5,
             state = 'answered', token_hash = NULL
             WHERE workspace_id = $1 AND id = $2 AND state = 'sent'")
            .bind(workspace_id).bind(id).bind(answers).bind(at).bind(by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        if n == 1 {
            on_conn!(self, c => sqlx::query("DELETE FROM record_duties WHERE workspace_id = $1 AND duty = $2")
                .bind(workspace_id).bind(questionnaire_duty(id))
                .execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(n == 1)
    }

    /// Records the review of an answered questionnaire; false when it is
    /// not answered (or reviewed already).
    pub async fn questionnaire_review(
        &mut self,
        workspace_id: &str,
        id: &str,
        conclusion: &str,
        at: &str,
        by: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE supplier_questionnaires SET conclusion = $3, reviewed_at = $4, reviewed_by = $5, state = 'reviewed'
             WHERE workspace_id = $1 AND id = $2 AND state = 'answered'")
            .bind(workspace_id).bind(id).bind(conclusion).bind(at).bind(by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
