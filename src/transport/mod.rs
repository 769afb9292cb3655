//! Runs a [`RequestSpec`] through `fetch` (wasm32 only): one attempt at a time, each bounded by
//! `timeout_ms` and the caller's signal, retried as [`RetryPolicy`] decides.
//!
//! `fetch` is called and awaited here rather than through gloo-net's `send()`, which panics on a
//! rejection that is not an `Error` (an abort with a string reason, say); every rejection value
//! maps to a code instead.

mod attempt;
pub mod js;

use crate::proto::{ApiError, RequestSpec, RetryPolicy};
use js::Deadline;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// Where and how to send: built per call from the client's configuration.
pub struct Transport {
    /// An injected `fetch`, or `None` for the global one.
    pub fetch: Option<js_sys::Function>,
    /// `Bearer <token>`.
    pub authorization: String,
    /// E.g. `https://app.talkover.ai/api/v1`.
    pub api_root: String,
    /// Per attempt.
    pub timeout_ms: u32,
    /// How often to try again.
    pub retry: RetryPolicy,
}

/// A successful response.
pub struct Reply {
    /// The parsed body.
    pub body: JsValue,
    /// The server's `message`, if any.
    pub message: Option<String>,
    /// The final response's request id.
    pub request_id: Option<String>,
    /// A retried delete found the thing already gone.
    pub already_deleted: bool,
}

/// A failed call: the error and, when the server sent JSON, its parsed body.
pub struct Failure {
    /// What went wrong.
    pub error: ApiError,
    /// The parsed error body, or `null`.
    pub details: JsValue,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            details: JsValue::NULL,
        }
    }
}

impl Transport {
    /// Sends `spec`, retrying transient failures; a delete whose earlier attempt had an unknown
    /// outcome and that now finds the thing gone resolves with `already_deleted`.
    pub async fn send(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<Reply, Failure> {
        let mut outcome_unknown = false;
        let mut attempt = 0;
        loop {
            if signal.is_some_and(AbortSignal::aborted) {
                return Err(ApiError::aborted().into());
            }
            let mut failure = match self.attempt(spec, signal).await {
                Ok(mut reply) => {
                    if let Some(id) = &mut reply.request_id {
                        crate::proto::error::redact(id, self.token());
                    }
                    return Ok(reply);
                }
                Err(failure) => failure,
            };
            if outcome_unknown && spec.gone_code == Some(failure.error.code) {
                failure.error.redact(self.token());
                let request_id = failure.error.request_id.take();
                return Ok(Reply {
                    body: JsValue::NULL,
                    message: None,
                    request_id,
                    already_deleted: true,
                });
            }
            outcome_unknown |= failure.error.outcome_unknown();
            let jitter = js_sys::Math::random();
            let Some(wait) =
                self.retry
                    .delay_after(attempt, &failure.error, spec.idempotent(), jitter)
            else {
                // The body was redacted as it was read (`sys::receive`).
                failure.error.redact(self.token());
                return Err(failure);
            };
            if Deadline::arm(wait.min(u64::from(u32::MAX)) as u32, signal)
                .elapse()
                .await
                .is_err()
            {
                return Err(ApiError::aborted().into());
            }
            attempt += 1;
        }
    }

    /// The secret to redact: every body, message and request id is cleaned of it.
    pub(crate) fn token(&self) -> &str {
        self.authorization.strip_prefix("Bearer ").unwrap_or("")
    }
}
