//! The demo's risk register: one risk per demo system from the library,
//! scored, treated with an action, some accepted — and one acceptance voided
//! by a later change, so every state of an acceptance is there to see.

use crate::{risks_kind, App, Result, Scope};
use aims_domain::record::Input;
use serde_json::{json, Value};

/// (system, library risk, inherent L/I, current L/I, residual L/I, treatment, accepted)
type DemoRisk = (&'static str, &'static str, [u8; 6], &'static str, bool);

const RISKS: &[DemoRisk] = &[
    (
        "Claims triage assistant",
        "over_reliance",
        [4, 3, 3, 3, 2, 3],
        "modify",
        true,
    ),
    (
        "Member support chatbot",
        "confabulation",
        [4, 4, 3, 4, 2, 3],
        "modify",
        true,
    ),
    (
        "Member support chatbot",
        "prompt_injection",
        [3, 4, 3, 3, 2, 2],
        "modify",
        true,
    ),
    (
        "Fraud signal model",
        "training_data_bias",
        [3, 4, 3, 4, 2, 3],
        "modify",
        false,
    ),
    (
        "Prior-authorisation summariser",
        "privacy_leakage",
        [3, 5, 3, 4, 2, 4],
        "modify",
        false,
    ),
    (
        "Prior-authorisation summariser",
        "third_party_change",
        [4, 3, 4, 3, 3, 2],
        "share",
        false,
    ),
    (
        "Premium pricing model",
        "lack_of_explainability",
        [4, 4, 4, 3, 2, 3],
        "modify",
        false,
    ),
    (
        "Premium pricing model",
        "model_drift",
        [4, 3, 3, 3, 2, 2],
        "modify",
        true,
    ),
    (
        "CV screening assistant",
        "training_data_bias",
        [4, 5, 4, 4, 3, 4],
        "avoid",
        false,
    ),
    (
        "Workforce scheduling forecaster",
        "model_drift",
        [3, 2, 2, 2, 2, 2],
        "retain",
        false,
    ),
];

impl App {
    /// The demo's risks, their treatment actions and links; acceptances for
    /// some; the first accepted risk changed afterwards (its acceptance voided).
    pub(super) async fn load_demo_risks(
        &self,
        scope: &Scope,
        owner: Option<&str>,
    ) -> Result<usize> {
        let risks = risks_kind();
        let actions = &aims_domain::record::RISK_ACTIONS;
        let systems = self
            .all_records(scope, crate::systems_kind(), &Default::default())
            .await?;
        let existing = self.all_records(scope, risks, &Default::default()).await?;
        let mut added = 0;
        let mut first_accepted: Option<String> = None;
        for (n, (system, key, levels, treatment, accepted)) in RISKS.iter().enumerate() {
            let Some(lib) = aims_domain::risk::library_risk(key) else {
                continue;
            };
            let Some(system) = systems.iter().find(|s| s.title == *system) else {
                continue;
            };
            let title = format!("{}: {}", lib.title, system.title);
            if existing.iter().any(|r| r.title == title) {
                continue;
            }
            let mut fields = lib.draft_fields();
            let [il, ii, cl, ci, rl, ri] = *levels;
            fields.extend(
                json!({"title": title, "inherent_likelihood": il, "inherent_impact": ii,
                       "current_likelihood": cl, "current_impact": ci,
                       "residual_likelihood": rl, "residual_impact": ri,
                       "treatment": treatment, "next_review": "2027-06-30"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            );
            if let Some(o) = owner {
                fields.insert("owner".into(), json!(o));
            }
            let risk = self
                .create_record(scope, risks, Input::Json(&fields))
                .await?;
            self.link(scope, risks, &risk.id, "concerns", &system.id)
                .await?;
            let due = format!("2027-0{}-15", 1 + n % 9);
            let mut action = json!({"title": format!("Treat: {}", lib.title.to_lowercase()),
                "description": format!("Put in place the controls that usually treat this risk ({}).", lib.annex_a.join(", ")),
                "due": due, "status": if n % 3 == 0 { "in_progress" } else { "planned" }});
            if let (Some(o), Value::Object(a)) = (owner, &mut action) {
                a.insert("owner".into(), json!(o));
            }
            let action = self
                .create_record(
                    scope,
                    actions,
                    Input::Json(&action.as_object().cloned().unwrap_or_default()),
                )
                .await?;
            self.link(scope, risks, &risk.id, "treated_by", &action.id)
                .await?;
            for control in lib.annex_a {
                self.link(
                    scope,
                    actions,
                    &action.id,
                    "implements",
                    &format!("{}:{control}", aims_domain::risk::library::ISO42001),
                )
                .await?;
            }
            added += 1;
            if *accepted {
                self.accept_risk(scope, &risk.id, risk.version, "Residual level within appetite once the action is done; reviewed with the risk owner.", "2027-09-30")
                    .await?;
                first_accepted.get_or_insert(risk.id.clone());
            }
        }
        // A material change after acceptance: the residual impact is raised
        // after an incident review, so the acceptance asks to be given again.
        if let Some(id) = first_accepted {
            let r = self.record(scope, risks, &id).await?;
            let change = json!({"residual_impact": 4, "description": format!("{} Raised after the March incident review.", r.fields.get("description").and_then(Value::as_str).unwrap_or(""))});
            self.update_record(
                scope,
                risks,
                &id,
                r.version,
                Input::Json(&change.as_object().cloned().unwrap_or_default()),
            )
            .await?;
        }
        Ok(added)
    }
}
