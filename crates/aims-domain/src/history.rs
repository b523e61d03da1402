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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
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

/// What changed between two versions of a record, field by field, as the
/// history records it: `{field: [old, new]}` for every top-level field whose
/// value differs (a field present on one side only counts as `null` on the
/// other). Any kind of record gets its history diff from its serialised
/// fields, so no kind writes one by hand. Values that are not JSON objects
/// compare as a whole under the field name `value`.
pub fn field_changes<T: Serialize>(old: &T, new: &T) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{json, Map, Value};
    let as_map = |v: Value| match v {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    let old = as_map(serde_json::to_value(old).unwrap_or(Value::Null));
    let new = as_map(serde_json::to_value(new).unwrap_or(Value::Null));
    let mut changes = Map::new();
    for key in old.keys().chain(new.keys()) {
        let (a, b) = (
            old.get(key).unwrap_or(&Value::Null),
            new.get(key).unwrap_or(&Value::Null),
        );
        if a != b && !changes.contains_key(key) {
            changes.insert(key.clone(), json!([a, b]));
        }
    }
    changes
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
    #[error("the history head (event #{seq}) is not sealed by this installation's history key: the history was rewritten by someone without the key, or aims was given another key")]
    Unsealed { seq: i64 },
    #[error(
        "event #{seq} does not match the checkpoint: the history before the checkpoint was changed"
    )]
    CheckpointMismatch { seq: i64 },
    #[error("the history ends at event #{last_seq}, before the checkpoint's event #{seq}: events were removed")]
    CheckpointMissing { seq: i64, last_seq: i64 },
    #[error("the checkpoint's signature is not valid for this installation's history key")]
    CheckpointForged,
}

