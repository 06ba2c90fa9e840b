//! Authenticity of deliveries: Ocrolus' `Webhook-Signature` (hex HMAC-SHA256 over
//! `{Webhook-Timestamp}.{Webhook-Request-Id}.{raw body}`), checked against one or more secrets
//! (rotation) within a timestamp tolerance, on a clock the host supplies.
//!
//! Secrets never appear in errors, `Debug` output or results: a [`SignatureError`] says which
//! check failed and never what a secret, a signature or a body contains.
//!
//! ```
//! use hookguard::signature::{DeliveryHeaders, Secrets, Verifier};
//!
//! let verifier = Verifier::new(Secrets::new(["an-ocrolus-webhook-secret"])?, 300);
//! let headers = DeliveryHeaders {
//!     signature: Some(b"0d1b8a0e8f1b4e5e1c0d4b6cf3f5a3b0a6e9e8f8e1c1d1f0a9b2c3d4e5f60718"),
//!     timestamp: Some(b"1763800000"),
//!     request_id: Some(b"req-1"),
//!     repeated: None,
//! };
//! let verdict = verifier.verify(&headers, b"{}", 1763800010);
//! assert_eq!(verdict.unwrap_err().kind.code(), "signature_mismatch");
//! # Ok::<(), hookguard::signature::SecretsError>(())
//! ```

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the hex HMAC-SHA256.
pub const SIGNATURE_HEADER: &str = "Webhook-Signature";
/// The header carrying the sending time, Unix seconds.
pub const TIMESTAMP_HEADER: &str = "Webhook-Timestamp";
/// The header carrying the delivery's unique id.
pub const REQUEST_ID_HEADER: &str = "Webhook-Request-Id";
/// The timestamp tolerance most webhook senders and receivers use (Standard Webhooks, Stripe).
pub const DEFAULT_TOLERANCE_S: u64 = 300;
/// Longest request id accepted: ids are short tokens, and hosts keep them to detect replays.
pub const MAX_REQUEST_ID_BYTES: usize = 256;
/// Longest secret accepted (Ocrolus' secrets are 16 to 128 characters).
pub const MAX_SECRET_BYTES: usize = 1024;

/// The webhook secrets a delivery may be signed with: the current one, and during a rotation
/// the previous one too.
#[derive(Clone)]
pub struct Secrets {
    keys: Vec<Vec<u8>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} configured)", self.keys.len())
    }
}

/// Why a set of secrets was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretsError {
    /// What is wrong.
    pub kind: SecretsErrorKind,
}

/// What is wrong with a set of secrets. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretsErrorKind {
    /// No secret was given.
    None,
    /// The secret at this position (0-based) is empty.
    Empty {
        /// Position in the list.
        index: usize,
    },
    /// The secret at this position is longer than [`MAX_SECRET_BYTES`].
    TooLong {
        /// Position in the list.
        index: usize,
    },
}

impl fmt::Display for SecretsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SecretsErrorKind::None => write!(f, "no webhook secret configured"),
            SecretsErrorKind::Empty { index } => {
                write!(f, "webhook secret #{} is empty", index + 1)
            }
            SecretsErrorKind::TooLong { index } => write!(
                f,
                "webhook secret #{} is longer than {MAX_SECRET_BYTES} bytes",
                index + 1
            ),
        }
    }
}

impl std::error::Error for SecretsError {}

impl Secrets {
    /// Secrets as configured (their bytes, as Ocrolus shows them: the HMAC key is the text).
    pub fn new<S: AsRef<[u8]>>(
        secrets: impl IntoIterator<Item = S>,
    ) -> Result<Secrets, SecretsError> {
        let keys: Vec<Vec<u8>> = secrets.into_iter().map(|s| s.as_ref().to_vec()).collect();
        if keys.is_empty() {
            return Err(SecretsError {
                kind: SecretsErrorKind::None,
            });
        }
        for (index, key) in keys.iter().enumerate() {
            let kind = if key.is_empty() {
                SecretsErrorKind::Empty { index }
            } else if key.len() > MAX_SECRET_BYTES {
                SecretsErrorKind::TooLong { index }
            } else {
                continue;
            };
            return Err(SecretsError { kind });
        }
        Ok(Secrets { keys })
    }

