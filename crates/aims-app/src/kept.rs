//! Results kept per workspace under the number of its latest history event
//! (and whatever else they depend on, such as today's date). Every change
//! appends an event, so a kept result is reused only while nothing changed:
//! none can be stale, and each replica keeps its own.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub(crate) struct Kept<K, T> {
    kept: Mutex<HashMap<String, (K, Arc<T>)>>,
}

impl<K, T> Default for Kept<K, T> {
    fn default() -> Self {
        Kept {
            kept: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Kept<(Option<i64>, String), T> {
    /// What is kept for `workspace_id` to bring up to date for `key`
    /// (history number, day): kept the same day under a number not newer,
    /// with that number.
    pub(crate) fn base_for(
        &self,
        workspace_id: &str,
        key: &(Option<i64>, String),
    ) -> Option<(Option<i64>, Arc<T>)> {
        let ((seq, day), kept) = self.latest(workspace_id)?;
        (day == key.1 && seq <= key.0).then_some((seq, kept))
    }
}

impl<K: PartialEq, T> Kept<K, T> {
    /// The result kept for `workspace_id` under exactly `key`.
    pub(crate) fn get(&self, workspace_id: &str, key: &K) -> Option<Arc<T>> {
        let kept = self.kept.lock().ok()?;
        kept.get(workspace_id)
            .filter(|(k, _)| k == key)
            .map(|(_, v)| Arc::clone(v))
    }

    /// Whatever is kept for `workspace_id`, with the key it is kept under
    /// (for results brought up to date from what changed since).
    pub(crate) fn latest(&self, workspace_id: &str) -> Option<(K, Arc<T>)>
    where
        K: Clone,
    {
        let kept = self.kept.lock().ok()?;
        kept.get(workspace_id)
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
    }

    /// Keeps `value` for `workspace_id` under `key`, replacing what was kept.
    pub(crate) fn put(&self, workspace_id: &str, key: K, value: Arc<T>) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(workspace_id.to_owned(), (key, value));
        }
    }
}

impl<K: PartialOrd, T> Kept<K, T> {
    /// Keeps `value` under `key` unless what is kept for `workspace_id` is
    /// under a newer key: a slow request that read an older history number
    /// must not push out the result of a later one.
    pub(crate) fn put_unless_newer(&self, workspace_id: &str, key: K, value: Arc<T>) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.get(workspace_id).is_some_and(|(k, _)| *k > key) {
                return;
            }
            kept.insert(workspace_id.to_owned(), (key, value));
        }
    }
}

/// A change since a kept result: a record created (`create`, with its
/// fields), edited (`update`, with each changed field's `[old, new]`
/// values) or deleted (`delete`, with its `fields` and the records it was
/// `unlinked` from), or a link made or removed (`link` with `to`, `unlink`
/// with `other`: the record at the other end).
pub(crate) struct Edit {
    /// Its history event's number.
    pub seq: i64,
    pub action: String,
    pub record_type: String,
    pub id: String,
    pub change: serde_json::Map<String, serde_json::Value>,
}

impl Edit {
    /// The records a link event joins or parts, or a deletion's record with
    /// those it was linked to (none for a create or an edit).
    pub(crate) fn linked(&self) -> Vec<&str> {
        let others: Vec<&str> = match self.action.as_str() {
            "link" => self
                .change
                .get("to")
                .and_then(Value::as_str)
                .into_iter()
                .collect(),
            "unlink" => self
                .change
                .get("other")
                .and_then(Value::as_str)
                .into_iter()
                .collect(),
            "delete" => self
                .change
                .get("unlinked")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|l| l.get("record").and_then(Value::as_str))
                .collect(),
            _ => return Vec::new(),
        };
        std::iter::once(self.id.as_str()).chain(others).collect()
    }
}

/// At most this many changes since a kept result are applied to it; more,
/// and the result is worked out afresh.
const EDITS_LIMIT: i64 = 64;

impl crate::App {
    /// The workspace's latest history number as this request sees it: read
    /// with the token at the request's start (a token's principal lives for
    /// one request), else read now. Read before the result it keys, so a
    /// change committed in between makes the result newer than its number,
    /// never older.
    pub(crate) async fn request_seq(&self, ws: &crate::Scope) -> crate::Result<Option<i64>> {
        if let crate::PrincipalKind::Token { history_seq, .. } = &ws.principal.kind {
            return Ok(*history_seq);
        }
        let mut c = self.store.conn().await?;
        Ok(c.conn().history_last_seq(&ws.workspace.id).await?)
    }

    /// The changes made in the workspace after history number `seq`, oldest
    /// first, when every one is of a sort `accept(action, record_type)`
    /// takes and there are few: a kept result that depends on nothing else
    /// can be brought up to date from them. `None`: work it out afresh.
    pub(crate) async fn edits_since(
        &self,
        workspace_id: &str,
        seq: Option<i64>,
        accept: impl Fn(&str, &str) -> bool,
    ) -> crate::Result<Option<Vec<Edit>>> {
        let Some(seq) = seq else {
            return Ok(None);
        };
        let changes = {
            let mut c = self.store.conn().await?;
            c.conn()
                .history_changes_since(workspace_id, seq, EDITS_LIMIT + 1)
                .await?
        };
        if changes.len() > usize::try_from(EDITS_LIMIT).unwrap_or(0) {
            return Ok(None);
        }
        let mut edits = Vec::with_capacity(changes.len());
        for (seq, action, record_type, id, change) in changes {
            if !accept(&action, &record_type) {
                return Ok(None);
            }
            let Ok(Value::Object(change)) = serde_json::from_str(&change) else {
                return Ok(None);
            };
            edits.push(Edit {
                seq,
                action,
                record_type,
                id,
                change,
            });
        }
        Ok(Some(edits))
    }
}

