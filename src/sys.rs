//! Every hand-written JavaScript import of the crate, in one place (wasm32 only). The helpers
//! live in `src/js/sys.js` and `src/js/error.js`; each is written so that it cannot throw into
//! the wasm, and reads nothing through `Object.prototype`.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/sys.js")]
extern "C" {
    /// `o[key]` when it is an own property of the object `o`, else `undefined`.
    pub fn own(o: &JsValue, key: &str) -> JsValue;
    /// `list[index]` when it is an own element (not a hole), else `undefined`.
    #[wasm_bindgen(js_name = ownAt)]
    pub fn own_at(list: &JsValue, index: u32) -> JsValue;
    /// Whether a string has no lone surrogates.
    #[wasm_bindgen(js_name = isWellFormed)]
    pub fn is_well_formed(s: &JsValue) -> bool;
    /// The `init` of `fetch(url, init)`: headers, the attempt's signal, `redirect: 'manual'`.
    #[wasm_bindgen(js_name = requestInit)]
    pub fn request_init(method: &str, authorization: &str, signal: &JsValue) -> JsValue;
    /// Resolves to `[status, requestId, retryAfter, kind, body]` (see [`BodyKind`]).
    pub fn receive(response: &JsValue, secret: &str) -> Promise;
    /// Calls a caller's callback, ignoring what it throws or rejects with.
    #[wasm_bindgen(js_name = callQuietly)]
    pub fn call_quietly(callback: &Function, argument: &JsValue);
    /// Calls `f` once the signal aborts (at once if it has).
    #[wasm_bindgen(js_name = onAbort)]
    pub fn on_abort(signal: &JsValue, f: &Function);
    /// Stops waiting for the signal with `f`.
    #[wasm_bindgen(js_name = offAbort)]
    pub fn off_abort(signal: &JsValue, f: &Function);
}

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    /// A `TalkoverError`.
    #[wasm_bindgen(js_name = createError)]
    pub fn create_error(
        code: &str,
        message: &str,
        status: Option<u16>,
        retryable: bool,
        request_id: Option<String>,
        retry_after_ms: Option<f64>,
        details: &JsValue,
    ) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout(handler, ms, argument)`.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &Function, ms: i32, argument: &JsValue) -> JsValue;
    /// The global `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// What `receive` found in a response body (the numbers of `src/js/sys.js`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No bytes (or a redirect, whose body is not read).
    Empty,
    /// JSON, parsed and redacted.
    Json,
    /// Bytes that are not JSON.
    NotJson,
    /// More than the body cap: not read on.
    TooLarge,
    /// JSON too deep to redact: dropped.
    Unredactable,
    /// A custom `fetch` followed a redirect.
    Redirected,
    /// `fetch` resolved to something that is not a response.
    NotAResponse,
}

impl BodyKind {
    /// The kind for a number `receive` gave.
    pub fn from_number(n: Option<f64>) -> Self {
        match n.unwrap_or(-1.0) as i32 {
            0 => Self::Empty,
            1 => Self::Json,
            2 => Self::NotJson,
            3 => Self::TooLarge,
            4 => Self::Unredactable,
            5 => Self::Redirected,
            _ => Self::NotAResponse,
        }
    }
}
