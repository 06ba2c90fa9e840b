//! Problem responses (RFC 9457, `application/problem+json`) for rejected deliveries.

use hookguard::Finding;
use serde::Serialize;

use crate::config::ResponseConfig;
use crate::verdict::Verdict;

/// The media type of every rejection body.
pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    problem_type: String,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [Finding]>,
    #[serde(skip_serializing_if = "is_zero")]
    errors_omitted: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// The status, title and problem name of a rejection.
fn describe(verdict: Verdict) -> (u16, &'static str, &'static str) {
    match verdict {
        Verdict::Valid => (200, "Valid delivery", "valid"),
        Verdict::Invalid => (400, "Invalid webhook delivery", "invalid-delivery"),
        Verdict::EventNotAllowed => (400, "Event not accepted here", "event-not-allowed"),
        Verdict::TooLarge => (413, "Webhook delivery too large", "body-too-large"),
        Verdict::UnsupportedMediaType => (
            415,
            "Webhook deliveries must be JSON",
            "unsupported-media-type",
        ),
        Verdict::MethodNotAllowed => (
            405,
            "Webhook deliveries must be POSTed",
            "method-not-allowed",
        ),
        Verdict::InternalError => (500, "The delivery could not be checked", "internal-error"),
        Verdict::Unchecked => (200, "Not checked", "unchecked"),
        Verdict::SignatureInvalid => (401, "Webhook signature not accepted", "signature-invalid"),
        Verdict::Replayed => (409, "Delivery already received", "replayed-delivery"),
    }
}

/// The HTTP status a rejection with this verdict is answered with.
pub fn status(verdict: Verdict) -> u16 {
    describe(verdict).0
}

/// The problem body for a rejection. `findings` are the errors behind it (empty for checks made
/// before the body was read), as many as the core's `max_findings` let a report list, and
/// `omitted` how many more it found; they never quote payload values unless the core was told
/// to.
pub fn body(
    verdict: Verdict,
    detail: String,
    event_name: Option<&str>,
    (findings, omitted): (&[Finding], usize),
    shape: &ResponseConfig,
) -> Vec<u8> {
    let (status, title, name) = describe(verdict);
    let (errors, errors_omitted) = if shape.include_errors && !findings.is_empty() {
        (Some(findings), omitted)
    } else {
        (None, 0)
    };
    let problem = Problem {
        problem_type: format!("{}{name}", shape.type_prefix),
        title,
        status,
        detail,
        event_name,
        errors,
        errors_omitted,
    };
    serde_json::to_vec(&problem).unwrap_or_else(|_| {
        // Serializing these plain types cannot fail; the fallback keeps the filter panic-free.
        format!(r#"{{"title":"{title}","status":{status}}}"#).into_bytes()
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use serde_json::{Value, json};

    fn finding(location: &str) -> Finding {
        Finding::at("schema_violation", location, "is wrong")
    }

    #[test]
    fn a_rejection_lists_the_reported_findings_and_counts_the_rest() {
        let shape = ResponseConfig::default();
        let findings = [finding("/a"), finding("/b")];
        let body = body(
            Verdict::Invalid,
            String::from("3 errors"),
            Some("book.verified"),
            (&findings, 1),
            &shape,
        );
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "urn:hookguard:problem:invalid-delivery");
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["eventName"], "book.verified");
        assert_eq!(problem["errorsOmitted"], 1);
        assert_eq!(
            problem["errors"],
            json!([
                {"code": "schema_violation", "instanceLocation": "/a", "keywordLocation": "", "error": "is wrong"},
                {"code": "schema_violation", "instanceLocation": "/b", "keywordLocation": "", "error": "is wrong"},
            ])
        );
    }

    #[test]
    fn errors_can_be_left_out_and_the_type_prefix_changed() {
        let shape = ResponseConfig {
            include_errors: false,
            type_prefix: String::from("https://example.com/problems/"),
        };
        let body = body(
            Verdict::TooLarge,
            String::from("big"),
            None,
            (&[finding("")], 0),
            &shape,
        );
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            problem,
            json!({
                "type": "https://example.com/problems/body-too-large",
                "title": "Webhook delivery too large",
                "status": 413,
                "detail": "big",
            })
        );
    }
}
