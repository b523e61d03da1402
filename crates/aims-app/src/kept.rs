//! Results kept per workspace under the number of its latest history event
//! (and whatever else they depend on, such as today's date). Every change
//! appends an event, so a kept result is reused only while nothing changed:
//! none can be stale, and each replica keeps its own.

use std::collections::HashMap;
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

impl<K: PartialEq, T> Kept<K, T> {
    /// The result kept for `workspace_id` under exactly `key`.
    pub(crate) fn get(&self, workspace_id: &str, key: &K) -> Option<Arc<T>> {
        let kept = self.kept.lock().ok()?;
        kept.get(workspace_id)
            .filter(|(k, _)| k == key)
            .map(|(_, v)| Arc::clone(v))
    }

    /// Keeps `value` for `workspace_id` under `key`, replacing what was kept.
    pub(crate) fn put(&self, workspace_id: &str, key: K, value: Arc<T>) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(workspace_id.to_owned(), (key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
