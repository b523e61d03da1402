//! The `Derived::MetricThresholds` rule of the `metrics` kind: a metric's
//! warning and critical thresholds are checked against its direction
//! before they are stored (higher is better unless it says otherwise).

use super::{Direction, Thresholds};
use crate::record::Fields;
use crate::validation::FieldErrors;
use serde_json::Value;

/// A metric's thresholds as its fields hold them.
pub fn thresholds(fields: &Fields) -> Thresholds {
    Thresholds {
        warning: fields.get("warning").and_then(Value::as_f64),
        critical: fields.get("critical").and_then(Value::as_f64),
        direction: fields
            .get("direction")
            .and_then(Value::as_str)
            .and_then(|d| d.parse().ok())
            .unwrap_or(Direction::HigherIsBetter),
    }
}

/// Refuses thresholds in the wrong order for the metric's direction.
pub fn derive(fields: &mut Fields) -> Result<(), FieldErrors> {
    thresholds(fields).validate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn thresholds_follow_the_direction() {
        assert!(derive(&mut fields(json!({"warning": 0.9, "critical": 0.8}))).is_ok());
        assert!(derive(&mut fields(
            json!({"direction": "higher", "warning": 0.9, "critical": 0.8})
        ))
        .is_ok());
        let e = derive(&mut fields(json!({"warning": 0.8, "critical": 0.9}))).unwrap_err();
        assert_eq!(e.get("critical").len(), 1);
        let e = derive(&mut fields(
            json!({"direction": "lower", "warning": 200, "critical": 100}),
        ))
        .unwrap_err();
        assert_eq!(e.get("critical").len(), 1);
        assert!(derive(&mut fields(
            json!({"direction": "lower", "warning": 100, "critical": 200})
        ))
        .is_ok());
        assert!(derive(&mut fields(json!({"critical": 5}))).is_ok());
        assert!(derive(&mut fields(json!({}))).is_ok());
    }

    #[test]
    fn thresholds_are_read_from_the_fields() {
        let t = thresholds(&fields(
            json!({"direction": "lower", "warning": 1, "critical": 2.5}),
        ));
        assert_eq!(
            (t.warning, t.critical, t.direction),
            (Some(1.0), Some(2.5), Direction::LowerIsBetter)
        );
        let t = thresholds(&fields(json!({"direction": "sideways"})));
        assert_eq!(
            (t.warning, t.critical, t.direction),
            (None, None, Direction::HigherIsBetter)
        );
    }
}
