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
    /// One attempt: `fetch` with `redirect: 'manual'`, the response read (bounded, parsed,
    /// redacted), all within `timeout_ms` and the signal. Resolves to `[head, body]` (see
    /// [`crate::proto::attempt::Head`]); never rejects.
    pub fn attempt(
        fetch: &JsValue,
        url: &str,
        method: &str,
        authorization: &str,
        timeout_ms: u32,
        signal: &JsValue,
        secret: &str,
    ) -> Promise;
    /// Resolves to `true` after `ms`, or `false` once the signal aborts.
    pub fn sleep(ms: u32, signal: &JsValue) -> Promise;
    /// Calls a caller's callback, ignoring what it throws or rejects with.
    #[wasm_bindgen(js_name = callQuietly)]
    pub fn call_quietly(callback: &Function, argument: &JsValue);
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
