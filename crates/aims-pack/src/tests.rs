use super::*;
use aims_domain::history::{NewEvent, GENESIS_HASH};
use std::io::Cursor;

const SEED: [u8; 32] = [7; 32];

fn event(seq: i64, prev: &str, ws: &str) -> Event {
    NewEvent {
        id: format!("e{seq}"),
        at: "2026-11-27T00:00:00.000000Z".into(),
        actor: "system".into(),
        actor_label: "aims".into(),
        workspace_id: ws.into(),
        action: "create".into(),
        record_type: "risk".into(),
        record_id: format!("r{seq}"),
        change: "{}".into(),
    }
    .link(seq, prev)
}

use aims_domain::history::Event;

/// A chain of `n` events alternating between workspaces `w` and `x`.
fn chain(n: i64) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for seq in 1..=n {
        let prev = out
            .last()
            .map_or(GENESIS_HASH.to_owned(), |e| e.hash.clone());
        out.push(event(seq, &prev, if seq % 2 == 1 { "w" } else { "x" }));
    }
    out
}

fn jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        out.extend(serde_json::to_vec(&HistoryLine::of(e.clone(), "w")).unwrap());
        out.push(b'\n');
    }
    out
}

fn head_of(events: &[Event]) -> HistoryHead {
    HistoryHead {
        first_seq: events[0].seq,
        head_seq: events.last().unwrap().seq,
        head_hash: events.last().unwrap().hash.clone(),
    }
}

fn manifest(history: HistoryHead) -> Manifest {
    Manifest {
        format: String::new(),
        workspace: "w".into(),
        workspace_name: "W".into(),
        created_at: "2026-11-27T00:00:00Z".into(),
        from: None,
        to: None,
        controls: vec![],
        history,
        files: vec![],
    }
}

/// A pack of two files and the history.
fn pack() -> Vec<u8> {
    let events = chain(5);
    let mut w = PackWriter::new(Cursor::new(Vec::new()));
    w.add("records/risks.json", &mut &b"[1,2,3]"[..], true)
        .unwrap();
    w.add(
        "evidence/A.6.2.4/e1/report.pdf",
        &mut &b"%PDF-1.7 evidence"[..],
        false,
    )
    .unwrap();
    w.add(HISTORY, &mut &jsonl(&events)[..], true).unwrap();
    let (out, m) = w
        .finish(manifest(head_of(&events)), &signing_key(&SEED))
        .unwrap();
    assert_eq!(m.format, FORMAT);
    assert_eq!(m.files.len(), 3);
    out.into_inner()
}

