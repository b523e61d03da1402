//! List pages kept as the bytes they were rendered to, per workspace under
//! its latest history number (a [`Kept`] result like readiness): a page asked
//! for again before anything in the workspace changed is sent as it was,
//! without reading or encoding its records again. Inventory screens and
//! pipelines ask for the same first pages and filters over and over; any
//! change appends a history event, so the next request renders afresh.
//!
//! Memory is bounded: a page over [`PAGE_MAX_BYTES`] is not kept, nor one
//! that would take every kept page past [`TOTAL_MAX_BYTES`] or its workspace
//! past [`PAGES_MAX`] pages. Pages kept under an older number are dropped when
//! the first page under the new one is kept.

use crate::kept::{Held, Kept};
use crate::records::ListRequest;
use crate::{App, Result, Scope};
use aims_domain::record::Kind;
use aims_store::{Page, RecordFilter, RecordJson};
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

/// Largest page kept (a page of 500 full records is about 450 KB).
pub const PAGE_MAX_BYTES: usize = 1 << 20;
/// All kept pages of every workspace together.
pub const TOTAL_MAX_BYTES: usize = 64 << 20;
/// Pages kept per workspace.
pub const PAGES_MAX: usize = 4096;

/// What a kept page is found by: the kind, what it was rendered as, and the
/// checked request (an owner already resolved to a member's id).
type PageKey = (&'static str, &'static str, RecordFilter);

/// A rendered page with its entity tag: a digest of its bytes, so a client
/// that has the page already is told so (HTTP `304 Not Modified`) instead
/// of being sent it again, however it was read.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    pub bytes: Arc<[u8]>,
    /// A strong HTTP entity tag, quotes included.
    pub etag: Arc<str>,
}

impl RenderedPage {
    pub fn new(bytes: Vec<u8>) -> RenderedPage {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(&bytes);
        RenderedPage {
            etag: format!("\"{}\"", hex::encode(&digest[..16])).into(),
            bytes: bytes.into(),
        }
    }
}

/// The pages one workspace keeps under one history number.
pub(crate) struct PageSet {
    pages: Mutex<HashMap<PageKey, RenderedPage>>,
    /// Their bytes, in every workspace's total.
    held: Held,
}

impl PageSet {
    fn new(total: &Arc<AtomicUsize>) -> PageSet {
        PageSet {
            pages: Mutex::default(),
            held: Held::new(total),
        }
    }

    fn get(&self, key: &PageKey) -> Option<RenderedPage> {
        self.pages.lock().ok()?.get(key).cloned()
    }

    /// Keeps `page` under `key` (replacing what was kept under it) when the
    /// bounds allow it.
    fn keep(&self, key: PageKey, page: RenderedPage) {
        let len = page.bytes.len();
        if len > PAGE_MAX_BYTES {
            return;
        }
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        let old = pages.get(&key).map(|p| p.bytes.len());
        if old.is_none() && pages.len() >= PAGES_MAX {
            return;
        }
        if self.held.try_take(len, old.unwrap_or(0), TOTAL_MAX_BYTES) {
            pages.insert(key, page);
        }
    }
}

/// Every workspace's kept pages.
#[derive(Default)]
pub(crate) struct KeptPages {
    sets: Kept<Option<i64>, PageSet>,
    total: Arc<AtomicUsize>,
}

impl KeptPages {
    /// The set kept under `seq`, made if there is none. A new set replaces
    /// an older one, never a newer one: a request that read an older number
    /// renders into a set of its own, dropped when it is done.
    fn set_for(&self, workspace_id: &str, seq: Option<i64>) -> Arc<PageSet> {
        if let Some(set) = self.sets.get(workspace_id, &seq) {
            return set;
        }
        let set = Arc::new(PageSet::new(&self.total));
        self.sets
            .put_unless_newer(workspace_id, seq, Arc::clone(&set));
        set
    }

