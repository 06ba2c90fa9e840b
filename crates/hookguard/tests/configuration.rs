//! Configurations read by hand (`contract::settings`), held to serde's derived readers: the
//! crate's `Deserialize` impls, which read configurations before and still serve Rust code that
//! embeds them. On generated configurations, right and wrong, both read the same settings or
//! both refuse; a refusal names the setting and never quotes a value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hookguard::gate::{GateConfig, QuarantinePolicy, SignaturePolicy};
use hookguard::{GateError, Options, ProblemShape};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The settings beside the options, as the derived readers read them.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DerivedSettings {
    normalize: bool,
    allowed_events: Option<Vec<String>>,
    signature: Option<SignaturePolicy>,
    problem: ProblemShape,
    quarantine: Option<QuarantinePolicy>,
}

impl Default for DerivedSettings {
    fn default() -> DerivedSettings {
        let config = GateConfig::default();
        DerivedSettings {
            normalize: config.normalize,
            allowed_events: config.allowed_events,
            signature: config.signature,
            problem: config.problem,
            quarantine: config.quarantine,
        }
    }
}

/// The configuration as serde's derived readers read it (`None`: refused).
fn derived(members: &Map<String, Value>) -> Option<GateConfig> {
    let (options, settings): (Map<String, Value>, Map<String, Value>) = members
        .clone()
        .into_iter()
        .partition(|(name, _)| Options::NAMES.contains(&name.as_str()));
    let options: Options = serde_json::from_value(Value::Object(options)).ok()?;
    let settings: DerivedSettings = serde_json::from_value(Value::Object(settings)).ok()?;
    Some(GateConfig {
        options,
        normalize: settings.normalize,
        allowed_events: settings.allowed_events,
        signature: settings.signature,
        problem: settings.problem,
        quarantine: settings.quarantine,
    })
}

/// A secret-looking string no message may repeat.
const MARKER: &str = "whsec_do_not_log";

/// Values of every kind, the ones settings take and the ones they refuse.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0_u64..2_000_000).prop_map(Value::from),
        (-50_i64..0).prop_map(Value::from),
        Just(json!(2.5)),
        Just(json!(3.0)),
        Just(json!(MARKER)),
        prop::sample::select(vec![
            "acknowledge",
            "reject",
            "pass",
            "refuse",
            "accept",
            "process",
            "book.verified",
            ""
        ])
        .prop_map(Value::from),
        Just(json!([MARKER, "other"])),
        Just(json!(["book.verified", 7])),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// The names an object of settings has: its default's, serialized (the readers' own lists are
/// not restated here).
fn names_of(default: impl serde::Serialize) -> Vec<String> {
    let Value::Object(members) = serde_json::to_value(default).unwrap() else {
        panic!("settings serialize as an object")
    };
    members.keys().cloned().collect()
}

