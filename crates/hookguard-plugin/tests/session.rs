//! The ABI logic, natively: buffers are honoured only inside live allocations, and results
//! are the core's reports.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use hookguard_plugin::{MAX_ALLOCATION, Session, status};

fn write(session: &mut Session, bytes: &[u8]) -> usize {
    let address = session.alloc(bytes.len()).unwrap();
    session.buffer_mut(address).unwrap()[..bytes.len()].copy_from_slice(bytes);
    address
}

#[test]
fn a_body_in_a_live_allocation_is_validated_like_the_core_does() {
    let mut session = Session::new();
    let body = br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let address = write(&mut session, body);
    assert_eq!(session.validate(address, body.len(), true), status::OK);
    let report: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(report["delivery"], "test");
    let expected = hookguard::Validator::new(hookguard::Options::default())
        .unwrap()
        .normalize(body)
        .to_json();
    assert_eq!(session.result(), expected.as_bytes());
}

#[test]
fn ranges_outside_live_allocations_are_refused() {
    let mut session = Session::new();
    let address = write(&mut session, b"{}");
    for (start, len) in [
        (0, 1),
        (address, 3),
        (address + 1, 2),
        (address - 1, 1),
        (usize::MAX, 2),
        (address, usize::MAX),
    ] {
        assert_eq!(
            session.validate(start, len, false),
            status::BAD_BUFFER,
            "{start}+{len}"
        );
    }
    // A sub-range of a live allocation is fine (here: the empty body `{` alone is invalid JSON).
    assert_eq!(session.validate(address, 1, false), status::INVALID);
    assert_eq!(
        session.free(address, 1),
        status::UNKNOWN_ALLOCATION,
        "wrong length"
    );
    assert_eq!(session.free(address, 2), status::OK);
    assert_eq!(
        session.free(address, 2),
        status::UNKNOWN_ALLOCATION,
        "double free"
    );
    assert_eq!(
        session.validate(address, 2, false),
        status::BAD_BUFFER,
        "use after free"
    );
    assert_eq!(session.alloc(MAX_ALLOCATION + 1), None);
}

