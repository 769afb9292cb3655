//! One request as a state machine, sans I/O: the driver sends, reports each attempt's classified
//! outcome, and the machine answers what to do next: send again, wait N ms, or finish.
//!
//! The retry policy, the already-deleted rule and redaction all live here. Time and jitter are
//! inputs; nothing here calls `fetch`, reads a clock or draws a random number.

use super::classify::Success;
use super::error::ApiError;
use super::retry::RetryPolicy;
use super::text::redact;
use super::{ErrorCode, RequestSpec, Token};

/// What the driver does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send an attempt and report its outcome with [`Request::on_outcome`].
    Send,
    /// Wait this long (cancelled by the caller's signal), then send again.
    Wait(u64),
    /// The call's result.
    Done(Result<Finished, ApiError>),
}

/// A successful call: the fields of a `DeleteResult`, already redacted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finished {
    /// The server's `message`, if any.
    pub message: Option<String>,
    /// The final response's request id.
    pub request_id: Option<String>,
    /// A retried delete found the thing already gone.
    pub already_deleted: bool,
}

/// The state of one call: how many attempts were made and whether an earlier one may have been
/// carried out by the server although it failed.
#[derive(Debug)]
pub struct Request {
    gone_code: Option<ErrorCode>,
    idempotent: bool,
    policy: RetryPolicy,
    /// Whose secret every returned string is cleaned of (its `Debug` is redacted).
    token: Token,
    attempts: u32,
    outcome_unknown: bool,
}

impl Request {
    /// A call of `spec` under `policy`; every string it returns is cleaned of the token.
    pub fn new(spec: &RequestSpec, policy: RetryPolicy, token: &Token) -> Self {
        Self {
            gone_code: spec.gone_code,
            idempotent: spec.idempotent(),
            policy,
            token: token.clone(),
            attempts: 0,
            outcome_unknown: false,
        }
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The first step: always [`Step::Send`].
    pub fn start(&self) -> Step {
        Step::Send
    }

    /// The outcome of the attempt just sent (classified: a success, an HTTP error, or a
    /// network, timeout or abort failure); `jitter` in `[0, 1)` spreads the backoff.
    pub fn on_outcome(&mut self, outcome: Result<Success, ApiError>, jitter: f64) -> Step {
        self.attempts += 1;
        let mut error = match outcome {
            Ok(success) => return self.finish(success.message, success.request_id, false),
            Err(error) => error,
        };
        // A 404 of the matching kind only: a body's code may name any status (classify.rs).
        if self.outcome_unknown && error.status == Some(404) && self.gone_code == Some(error.code) {
            return self.finish(None, error.request_id.take(), true);
        }
        let unknown = error.outcome_unknown();
        error.after_unknown = self.outcome_unknown;
        self.outcome_unknown |= unknown;
        let retry = match error.code {
            ErrorCode::Aborted => None,
            _ => self
                .policy
                .delay_after(self.attempts - 1, &error, self.idempotent, jitter),
        };
        match retry {
            Some(wait) => Step::Wait(wait),
            None => {
                error.redact(self.token.secret());
                Step::Done(Err(error))
            }
        }
    }

    /// The caller's signal fired (before a send, or during a wait).
    pub fn on_abort(&mut self) -> Step {
        Step::Done(Err(ApiError::aborted()))
    }

    fn finish(
        &self,
        mut message: Option<String>,
        mut request_id: Option<String>,
        already_deleted: bool,
    ) -> Step {
        for text in [&mut message, &mut request_id].into_iter().flatten() {
            redact(text, self.token.secret());
        }
        Step::Done(Ok(Finished {
            message,
            request_id,
            already_deleted,
        }))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "request_tests.rs"]
mod tests;
