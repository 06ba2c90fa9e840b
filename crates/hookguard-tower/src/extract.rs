//! The axum extractor for an admitted delivery.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use crate::layer::Admitted;

/// An admitted delivery, in an axum handler behind [`crate::HookguardLayer`]: the report, what
/// the gate found of its signature, and the normalized payload as the core's typed
/// [`hookguard::Event`]. A handler on a route the layer does not cover is answered 500 (a
/// routing mistake, not the sender's).
#[derive(Debug, Clone)]
pub struct Delivery(pub Admitted);

impl Delivery {
    /// The organization-level event name (`None` for Ocrolus' test delivery).
    pub fn event_name(&self) -> Option<&'static str> {
        self.0.report.event_name
    }

    /// The name as delivered (either naming scheme).
    pub fn source_event_name(&self) -> Option<&'static str> {
        self.0.report.source_event_name
    }

    /// The validation report.
    pub fn report(&self) -> &hookguard::Report {
        &self.0.report
    }

    /// The normalized payload's bytes (current names, alias fields filled, keys sorted), when
    /// the gate normalizes (`normalize: true`).
    pub fn normalized(&self) -> Option<&[u8]> {
        self.0
            .report
            .normalized
            .as_ref()
            .map(hookguard::Normalized::as_bytes)
    }

    /// The normalized payload as the core's event types; `None` without `normalize: true` or
    /// for the test delivery (which is no event).
    pub fn event(&self) -> Option<Result<hookguard::Event, serde_json::Error>> {
        if self.0.report.delivery != Some(hookguard::Delivery::Event) {
            return None;
        }
        self.normalized().map(serde_json::from_slice)
    }

    /// `verified`, `unsigned` or `replayed`, when signatures are checked.
    pub fn signature(&self) -> Option<&'static str> {
        self.0.signature
    }

    /// The authenticated `Webhook-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Delivery {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Delivery, Self::Rejection> {
        parts
            .extensions
            .get::<Admitted>()
            .cloned()
            .map(Delivery)
            .ok_or((
                StatusCode::INTERNAL_SERVER_ERROR,
                "no hookguard admission: route the webhook through HookguardLayer",
            ))
    }
}
