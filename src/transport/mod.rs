//! Runs a [`RequestSpec`] through `fetch` (wasm32 only): one attempt at a time, each bounded by
//! `timeout_ms` and the caller's signal, retried as [`RetryPolicy`] decides.
//!
//! `fetch` is called and awaited here rather than through gloo-net's `send()`, which panics on a
//! rejection that is not an `Error` (an abort with a string reason, say); every rejection value
//! maps to a code instead.

mod attempt;
pub mod js;

use crate::proto::{ApiError, Finished, Request, RequestSpec, RetryPolicy, Step};
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
    /// Sends `spec` as the [`Request`] machine directs: each attempt through `fetch`, each wait
    /// on a timer, both cut short by the caller's signal.
    pub async fn send(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<Reply, Failure> {
        let aborted = || signal.is_some_and(AbortSignal::aborted);
        let mut machine = Request::new(spec, self.retry, self.token());
        let mut step = machine.start();
        let mut body = JsValue::NULL;
        loop {
            step = match step {
                Step::Send if aborted() => machine.on_abort(),
                Step::Send => {
                    let (outcome, read) = self.attempt(spec, signal).await;
                    body = read;
                    machine.on_outcome(outcome, js_sys::Math::random())
                }
                Step::Wait(ms) => {
                    let ms = u32::try_from(ms).unwrap_or(u32::MAX);
                    match Deadline::arm(ms, signal).elapse().await {
                        Ok(()) => Step::Send,
                        Err(_) => machine.on_abort(),
                    }
                }
                Step::Done(Ok(done)) => return Ok(reply(done, body)),
                // Details only from a response: never a 500's body on a later abort.
                Step::Done(Err(error)) => {
                    let details = error.status.map_or(JsValue::NULL, |_| body);
                    return Err(Failure { error, details });
                }
            }
        }
    }

    /// The secret to redact: every body, message and request id is cleaned of it.
    pub(crate) fn token(&self) -> &str {
        self.authorization.strip_prefix("Bearer ").unwrap_or("")
    }
}

fn reply(done: Finished, body: JsValue) -> Reply {
    Reply {
        body: if done.already_deleted {
            JsValue::NULL
        } else {
            body
        },
        message: done.message,
        request_id: done.request_id,
        already_deleted: done.already_deleted,
    }
}
