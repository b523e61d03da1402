//! The rules particular to some kinds, run on every write of a record of
//! theirs — by the API, the pages or a spreadsheet import alike: a signed-
//! off management review is locked and only a manager's approval signs one
//! off; a nonconformity follows its workflow (an independent check, closed
//! by a manager); an audit's auditors own nothing in its scope; a metric's
//! duties follow its owner and interval.

use crate::{App, AppError, Result, Scope};
use aims_domain::record::{Fields, Kind, AUDITS, METRICS, NONCONFORMITIES, REVIEWS};
use aims_store::{Conn, RecordRow};
use serde_json::Value;

fn status(f: &Fields) -> &str {
    f.get("status").and_then(Value::as_str).unwrap_or("")
}

impl App {
    /// Checks and completes `fields` before a record of `kind` is written
    /// over `old` (none: a new record).
    pub(crate) async fn before_write(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        old: Option<&RecordRow>,
        fields: &mut Fields,
    ) -> Result<()> {
        if kind.name == REVIEWS.name {
            if let Some(old) = old {
                Self::check_review_unlocked(old)?;
            }
            if status(fields) == crate::reviews::SIGNED_OFF {
                return Err(AppError::field(
                    "status",
                    "a management review is signed off by a manager's approval (Sign off), not by setting its status",
                ));
            }
        }
        if kind.name == NONCONFORMITIES.name {
            let empty = Fields::new();
            let (id, before) = match old {
                Some(o) => (Some(o.id.as_str()), &o.fields),
                None => (None, &empty),
            };
            self.check_nonconformity(conn, ws, id, before, fields)
                .await?;
        }
        Ok(())
    }

    /// Checks a record of `kind` just written (inside the transaction).
    pub(crate) async fn after_write(
        &self,
        conn: &mut Conn<'_>,
        ws: &Scope,
        kind: &Kind,
        written: &RecordRow,
    ) -> Result<()> {
        if kind.name == AUDITS.name && crate::audits::names_auditors(&written.fields) {
            self.check_audit_written(conn, ws, &written.id).await?;
        }
        if kind.name == METRICS.name {
            self.metric_duties_refresh(conn, ws, written).await?;
        }
        Ok(())
    }
}
