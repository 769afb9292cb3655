//! The wasm half of the driver (wasm32 only): one HTTP exchange as the [`Request`] machine runs
//! it, turned into instructions for the JavaScript half (`src/js/driver.js`), which does the
//! I/O: `attempt` (fetch, deadline, abort, bounded and redacted read) and `sleep`.
//!
//! An instruction is one string, so each step crosses the boundary once:
//! `S`/`s` + `timeout \n method \n url \n token` sends (`S` within the caller's signal, `s`
//! without: a change, once started, runs to its end); `W`/`w` + milliseconds waits.

mod json;

use crate::proto::attempt::{outcome, Head};
use crate::proto::text::push_number;
use crate::proto::{ApiError, Request, RequestSpec, RetryPolicy, Step, Token};
use wasm_bindgen::JsValue;

/// Where and how to send: read from the client's configuration on each call.
#[derive(Clone)]
pub struct Transport {
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

/// One exchange in progress: its spec, its request machine, the last body read.
pub struct Exchange {
    spec: RequestSpec,
    machine: Request,
    step: Step,
    body: JsValue,
    within_signal: bool,
}

impl Exchange {
    /// Starts sending `spec`; `within_signal` says whether the caller's signal may cancel it.
    pub fn new(spec: RequestSpec, transport: &Transport, within_signal: bool) -> Self {
        let machine = Request::new(&spec, transport.retry, &transport.token);
        let step = machine.start();
        Self {
            spec,
            machine,
            step,
            body: JsValue::NULL,
            within_signal,
        }
    }

    /// The instruction for the JavaScript half, or `None` once the exchange is over.
    pub fn instruction(&self, transport: &Transport) -> Option<String> {
        let (send, wait) = match self.within_signal {
            true => ("S", "W"),
            false => ("s", "w"),
        };
        match &self.step {
            Step::Send => {
                let url = self.spec.url(&transport.api_root);
                let mut out = String::with_capacity(url.len() + 64);
                out.push_str(send);
                push_number(&mut out, u64::from(transport.timeout_ms));
                for part in [self.spec.method.as_str(), &url, transport.token.secret()] {
                    out.push_str("\n");
                    out.push_str(part);
                }
                Some(out)
            }
            Step::Wait(ms) => {
                let mut out = String::from(wait);
                push_number(&mut out, *ms);
                Some(out)
            }
            Step::Done(_) => None,
        }
    }

    /// What an attempt reported: the `head` string and the parsed body.
    pub fn on_attempt(&mut self, head: &str, body: JsValue, timeout_ms: u32) {
        let head = Head::parse(head);
        // `attempt` gives `null` for no body.
        let body = Some(body).filter(|b| !b.is_null());
        let (result, body) = outcome(&head, body, self.spec.expect, timeout_ms);
        self.body = body.unwrap_or(JsValue::NULL);
        let jitter = f64::from(head.jitter_millionths) / 1e6;
        self.step = self.machine.on_outcome(result, jitter);
    }

    /// A wait ended: `elapsed`, or cut short by the caller's signal.
    pub fn on_wait(&mut self, elapsed: bool) {
        self.step = match elapsed {
            true => Step::Send,
            false => self.machine.on_abort(),
        };
    }

    /// The result, once the exchange is over.
    pub fn result(&mut self) -> Option<Result<Reply, Failure>> {
        let Step::Done(done) = std::mem::replace(&mut self.step, Step::Send) else {
            return None;
        };
        let body = std::mem::replace(&mut self.body, JsValue::NULL);
        Some(match done {
            Ok(done) => Ok(Reply {
                body: if done.already_deleted {
                    JsValue::NULL
                } else {
                    body
                },
                message: done.message,
                request_id: done.request_id,
                already_deleted: done.already_deleted,
            }),
            // Details only from a response: never a 500's body on a later abort.
            Err(error) => Err(Failure {
                details: error.status.map_or(JsValue::NULL, |_| body),
                error,
            }),
        })
    }
}