    /// Bytes kept now, over every workspace.
    #[cfg(test)]
    fn kept_bytes(&self) -> usize {
        self.total.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// How a client asked for a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Freshness {
    /// A page kept since nothing changed will do.
    #[default]
    Kept,
    /// Read and render it again (HTTP `Cache-Control: no-cache`); the new
    /// rendering is kept.
    Fresh,
}

impl App {
    /// One page of a kind's records as `render` encodes it (`as_what` names
    /// the encoding, such as `"api-json"`): the bytes kept for the same
    /// request while the workspace is unchanged, else rendered and kept.
    /// The caller's right to read the kind is checked first, every time.
    pub async fn rendered_page(
        &self,
        ws: &Scope,
        kind: &Kind,
        req: &ListRequest,
        as_what: &'static str,
        freshness: Freshness,
        render: impl FnOnce(&Page<RecordJson>) -> Result<Vec<u8>>,
    ) -> Result<RenderedPage> {
        ws.require(kind.access.read)?;
        let filter = self.list_filter(ws, kind, req).await?;
        let wid = &ws.workspace.id;
        let seq = self.request_seq(ws).await?;
        let key: PageKey = (kind.record_type, as_what, filter);
        let set = self.kept_pages.set_for(wid, seq);
        if freshness == Freshness::Kept {
            if let Some(page) = set.get(&key) {
                return Ok(page);
            }
        }
        let filter = self.narrowed_at(wid, kind, key.2.clone(), seq).await?;
        let page = {
            let mut c = self.store.conn().await?;
            c.conn()
                .records_list::<RecordJson>(wid, kind.record_type, &filter)
                .await?
        };
        let page = RenderedPage::new(render(&page)?);
        set.keep(key, page.clone());
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    fn set(total: &Arc<AtomicUsize>) -> PageSet {
        PageSet::new(total)
    }

    fn page(bytes: Vec<u8>) -> RenderedPage {
        RenderedPage::new(bytes)
    }

    fn bytes(p: Option<RenderedPage>) -> Option<Vec<u8>> {
        p.map(|p| p.bytes.to_vec())
    }

    #[test]
    fn a_page_is_tagged_by_its_bytes() {
        let a = page(b"[1]".to_vec());
        assert_eq!(a.etag, page(b"[1]".to_vec()).etag);
        assert_ne!(a.etag, page(b"[2]".to_vec()).etag);
        assert_eq!(a.etag.len(), 34, "32 hex digits in quotes");
        assert!(a.etag.starts_with('"') && a.etag.ends_with('"'));
    }

    fn key(q: &str) -> PageKey {
        let filter = RecordFilter {
            q: Some(q.to_owned()),
            ..Default::default()
        };
        ("ai_system", "api-json", filter)
    }

    #[test]
    fn pages_are_kept_within_bounds_and_given_back_when_their_set_goes() {
        let total = Arc::new(AtomicUsize::new(0));
        let s = set(&total);
        s.keep(key("a"), page(vec![1u8; 10]));
        assert_eq!(bytes(s.get(&key("a"))), Some(vec![1u8; 10]));
        assert!(s.get(&key("b")).is_none());
        // The same key again replaces it (a page read afresh).
        s.keep(key("a"), page(vec![2u8; 20]));
        assert_eq!(bytes(s.get(&key("a"))), Some(vec![2u8; 20]));
        assert_eq!(total.load(Ordering::Relaxed), 20);
        s.keep(key("a"), page(vec![3u8; 10]));
        assert_eq!(total.load(Ordering::Relaxed), 10);
        // Too big for one page, and just big enough.
        s.keep(key("big"), page(vec![0u8; PAGE_MAX_BYTES + 1]));
        assert!(s.get(&key("big")).is_none());
        s.keep(key("max"), page(vec![0u8; PAGE_MAX_BYTES]));
        assert!(s.get(&key("max")).is_some());
        assert_eq!(total.load(Ordering::Relaxed), PAGE_MAX_BYTES + 10);
        drop(s);
        assert_eq!(total.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn the_total_bound_holds_over_every_set() {
        let total = Arc::new(AtomicUsize::new(TOTAL_MAX_BYTES - 15));
        let s = set(&total);
        s.keep(key("a"), page(vec![0u8; 15]));
        assert!(s.get(&key("a")).is_some(), "exactly at the bound is kept");
        s.keep(key("b"), page(vec![0u8; 1]));
        assert!(s.get(&key("b")).is_none(), "past the bound is not");
        assert_eq!(total.load(Ordering::Relaxed), TOTAL_MAX_BYTES);
        // Replacing counts only the difference.
        s.keep(key("a"), page(vec![0u8; 16]));
        assert!(s.get(&key("a")).is_some_and(|p| p.bytes.len() == 15));
        s.keep(key("a"), page(vec![0u8; 5]));
        assert!(s.get(&key("a")).is_some_and(|p| p.bytes.len() == 5));
        assert_eq!(total.load(Ordering::Relaxed), TOTAL_MAX_BYTES - 10);
        drop(s);
        assert_eq!(total.load(Ordering::Relaxed), TOTAL_MAX_BYTES - 15);
    }

    #[test]
    fn a_workspace_keeps_at_most_its_number_of_pages() {
        let total = Arc::new(AtomicUsize::new(0));
        let s = set(&total);
        for i in 0..PAGES_MAX {
            s.keep(key(&i.to_string()), page(vec![0u8; 1]));
        }
        s.keep(key("one more"), page(vec![0u8; 1]));
        assert!(s.get(&key("one more")).is_none());
        // A kept one may still be replaced.
        s.keep(key("0"), page(vec![1u8; 2]));
        assert_eq!(bytes(s.get(&key("0"))), Some(vec![1u8; 2]));
        assert_eq!(total.load(Ordering::Relaxed), PAGES_MAX + 1);
    }

    #[test]
    fn a_new_history_number_replaces_the_workspace_set() {
        let kp = KeptPages::default();
        let a = kp.set_for("w", Some(1));
        a.keep(key("a"), page(vec![0u8; 7]));
        assert!(Arc::ptr_eq(&a, &kp.set_for("w", Some(1))));
        assert_eq!(kp.kept_bytes(), 7);
        let b = kp.set_for("w", Some(2));
        assert!(b.get(&key("a")).is_none());
        drop(a);
        assert_eq!(kp.kept_bytes(), 0, "the old set's bytes go with it");
        let other = kp.set_for("v", Some(1));
        assert!(!Arc::ptr_eq(&other, &b));
        // A request that read an older number gets a set of its own.
        let late = kp.set_for("w", Some(1));
        late.keep(key("late"), page(vec![0u8; 3]));
        assert!(Arc::ptr_eq(&b, &kp.set_for("w", Some(2))), "still kept");
        assert!(kp.set_for("w", Some(1)).get(&key("late")).is_none());
        drop(late);
        assert_eq!(kp.kept_bytes(), 0);
    }
}
