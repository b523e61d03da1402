//! An index of three-byte substrings over records' search texts, so that a
//! search for a rare piece of text (one system's name) finds its records
//! without reading every record's text. Pure data structure, no I/O:
//! [`crate::search`] keeps one per workspace and kind and brings it up to
//! date from the history.
//!
//! Texts are UTF-8, and a byte string found in a UTF-8 text at all is found
//! at a character boundary, so byte trigrams answer character substrings.

use std::collections::HashMap;

/// Record ids by three-byte substrings of their texts.
#[derive(Default)]
pub(crate) struct TextIndex {
    /// Per slot: the record's id and its text. A removed or replaced
    /// record leaves its slot and postings behind with an empty text, which
    /// holds no needle of three bytes.
    ids: Vec<String>,
    texts: Vec<String>,
    slot_of: HashMap<String, u32>,
    /// Per trigram, the slots whose text holds it, ascending.
    grams: HashMap<u32, Vec<u32>>,
    text_bytes: usize,
}

fn grams(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    text.windows(3)
        .map(|w| (u32::from(w[0]) << 16) | (u32::from(w[1]) << 8) | u32::from(w[2]))
}

/// Slots left behind by replaced or removed records that an index keeps
/// before it is built again (beyond as many as it holds).
const SLACK_SLOTS: usize = 1024;

/// A search whose rarest trigram is in more texts than this is left to a scan:
/// its matches are common, so a scan stops at the first page soon anyway.
const MOST_CANDIDATES: usize = 1024;

impl TextIndex {
    pub(crate) fn build(rows: impl IntoIterator<Item = (String, String)>) -> TextIndex {
        let mut index = TextIndex::default();
        for (id, text) in rows {
            index.put(id, text);
        }
        index
    }

    /// Bytes of text indexed, removed texts included: what the index costs, roughly.
    pub(crate) fn text_bytes(&self) -> usize {
        self.text_bytes
    }

    /// Indexes `text` as record `id`'s, replacing what it had.
    pub(crate) fn put(&mut self, id: String, text: String) {
        self.remove(&id);
        let Ok(slot) = u32::try_from(self.ids.len()) else {
            return;
        };
        let mut seen: Vec<u32> = grams(text.as_bytes()).collect();
        seen.sort_unstable();
        seen.dedup();
        for g in seen {
            self.grams.entry(g).or_default().push(slot);
        }
        self.text_bytes += text.len();
        self.slot_of.insert(id.clone(), slot);
        self.ids.push(id);
        self.texts.push(text);
        self.compact_if_sparse();
    }

    /// Builds the index again from its records when most slots are left
    /// behind by replaced or removed ones, so that an index brought up to
    /// date edit after edit stays the size of what it holds.
    fn compact_if_sparse(&mut self) {
        if self.ids.len() <= 2 * self.slot_of.len() + SLACK_SLOTS {
            return;
        }
        let mut live: Vec<(u32, String, String)> = self
            .slot_of
            .iter()
            .map(|(id, &slot)| {
                let text = std::mem::take(&mut self.texts[slot as usize]);
                (slot, id.clone(), text)
            })
            .collect();
        live.sort_unstable_by_key(|(slot, _, _)| *slot);
        *self = TextIndex::build(live.into_iter().map(|(_, id, text)| (id, text)));
    }

    /// Takes record `id` out (nothing happens when it is not in).
    pub(crate) fn remove(&mut self, id: &str) {
        if let Some(slot) = self.slot_of.remove(id) {
            self.texts[slot as usize] = String::new();
        }
    }

