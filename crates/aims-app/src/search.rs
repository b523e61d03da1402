//! Searches answered from a kept [`TextIndex`] per workspace and kind: a
//! list asked for `q=` text that few records hold reads those records by id
//! instead of every record's text (a scan that cost 7 ms of CPU at 10,000
//! systems on SQLite, and most of both cores on PostgreSQL under load).
//!
//! The index is kept under the workspace's history number and brought up to
//! date from the events since (each event on the kind re-reads that one
//! record's text); more than [`crate::kept`]'s limit of events, and it is
//! built again. The index only narrows: the database still tests each record
//! it names, so a record the index lacks is the only way it could be wrong,
//! and every change to a record's text appends an event naming it.

use crate::kept::{Held, Kept};
use crate::text_index::TextIndex;
use crate::{App, Result, Scope};
use aims_domain::record::Kind;
use aims_store::RecordFilter;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

/// Most records a search narrows to; more, and the page scans (its matches
/// are common, so the scan finds a page soon).
const MOST_MATCHES: usize = 256;
/// Text every kept index together may hold; a workspace past it is searched
/// by scanning. Besides the text, an index holds at most one 4-byte slot
/// number per byte of it (one per distinct trigram of each text), so up to
/// five times this in all, plus the records' ids.
const TOTAL_TEXT_BYTES: usize = 32 << 20;

/// One workspace's index of one kind (`None`: too big to keep).
pub(crate) struct KeptIndex {
    index: Mutex<Option<TextIndex>>,
    /// Its text's bytes, in every kept index's total.
    held: Held,
}

impl KeptIndex {
    fn new(index: TextIndex, total: &Arc<AtomicUsize>) -> KeptIndex {
        let held = Held::new(total);
        let fits = held.try_take(index.text_bytes(), 0, TOTAL_TEXT_BYTES);
        KeptIndex {
            index: Mutex::new(fits.then_some(index)),
            held,
        }
    }

    fn find(&self, needle: &str) -> Option<Vec<String>> {
        self.index.lock().ok()?.as_ref()?.find(needle, MOST_MATCHES)
    }
}

#[derive(Default)]
pub(crate) struct Indexes {
    /// By `workspace id / record type`, under the workspace's history number.
    kept: Kept<Option<i64>, KeptIndex>,
    /// One index is built or brought up to date at a time.
    building: tokio::sync::Mutex<()>,
    total: Arc<AtomicUsize>,
}

/// Whether a kept index answers `filter`'s search: a text of three bytes or
/// more (shorter ones hold no trigram).
fn searches_by_index(filter: &RecordFilter) -> bool {
    filter.q.as_deref().is_some_and(|q| q.len() >= 3)
}

impl App {
    /// `filter` narrowed to the records its search text is in, when a kept
    /// index can tell (a rare enough text of three bytes or more).
    pub(crate) async fn narrowed(
        &self,
        ws: &Scope,
        kind: &Kind,
        filter: RecordFilter,
    ) -> Result<RecordFilter> {
        if !searches_by_index(&filter) {
            return Ok(filter);
        }
        let seq = self.request_seq(ws).await?;
        self.narrowed_at(&ws.workspace.id, kind, filter, seq).await
    }

    /// [`App::narrowed`], for a caller that has read the workspace's latest
    /// history number `seq` already.
    pub(crate) async fn narrowed_at(
        &self,
        workspace_id: &str,
        kind: &Kind,
        filter: RecordFilter,
        seq: Option<i64>,
    ) -> Result<RecordFilter> {
        if !searches_by_index(&filter) {
            return Ok(filter);
        }
        let needle = filter.q.as_deref().unwrap_or_default().to_lowercase();
        let index = self.text_index(workspace_id, kind, seq).await?;
        let ids = index.find(&needle);
        Ok(RecordFilter { ids, ..filter })
    }

    /// The kind's index as of history number `seq`.
    async fn text_index(
        &self,
        workspace_id: &str,
        kind: &Kind,
        seq: Option<i64>,
    ) -> Result<Arc<KeptIndex>> {
        let indexes = &self.text_indexes;
        let key = format!("{workspace_id}/{}", kind.record_type);
        if let Some(index) = indexes.kept.get(&key, &seq) {
            return Ok(index);
        }
        let _building = indexes.building.lock().await;
        if let Some(index) = indexes.kept.get(&key, &seq) {
            return Ok(index);
        }
        if let Some((base, index)) = indexes.kept.latest(&key).filter(|(s, _)| *s <= seq) {
            let patched = self
                .patch_text_index(workspace_id, kind, base, &index)
                .await?;
            if let Some(at) = patched {
                indexes.kept.put_unless_newer(&key, at, Arc::clone(&index));
                return Ok(index);
            }
        }
        let rows = {
            let mut c = self.store.conn().await?;
            c.conn()
                .record_search_texts(workspace_id, kind.record_type, None)
                .await?
        };
        // Kept under the number read before the texts: a change in between
        // is applied again next time, never missed.
        let index = Arc::new(KeptIndex::new(TextIndex::build(rows), &indexes.total));
        indexes.kept.put_unless_newer(&key, seq, Arc::clone(&index));
        Ok(index)
    }

    /// Applies the events after `base` to `index` in place: the number it is
    /// now up to date with, or `None` when there were too many (build it
    /// again) or it was too big to keep.
    async fn patch_text_index(
        &self,
        workspace_id: &str,
        kind: &Kind,
        base: Option<i64>,
        index: &KeptIndex,
    ) -> Result<Option<Option<i64>>> {
        let Some(edits) = self.edits_since(workspace_id, base, |_, _| true).await? else {
            return Ok(None);
        };
        let mut c = self.store.conn().await?;
        let mut texts = Vec::new();
        for e in edits.iter().filter(|e| e.record_type == kind.record_type) {
            let now = c
                .conn()
                .record_search_texts(workspace_id, kind.record_type, Some(&e.id))
                .await?;
            texts.push((e.id.clone(), now.into_iter().next().map(|(_, t)| t)));
        }
        drop(c);
        let Ok(mut guard) = index.index.lock() else {
            return Ok(None);
        };
        let Some(text_index) = guard.as_mut() else {
            return Ok(None);
        };
        let before = text_index.text_bytes();
        for (id, text) in texts {
            match text {
                Some(text) => text_index.put(id, text),
                None => text_index.remove(&id),
            }
        }
        // Counted, not bounded: it is kept already.
        index
            .held
            .try_take(text_index.text_bytes(), before, usize::MAX);
        Ok(Some(edits.last().map_or(base, |e| Some(e.seq))))
    }
}
