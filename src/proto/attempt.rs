//! What one attempt reported, and its classified outcome. The wasm driver receives the report
//! from `src/js/io.js` as a `head` string (the scalars, one crossing) and a parsed body;
//! everything from there to a success or an [`ApiError`] is decided here, natively tested.

use super::classify::{classify, redirect, Body, JsonView, ResponseMeta, Success};
use super::endpoint::Expect;
use super::error::ApiError;
use super::text::{digits, split_first};

/// How an attempt ended (the kinds of `src/js/io.js`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A response with no bytes (or a redirect, whose body is not read).
    Empty,
    /// A response with JSON, parsed and redacted.
    Json,
    /// A response with bytes that are not JSON.
    NotJson,
    /// A response over the body cap: not read on.
    TooLarge,
    /// JSON too deep to redact: dropped.
    Unredactable,
    /// A custom `fetch` followed a redirect.
    Redirected,
    /// `fetch` resolved to something that is not a response.
    NotAResponse,
    /// The caller's signal fired.
    Aborted,
    /// `timeoutMs` passed.
    Timeout,
    /// The request failed (or its body could not be read).
    Network,
}

/// The scalars of one attempt, parsed from the `head` string `attempt` resolves with:
/// `status \n kind \n now \n jitter \n requestId \n retryAfter \n detail`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// HTTP status (0 when there was no response).
    pub status: u16,
    /// How the attempt ended.
    pub kind: Kind,
    /// `Date.now()` when it ended.
    pub now_ms: u64,
    /// `Math.random()`, in millionths.
    pub jitter_millionths: u32,
    /// The request id header, if any.
    pub request_id: Option<String>,
    /// `Retry-After`, if any.
    pub retry_after: Option<String>,
    /// A network failure's description, if any.
    pub detail: Option<String>,
}

impl Head {
    /// Parses a head; anything malformed reads as a network failure.
    pub fn parse(text: &str) -> Self {
        // Six fields, one per line; the seventh, `detail`, is the rest (it may hold newlines).
        let mut rest = text;
        let mut next = || {
            let (field, after) = split_first(rest, b'\n').unwrap_or((rest, ""));
            rest = after;
            field
        };
        let status = digits(next()).and_then(|n| u16::try_from(n).ok());
        let kind = Kind::from_number(digits(next()));
        let (now_ms, jitter) = (digits(next()), digits(next()));
        let (request_id, retry_after) = (non_empty(next()), non_empty(next()));
        Self {
            status: status.unwrap_or(0),
            kind,
            now_ms: now_ms.unwrap_or(0),
            jitter_millionths: jitter.map_or(0, |j| j.min(999_999) as u32),
            request_id,
            retry_after,
            detail: non_empty(rest),
        }
    }
}

/// A non-empty field as an owned string.
fn non_empty(field: &str) -> Option<String> {
    Some(field.to_owned()).filter(|s| !s.is_empty())
}

impl Kind {
    fn from_number(n: Option<u64>) -> Self {
        const KINDS: [Kind; 10] = [
            Kind::Empty,
            Kind::Json,
            Kind::NotJson,
            Kind::TooLarge,
            Kind::Unredactable,
            Kind::Redirected,
            Kind::NotAResponse,
            Kind::Aborted,
            Kind::Timeout,
            Kind::Network,
        ];
        n.and_then(|n| KINDS.get(n as usize).copied())
            .unwrap_or(Kind::Network)
    }
}

/// The classified outcome of an attempt: a success, an HTTP error, or a network, timeout or
/// abort failure; and the parsed body back (when `head.kind` is [`Kind::Json`]).
pub fn outcome<V: JsonView>(
    head: &Head,
    body: Option<V>,
    expect: Expect,
    timeout_ms: u32,
) -> (Result<Success, ApiError>, Option<V>) {
    let meta = ResponseMeta {
        status: head.status,
        request_id: head.request_id.clone(),
        retry_after: head.retry_after.clone(),
    };
    let body = match (head.kind, body) {
        (Kind::Json, Some(v)) => Body::Json(v),
        (Kind::Empty, _) => Body::Empty,
        (Kind::TooLarge, _) => Body::TooLarge,
        (Kind::Unredactable, _) => Body::Unredactable,
        (Kind::Json | Kind::NotJson, _) => Body::NotJson,
        (kind, _) => return (Err(failure(kind, meta, head, timeout_ms)), None),
    };
    let classified = classify(&meta, &body, expect, head.now_ms);
    match body {
        Body::Json(v) => (classified, Some(v)),
        _ => (classified, None),
    }
}

/// The error of an attempt that brought no readable response.
fn failure(kind: Kind, meta: ResponseMeta, head: &Head, timeout_ms: u32) -> ApiError {
    match kind {
        Kind::Aborted => ApiError::aborted(),
        Kind::Timeout => ApiError::timeout(timeout_ms),
        Kind::Redirected => redirect(&ResponseMeta { status: 0, ..meta }),
        Kind::NotAResponse => {
            ApiError::network(Some("fetch resolved to something that is not a Response"))
        }
        _ => ApiError::network(head.detail.as_deref()),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "attempt_tests.rs"]
mod tests;
