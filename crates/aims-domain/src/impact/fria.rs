//! The fundamental-rights impact assessment of EU AI Act Art. 27, carried by
//! the same record as the AI system impact assessment.
//!
//! aims asks for it from every **deployer of a high-risk system**
//! ([`required_when`]). Art. 27(1) itself is narrower (deployers that are
//! public bodies or provide public services, and deployers of the credit and
//! insurance uses of Annex III 5(b) and (c); not critical infrastructure):
//! asking more widely does no harm, and a person can say why it does not
//! apply in the fields below.

use crate::record::LONG_TEXT_MAX;
use crate::validation::{optional_text, FieldErrors};
use serde::{Deserialize, Serialize};

/// The Art. 27(1) content, one text per point.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fria {
    /// (a) The deployer's processes in which the system is used, in line with
    /// its intended purpose.
    pub process: String,
    /// (b) The period over which, and how often, it is used.
    pub period_and_frequency: String,
    /// (c) The categories of natural persons and groups likely to be affected.
    pub affected_categories: String,
    /// (d) The specific risks of harm to them.
    pub specific_risks: String,
    /// (e) The human oversight measures, per the instructions for use.
    pub human_oversight: String,
    /// (f) What is done if the risks materialise, including internal governance.
    pub measures_if_materialised: String,
    /// (f) How complaints are received and handled.
    pub complaint_handling: String,
}

/// Whether the assessment must carry the fundamental-rights fields.
pub fn required_when(deployer: bool, high_risk: bool) -> bool {
    deployer && high_risk
}

impl Fria {
    /// Every field, as `(name, value, label)`, in Art. 27(1) order.
    pub fn fields(&self) -> [(&'static str, &str, &'static str); 7] {
        [
            (
                "process",
                &self.process,
                "Process in which the system is used",
            ),
            (
                "period_and_frequency",
                &self.period_and_frequency,
                "Period and frequency of use",
            ),
            (
                "affected_categories",
                &self.affected_categories,
                "Categories of people affected",
            ),
            (
                "specific_risks",
                &self.specific_risks,
                "Specific risks of harm",
            ),
            (
                "human_oversight",
                &self.human_oversight,
                "Human oversight measures",
            ),
            (
                "measures_if_materialised",
                &self.measures_if_materialised,
                "Measures if the risks materialise",
            ),
            (
                "complaint_handling",
                &self.complaint_handling,
                "Complaint handling",
            ),
        ]
    }

    /// Checks the fields (`fria.process` …): each at most
    /// [`LONG_TEXT_MAX`] characters without control characters; when
    /// `required`, each filled in (and the whole block present).
    pub fn validate(fria: Option<&Fria>, required: bool) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        match fria {
            None if required => e.add(
                "fria",
                "is required: a deployer of a high-risk system assesses the impact on fundamental rights (EU AI Act Art. 27)",
            ),
            None => {}
            Some(f) => {
                for (name, value, _) in f.fields() {
                    let path = format!("fria.{name}");
                    let text = optional_text(&mut e, &path, value, LONG_TEXT_MAX);
                    if required && text.is_empty() {
                        e.add(&path, "is required (EU AI Act Art. 27)");
                    }
                }
            }
        }
        e.into_result()
    }
}