#[test]
fn options_are_refused_whole_and_keep_the_previous_ones() {
    let mut session = Session::new();
    let body = br#"{"event_name":"BOOK_VERIFIED","status":"BOOK_COMPLETE","book_pk":1,"book_uuid":"35ef4501-b93d-4ce2-b766-b670a057c0fb","extra":1}"#;
    let body_at = write(&mut session, body);
    assert_eq!(session.validate(body_at, body.len(), false), status::OK);
    let strict = write(&mut session, br#"{"strict": true}"#);
    assert_eq!(session.configure(strict, 16), status::OK);
    assert_eq!(
        session.validate(body_at, body.len(), false),
        status::INVALID
    );
    let typo = write(&mut session, br#"{"strikt": false}"#);
    assert_eq!(session.configure(typo, 17), status::BAD_OPTIONS);
    assert!(String::from_utf8_lossy(session.result()).contains("strikt"));
    assert_eq!(
        session.validate(body_at, body.len(), false),
        status::INVALID,
        "still strict"
    );
}

#[test]
fn signatures_are_verified_like_the_core_does_and_secrets_never_come_back() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/signatures/vectors.json"
    );
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut session = Session::new();
    for case in vectors["cases"].as_array().unwrap() {
        let secrets: Vec<&serde_json::Value> = case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| &vectors["secrets"][name.as_str().unwrap()])
            .collect();
        // Every header field as sent, repeats included.
        let mut fields: Vec<serde_json::Value> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| serde_json::json!([name, value]))
            .collect();
        fields.extend(
            case["extra_headers"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        let request = serde_json::json!({
            "secrets": secrets,
            "tolerance_seconds": vectors["tolerance_seconds"],
            "now": vectors["now"],
            "headers": fields,
        })
        .to_string();
        // Request and body in one allocation, as the command line passes them.
        let mut both = request.clone().into_bytes();
        both.extend_from_slice(case["body"].as_str().unwrap().as_bytes());
        let address = write(&mut session, &both);
        let code = session.verify(
            (address, request.len()),
            (address + request.len(), both.len() - request.len()),
        );
        let verdict: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        let expected = &case["expected"]["code"];
        assert_eq!(&verdict["code"], expected, "{}", case["name"]);
        assert_eq!(
            code,
            if expected.is_null() {
                status::OK
            } else {
                status::INVALID
            }
        );
        for secret in &secrets {
            let secret = secret.as_str().unwrap();
            assert!(!String::from_utf8_lossy(session.result()).contains(secret));
        }
    }
    let bad = write(&mut session, br#"{"secrets": "oops-a-secret", "now": 0}"#);
    assert_eq!(session.verify((bad, 38), (bad, 0)), status::BAD_OPTIONS);
    assert!(!String::from_utf8_lossy(session.result()).contains("oops"));
}

#[test]
fn admit_gives_the_gates_whole_conclusion_with_the_cores_problem_document() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/signatures/vectors.json"
    );
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let secret = vectors["secrets"]["current"].as_str().unwrap();
    let mut session = Session::new();
    // Copies of a delivered id refused (the vectors' `replayed`); the default acknowledges
    // them, which the core's delivery contract test holds.
    let config =
        serde_json::json!({"signature": {"secrets": [secret], "on_replay": "reject"}}).to_string();
    let at = write(&mut session, config.as_bytes());
    assert_eq!(session.configure(at, config.len()), status::OK);
    let gate = hookguard::Gate::new(serde_json::from_str(&config).unwrap()).unwrap();
    let mut memory = hookguard::gate::InProcessMemory::default();
    let now = vectors["now"].as_i64().unwrap();

    let mut replays = 0;
    for case in vectors["cases"].as_array().unwrap() {
        if case["secrets"] != serde_json::json!(["current"]) {
            continue;
        }
        let mut fields: Vec<(String, String)> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
            .collect();
        for field in case["extra_headers"].as_array().into_iter().flatten() {
            fields.push((
                field[0].as_str().unwrap().to_owned(),
                field[1].as_str().unwrap().to_owned(),
            ));
        }
        let body = case["body"].as_str().unwrap().as_bytes();
        let request = serde_json::json!({"now": vectors["now"], "headers": fields}).to_string();
        let request_at = write(&mut session, request.as_bytes());
        let body_at = write(&mut session, body);
        let code = session.admit((request_at, request.len()), (body_at, body.len()));
        let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();

        // The same conclusion as the core's gate reaches natively, problem bytes included.
        let headers = hookguard::signature::DeliveryHeaders::from_pairs(
            fields
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
        );
        let Ok(expected) = gate.admit(
            &headers,
            body,
            vectors["now"].as_i64().unwrap(),
            &mut memory,
            None,
        );
        let answer = expected.answer();
        let name = case["name"].as_str().unwrap();
        assert_eq!(admission["verdict"], answer.verdict.label(), "{name}");
        assert_eq!(admission["status"], answer.status(), "{name}");
        assert_eq!(code == status::OK, answer.verdict.passes(), "{name}");
        if answer.verdict.passes() {
            assert!(admission.get("problem").is_none(), "{name}");
        } else {
            let problem: serde_json::Value =
                serde_json::from_slice(&answer.problem_json(&hookguard::ProblemShape::default()))
                    .unwrap();
            assert_eq!(admission["problem"], problem, "{name}");
        }
        // A delivery let through holds a claim; the service takes it, and both memories are
        // told so.
        if let Some(ticket) = expected.ticket() {
            assert_eq!(
                admission["ticket"]["request_id"],
                ticket.request_id.as_str()
            );
            let settle = serde_json::json!({"now": now, "ticket": admission["ticket"],
                "outcome": "delivered"})
            .to_string();
            let settle_at = write(&mut session, settle.as_bytes());
            assert_eq!(
                session.settle(settle_at, settle.len()),
                status::OK,
                "{name}"
            );
            let Ok(()) = gate.settle(
                ticket,
                hookguard::gate::Outcome::Delivered,
                now,
                &mut memory,
            );
        }
        if case["expected"]["replayed"] == true {
            replays += 1;
            assert_eq!(admission["verdict"], "replayed", "{name}");
            assert_eq!(admission["problem"]["status"], 409, "{name}");
        }
        assert!(!String::from_utf8_lossy(session.result()).contains(secret));
    }
    assert!(replays > 0, "the vectors hold replays");

    // Without the instance's memory, the same delivery again is not a replay here (the host
    // looks for replays itself).
    let request = br#"{"now": 0, "headers": [], "remember": false}"#;
    let at = write(&mut session, request);
    let body = write(&mut session, b"{}");
    assert_eq!(
        session.admit((at, request.len()), (body, 2)),
        status::INVALID
    );
    let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(admission["verdict"], "signature_invalid");
    assert_eq!(
        admission["problem"]["errors"][0]["code"],
        "signature_missing_header"
    );

    let unknown = br#"{"now": 0, "remembered": true}"#;
    let at = write(&mut session, unknown);
    assert_eq!(
        session.admit((at, unknown.len()), (body, 2)),
        status::BAD_OPTIONS
    );
}

