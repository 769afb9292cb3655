//! Response classification: status first, then message; a known code in the body wins.
//!
//! The API's error bodies come in at least six shapes (talkover-api.md 1.6) and mostly carry no
//! machine code. [`classify`] reads any of them through [`JsonView`], which the wasm transport
//! implements over JavaScript values (parsed by the engine's own `JSON.parse`) and the native
//! tests implement over `serde_json`.

use super::endpoint::Expect;
use super::error::{ApiError, ErrorCode};
use super::retry::parse_retry_after;
use super::text::{contains, is_space, push_number};

/// Read-only access to a parsed JSON value.
pub trait JsonView: Sized {
    /// The value of `key` when `self` is an object that has it (and it is not `null`).
    fn get(&self, key: &str) -> Option<Self>;
    /// The value when it is a string.
    fn string(&self) -> Option<String>;
    /// The value when it is a boolean.
    fn boolean(&self) -> Option<bool>;
    /// Whether the value is a JSON object (not an array, not `null`).
    fn is_object(&self) -> bool;
    /// Whether the value is an array.
    fn is_array(&self) -> bool;
    /// The value when it is a number.
    fn number(&self) -> Option<f64>;
    /// The length when the value is an array, else 0.
    fn array_len(&self) -> usize;
}

/// A response body as the transport read it.
pub enum Body<V> {
    /// No bytes at all.
    Empty,
    /// Bytes that are not JSON (an HTML error page, a truncated body).
    NotJson,
    /// Parsed JSON.
    Json(V),
    /// More bytes than the client reads (16 MiB, `BODY_CAP` in `src/js/io.js`, where the body
    /// is read): not read on. A 2xx is `INVALID_RESPONSE`; an error status keeps its code.
    TooLarge,
    /// JSON that could not be redacted (nested too deep to walk): dropped.
    Unredactable,
}

/// The most `retryAfterMs` reports: a day (a server may send any number).
pub const MAX_REPORTED_RETRY_AFTER_MS: u64 = 24 * 60 * 60 * 1000;

/// The parts of a response other than the body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: u16,
    /// `x-request-id`, else `request-id`, else `cf-ray`.
    pub request_id: Option<String>,
    /// The raw `Retry-After` header.
    pub retry_after: Option<String>,
}

/// A successful response: the server's message and the request id, if it sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Success {
    /// `message` of the body.
    pub message: Option<String>,
    /// `x-request-id`, else `request-id`, else `cf-ray`.
    pub request_id: Option<String>,
}

/// Classifies a response. `now_ms` (Unix time) resolves an HTTP-date `Retry-After`.
pub fn classify<V: JsonView>(
    meta: &ResponseMeta,
    body: &Body<V>,
    expect: Expect,
    now_ms: u64,
) -> Result<Success, ApiError> {
    let json = match body {
        Body::Json(v) => Some(v),
        _ => None,
    };
    let message = json.and_then(message_of);
    if meta.status == 0 || (300..400).contains(&meta.status) {
        return Err(redirect(meta));
    }
    let mut error = if (200..300).contains(&meta.status) {
        match json.filter(|v| body_fits(*v, expect)) {
            Some(_) => {
                let request_id = meta.request_id.clone();
                return Ok(Success {
                    message,
                    request_id,
                });
            }
            None => ApiError::new(ErrorCode::InvalidResponse, ""),
        }
    } else {
        let by_body = json
            .and_then(code_of)
            .and_then(|c| ErrorCode::from_body_code(&c));
        let code = match by_body {
            Some(code) if meta.status != 401 => code,
            _ => code_for(meta.status, message.as_deref().unwrap_or("")),
        };
        ApiError::new(code, "")
    };
    error.message = message.unwrap_or_else(|| describe(meta.status, body));
    error.status = Some(meta.status);
    error.request_id.clone_from(&meta.request_id);
    if matches!(meta.status, 429 | 503) {
        error.retry_after_ms = meta
            .retry_after
            .as_deref()
            .and_then(|h| parse_retry_after(h, now_ms))
            .map(|ms| ms.min(MAX_REPORTED_RETRY_AFTER_MS));
    }
    Err(error)
}

