//! The driver (wasm32 only): does what the [`Request`] machine asks. An attempt is one call of
//! the JavaScript `attempt` helper (fetch, deadline, abort, bounded and redacted body read, all
//! in `src/js/sys.js`), a wait one call of `sleep`; the machine decides everything else.
//!
//! Each attempt crosses the JS/wasm boundary a handful of times: the helper resolves to one
//! `head` string with the scalars and the parsed body, which stays a JavaScript value.

mod json;

use crate::proto::attempt::{outcome, Head};
use crate::proto::{ApiError, Finished, Request, RequestSpec, RetryPolicy, Step, Token};
use crate::sys;
use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where and how to send: built per call from the client's configuration.
pub struct Transport {
    /// An injected `fetch`, or `None` for the global one.
    pub fetch: Option<Function>,
    /// The API token: the `Authorization` header, and the secret every string is cleaned of.
    pub token: Token,
    /// E.g. `https://app.talkover.ai/api/v1`.
    pub api_root: String,
    /// Per attempt.
    pub timeout_ms: u32,
    /// How often to try again.
    pub retry: RetryPolicy,
}

/// A successful response.
pub struct Reply {
    /// The parsed body (`null` for an already-deleted answer).
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
    /// Sends `spec` as the [`Request`] machine directs, within the caller's `signal` (an
    /// `AbortSignal` or `undefined`).
    pub async fn send(&self, spec: &RequestSpec, signal: &JsValue) -> Result<Reply, Failure> {
        let mut machine = Request::new(spec, self.retry, self.token.secret());
        let mut step = machine.start();
        let mut body = JsValue::NULL;
        loop {
            step = match step {
                Step::Send => {
                    let (result, read, jitter) = self.attempt(spec, signal).await;
                    body = read;
                    machine.on_outcome(result, jitter)
                }
                Step::Wait(ms) => {
                    let ms = u32::try_from(ms).unwrap_or(u32::MAX);
                    match await_value(sys::sleep(ms, signal)).await.as_bool() {
                        Some(true) => Step::Send,
                        _ => machine.on_abort(),
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

    /// One attempt: its classified outcome, the parsed body (or `null`) and the jitter drawn.
    async fn attempt(
        &self,
        spec: &RequestSpec,
        signal: &JsValue,
    ) -> (
        Result<crate::proto::classify::Success, ApiError>,
        JsValue,
        f64,
    ) {
        let fetch = self.fetch.as_ref().map_or(JsValue::NULL, |f| f.into());
        let url = spec.url(&self.api_root);
        let promise = sys::attempt(
            &fetch,
            &url,
            spec.method.as_str(),
            &self.token.authorization(),
            self.timeout_ms,
            signal,
            self.token.secret(),
        );
        let read: Array = await_value(promise).await.unchecked_into();
        let head = Head::parse(&read.get(0).as_string().unwrap_or_default());
        let body = Some(read.get(1)).filter(|b| !b.is_null() && !b.is_undefined());
        let (result, body) = outcome(&head, body, spec.expect, self.timeout_ms);
        let jitter = f64::from(head.jitter_millionths) / 1e6;
        (result, body.unwrap_or(JsValue::NULL), jitter)
    }
}

/// What a promise resolves to; a rejection (which the helpers never produce) reads as
/// `undefined`, and then as a network failure.
async fn await_value(promise: js_sys::Promise) -> JsValue {
    JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED)
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
