//! The EU AI Act classification page of an AI system: the questionnaire as a
//! form (current answers filled in) beside the result and its reasoning.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, ClassificationView};
use aims_domain::eu_ai_act::{question, questionnaire, AnswerKind, Answers, Condition, Lit};
use aims_domain::{Action, FieldErrors};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get(
            "/w/{ws}/inventory/{id}/classification",
            W(Action::Read),
            page,
        ),
        PageRoute::post(
            "/w/{ws}/inventory/{id}/classification",
            W(Action::Update),
            save,
        ),
    ]
}

/// One question as the form shows it.
struct QuestionView {
    id: &'static str,
    text: &'static str,
    rests_on: &'static str,
    /// `yes_no`, `single`, `multi` or `number`.
    kind: &'static str,
    /// (option id, label, chosen)
    options: Vec<(&'static str, &'static str, bool)>,
    /// The current answer as text (`yes`, `no`, an option id, a number).
    value: String,
    /// When the question applies, in words.
    only_if: String,
}

#[derive(Template)]
#[template(path = "classification.html")]
struct ClassificationPage {
    layout: Layout,
    slug: String,
    system_id: String,
    system_name: String,
    can_edit: bool,
    questions: Vec<QuestionView>,
    current: Option<ClassificationView>,
    tier: String,
    missing: Vec<&'static str>,
    errors: FieldErrors,
}

fn tier_label(c: &ClassificationView) -> String {
    use aims_domain::eu_ai_act::{HighRiskBasis, RiskTier};
    match &c.result.risk_tier {
        RiskTier::Prohibited { practices } => format!("Prohibited ({})", practices.join(", ")),
        RiskTier::HighRisk { basis } => {
            let why: Vec<String> = basis
                .iter()
                .map(|b| match b {
                    HighRiskBasis::AnnexI => "Annex I".to_owned(),
                    HighRiskBasis::AnnexIII { point } => format!("Annex III {point}"),
                })
                .collect();
            format!("High-risk ({})", why.join(", "))
        }
        RiskTier::NotHighRiskDerogation { points, .. } => {
            format!(
                "Not high-risk: Art. 6(3) derogation from Annex III {}",
                points.join(", ")
            )
        }
        RiskTier::Minimal => "Minimal risk".to_owned(),
        RiskTier::Undetermined => "Undetermined: answers are missing".to_owned(),
    }
}

fn text_of(id: &str) -> &'static str {
    question(id).map_or("", |q| q.text)
}

/// An answer as people read it: yes, no, or the option's label.
fn said(id: &str, value: &Lit) -> String {
    match value {
        Lit::Bool(true) => "yes".to_owned(),
        Lit::Bool(false) => "no".to_owned(),
        Lit::Choice(c) => question(id)
            .and_then(|q| match q.answer {
                AnswerKind::SingleChoice { options } | AnswerKind::MultiChoice { options } => {
                    options
                        .iter()
                        .find(|o| o.id == *c)
                        .map(|o| format!("“{}”", o.label))
                }
                _ => None,
            })
            .unwrap_or_else(|| (*c).to_owned()),
    }
}

fn views(answers: &BTreeMap<String, Value>) -> Vec<QuestionView> {
    questionnaire()
        .iter()
        .map(|q| {
            let given = answers.get(q.id);
            let (kind, options): (&str, Vec<_>) = match q.answer {
                AnswerKind::YesNo => ("yes_no", vec![]),
                AnswerKind::SingleChoice { options } => (
                    "single",
                    options
                        .iter()
                        .map(|o| (o.id, o.label, given.and_then(Value::as_str) == Some(o.id)))
                        .collect(),
                ),
                AnswerKind::MultiChoice { options } => (
                    "multi",
                    options
                        .iter()
                        .map(|o| {
                            let chosen = given
                                .and_then(Value::as_array)
                                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(o.id)));
                            (o.id, o.label, chosen)
                        })
                        .collect(),
                ),
                AnswerKind::Number { .. } => ("number", vec![]),
            };
            let value = match given {
                Some(Value::Bool(true)) => "yes".to_owned(),
                Some(Value::Bool(false)) => "no".to_owned(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            let only_if = match q.condition {
                Some(Condition::Equals { question, value }) => {
                    format!(
                        "Asked when the answer to “{}” is {}",
                        text_of(question),
                        said(question, &value)
                    )
                }
                Some(Condition::NotEquals { question, value }) => {
                    format!(
                        "Asked when the answer to “{}” is not {}",
                        text_of(question),
                        said(question, &value)
                    )
                }
                None => String::new(),
            };
            QuestionView {
                id: q.id,
                text: q.text,
                rests_on: q.rests_on,
                kind,
                options,
                value,
                only_if,
            }
        })
        .collect()
}