#[test]
fn answer_gives_the_last_reports_answer_without_checking_again() {
    let mut session = Session::new();
    assert_eq!(
        session.answer(),
        status::BAD_OPTIONS,
        "nothing validated yet"
    );
    let gate = hookguard::Gate::new(hookguard::GateConfig::default()).unwrap();
    for body in [
        &br#"{"event_name": "book.verified", "book_pk": "1"}"#[..],
        br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#,
        b"{\"a\": 1, \"a\": 2}",
    ] {
        let at = write(&mut session, body);
        let validated = session.validate(at, body.len(), false);
        let answered = session.answer();
        assert_eq!(answered, validated, "the status follows the verdict");
        let answer: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        // What the gate concludes on the same body, through hookguard_admit's path.
        let Ok(admission) = gate.admit(
            &hookguard::signature::DeliveryHeaders::default(),
            body,
            0,
            &mut hookguard::gate::NoMemory,
            None,
        );
        let expected = admission.answer();
        assert_eq!(answer["verdict"], expected.verdict.label());
        assert_eq!(answer["status"], expected.status());
        match answer.get("problem") {
            None => assert!(expected.verdict.passes()),
            Some(problem) => assert_eq!(
                problem,
                &serde_json::from_slice::<serde_json::Value>(
                    &expected.problem_json(&hookguard::ProblemShape::default())
                )
                .unwrap()
            ),
        }
    }
}

#[test]
fn observe_gives_the_cores_observation_under_the_configured_limits() {
    let mut session = Session::new();
    let body = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "book_name": "x"}"#;
    let at = write(&mut session, body);
    assert_eq!(session.observe(at, body.len()), status::OK);
    let observation: hookguard::survey::Observation =
        serde_json::from_slice(session.result()).unwrap();
    assert_eq!(
        observation,
        hookguard::survey::Surveyor::new().observe(body, &hookguard::Options::default())
    );
    assert!(observation.undeclared.contains_key("/book_name"));
    // Under a smaller limit the same body is unreadable, as validation would say.
    let config = br#"{"max_bytes": 16}"#;
    let config_at = write(&mut session, config);
    assert_eq!(session.configure(config_at, config.len()), status::OK);
    assert_eq!(session.observe(at, body.len()), status::OK);
    let observation: hookguard::survey::Observation =
        serde_json::from_slice(session.result()).unwrap();
    assert_eq!(observation.unreadable.as_deref(), Some("body_too_large"));
    assert_eq!(session.observe(at + 10_000_000, 4), status::BAD_BUFFER);
}