    /// The ids of the records whose text holds `needle`, or `None` when the
    /// index cannot tell cheaply: a needle under three bytes, a needle whose
    /// every trigram is common, or more than `most` records found.
    pub(crate) fn find(&self, needle: &str, most: usize) -> Option<Vec<String>> {
        let mut wanted: Vec<u32> = grams(needle.as_bytes()).collect();
        if wanted.is_empty() {
            return None;
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut lists = Vec::with_capacity(wanted.len());
        for g in &wanted {
            match self.grams.get(g) {
                Some(list) => lists.push(list.as_slice()),
                None => return Some(Vec::new()),
            }
        }
        lists.sort_unstable_by_key(|l| l.len());
        let (rarest, others) = lists.split_first()?;
        if rarest.len() > MOST_CANDIDATES {
            return None;
        }
        let mut found = Vec::new();
        for &slot in *rarest {
            let s = slot as usize;
            if others.iter().any(|l| l.binary_search(&slot).is_err()) {
                continue;
            }
            if self.texts[s].contains(needle) {
                if found.len() == most {
                    return None;
                }
                found.push(self.ids[s].clone());
            }
        }
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TextIndex {
        TextIndex::build([
            ("a".to_owned(), "credit scoring model".to_owned()),
            ("b".to_owned(), "cv screening for recruiters".to_owned()),
            ("c".to_owned(), "spam filter, crédit agricole".to_owned()),
        ])
    }

    fn found(i: &TextIndex, needle: &str) -> Option<Vec<String>> {
        i.find(needle, 10).map(|mut v| {
            v.sort();
            v
        })
    }

    #[test]
    fn finds_exactly_the_texts_holding_the_needle() {
        let i = index();
        assert_eq!(found(&i, "scoring"), Some(vec!["a".into()]));
        assert_eq!(found(&i, "cr"), None, "under three bytes: scan");
        assert_eq!(found(&i, "cred"), Some(vec!["a".into()]));
        assert_eq!(found(&i, "cre"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(found(&i, "cré"), Some(vec!["c".into()]));
        assert_eq!(found(&i, "dit "), Some(vec!["a".into(), "c".into()]));
        // Every trigram present, in different texts, and in one text but
        // not in a row: no match.
        assert_eq!(found(&i, "scoring for"), Some(vec![]));
        assert_eq!(found(&i, "modelcv"), Some(vec![]));
        assert_eq!(found(&i, "mod el"), Some(vec![]));
        assert_eq!(found(&i, "zzz"), Some(vec![]));
        // The whole text, and a needle repeating a trigram.
        assert_eq!(
            found(&i, "cv screening for recruiters"),
            Some(vec!["b".into()])
        );
        assert_eq!(found(&i, "ers"), Some(vec!["b".into()]));
    }

    #[test]
    fn more_matches_than_asked_for_is_left_to_a_scan() {
        let i = index();
        assert_eq!(i.find("r", 1), None);
        assert_eq!(i.find("dit", 2).map(|v| v.len()), Some(2));
        assert_eq!(i.find("dit", 1), None);
        let many = TextIndex::build(
            (0..=MOST_CANDIDATES).map(|n| (n.to_string(), format!("x{n} common"))),
        );
        assert_eq!(
            many.find("common", usize::MAX),
            None,
            "too common a trigram"
        );
        assert_eq!(many.find("x17 ", 5), Some(vec!["17".to_owned()]));
        let fewer =
            TextIndex::build((0..MOST_CANDIDATES).map(|n| (n.to_string(), format!("x{n} common"))));
        assert_eq!(
            fewer.find("common", usize::MAX).map(|v| v.len()),
            Some(MOST_CANDIDATES)
        );
    }

    #[test]
    fn an_index_edited_over_and_over_stays_the_size_of_what_it_holds() {
        let mut i = index();
        for n in 0..10_000 {
            i.put("a".into(), format!("credit model version {n}"));
        }
        i.remove("c");
        assert!(i.ids.len() <= 2 * 3 + SLACK_SLOTS, "{} slots", i.ids.len());
        assert_eq!(found(&i, "version 9999"), Some(vec!["a".into()]));
        assert_eq!(found(&i, "version 9998"), Some(vec![]));
        assert_eq!(found(&i, "recruiters"), Some(vec!["b".into()]));
        assert_eq!(found(&i, "agricole"), Some(vec![]));
        assert!(i.text_bytes() < 100 * (SLACK_SLOTS + 3));
    }

    #[test]
    fn replaced_and_removed_texts_are_no_longer_found() {
        let mut i = index();
        i.put("a".into(), "fraud detection".into());
        assert_eq!(found(&i, "scoring"), Some(vec![]));
        assert_eq!(found(&i, "fraud"), Some(vec!["a".into()]));
        i.remove("b");
        assert_eq!(found(&i, "screening"), Some(vec![]));
        i.remove("nobody");
        i.put("b".into(), "cv screening again".into());
        assert_eq!(found(&i, "screening"), Some(vec!["b".into()]));
        assert_eq!(
            i.text_bytes(),
            [
                "credit scoring model",
                "cv screening for recruiters",
                "spam filter, crédit agricole",
                "fraud detection",
                "cv screening again"
            ]
            .iter()
            .map(|t| t.len())
            .sum::<usize>()
        );
    }
}