/// The form's fields as answers: `yes`/`no` for yes/no questions, the
/// option id for single choices, every checked option for multiple choices
/// (none checked is "not answered"), a number; empty means not answered.
fn answers_from_form(pairs: &[(String, String)]) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = BTreeMap::new();
    for q in questionnaire() {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, v)| k == q.id && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        let Some(first) = values.first() else {
            continue;
        };
        let value = match q.answer {
            AnswerKind::YesNo => json!(*first == "yes"),
            AnswerKind::SingleChoice { .. } => json!(first),
            AnswerKind::MultiChoice { .. } => json!(values),
            AnswerKind::Number { .. } => match first.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => json!(n),
                _ => {
                    errors.add(q.id, "must be a number, such as 3e24");
                    continue;
                }
            },
        };
        answers.insert(q.id.to_owned(), value);
    }
    errors.into_result()?;
    Ok(Answers { answers })
}

async fn view(
    s: &AppState,
    page: &WsPage,
    id: &str,
    answers: Option<BTreeMap<String, Value>>,
    errors: FieldErrors,
) -> Result<ClassificationPage, PageError> {
    let (system, current) = s.app.system_with_classification(&page.scope, id).await?;
    let shown = answers.unwrap_or_else(|| {
        current
            .as_ref()
            .and_then(|c| serde_json::from_value(c.answers.clone()).ok())
            .unwrap_or_default()
    });
    let missing = current
        .as_ref()
        .map(|c| {
            c.result
                .missing
                .iter()
                .filter_map(|m| question(m).map(|q| q.text))
                .collect()
        })
        .unwrap_or_default();
    Ok(ClassificationPage {
        layout: Layout::new(&page.user, "inventory").in_workspace(&page.scope),
        slug: page.scope.workspace.slug.clone(),
        system_id: system.id,
        system_name: system.title,
        can_edit: page.scope.can(Action::Update),
        questions: views(&shown),
        tier: current.as_ref().map(tier_label).unwrap_or_default(),
        current,
        missing,
        errors,
    })
}

async fn page(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(render(
        &view(&s, &page, &id, None, FieldErrors::new()).await?,
    ))
}

async fn save(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    page.user.check_csrf(csrf)?;
    let answers = match answers_from_form(&form) {
        Ok(a) => a,
        Err(errors) => {
            let v = view(&s, &page, &id, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response());
        }
    };
    match s.app.classify_system(&page.scope, &id, &answers).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/inventory/{id}/classification",
            page.scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let v = view(&s, &page, &id, Some(answers.answers), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_fields_become_typed_answers() {
        let a = answers_from_form(&pairs(&[
            ("csrf", "x"),
            ("art6_3.profiling", "yes"),
            ("art5.social_scoring", "no"),
            ("annex3.area", "employment"),
            ("annex3.employment", "recruitment"),
            ("annex3.employment", "work_relationship"),
            ("gpai.training_compute_flops", "2e25"),
            ("role.imports", ""),
        ]))
        .unwrap();
        assert_eq!(a.answers["art6_3.profiling"], json!(true));
        assert_eq!(a.answers["art5.social_scoring"], json!(false));
        assert_eq!(a.answers["annex3.area"], json!("employment"));
        assert_eq!(
            a.answers["annex3.employment"],
            json!(["recruitment", "work_relationship"])
        );
        assert_eq!(a.answers["gpai.training_compute_flops"], json!(2e25));
        assert!(
            !a.answers.contains_key("role.imports"),
            "empty is unanswered"
        );
        assert!(!a.answers.contains_key("csrf"));
        for bad in ["lots", "NaN", "inf", "1e400"] {
            let e = answers_from_form(&pairs(&[("gpai.training_compute_flops", bad)])).unwrap_err();
            assert_eq!(e.get("gpai.training_compute_flops").len(), 1, "{bad}");
        }
    }

    #[test]
    fn every_question_is_shown_with_its_answer() {
        let mut given = BTreeMap::new();
        given.insert("art6_3.profiling".to_owned(), json!(true));
        given.insert("annex3.area".to_owned(), json!("employment"));
        let v = views(&given);
        assert_eq!(v.len(), questionnaire().len());
        let p = v.iter().find(|q| q.id == "art6_3.profiling").unwrap();
        assert_eq!((p.kind, p.value.as_str()), ("yes_no", "yes"));
        let area = v.iter().find(|q| q.id == "annex3.area").unwrap();
        assert!(area.options.iter().any(|o| o.0 == "employment" && o.2));
        assert!(v.iter().any(|q| !q.only_if.is_empty()));
    }
}