    /// How many secrets are configured.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a set of secrets is never empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The three signature headers of a delivery, as raw bytes (absent: `None`).
///
/// Each must arrive once. A header sent twice (one forged value and one valid, or a stale
/// timestamp and a fresh one) is ambiguous: hosts and proxies disagree on which copy counts
/// (the first, the last, or both joined with commas), so [`Verifier::verify`] refuses it with
/// `signature_duplicate_header` whichever way a host received it: as repeated fields
/// ([`DeliveryHeaders::from_pairs`] notes them in `repeated`), or joined into one value with
/// commas (RFC 9110 §5.3; none of the three headers has a comma in its documented form).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryHeaders<'a> {
    /// `Webhook-Signature`.
    pub signature: Option<&'a [u8]>,
    /// `Webhook-Timestamp`.
    pub timestamp: Option<&'a [u8]>,
    /// `Webhook-Request-Id`.
    pub request_id: Option<&'a [u8]>,
    /// The first of the three headers that arrived more than once, if any.
    pub repeated: Option<&'static str>,
}

impl<'a> DeliveryHeaders<'a> {
    /// Picks the signature headers out of a request's `(name, value)` fields, every field as
    /// it arrived (repeated names included), names compared case-insensitively (HTTP/2
    /// lower-cases them; captures keep the sender's case). A name seen twice, in any spelling,
    /// is noted in `repeated`.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> DeliveryHeaders<'a> {
        let mut headers = DeliveryHeaders::default();
        for (name, value) in pairs {
            let Some(header) = signature_header(name) else {
                continue;
            };
            let slot = match header {
                SIGNATURE_HEADER => &mut headers.signature,
                TIMESTAMP_HEADER => &mut headers.timestamp,
                _ => &mut headers.request_id,
            };
            if slot.is_some() {
                headers.repeated.get_or_insert(header);
            } else {
                *slot = Some(value);
            }
        }
        headers
    }
}

/// Which of the three signature headers `name` is, spelled as documented, whatever its letter
/// case (HTTP/2 lower-cases names; captures keep the sender's case).
pub fn signature_header(name: &str) -> Option<&'static str> {
    [SIGNATURE_HEADER, TIMESTAMP_HEADER, REQUEST_ID_HEADER]
        .into_iter()
        .find(|header| name.eq_ignore_ascii_case(header))
}

/// A delivery whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The delivery's `Webhook-Request-Id`, for replay detection.
    pub request_id: String,
    /// The delivery's `Webhook-Timestamp`, Unix seconds.
    pub timestamp: i64,
    /// Which configured secret matched (0-based): tells an operator when a rotation is over.
    pub secret_index: usize,
}

/// Why a delivery is not authentic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError {
    /// Which check failed.
    pub kind: SignatureErrorKind,
}

/// Which check a delivery failed. Never carries a secret, a signature or a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureErrorKind {
    /// A signature header is absent (an unsigned delivery lacks all three).
    MissingHeader {
        /// The header's name.
        header: &'static str,
    },
    /// A signature header arrived more than once, or as a comma-separated list: which value
    /// was signed is ambiguous.
    DuplicateHeader {
        /// The header's name.
        header: &'static str,
    },
    /// A signature header is present but not of its documented form.
    MalformedHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The timestamp is older than the tolerance allows.
    Stale {
        /// How old it is, in seconds.
        age_s: u64,
        /// The tolerance, in seconds.
        tolerance_s: u64,
    },
    /// The timestamp lies further in the future than the tolerance allows.
    Future {
        /// How far ahead it is, in seconds.
        ahead_s: u64,
        /// The tolerance, in seconds.
        tolerance_s: u64,
    },
    /// The signature matches none of the configured secrets (tampered, or another secret).
    NoSecretMatches,
}

/// Every code [`SignatureErrorKind::code`] gives, for metrics defined up front.
pub const FAILURE_CODES: [&str; 6] = [
    "signature_missing_header",
    "signature_duplicate_header",
    "signature_malformed_header",
    "signature_stale",
    "signature_future",
    "signature_mismatch",
];

impl SignatureErrorKind {
    /// Stable machine-readable name of the failure, for metrics and alerts.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureErrorKind::MissingHeader { .. } => "signature_missing_header",
            SignatureErrorKind::DuplicateHeader { .. } => "signature_duplicate_header",
            SignatureErrorKind::MalformedHeader { .. } => "signature_malformed_header",
            SignatureErrorKind::Stale { .. } => "signature_stale",
            SignatureErrorKind::Future { .. } => "signature_future",
            SignatureErrorKind::NoSecretMatches => "signature_mismatch",
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SignatureErrorKind::MissingHeader { header } => {
                write!(f, "the delivery is not signed: {header} is missing")
            }
            SignatureErrorKind::DuplicateHeader { header } => write!(
                f,
                "{header} arrived more than once (or as a comma-separated list): which value was \
                 signed is ambiguous"
            ),
            SignatureErrorKind::MalformedHeader { header } => match header {
                SIGNATURE_HEADER => write!(f, "{header} is not 64 hexadecimal digits"),
                TIMESTAMP_HEADER => write!(f, "{header} is not Unix seconds"),
                _ => write!(
                    f,
                    "{header} is empty, longer than {MAX_REQUEST_ID_BYTES} bytes or not printable ASCII"
                ),
            },
            SignatureErrorKind::Stale { age_s, tolerance_s } => write!(
                f,
                "{TIMESTAMP_HEADER} is {age_s} s old, beyond the tolerance of {tolerance_s} s (a replay, or a clock far off)"
            ),
            SignatureErrorKind::Future {
                ahead_s,
                tolerance_s,
            } => write!(
                f,
                "{TIMESTAMP_HEADER} is {ahead_s} s in the future, beyond the tolerance of {tolerance_s} s"
            ),
            SignatureErrorKind::NoSecretMatches => write!(
                f,
                "{SIGNATURE_HEADER} matches none of the configured secrets (tampered, or signed with another secret)"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Checks delivery signatures against a set of secrets and a timestamp tolerance.
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Secrets,
    tolerance_s: u64,
}

impl Verifier {
    /// A verifier accepting timestamps up to `tolerance_s` seconds away from the host's clock,
    /// in either direction.
    pub fn new(secrets: Secrets, tolerance_s: u64) -> Verifier {
        Verifier {
            secrets,
            tolerance_s,
        }
    }