#[test]
fn observe_new_lists_only_the_declared_paths_the_session_has_not_listed() {
    let mut session = Session::new();
    let first = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "book_name": "x"}"#;
    let second = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 2, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "notification_type": "STATUS"}"#;
    let observed = |session: &mut Session, body: &[u8]| {
        let at = write(session, body);
        assert_eq!(session.observe_new(at, body.len()), status::OK);
        serde_json::from_slice::<hookguard::survey::Observation>(session.result()).unwrap()
    };
    let whole = |body: &[u8]| {
        hookguard::survey::Surveyor::new().observe(body, &hookguard::Options::default())
    };
    let one = observed(&mut session, first);
    assert_eq!(one, whole(first), "the first body lists every path");
    let two = observed(&mut session, second);
    let expected: std::collections::BTreeSet<String> = whole(second)
        .declared
        .difference(&whole(first).declared)
        .cloned()
        .collect();
    assert_eq!(two.declared, expected);
    assert_eq!(
        two.declared.iter().map(String::as_str).collect::<Vec<_>>(),
        ["/notification_type"]
    );
    assert_eq!(
        two.missing,
        whole(second).missing,
        "the rest is the whole observation"
    );
    assert!(observed(&mut session, first).declared.is_empty());
    // A new configuration starts the listing again.
    let config = br#"{"max_findings": 5}"#;
    let config_at = write(&mut session, config);
    assert_eq!(session.configure(config_at, config.len()), status::OK);
    assert_eq!(observed(&mut session, first), whole(first));
}

