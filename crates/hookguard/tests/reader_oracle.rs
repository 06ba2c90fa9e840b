//! The one reader of request bodies held to its oracle: strict intake as serde_json and a
//! visitor read bodies before hookguard had its own reader. Every body of the corpora, and
//! hundreds of thousands of broken ones made from them, get the same tree or the same refusal
//! (code, message, pointer, line, column) from both.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use hookguard::intake::{self, IntakeLimits};
use hookguard::oracle;
use proptest::prelude::*;

fn limits(max_depth: usize) -> IntakeLimits {
    IntakeLimits {
        max_bytes: 8 << 20,
        max_depth,
    }
}

/// Every body of the corpora: the fixtures, the hostile corpus, each delivery of the captures
/// and of the drift capture. (Not the fuzzers' corpus: it grows on the machine that fuzzes and
/// is not committed; the `intake` fuzz target holds the reader to the oracle on it.)
fn corpus() -> Vec<Vec<u8>> {
    let root = common::repo_root();
    let mut bodies = common::every_body();
    for capture in [
        "tests/fixtures/captures/ocrolus-deliveries.ndjson",
        "tests/fixtures/drift/capture.ndjson",
    ] {
        let text = std::fs::read(root.join(capture)).unwrap();
        bodies.extend(text.split(|&b| b == b'\n').map(<[u8]>::to_vec));
    }
    bodies
}

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(160)]).into_owned()
}

fn assert_agree(body: &[u8], max_depth: usize) {
    let ours = intake::parse(body, limits(max_depth));
    let oracle = oracle::intake::parse(body, limits(max_depth));
    assert_eq!(ours, oracle, "max_depth {max_depth}: {}", excerpt(body));
    assert_eq!(
        intake::check(body, limits(max_depth)),
        ours.map(drop),
        "check and parse disagree: {}",
        excerpt(body)
    );
}

#[test]
fn every_body_of_the_corpora_reads_as_the_oracle_reads_it() {
    let bodies = corpus();
    assert!(bodies.len() > 300, "only {} bodies", bodies.len());
    let mut refused = 0;
    for body in &bodies {
        for max_depth in [1, 2, 3, 32] {
            assert_agree(body, max_depth);
        }
        refused += usize::from(intake::check(body, limits(32)).is_err());
    }
    assert!(refused >= 50, "only {refused} refused bodies");
}

#[test]
fn a_duplicate_name_is_refused_at_its_opening_quote_wherever_the_next_token_is() {
    // Found by the intake fuzz target: after a duplicate name, whitespace ending a line and the
    // next token (here another name) once moved the position to the duplicate's closing quote.
    for after in ["\n\"x\"", ":1}", " \n:1}", "\n}", "}", "\r\n  \"y\":2}"] {
        let body = format!("{{\"a\":1,\"a\"{after}");
        let refusal = intake::check(body.as_bytes(), limits(32)).unwrap_err();
        assert_eq!(
            refusal.kind,
            intake::IntakeErrorKind::DuplicateKey,
            "{body:?}"
        );
        assert_eq!(refusal.position.unwrap().offset, 7, "{body:?}");
        assert_eq!(refusal.instance_location, "/a");
        assert_agree(body.as_bytes(), 32);
    }
}

#[test]
fn every_cut_of_every_fixture_is_refused_where_the_oracle_refuses_it() {
    // Each prefix ends inside some token: every "unexpected end" and every half-read escape.
    for path in ["seeds", "intake", "numbers"]
        .into_iter()
        .flat_map(common::fixtures)
    {
        let body = common::read(&path);
        for end in 0..body.len() {
            assert_agree(&body[..end], 32);
        }
    }
}

/// Bytes that make JSON interesting: structure, escapes, number parts, literals' letters,
/// whitespace, control characters, bytes that are not UTF-8.
const ALPHABET: &[u8] =
    b"{}[],:\"\\/ubfnrt0123456789-+.eEalsxDd \t\n\r\x00\x1f\x7f\xc3\xa9\xff\xed\xa0\x80";

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    Duplicate(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop::sample::select(ALPHABET);
    prop::collection::vec(
        prop_oneof![
            any::<usize>().prop_map(Edit::Delete),
            (any::<usize>(), byte.clone()).prop_map(|(at, b)| Edit::Insert(at, b)),
            (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
            (any::<usize>(), 1..40usize).prop_map(|(at, len)| Edit::Duplicate(at, len)),
        ],
        1..4,
    )
}

fn apply(body: &mut Vec<u8>, edits: &[Edit]) {
    for edit in edits {
        let len = body.len().max(1);
        match *edit {
            Edit::Delete(at) if !body.is_empty() => {
                body.remove(at % body.len());
            }
            Edit::Delete(_) => {}
            Edit::Insert(at, byte) => body.insert(at % (body.len() + 1), byte),
            Edit::Replace(at, byte) if !body.is_empty() => body[at % len] = byte,
            Edit::Replace(..) => {}
            Edit::Duplicate(at, span) if !body.is_empty() => {
                let start = at % body.len();
                let end = (start + span).min(body.len());
                let copy = body[start..end].to_vec();
                body.splice(end..end, copy);
            }
            Edit::Duplicate(..) => {}
        }
    }
}

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        corpus()
            .into_iter()
            .filter(|body| body.len() < 4096)
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn broken_bodies_read_as_the_oracle_reads_them(
        seed in any::<prop::sample::Index>(),
        edits in edits(),
        max_depth in prop::sample::select(&[1usize, 2, 3, 5, 32][..]),
    ) {
        let seeds = seeds();
        let mut body = seeds[seed.index(seeds.len())].clone();
        apply(&mut body, &edits);
        assert_agree(&body, max_depth);
    }

    #[test]
    fn bodies_of_json_bytes_read_as_the_oracle_reads_them(
        body in prop::collection::vec(prop::sample::select(ALPHABET), 0..40),
        max_depth in prop::sample::select(&[1usize, 2, 32][..]),
    ) {
        let mut framed = b"{\"a\":".to_vec();
        framed.extend_from_slice(&body);
        assert_agree(&framed, max_depth);
        assert_agree(&body, max_depth);
    }
}
