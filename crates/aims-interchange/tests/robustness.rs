//! The importers never panic: thousands of mutated and truncated variants of
//! the fixtures are fed to both readers and to `detect`.

// Helpers outside #[test] functions may fail loudly too: this is test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aims_interchange::cyclonedx::read_cyclonedx;
use aims_interchange::inventory::detect;
use aims_interchange::modelcard::read_model_card;
use common::testdata;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b": ",
    b"\n",
    b"\r\n",
    b"---\n",
    b"- ",
    b"  ",
    b"\t",
    b"*a",
    b"&a ",
    b"!tag ",
    b"<<: ",
    b"#",
    b"null",
    b"1e999",
    b"-0",
    b"99999999999999999999999",
    b"\\u",
    b"\\uD83E",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"model-index",
    b"\"components\"",
    b"\"modelCard\"",
    b"\"type\": \"data\"",
    b"\"bom-ref\"",
    b"\"dependsOn\": [1]",
    b"results",
    b"metrics",
    b"dataset",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 => out.truncate(at),
            1 => {
                if let Some(b) = out.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            2 => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + rng.below(64)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            _ => {
                let byte = rng.next() as u8;
                out.insert(at, byte);
            }
        }
    }
    out
}

fn feed(name: &str, bytes: &[u8]) {
    let _ = detect(name, bytes);
    let _ = read_model_card(name, bytes);
    let _ = read_cyclonedx(name, bytes);
}

#[test]
fn mutated_model_cards_never_panic() {
    let names = [
        "sample_simple.md",
        "sample_simple_model_index.md",
        "sample_invalid_model_index.md",
        "sample_windows_line_breaks.md",
        "sample_no_metadata.md",
        "sample_invalid_card_data.md",
        "hub-docs_modelcard.md",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut variants = 0;
    for name in names {
        let original = testdata(&format!("modelcards/{name}"));
        for len in 0..original.len().min(400) {
            feed(name, &original[..len]);
            variants += 1;
        }
        for _ in 0..600 {
            feed(name, &mutate(&mut rng, &original));
            variants += 1;
        }
    }
    assert!(variants > 5000, "{variants}");
}

#[test]
fn mutated_boms_never_panic() {
    // The official file without its 90 kB image, so that each variant is cheap.
    let mut official: serde_json::Value =
        serde_json::from_slice(&testdata("cyclonedx/valid-machine-learning-1.6.json")).unwrap();
    official["components"][0]["modelCard"]["quantitativeAnalysis"]
        .as_object_mut()
        .unwrap()
        .remove("graphics");
    let small = serde_json::to_vec_pretty(&official).unwrap();
    let full = testdata("cyclonedx/valid-machine-learning-1.6.json");
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for len in (0..small.len()).step_by(3) {
        feed("bom.json", &small[..len]);
    }
    for _ in 0..3000 {
        feed("bom.json", &mutate(&mut rng, &small));
    }
    for _ in 0..50 {
        feed("bom.json", &mutate(&mut rng, &full));
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        feed("x", &bytes);
        let mut front = b"---\n".to_vec();
        front.extend(&bytes);
        front.extend(b"\n---\n");
        feed("x.md", &front);
    }
}