#[test]
fn screen_refuses_from_the_request_line_with_the_recorded_answers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let answers: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("tests/expected/answers.json")).unwrap())
            .unwrap();
    let mut session = Session::new();
    let screen = |session: &mut Session, request: &str| {
        let address = write(session, request.as_bytes());
        let code = session.screen(address, request.len());
        let text = String::from_utf8(session.result().to_vec()).unwrap();
        (
            code,
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            text,
        )
    };
    for (request, recorded) in [
        (
            r#"{"method":"GET","content_type":"application/json"}"#,
            "method_not_allowed",
        ),
        (
            r#"{"method":"POST","content_type":"text/plain"}"#,
            "unsupported_media_type",
        ),
        (r#"{"method":"POST"}"#, "unsupported_media_type"),
        (
            r#"{"method":"POST","content_type":"application/json","content_length":1048577}"#,
            "too_large",
        ),
    ] {
        let (code, result, text) = screen(&mut session, request);
        assert_eq!(code, status::INVALID, "{request}");
        let expected = &answers["requests"][recorded];
        assert_eq!(result["status"], expected["status"], "{request}");
        // The document as the core wrote it, byte for byte.
        let problem = expected["problem"].as_str().unwrap();
        assert!(
            text.contains(&format!("\"problem\":{problem},")),
            "{request}: {text}"
        );
        assert_eq!(result["headers"][0][0], "content-type");
    }
    let (code, result, _) = screen(
        &mut session,
        r#"{"method":"post","content_type":"application/json; charset=utf-8","content_length":10}"#,
    );
    assert_eq!((code, result), (status::OK, serde_json::json!({})));
    let (code, result, _) = screen(&mut session, r#"{"verb":"POST"}"#);
    assert_eq!(code, status::BAD_OPTIONS);
    assert!(result["error"].as_str().unwrap().starts_with("screen:"));
}

/// The problem document's bytes, taken by the place the session gives (as hosts read it from
/// the result slot).
fn problem_bytes(session: &Session) -> Option<Vec<u8>> {
    let (offset, length) = session.problem()?;
    Some(session.result()[offset..offset + length].to_vec())
}

#[test]
fn a_refusals_problem_document_is_found_by_its_place_byte_for_byte() {
    let answers: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/expected/answers.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut session = Session::new();
    // A screen's refusal: the recorded document and header fields, Allow on a 405 included.
    let request = br#"{"method": "GET", "content_type": "application/json"}"#;
    let at = write(&mut session, request);
    session.begin_call();
    assert_eq!(session.screen(at, request.len()), status::INVALID);
    let recorded = &answers["requests"]["method_not_allowed"];
    assert_eq!(
        problem_bytes(&session).unwrap(),
        recorded["problem"].as_str().unwrap().as_bytes()
    );
    let answer: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(answer["headers"], recorded["headers"]);
    // An admission's refusal, with a report after the document.
    let body = br#"{"event_name": "book.verified", "book_pk": "1"}"#;
    let request = br#"{"now": 0}"#;
    let (at, body_at) = (write(&mut session, request), write(&mut session, body));
    session.begin_call();
    assert_eq!(
        session.admit((at, request.len()), (body_at, body.len())),
        status::INVALID
    );
    let document: serde_json::Value =
        serde_json::from_slice(&problem_bytes(&session).unwrap()).unwrap();
    assert_eq!(document["status"], 400);
    // A valid delivery's result holds none; every call forgets the last place.
    let body = br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let body_at = write(&mut session, body);
    session.begin_call();
    assert_eq!(
        session.admit((at, request.len()), (body_at, body.len())),
        status::OK
    );
    assert_eq!(session.problem(), None);
}

#[test]
fn configure_says_how_much_of_a_body_to_read_and_options_describe_every_setting() {
    let mut session = Session::new();
    let config = br#"{"max_bytes": 100}"#;
    let at = write(&mut session, config);
    assert_eq!(session.configure(at, config.len()), status::OK);
    assert_eq!(session.result(), br#"{"max_bytes":100,"read_limit":101}"#);
    assert_eq!(session.options(), status::OK);
    let described: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(described, hookguard::GateConfig::describe());
}

#[test]
fn the_handler_failed_answer_and_a_settle_by_the_services_status() {
    let mut session = Session::new();
    session.begin_call();
    assert_eq!(session.handler_failed(), status::OK);
    let reply = hookguard::Reply::handler_failed();
    assert_eq!(problem_bytes(&session).unwrap(), reply.body);
    let answer: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(answer["status"], 500);
    assert_eq!(
        answer["headers"],
        serde_json::json!([["content-type", "application/problem+json"]])
    );

    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/signatures/vectors.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let signed = &vectors["cases"][0];
    assert_eq!(signed["name"], "signed");
    let config =
        serde_json::json!({"signature": {"secrets": [vectors["secrets"]["current"]]}}).to_string();
    let at = write(&mut session, config.as_bytes());
    assert_eq!(session.configure(at, config.len()), status::OK);
    let now = vectors["now"].as_i64().unwrap();
    let admit = |session: &mut Session| {
        let fields: Vec<(&String, &serde_json::Value)> =
            signed["headers"].as_object().unwrap().iter().collect();
        let request = serde_json::json!({"now": now, "headers": fields}).to_string();
        let body = signed["body"].as_str().unwrap().as_bytes();
        let (at, body_at) = (write(session, request.as_bytes()), write(session, body));
        let status = session.admit((at, request.len()), (body_at, body.len()));
        let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        (status, admission)
    };
    // The service fails (503): the retry passes; it succeeds (204): a copy is acknowledged
    // without passing. The core's outcome of each status decides.
    for (status_code, outcome, copy) in [
        (503, "failed", status::OK),
        (204, "delivered", status::INVALID),
    ] {
        let (admitted, admission) = admit(&mut session);
        assert_eq!(admitted, status::OK, "{admission}");
        let settle =
            serde_json::json!({"now": now, "ticket": admission["ticket"], "status": status_code})
                .to_string();
        let at = write(&mut session, settle.as_bytes());
        assert_eq!(session.settle(at, settle.len()), status::OK);
        assert_eq!(
            session.result(),
            format!(r#"{{"outcome":"{outcome}"}}"#).as_bytes()
        );
        if copy == status::INVALID {
            let (copied, admission) = admit(&mut session);
            assert_eq!(
                (copied, &admission["verdict"]),
                (copy, &serde_json::json!("duplicate"))
            );
        }
    }
    let both = br#"{"now": 0, "ticket": {"request_id": "r", "token": 1}, "outcome": "failed", "status": 200}"#;
    let at = write(&mut session, both);
    assert_eq!(session.settle(at, both.len()), status::BAD_OPTIONS);
}

#[test]
fn a_refused_delivery_to_keep_comes_with_its_entry_and_both_answers() {
    const DRIFTED: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
    let mut session = Session::new();
    session.begin_call();
    let config = br#"{"quarantine": {"unsigned": true, "answer": "accept", "max_entries": 2}}"#;
    let at = write(&mut session, config);
    assert_eq!(session.configure(at, config.len()), status::OK);
    let request = br#"{"now": 1800000000, "headers": [["Content-Type", "application/json"]]}"#;
    let (at, body_at) = (write(&mut session, request), write(&mut session, DRIFTED));
    assert_eq!(
        session.admit((at, request.len()), (body_at, DRIFTED.len())),
        status::INVALID
    );
    let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(admission["verdict"], "invalid");
    let keeping = &admission["quarantine"];

    // What the core makes of the same delivery.
    let gate = hookguard::Gate::new(hookguard::GateConfig::from_json(config).unwrap()).unwrap();
    let headers = hookguard::signature::DeliveryHeaders::default();
    let Ok(expected) = gate.admit(
        &headers,
        DRIFTED,
        1_800_000_000,
        &mut hookguard::gate::NoMemory,
        None,
    );
    let received = hookguard::gate::Received {
        headers: &headers,
        content_type: Some(b"application/json"),
        body: DRIFTED,
    };
    let entry = gate
        .quarantine_entry(&expected, &received, 1_800_000_000)
        .unwrap();
    assert_eq!(keeping["id"], entry.id.as_str());
    assert_eq!(keeping["head"], entry.head.as_str());
    assert_eq!(keeping["bytes"], entry.len());
    assert_eq!(keeping["first_seen"], 1_800_000_000);
    let (kept, unreachable) = gate.quarantine_answers(&expected, &entry.id);
    let shape = hookguard::ProblemShape::default();
    for (written, answer) in [
        (&keeping["kept"], kept),
        (&keeping["unreachable"], unreachable),
    ] {
        let reply = answer.reply(&shape);
        assert_eq!(written["status"], reply.status);
        assert_eq!(written["verdict"], answer.verdict.label());
        assert_eq!(
            written["problem"].as_str().unwrap().as_bytes(),
            reply.body.as_slice()
        );
        let headers: Vec<(String, String)> =
            serde_json::from_value(written["headers"].clone()).unwrap();
        let expected: Vec<(String, String)> = reply
            .headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        assert_eq!(headers, expected);
    }
    assert_eq!(keeping["kept"]["status"], 202);
    assert_eq!(keeping["unreachable"]["status"], 503);

    // Evictions and the failure line come from the core too.
    let held = br#"{"now": 1800000000, "incoming_bytes": 10, "held": [{"id": "b", "first_seen": 20, "bytes": 5}, {"id": "a", "first_seen": 1799999990, "bytes": 5}]}"#;
    let at = write(&mut session, held);
    assert_eq!(session.quarantine_evictions(at, held.len()), status::OK);
    assert_eq!(session.result(), br#"{"evict":[0]}"#);
    let request = br#"{"now": 1800000000, "entry": {"id": "abc", "first_seen": 1799999999}}"#;
    let at = write(&mut session, request);
    assert_eq!(
        session.quarantine_keep_arguments(at, request.len()),
        status::OK
    );
    let arguments: Vec<String> = serde_json::from_slice(session.result()).unwrap();
    let entry = hookguard::gate::Entry {
        id: String::from("abc"),
        first_seen: 1_799_999_999,
        head: String::new(),
        body_len: 0,
    };
    let expected = hookguard::gate::quarantine::redis::keep_arguments(
        hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX,
        &entry,
        gate.quarantine().unwrap(),
        1_800_000_000,
    );
    assert_eq!(arguments, expected.to_vec());
    let reason = b"ENOSPC";
    let at = write(&mut session, reason);
    assert_eq!(
        session.quarantine_failure_line(at, reason.len()),
        status::OK
    );
    assert_eq!(
        session.result(),
        hookguard::gate::quarantine::unreachable_line(
            hookguard::gate::StorePolicy::Refuse,
            &"ENOSPC"
        )
        .as_bytes()
    );
}

#[test]
fn a_shared_store_claim_waits_for_conclude_and_the_store_commands_are_the_cores() {
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/signatures/vectors.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let signed = &vectors["cases"][0];
    let now = vectors["now"].as_i64().unwrap();
    let mut session = Session::new();
    session.begin_call();
    let config =
        serde_json::json!({"signature": {"secrets": [vectors["secrets"]["current"]]}}).to_string();
    let at = write(&mut session, config.as_bytes());
    assert_eq!(session.configure(at, config.len()), status::OK);
    let examine = |session: &mut Session| {
        let fields: Vec<(&String, &serde_json::Value)> =
            signed["headers"].as_object().unwrap().iter().collect();
        let request =
            serde_json::json!({"now": now, "headers": fields, "shared": true}).to_string();
        let body = signed["body"].as_str().unwrap().as_bytes();
        let (at, body_at) = (write(session, request.as_bytes()), write(session, body));
        assert_eq!(
            session.admit((at, request.len()), (body_at, body.len())),
            status::OK
        );
        let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        assert!(
            admission.get("ticket").is_none(),
            "no claim before the store answers"
        );
        admission
    };
    let conclude = |session: &mut Session,
                    waiting: &serde_json::Value,
                    reply: serde_json::Value,
                    policy: &str| {
        let request = serde_json::json!({"now": now, "waiting": waiting, "token": 77, "reply": reply, "policy": policy}).to_string();
        let at = write(session, request.as_bytes());
        let code = session.conclude(at, request.len());
        let admission: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        (code, admission)
    };

    let first = examine(&mut session);
    let pending = &first["pending_claim"];
    let request_id = pending["request_id"].as_str().unwrap();
    // The claim command is the core's, with the configuration's lifetimes.
    let request =
        serde_json::json!({"command": "claim", "request_id": request_id, "token": 77}).to_string();
    let at = write(&mut session, request.as_bytes());
    assert_eq!(session.store_command(at, request.len()), status::OK);
    let command: Vec<String> = serde_json::from_slice(session.result()).unwrap();
    let lifetimes = hookguard::gate::Lifetimes {
        in_flight_seconds: pending["in_flight_seconds"].as_u64().unwrap(),
        delivered_seconds: pending["delivered_seconds"].as_u64().unwrap(),
    };
    assert_eq!(
        command,
        hookguard::store::claim_command(
            hookguard::store::DEFAULT_KEY_PREFIX,
            request_id,
            77,
            lifetimes
        )
        .to_vec()
    );
    // Taken: it passes holding the store's claim.
    let (code, taken) = conclude(
        &mut session,
        &pending["waiting"],
        serde_json::json!(["taken", 0]),
        "refuse",
    );
    assert_eq!(
        (code, &taken["verdict"]),
        (status::OK, &serde_json::json!("valid"))
    );
    assert_eq!(taken["ticket"]["token"], 77);
    assert_eq!(taken["claimed_in"], "store");
    // Concluded once: a second conclude of the same admission is no verdict (500, retried).
    let (code, again) = conclude(
        &mut session,
        &pending["waiting"],
        serde_json::json!(["taken", 0]),
        "refuse",
    );
    assert_eq!(
        (code, &again["status"]),
        (status::INVALID, &serde_json::json!(500))
    );
    // Delivered elsewhere: acknowledged, not passed.
    let second = examine(&mut session);
    let (code, copy) = conclude(
        &mut session,
        &second["pending_claim"]["waiting"],
        serde_json::json!(["delivered", 0]),
        "refuse",
    );
    assert_eq!(
        (code, &copy["verdict"]),
        (status::INVALID, &serde_json::json!("duplicate"))
    );
    // No answer, or one that is not the protocol's: the policy decides.
    let third = examine(&mut session);
    let (_, refused) = conclude(
        &mut session,
        &third["pending_claim"]["waiting"],
        serde_json::json!(["what", 1]),
        "refuse",
    );
    assert_eq!(refused["status"], 503);
    assert_eq!(refused["verdict"], "store_unavailable");
    let fourth = examine(&mut session);
    let (code, processed) = conclude(
        &mut session,
        &fourth["pending_claim"]["waiting"],
        serde_json::Value::Null,
        "process",
    );
    assert_eq!(
        (code, &processed["claimed_in"]),
        (status::OK, &serde_json::json!("process"))
    );
    // The settle command by the service's status; the failure lines.
    let request = serde_json::json!({"command": "settle", "request_id": request_id, "token": 77, "status": 204}).to_string();
    let at = write(&mut session, request.as_bytes());
    assert_eq!(session.store_command(at, request.len()), status::OK);
    let command: Vec<String> = serde_json::from_slice(session.result()).unwrap();
    let ticket = hookguard::gate::Ticket {
        request_id: request_id.to_owned(),
        token: 77,
    };
    assert_eq!(
        command,
        hookguard::store::settle_command(
            hookguard::store::DEFAULT_KEY_PREFIX,
            &ticket,
            hookguard::gate::Outcome::Delivered,
            lifetimes
        )
        .to_vec()
    );
    let request = br#"{"step": "claim", "reason": "no answer in time", "policy": "refuse"}"#;
    let at = write(&mut session, request);
    assert_eq!(session.store_failure_line(at, request.len()), status::OK);
    assert_eq!(
        session.result(),
        hookguard::store::StorePolicy::Refuse
            .claim_failed_line(&"no answer in time")
            .as_bytes()
    );
}

#[test]
fn requests_are_read_under_intakes_rules_and_refused_whole() {
    let mut session = Session::new();
    let config = b"{}";
    let at = write(&mut session, config);
    assert_eq!(session.configure(at, config.len()), status::OK);
    let body = br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let body_at = write(&mut session, body);
    let admit = |session: &mut Session, request: &str| {
        let at = write(session, request.as_bytes());
        session.admit((at, request.len()), (body_at, body.len()))
    };
    // Each form the ABI documents, read as before.
    for request in [
        r#"{"now": 1700000000}"#,
        r#"{"now": 1700000000, "headers": [["content-type", "application/json"]], "remember": false}"#,
        r#"{"now": 1700000000, "headers": [], "shared": true, "remember": true}"#,
    ] {
        assert_eq!(admit(&mut session, request), status::OK, "{request}");
    }
    for request in [
        // A repeated name: another JSON library would read the other `now`.
        r#"{"now": 1700000000, "now": 0}"#,
        r#"{"headers": []}"#,
        r#"{"now": 1.5}"#,
        r#"{"now": 1700000000, "headers": [["content-type"]]}"#,
        r#"{"now": 1700000000, "headers": {"content-type": "application/json"}}"#,
        r#"{"now": 1700000000, "remember": null}"#,
        r#"{"now": 1700000000, "shared": "yes"}"#,
        r#"[1700000000]"#,
    ] {
        assert_eq!(
            admit(&mut session, request),
            status::BAD_OPTIONS,
            "{request}"
        );
        let refused: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        assert!(
            refused["error"]
                .as_str()
                .unwrap()
                .starts_with("admit: the request must be")
        );
    }
    let settle = |session: &mut Session, request: &str| {
        let at = write(session, request.as_bytes());
        session.settle(at, request.len())
    };
    let ticket = r#""ticket": {"request_id": "r", "token": 1}"#;
    for request in [
        format!(r#"{{"now": 0, {ticket}, "outcome": "delivered"}}"#),
        format!(r#"{{"now": 0, {ticket}, "status": 503, "outcome": null}}"#),
    ] {
        assert_eq!(settle(&mut session, &request), status::OK, "{request}");
    }
    for request in [
        format!(r#"{{"now": 0, {ticket}}}"#),
        format!(r#"{{"now": 0, {ticket}, "outcome": "delivered", "status": 200}}"#),
        format!(r#"{{"now": 0, {ticket}, "outcome": "kept"}}"#),
        format!(r#"{{"now": 0, {ticket}, "status": 70000}}"#),
        r#"{"now": 0, "ticket": {"request_id": "r", "token": 1, "extra": 1}, "status": 200}"#
            .to_owned(),
        r#"{"now": 0, "ticket": {"request_id": "r"}, "status": 200}"#.to_owned(),
    ] {
        assert_eq!(
            settle(&mut session, &request),
            status::BAD_OPTIONS,
            "{request}"
        );
    }
}