/// Bytes one kept result holds, counted in a total shared by every result of
/// its sort (kept pages, text indexes) so that together they stay within a
/// bound; given back when the result goes.
pub(crate) struct Held {
    bytes: AtomicUsize,
    total: Arc<AtomicUsize>,
}

impl Held {
    pub(crate) fn new(total: &Arc<AtomicUsize>) -> Held {
        Held {
            bytes: AtomicUsize::new(0),
            total: Arc::clone(total),
        }
    }

    /// Takes `add` more bytes while giving back `give_back` of those held,
    /// if the total stays within `bound`; false (nothing changes) if not.
    pub(crate) fn try_take(&self, add: usize, give_back: usize, bound: usize) -> bool {
        let before = self.total.fetch_add(add, Ordering::Relaxed);
        if (before + add).saturating_sub(give_back) > bound {
            self.total.fetch_sub(add, Ordering::Relaxed);
            return false;
        }
        let give_back = give_back.min(self.bytes.load(Ordering::Relaxed));
        self.total.fetch_sub(give_back, Ordering::Relaxed);
        self.bytes.fetch_add(add, Ordering::Relaxed);
        self.bytes.fetch_sub(give_back, Ordering::Relaxed);
        true
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.total
            .fetch_sub(self.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_bytes_stay_within_the_bound_and_go_back_with_their_holder() {
        let total = Arc::new(AtomicUsize::new(0));
        let a = Held::new(&total);
        let b = Held::new(&total);
        assert!(a.try_take(6, 0, 10));
        assert!(b.try_take(4, 0, 10), "exactly at the bound");
        assert!(!b.try_take(1, 0, 10), "past it");
        assert_eq!(total.load(Ordering::Relaxed), 10);
        // Replacing 4 bytes by 3 or by 4 fits; by 5 does not.
        assert!(!b.try_take(5, 4, 10));
        assert!(b.try_take(4, 4, 10));
        assert!(b.try_take(3, 4, 10));
        assert_eq!(total.load(Ordering::Relaxed), 9);
        drop(a);
        assert_eq!(total.load(Ordering::Relaxed), 3);
        drop(b);
        assert_eq!(total.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_result_is_kept_only_under_its_own_key_and_workspace() {
        let k: Kept<(Option<i64>, String), u32> = Kept::default();
        assert!(k.get("w", &(Some(1), "d".into())).is_none());
        k.put("w", (Some(1), "d".into()), Arc::new(7));
        assert_eq!(k.get("w", &(Some(1), "d".into())).as_deref(), Some(&7));
        assert!(
            k.get("w", &(Some(2), "d".into())).is_none(),
            "a newer event"
        );
        assert!(k.get("w", &(Some(1), "e".into())).is_none(), "another day");
        assert!(
            k.get("v", &(Some(1), "d".into())).is_none(),
            "another workspace"
        );
        k.put("w", (Some(2), "d".into()), Arc::new(8));
        assert!(k.get("w", &(Some(1), "d".into())).is_none(), "replaced");
        let (key, value) = k.latest("w").expect("kept");
        assert_eq!((key, *value), ((Some(2), "d".to_owned()), 8));
        assert!(k.latest("v").is_none());
        let base = |seq: i64, day: &str| {
            k.base_for("w", &(Some(seq), day.into()))
                .map(|(s, v)| (s, *v))
        };
        assert_eq!(
            base(3, "d"),
            Some((Some(2), 8)),
            "a newer number: brought up to date"
        );
        assert_eq!(base(2, "d"), Some((Some(2), 8)));
        assert_eq!(base(1, "d"), None, "kept under a newer number");
        assert_eq!(base(3, "e"), None, "another day");
    }

    #[test]
    fn a_result_under_an_older_number_never_replaces_a_newer_one() {
        let k: Kept<Option<i64>, u32> = Kept::default();
        k.put_unless_newer("w", Some(5), Arc::new(5));
        k.put_unless_newer("w", Some(4), Arc::new(4));
        assert_eq!(k.get("w", &Some(5)).as_deref(), Some(&5), "older: not kept");
        k.put_unless_newer("w", Some(5), Arc::new(55));
        assert_eq!(
            k.get("w", &Some(5)).as_deref(),
            Some(&55),
            "the same: replaced"
        );
        k.put_unless_newer("w", Some(6), Arc::new(6));
        assert_eq!(k.get("w", &Some(6)).as_deref(), Some(&6), "newer: replaced");
        k.put_unless_newer("v", None, Arc::new(0));
        assert_eq!(k.get("v", &None).as_deref(), Some(&0), "another workspace");
    }
}
