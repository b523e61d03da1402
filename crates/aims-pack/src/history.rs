//! The history in a pack: from the workspace's first event to the head of
//! the instance's chain, one JSON line per event. The workspace's own
//! events are whole, so their hashes are recomputed; events of other
//! workspaces appear only as links (`seq`, `prev_hash`, `hash`), so the
//! chain can be followed without showing what they say.

use crate::HistoryHead;
use aims_domain::history::{event_hash, Event};
use serde::{Deserialize, Serialize};

/// One line of `history/events.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HistoryLine {
    Event(Box<Event>),
    /// An event of another workspace (or of the instance): only its place in the chain.
    Link {
        seq: i64,
        prev_hash: String,
        hash: String,
    },
}

impl HistoryLine {
    /// A line for `event`: whole when it is of `workspace_id`, else a link.
    pub fn of(event: Event, workspace_id: &str) -> HistoryLine {
        if event.workspace_id == workspace_id {
            HistoryLine::Event(Box::new(event))
        } else {
            HistoryLine::Link {
                seq: event.seq,
                prev_hash: event.prev_hash,
                hash: event.hash,
            }
        }
    }

    fn parts(&self) -> (i64, &str, &str) {
        match self {
            HistoryLine::Event(e) => (e.seq, &e.prev_hash, &e.hash),
            HistoryLine::Link {
                seq,
                prev_hash,
                hash,
            } => (*seq, prev_hash, hash),
        }
    }
}

/// Follows the chain in `jsonl` from `head.first_seq` to the head: each
/// line numbered one after the last, linked to its hash, each whole event's
/// hash recomputed, the last line being the head. Names the first break.
pub fn check_history(jsonl: &[u8], head: &HistoryHead) -> Result<usize, String> {
    let mut previous: Option<(i64, String)> = None;
    let mut count = 0usize;
    for (n, line) in jsonl.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let l: HistoryLine = serde_json::from_slice(line)
            .map_err(|e| format!("line {} does not read: {e}", n + 1))?;
        let (seq, prev_hash, hash) = l.parts();
        match &previous {
            None if seq != head.first_seq => {
                return Err(format!(
                    "starts at event {seq}, the manifest says {}",
                    head.first_seq
                ))
            }
            Some((p, _)) if seq != p + 1 => {
                return Err(format!("event {} is followed by event {seq}", p))
            }
            Some((_, h)) if prev_hash != h => {
                return Err(format!("event {seq} does not link to the event before it"))
            }
            _ => {}
        }
        if let HistoryLine::Event(e) = &l {
            if event_hash(e) != e.hash {
                return Err(format!(
                    "event {seq} was altered: its hash does not match its content"
                ));
            }
        }
        previous = Some((seq, hash.to_owned()));
        count += 1;
    }
    match previous {
        None if head.head_seq == 0 => Ok(0),
        None => Err("no event, though the manifest names a head".into()),
        Some((seq, hash)) if seq == head.head_seq && hash == head.head_hash => Ok(count),
        Some((seq, _)) => Err(format!(
            "ends at event {seq}, not at the head the manifest names (event {})",
            head.head_seq
        )),
    }
}