/// A redirect (a 3xx, or the opaque redirect a browser reports as status 0): the API never
/// redirects, and following one could turn a DELETE into a GET that "succeeds".
pub fn redirect(meta: &ResponseMeta) -> ApiError {
    let mut message = String::from("The server answered with a redirect");
    if meta.status != 0 {
        message.push_str(" (HTTP ");
        push_number(&mut message, u64::from(meta.status));
        message.push_str(")");
    }
    message.push_str(", which the client does not follow: check baseUrl.");
    let mut error = ApiError::new(ErrorCode::HttpError, message);
    error.status = (meta.status != 0).then_some(meta.status);
    error.request_id.clone_from(&meta.request_id);
    error
}

/// The code for an error status, refined by the message where the API has several meanings.
pub fn code_for(status: u16, message: &str) -> ErrorCode {
    // `contains` compares ASCII letters without case.
    match status {
        401 => ErrorCode::InvalidToken,
        403 => ErrorCode::Unauthorized,
        404 if contains(message, "training not found") => ErrorCode::TrainingNotFound,
        404 if contains(message, "agent not found") => ErrorCode::AgentNotFound,
        404 => ErrorCode::NotFound,
        409 if contains(message, "active call") => ErrorCode::AgentHasActiveCalls,
        409 if contains(message, "publish") => ErrorCode::AgentIsPublished,
        409 => ErrorCode::Conflict,
        422 => ErrorCode::ValidationError,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ServerError,
        100..=599 => ErrorCode::HttpError,
        _ => ErrorCode::InvalidResponse,
    }
}

fn body_fits<V: JsonView>(v: &V, expect: Expect) -> bool {
    let ok = v.is_object() && v.get("success").and_then(|s| s.boolean()) != Some(false);
    ok && match expect {
        Expect::Message => true,
        Expect::DataObject => v.get("data").is_some_and(|d| d.is_object()),
        Expect::DataArray => v.get("data").is_some_and(|d| d.is_array()),
    }
}

/// `message`, else `error.message`, else `error` when it is prose rather than a code.
fn message_of<V: JsonView>(v: &V) -> Option<String> {
    string_at(v, "message", |s| !looks_like_code(s)).filter(|m| !m.chars().all(is_space))
}

/// `code`, else `error.code`, else `error` when it looks like a code (`UPPER_SNAKE`).
fn code_of<V: JsonView>(v: &V) -> Option<String> {
    string_at(v, "code", looks_like_code)
}

/// `v[key]`, else `v.error[key]`, else `v.error` itself when it is a string that `fits`: the
/// places the documented error shapes put a message or a code.
fn string_at<V: JsonView>(v: &V, key: &str, fits: fn(&str) -> bool) -> Option<String> {
    if let Some(found) = v.get(key).and_then(|x| x.string()) {
        return Some(found);
    }
    // Only now: each read of the body may cross into JavaScript.
    let error = v.get("error")?;
    error
        .get(key)
        .and_then(|x| x.string())
        .or_else(|| error.string().filter(|s| fits(s)))
}

fn looks_like_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A client-side description for a response that brought no message of its own.
fn describe<V>(status: u16, body: &Body<V>) -> String {
    let mut m = String::from("The server answered HTTP ");
    push_number(&mut m, u64::from(status));
    m.push_str(match body {
        Body::Empty => " with an empty body.",
        Body::NotJson => " with a body that is not JSON.",
        Body::Json(_) if (200..300).contains(&status) => {
            " with JSON that is not the documented response."
        }
        Body::Json(_) => " without a message.",
        Body::TooLarge => " with a body larger than the 16 MiB the client reads.",
        Body::Unredactable => " with a body nested too deep to read safely.",
    });
    m
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "classify_tests.rs"]
mod tests;