/// HMAC-SHA256 over a purpose label, a sequence number and a hash, hex-encoded.
fn mac(key: &[u8], label: &[u8], seq: i64, hash: &str) -> String {
    use hmac::{Hmac, Mac};
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(label);
    m.update(&seq.to_be_bytes());
    m.update(&(hash.len() as u64).to_be_bytes());
    m.update(hash.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// The seal of the history head: only a holder of the key can make one, and
/// the head's hash covers every event before it, so a valid seal proves that
/// nobody without the key rewrote any event.
pub fn head_seal(key: &[u8], seq: i64, hash: &str) -> String {
    mac(key, b"aims-history-head-v1", seq, hash)
}

/// The signature of a checkpoint (a head written down somewhere else).
pub fn checkpoint_seal(key: &[u8], seq: i64, hash: &str) -> String {
    mac(key, b"aims-history-checkpoint-v1", seq, hash)
}

/// A short public name for a key (so a wrong key is told apart from tampering).
pub fn key_id(key: &[u8]) -> String {
    mac(key, b"aims-history-key-id-v1", 0, "")
        .get(..16)
        .unwrap_or_default()
        .to_owned()
}

/// Compares two seals in constant time.
pub fn seals_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A head (or checkpoint) recorded elsewhere: the event it names must still
/// have this hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub seal: String,
}

impl Checkpoint {
    pub fn new(key: &[u8], seq: i64, hash: &str) -> Checkpoint {
        Checkpoint {
            seq,
            hash: hash.to_owned(),
            seal: checkpoint_seal(key, seq, hash),
        }
    }

    /// True when the checkpoint was signed with `key`.
    pub fn is_signed_by(&self, key: &[u8]) -> bool {
        seals_equal(&self.seal, &checkpoint_seal(key, self.seq, &self.hash))
    }
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
    checkpoint: Option<(i64, String)>,
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
            checkpoint: None,
        }
    }

    /// Also checks that event `seq` still has `hash` (a checkpoint kept elsewhere).
    pub fn expecting(mut self, seq: i64, hash: &str) -> Self {
        self.checkpoint = Some((seq, hash.to_owned()));
        self
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
        if let Some((seq, hash)) = &self.checkpoint {
            if e.seq == *seq && e.hash != *hash {
                return Err(ChainError::CheckpointMismatch { seq: e.seq });
            }
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
        if let Some((seq, _)) = &self.checkpoint {
            if *seq > self.last_seq {
                return Err(ChainError::CheckpointMissing {
                    seq: *seq,
                    last_seq: self.last_seq,
                });
            }
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
    fn a_verifier_checks_the_whole_head_and_the_end() {
        let c = chain(3);
        // The head's seq and hash must both match the last event.
        assert!(verify(&c, (3, &c[2].hash)).is_ok());
        assert!(matches!(
            verify(&c, (3, &c[1].hash)),
            Err(ChainError::Truncated {
                last_seq: 3,
                head_seq: 3
            })
        ));
        assert!(matches!(
            verify(&c, (2, &c[2].hash)),
            Err(ChainError::Truncated {
                last_seq: 3,
                head_seq: 2
            })
        ));
        assert!(matches!(
            verify(&c, (4, &c[2].hash)),
            Err(ChainError::Truncated { .. })
        ));
        let summary = verify(&c, (3, &c[2].hash)).unwrap();
        assert_eq!(summary.head_hash, c[2].hash);
        // A chain whose first event does not start at 1.
        assert!(matches!(
            verify(&c[1..], (3, &c[2].hash)),
            Err(ChainError::Gap {
                expected_after: 0,
                found: 2,
                ..
            })
        ));
        // A first event that does not link to the genesis hash.
        let mut first = c[..1].to_vec();
        first[0].prev_hash = "1".repeat(64);
        first[0].hash = event_hash(&first[0]);
        assert!(matches!(
            verify(&first, (1, &first[0].hash.clone())),
            Err(ChainError::BrokenLink { seq: 1, .. })
        ));
        assert_eq!(
            ChainVerifier::default()
                .finish((0, GENESIS_HASH))
                .unwrap()
                .events,
            0
        );
    }

    #[test]
    fn seals_and_checkpoints() {
        let key = [7u8; 32];
        let other = [8u8; 32];
        let s = head_seal(&key, 5, "abc");
        assert_eq!(s.len(), 64);
        assert_ne!(s, head_seal(&other, 5, "abc"));
        assert_ne!(s, head_seal(&key, 6, "abc"));
        assert_ne!(s, head_seal(&key, 5, "abd"));
        assert_ne!(
            s,
            checkpoint_seal(&key, 5, "abc"),
            "purposes never share a seal"
        );
        assert!(seals_equal(&s, &head_seal(&key, 5, "abc")));
        assert!(!seals_equal(&s, &s[..63]));
        assert!(!seals_equal("ab", "ac"));
        assert!(seals_equal("", ""));
        assert_eq!(key_id(&key).len(), 16);
        assert_ne!(key_id(&key), key_id(&other));
        let cp = Checkpoint::new(&key, 2, "h");
        assert!(cp.is_signed_by(&key) && !cp.is_signed_by(&other));
        let forged = Checkpoint {
            hash: "g".into(),
            ..cp.clone()
        };
        assert!(!forged.is_signed_by(&key));

        let c = chain(3);
        let run = |v: ChainVerifier, events: &[Event]| {
            let mut v = v;
            for e in events {
                v.push(e)?;
            }
            v.finish((3, &c[2].hash))
        };
        assert!(run(ChainVerifier::new().expecting(2, &c[1].hash), &c).is_ok());
        assert_eq!(
            run(ChainVerifier::new().expecting(2, &c[0].hash), &c),
            Err(ChainError::CheckpointMismatch { seq: 2 })
        );
        assert_eq!(
            run(ChainVerifier::new().expecting(4, "x"), &c),
            Err(ChainError::CheckpointMissing {
                seq: 4,
                last_seq: 3
            })
        );
        assert!(run(ChainVerifier::new().expecting(3, &c[2].hash), &c).is_ok());
    }

    #[test]
    fn changes_are_computed_from_the_fields() {
        use serde_json::json;
        #[derive(Serialize)]
        struct R {
            name: &'static str,
            purpose: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            owner: Option<&'static str>,
            tags: Vec<&'static str>,
        }
        let a = R {
            name: "A",
            purpose: "p",
            owner: None,
            tags: vec!["x"],
        };
        let b = R {
            name: "B",
            purpose: "p",
            owner: Some("ada"),
            tags: vec!["x", "y"],
        };
        let c = field_changes(&a, &b);
        assert_eq!(c.len(), 3);
        assert_eq!(c["name"], json!(["A", "B"]));
        assert_eq!(c["owner"], json!([null, "ada"]), "a field on one side only");
        assert_eq!(c["tags"], json!([["x"], ["x", "y"]]));
        assert!(!c.contains_key("purpose"));
        assert!(field_changes(&a, &a).is_empty());
        let back = field_changes(&b, &a);
        assert_eq!(back["owner"], json!(["ada", null]));
        assert_eq!(field_changes(&1, &2)["value"], json!([1, 2]));
        assert!(field_changes(&"same", &"same").is_empty());
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