    /// The tolerance, in seconds.
    pub fn tolerance_s(&self) -> u64 {
        self.tolerance_s
    }

    /// Checks one delivery. `now_unix_s` is the host's clock (a test or a replay of an old
    /// capture passes its own). Checks run from the cheapest to the HMAC: headers present,
    /// well-formed, timestamp within the tolerance, then each secret.
    pub fn verify(
        &self,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
    ) -> Result<Verified, SignatureError> {
        let fail = |kind| Err(SignatureError { kind });
        let missing = |header| SignatureErrorKind::MissingHeader { header };
        let malformed = |header| SignatureErrorKind::MalformedHeader { header };

        // Ambiguity first: no check of one copy may decide a delivery that carries two.
        if let Some(header) = headers.repeated {
            return fail(SignatureErrorKind::DuplicateHeader { header });
        }
        for (value, header) in [
            (headers.signature, SIGNATURE_HEADER),
            (headers.timestamp, TIMESTAMP_HEADER),
            (headers.request_id, REQUEST_ID_HEADER),
        ] {
            if value.is_some_and(|value| value.contains(&b',')) {
                return fail(SignatureErrorKind::DuplicateHeader { header });
            }
        }

        let Some(signature) = headers.signature else {
            return fail(missing(SIGNATURE_HEADER));
        };
        let Some(timestamp) = headers.timestamp else {
            return fail(missing(TIMESTAMP_HEADER));
        };
        let Some(request_id) = headers.request_id else {
            return fail(missing(REQUEST_ID_HEADER));
        };

        let signature = signature.trim_ascii();
        let mut expected = [0u8; 32];
        // Exactly 64 hex digits: a shorter value must not be compared as a prefix.
        if signature.len() != 64 || hex::decode_to_slice(signature, &mut expected).is_err() {
            return fail(malformed(SIGNATURE_HEADER));
        }
        let Some(sent_at) = parse_unix_seconds(timestamp.trim_ascii()) else {
            return fail(malformed(TIMESTAMP_HEADER));
        };
        let request_id = request_id.trim_ascii();
        let printable = request_id.iter().all(|byte| byte.is_ascii_graphic());
        if request_id.is_empty() || request_id.len() > MAX_REQUEST_ID_BYTES || !printable {
            return fail(malformed(REQUEST_ID_HEADER));
        }

        let tolerance_s = self.tolerance_s;
        let difference = i128::from(now_unix_s) - i128::from(sent_at);
        let seconds = u64::try_from(difference.unsigned_abs()).unwrap_or(u64::MAX);
        if difference > i128::from(tolerance_s) {
            return fail(SignatureErrorKind::Stale {
                age_s: seconds,
                tolerance_s,
            });
        }
        if -difference > i128::from(tolerance_s) {
            return fail(SignatureErrorKind::Future {
                ahead_s: seconds,
                tolerance_s,
            });
        }

        for (secret_index, key) in self.secrets.keys.iter().enumerate() {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
                continue;
            };
            mac.update(timestamp.trim_ascii());
            mac.update(b".");
            mac.update(request_id);
            mac.update(b".");
            mac.update(body);
            // `verify_slice` compares in constant time, over the whole length.
            if mac.verify_slice(&expected).is_ok() {
                return Ok(Verified {
                    request_id: String::from_utf8_lossy(request_id).into_owned(),
                    timestamp: sent_at,
                    secret_index,
                });
            }
        }
        fail(SignatureErrorKind::NoSecretMatches)
    }
}

/// Unix seconds: 1 to 18 ASCII digits (no sign, no fraction, no exponent).
fn parse_unix_seconds(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}