/// An object of some of `names` (and now and then a name it does not have), each with a value
/// of any kind, or for `nested` names an object of their own.
fn object_of(
    names: Vec<String>,
    nested: Vec<(&'static str, BoxedStrategy<Value>)>,
) -> BoxedStrategy<Value> {
    let plain = prop::collection::vec((prop::sample::select(names), any_value()), 0..6);
    let stray = prop::option::weighted(
        0.1,
        prop::sample::select(vec!["tolerance_sec", "maxBytes", "unknown"]),
    );
    let nested: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = nested
        .into_iter()
        .map(|(name, value)| {
            prop::option::weighted(0.5, value.prop_map(move |value| (name, value))).boxed()
        })
        .collect();
    (plain, stray, nested)
        .prop_map(|(plain, stray, nested)| {
            let mut members = Map::new();
            for (name, value) in plain {
                members.insert(name, value);
            }
            for (name, value) in nested.into_iter().flatten() {
                members.insert(name.to_owned(), value);
            }
            if let Some(name) = stray {
                members.insert(name.to_owned(), json!(1));
            }
            Value::Object(members)
        })
        .boxed()
}

fn configuration() -> BoxedStrategy<Value> {
    let signature = object_of(names_of(SignaturePolicy::default()), Vec::new());
    let problem = object_of(names_of(ProblemShape::default()), Vec::new());
    let quarantine = object_of(
        names_of(QuarantinePolicy {
            directory: Some(String::new()),
            ..QuarantinePolicy::default()
        }),
        Vec::new(),
    );
    // The top level's own names, the nested objects apart.
    let top: Vec<String> = names_of(GateConfig::default())
        .into_iter()
        .filter(|name| name != "problem")
        .chain(["allowed_events".to_owned(), "overlay".to_owned()])
        .collect();
    object_of(
        top,
        vec![
            ("signature", signature),
            ("problem", problem),
            ("quarantine", quarantine),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn read_by_hand_as_the_derived_readers_read(config in configuration()) {
        let Value::Object(members) = config else { unreachable!() };
        let by_hand = GateConfig::from_members(members.clone(), &[]);
        // Unknown top-level names are refused before either reader runs.
        if members.keys().any(|name| !GateConfig::NAMES.contains(&name.as_str())) {
            let refused_as_unknown = matches!(by_hand, Err(GateError::UnknownOption { .. }));
            prop_assert!(refused_as_unknown);
            return Ok(());
        }
        match (by_hand, derived(&members)) {
            (Ok(read), Some(expected)) => prop_assert_eq!(read, expected),
            (Err(GateError::Syntax { message }), None) => {
                prop_assert!(!message.contains(MARKER), "{message}");
                prop_assert!(message.contains('`'), "names the setting: {message}");
            }
            (by_hand, derived) => prop_assert!(false, "by hand {by_hand:?}, derived {derived:?}"),
        }
    }
}

#[test]
fn a_signature_policy_alone_is_read_as_its_derived_reader_reads_it() {
    for (json, expected) in [
        (json!({}), Some(SignaturePolicy::default())),
        (
            json!({"secrets": ["a", "b"], "tolerance_seconds": 5, "on_replay": "pass"}),
            serde_json::from_value(
                json!({"secrets": ["a", "b"], "tolerance_seconds": 5, "on_replay": "pass"}),
            )
            .ok(),
        ),
        (json!({"secrets": MARKER}), None),
        (json!({"on_replay": "forward"}), None),
        (json!({"toleranceSeconds": 5}), None),
    ] {
        let Value::Object(members) = json.clone() else {
            unreachable!()
        };
        match (SignaturePolicy::from_members(members, &[]), expected) {
            (Ok(read), Some(expected)) => assert_eq!(read, expected, "{json}"),
            (Err(GateError::Syntax { message }), None) => {
                assert!(!message.contains(MARKER), "{message}")
            }
            (read, expected) => panic!("{json}: {read:?} against {expected:?}"),
        }
    }
}

#[test]
fn configuration_text_is_read_by_the_core_reader() {
    let read = |text: &str| GateConfig::from_json(text.as_bytes());
    assert_eq!(read("  \n").unwrap(), GateConfig::default());
    assert_eq!(
        read(r#"{"normalize": true, "problem": {"include_errors": false}}"#).unwrap(),
        GateConfig {
            normalize: true,
            problem: ProblemShape {
                include_errors: false,
                ..ProblemShape::default()
            },
            ..GateConfig::default()
        }
    );
    let refused = |text: &str| match read(text) {
        Err(GateError::Syntax { message }) => message,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(refused("[1]"), "the configuration must be a JSON object");
    // A repeated name would silently override the first: refused, as intake refuses it.
    let repeated = refused(r#"{"strict": true, "strict": false}"#);
    assert!(
        repeated.starts_with("the configuration is not valid JSON: "),
        "{repeated}"
    );
    assert!(repeated.contains("line 1"), "{repeated}");
    let broken = refused(&format!(r#"{{"signature": {{"secrets": ["{MARKER}"#));
    assert!(!broken.contains(MARKER), "{broken}");
}

#[test]
fn a_hosts_own_names_beside_a_signature_policy_are_left_to_it() {
    let members = |json: Value| {
        let Value::Object(members) = json else {
            unreachable!()
        };
        members
    };
    let read = SignaturePolicy::from_members(
        members(json!({"secrets": ["a"], "now": 5, "headers": []})),
        &["now", "headers"],
    )
    .unwrap();
    assert_eq!(read.secrets, ["a"]);
    match SignaturePolicy::from_members(members(json!({"nw": 5})), &["now", "headers"]) {
        Err(GateError::Syntax { message }) => {
            assert!(message.starts_with("unknown field `nw`"), "{message}");
            assert!(
                message.ends_with("`now`, `headers`"),
                "the host's names are listed: {message}"
            );
        }
        other => panic!("{other:?}"),
    }
}
