//! The tamper-evident history: every change appends an event whose hash covers
//! the event's fields and the previous event's hash (a SHA-256 hash chain).
//!
//! Altering an event changes its hash; removing or reordering events breaks the
//! `seq` sequence or the link to the previous hash. [`verify_chain`] finds the
//! first event where the chain stops holding.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that the first event links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event as stored; `seq` starts at 1 and grows by one per event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub seq: i64,
    pub id: String,
    /// RFC 3339 UTC timestamp.
    pub at: String,
    /// Who did it: `user:<id>`, `token:<id>` or `system`.
    pub actor: String,
    /// A readable name for the actor at the time (e-mail or token name).
    pub actor_label: String,
    /// Empty for instance-level events (users, workspaces).
    pub workspace_id: String,
    /// `create`, `update`, `delete`, …
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    /// JSON describing the change (for updates: field → [old, new]).
    pub change: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields of an event before it is linked into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub actor_label: String,
    pub workspace_id: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub change: String,
}

impl NewEvent {
    /// Links this event after `prev_hash` as number `seq`.
    pub fn link(self, seq: i64, prev_hash: &str) -> Event {
        let mut event = Event {
            seq,
            id: self.id,
            at: self.at,
            actor: self.actor,
            actor_label: self.actor_label,
            workspace_id: self.workspace_id,
            action: self.action,
            record_type: self.record_type,
            record_id: self.record_id,
            change: self.change,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        event.hash = event_hash(&event);
        event
    }
}

/// SHA-256 over every field but `hash`, each length-prefixed so no two
/// different events can serialise to the same bytes.
pub fn event_hash(e: &Event) -> String {
    let mut h = Sha256::new();
    h.update(b"aims-event-v1");
    let seq = e.seq.to_string();
    for field in [
        seq.as_str(),
        &e.id,
        &e.at,
        &e.actor,
        &e.actor_label,
        &e.workspace_id,
        &e.action,
        &e.record_type,
        &e.record_id,
        &e.change,
        &e.prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Why the chain does not hold, naming the first bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("event #{seq} ({id}) was altered: its stored hash does not match its contents")]
    Altered { seq: i64, id: String },
    #[error("event #{seq} ({id}) does not link to the event before it: an event was removed, inserted or reordered")]
    BrokenLink { seq: i64, id: String },
    #[error("event #{found} ({id}) follows #{expected_after}: event(s) before it were removed or reordered")]
    Gap {
        expected_after: i64,
        found: i64,
        id: String,
    },
    #[error("the chain ends at event #{last_seq} but the recorded head is #{head_seq}: event(s) at the end were removed or the head was altered")]
    Truncated { last_seq: i64, head_seq: i64 },
}

/// What a successful verification saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    pub events: i64,
    pub head_hash: String,
}

/// Incremental verifier: feed events in `seq` order, then [`ChainVerifier::finish`]
/// with the recorded head. Memory stays constant however long the chain is.
#[derive(Debug)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self {
            last_seq: 0,
            last_hash: GENESIS_HASH.to_owned(),
        }
    }

    pub fn push(&mut self, e: &Event) -> Result<(), ChainError> {
        if e.seq != self.last_seq + 1 {
            return Err(ChainError::Gap {
                expected_after: self.last_seq,
                found: e.seq,
                id: e.id.clone(),
            });
        }
        if event_hash(e) != e.hash {
            return Err(ChainError::Altered {
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        if e.prev_hash != self.last_hash {
            return Err(ChainError::BrokenLink {
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
        Ok(())
    }

    /// `head` is the (seq, hash) the store recorded when it last appended.
    pub fn finish(self, head: (i64, &str)) -> Result<ChainSummary, ChainError> {
        if head.0 != self.last_seq || head.1 != self.last_hash {
            return Err(ChainError::Truncated {
                last_seq: self.last_seq,
                head_seq: head.0,
            });
        }
        Ok(ChainSummary {
            events: self.last_seq,
            head_hash: self.last_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Event> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let e = NewEvent {
                    id: format!("ev{seq}"),
                    at: "2026-01-01T00:00:00Z".into(),
                    actor: "user:1".into(),
                    actor_label: "ada@example.org".into(),
                    workspace_id: "w1".into(),
                    action: "create".into(),
                    record_type: "ai_system".into(),
                    record_id: format!("s{seq}"),
                    change: r#"{"name":"x"}"#.into(),
                }
                .link(seq, &prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[Event], head: (i64, &str)) -> Result<ChainSummary, ChainError> {
        let mut v = ChainVerifier::new();
        for e in events {
            v.push(e)?;
        }
        v.finish(head)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let head = c.last().unwrap().hash.clone();
        assert_eq!(verify(&c, (5, &head)).unwrap().events, 5);
        assert_eq!(verify(&[], (0, GENESIS_HASH)).unwrap().events, 0);
    }

    #[test]
    fn altered_event_is_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].change = r#"{"name":"y"}"#.into();
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainError::Altered {
                seq: 3,
                id: "ev3".into()
            })
        );
    }

    #[test]
    fn rehashed_alteration_breaks_next_link() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].change = "{}".into();
        c[2].hash = event_hash(&c[2]);
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainError::BrokenLink {
                seq: 4,
                id: "ev4".into()
            })
        );
    }

    #[test]
    fn removed_and_reordered_events_are_found() {
        let c = chain(5);
        let head = c[4].hash.clone();
        let mut removed = c.clone();
        removed.remove(1);
        assert!(matches!(
            verify(&removed, (5, &head)),
            Err(ChainError::Gap { found: 3, .. })
        ));
        let mut last_removed = c.clone();
        last_removed.pop();
        assert!(matches!(
            verify(&last_removed, (5, &head)),
            Err(ChainError::Truncated {
                last_seq: 4,
                head_seq: 5
            })
        ));
        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert!(verify(&swapped, (5, &head)).is_err());
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let c = chain(1);
        let mut a = c[0].clone();
        let mut b = c[0].clone();
        a.action = "ab".into();
        a.record_type = "c".into();
        b.action = "a".into();
        b.record_type = "bc".into();
        assert_ne!(event_hash(&a), event_hash(&b));
    }
}