/// The pack rewritten with `change` applied to each entry's name and content.
fn rewrite(pack: &[u8], change: impl Fn(&str, Vec<u8>) -> Option<(String, Vec<u8>)>) -> Vec<u8> {
    let mut zip = ZipArchive::new(Cursor::new(pack)).unwrap();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().into_owned();
        let mut content = Vec::new();
        e.read_to_end(&mut content).unwrap();
        if let Some((name, content)) = change(&name, content) {
            out.start_file(name, SimpleFileOptions::default()).unwrap();
            out.write_all(&content).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn an_unaltered_pack_verifies_with_its_own_key_and_the_one_printed() {
    let p = pack();
    let v = verify(Cursor::new(&p), None).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert!(v.key_from_pack);
    assert_eq!(v.files_checked, 3);
    assert_eq!(v.bytes_checked, 7 + 17 + jsonl(&chain(5)).len() as u64);
    let v = verify(Cursor::new(&p), Some(&public_key_hex(&SEED))).unwrap();
    assert!(v.ok() && !v.key_from_pack, "{:?}", v.problems);
}

#[test]
fn one_byte_changed_names_the_file() {
    let p = rewrite(&pack(), |name, mut c| {
        if name.ends_with("report.pdf") {
            c[0] ^= 1;
        }
        Some((name.to_owned(), c))
    });
    let v = verify(Cursor::new(&p), None).unwrap();
    assert_eq!(
        v.problems,
        vec![Problem::Altered("evidence/A.6.2.4/e1/report.pdf".into())]
    );
    assert_eq!(
        v.problems[0].to_string(),
        "altered: evidence/A.6.2.4/e1/report.pdf"
    );
}

#[test]
fn added_and_missing_files_are_named() {
    let p = rewrite(&pack(), |name, c| match name {
        "records/risks.json" => None,
        "evidence/A.6.2.4/e1/report.pdf" => Some(("evidence/extra.txt".into(), c)),
        _ => Some((name.to_owned(), c)),
    });
    let v = verify(Cursor::new(&p), None).unwrap();
    assert!(v
        .problems
        .contains(&Problem::Added("evidence/extra.txt".into())));
    assert!(v
        .problems
        .contains(&Problem::Missing("records/risks.json".into())));
    assert!(v
        .problems
        .contains(&Problem::Missing("evidence/A.6.2.4/e1/report.pdf".into())));
    assert_eq!(v.problems.len(), 3, "{:?}", v.problems);
}

#[test]
fn the_wrong_key_or_a_changed_manifest_fails_the_signature() {
    let p = pack();
    let other = public_key_hex(&[8; 32]);
    let v = verify(Cursor::new(&p), Some(&other)).unwrap();
    assert!(
        matches!(v.problems.as_slice(), [Problem::Signature(_)]),
        "{:?}",
        v.problems
    );
    let v = verify(Cursor::new(&p), Some("not a key")).unwrap();
    assert!(matches!(v.problems.as_slice(), [Problem::Signature(_)]));
    // A manifest edited to match an altered file no longer matches its signature.
    let p = rewrite(&p, |name, c| {
        let c = if name == MANIFEST {
            String::from_utf8(c)
                .unwrap()
                .replace("\"W\"", "\"V\"")
                .into_bytes()
        } else {
            c
        };
        Some((name.to_owned(), c))
    });
    let v = verify(Cursor::new(&p), None).unwrap();
    assert!(
        matches!(v.problems.as_slice(), [Problem::Signature(_)]),
        "{:?}",
        v.problems
    );
}

#[test]
fn a_file_that_is_not_a_pack_is_an_error() {
    assert!(verify(Cursor::new(b"hello".to_vec()), None).is_err());
    let p = rewrite(&pack(), |name, c| {
        (name != MANIFEST).then(|| (name.to_owned(), c))
    });
    assert!(verify(Cursor::new(&p), None)
        .unwrap_err()
        .contains("manifest.json"));
}

#[test]
fn unsafe_paths_are_refused() {
    for bad in [
        "",
        "/etc/passwd",
        "a/../b",
        "a//b",
        "./a",
        "a\\b",
        "a\u{0}b",
        MANIFEST,
        SIGNATURE,
    ] {
        let mut w = PackWriter::new(Cursor::new(Vec::new()));
        assert!(w.add(bad, &mut &b""[..], true).is_err(), "{bad:?}");
    }
    let mut w = PackWriter::new(Cursor::new(Vec::new()));
    w.add("a/b.txt", &mut &b"x"[..], true).unwrap();
    assert!(w.add("a/b.txt", &mut &b"y"[..], true).is_err(), "twice");
    assert!(is_safe_path(&"a".repeat(512)) && !is_safe_path(&"a".repeat(513)));
}

#[test]
fn the_history_chain_is_followed_to_the_head() {
    let events = chain(6);
    let head = head_of(&events);
    assert_eq!(check_history(&jsonl(&events), &head), Ok(6));
    // Other workspaces' events are links only.
    let text = String::from_utf8(jsonl(&events)).unwrap();
    assert_eq!(text.matches("\"record_id\"").count(), 3);
    // An event's content altered.
    let mut altered = events.clone();
    altered[2].change = "{\"x\":1}".into();
    assert!(check_history(&jsonl(&altered), &head)
        .unwrap_err()
        .contains("event 3 was altered"));
    // An event removed.
    let mut gap = events.clone();
    gap.remove(3);
    assert!(check_history(&jsonl(&gap), &head)
        .unwrap_err()
        .contains("event 3 is followed by event 5"));
    // A link broken.
    let mut broken = events.clone();
    broken[4].prev_hash = GENESIS_HASH.into();
    broken[4].hash = event_hash_of(&broken[4]);
    assert!(check_history(&jsonl(&broken), &head)
        .unwrap_err()
        .contains("event 5 does not link"));
    // Cut short, or starting elsewhere.
    assert!(check_history(&jsonl(&events[..5]), &head)
        .unwrap_err()
        .contains("ends at event 5"));
    assert!(check_history(&jsonl(&events[1..]), &head)
        .unwrap_err()
        .contains("starts at event 2"));
    let wrong_head = HistoryHead {
        head_hash: "00".into(),
        ..head.clone()
    };
    assert!(check_history(&jsonl(&events), &wrong_head).is_err());
    assert_eq!(check_history(b"", &HistoryHead::default()), Ok(0));
    assert!(check_history(b"", &head).is_err());
    assert!(check_history(b"{not json}\n", &head)
        .unwrap_err()
        .contains("line 1"));
}

fn event_hash_of(e: &Event) -> String {
    aims_domain::history::event_hash(e)
}

#[test]
fn a_file_added_under_its_known_digest_verifies_and_a_wrong_digest_is_caught() {
    use sha2::Digest;
    let content = b"%PDF-1.7 evidence";
    let digest = hex::encode(sha2::Sha256::digest(content));
    let events = chain(2);
    let build = |claimed: &str| {
        let mut w = PackWriter::new(Cursor::new(Vec::new()));
        let size = w
            .add_known("evidence/A.6.2.4/e1/report.pdf", &mut &content[..], claimed)
            .unwrap();
        assert_eq!(size, content.len() as u64);
        assert_eq!(w.files()[0].sha256, claimed.to_ascii_lowercase());
        w.add(HISTORY, &mut &jsonl(&events)[..], true).unwrap();
        let (out, _) = w
            .finish(manifest(head_of(&events)), &signing_key(&SEED))
            .unwrap();
        out.into_inner()
    };
    let v = verify(Cursor::new(build(&digest.to_ascii_uppercase())), None).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    // A stored file whose content is not what its name says is reported altered.
    let wrong = "0".repeat(64);
    let v = verify(Cursor::new(build(&wrong)), None).unwrap();
    assert_eq!(
        v.problems,
        vec![Problem::Altered("evidence/A.6.2.4/e1/report.pdf".into())]
    );
    let mut w = PackWriter::new(Cursor::new(Vec::new()));
    for bad in ["", "abc", &"g".repeat(64), &"0".repeat(65)] {
        assert!(
            w.add_known("a.bin", &mut &b"x"[..], bad).is_err(),
            "{bad:?}"
        );
    }
    assert!(w.add_known("../a.bin", &mut &b"x"[..], &digest).is_err());
}
