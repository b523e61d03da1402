//! Reading and verifying the history chain.

use crate::{App, AppError, Principal, Result, Scope};
use aims_domain::history::{head_seal, seals_equal, ChainError, ChainVerifier, Checkpoint, Event};
use aims_domain::Action;

/// The outcome of verifying the whole chain.
#[derive(Debug)]
pub struct VerifyReport {
    pub events: i64,
    pub head_hash: String,
    /// The first problem found, naming the event; `None` when the chain holds.
    pub error: Option<ChainError>,
}

const CHUNK: i64 = 1000;

impl App {
    /// Recomputes every hash in `seq` order, in chunks so memory stays flat;
    /// then checks the head's seal with the history key, and that event
    /// `checkpoint.seq` still has the checkpoint's hash.
    pub async fn verify_history(&self, checkpoint: Option<&Checkpoint>) -> Result<VerifyReport> {
        let key = self.store.history_key();
        if let (Some(cp), Some(key)) = (checkpoint, key) {
            if !cp.is_signed_by(key.bytes()) {
                return Ok(VerifyReport {
                    events: 0,
                    head_hash: String::new(),
                    error: Some(ChainError::CheckpointForged),
                });
            }
        }
        let mut c = self.store.conn().await?;
        let head = c.conn().history_head_sealed().await?;
        let mut verifier = ChainVerifier::new();
        if let Some(cp) = checkpoint {
            verifier = verifier.expecting(cp.seq, &cp.hash);
        }
        let mut after = 0;
        let mut seen = 0;
        loop {
            // Stop at the head read above: events appended while we verify
            // (the server may be running) are for the next verification.
            let limit = CHUNK.min(head.seq - after);
            if limit <= 0 {
                break;
            }
            let chunk = c.conn().history_chunk(after, limit).await?;
            let Some(last) = chunk.last() else { break };
            after = last.seq;
            for e in &chunk {
                if let Err(err) = verifier.push(e) {
                    return Ok(VerifyReport {
                        events: seen,
                        head_hash: String::new(),
                        error: Some(err),
                    });
                }
                seen += 1;
            }
        }
        let sealed = key
            .is_none_or(|k| seals_equal(&head.seal, &head_seal(k.bytes(), head.seq, &head.hash)));
        match verifier.finish((head.seq, &head.hash)) {
            Ok(_) if !sealed => Ok(VerifyReport {
                events: seen,
                head_hash: String::new(),
                error: Some(ChainError::Unsealed { seq: head.seq }),
            }),
            Ok(summary) => Ok(VerifyReport {
                events: summary.events,
                head_hash: summary.head_hash,
                error: None,
            }),
            Err(err) => Ok(VerifyReport {
                events: seen,
                head_hash: String::new(),
                error: Some(err),
            }),
        }
    }

    /// The current head, signed with the history key, to keep somewhere the
    /// database's administrators cannot write (`aims audit checkpoint`).
    pub async fn history_checkpoint(&self, by: &Principal) -> Result<Checkpoint> {
        if !by.is_admin() {
            return Err(AppError::Forbidden(
                "only operators take checkpoints".into(),
            ));
        }
        let Some(key) = self.store.history_key() else {
            return Err(AppError::Internal("no history key is configured".into()));
        };
        let mut c = self.store.conn().await?;
        let head = c.conn().history_head_sealed().await?;
        Ok(Checkpoint::new(key.bytes(), head.seq, &head.hash))
    }

    /// A record's history, newest first.
    pub async fn record_history(
        &self,
        ws: &Scope,
        record_type: &str,
        record_id: &str,
    ) -> Result<Vec<Event>> {
        ws.require(Action::Read)?;
        if !aims_domain::validation::is_record_id(record_id) {
            return Err(AppError::NotFound("record"));
        }
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .history_of_record(&ws.workspace.id, record_type, record_id, 500)
            .await?)
    }

    /// A workspace's activity, newest first, paged by `before_seq`.
    pub async fn activity(
        &self,
        ws: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Event>> {
        ws.require(Action::Read)?;
        if limit < 1 {
            return Err(AppError::field("limit", "must be at least 1"));
        }
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .history_of_workspace(&ws.workspace.id, before_seq, limit.min(500))
            .await?)
    }
}
