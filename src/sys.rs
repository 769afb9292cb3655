//! Every hand-written JavaScript import of the crate, in one place (wasm32 only). The helpers
//! live in `src/js/sys.js`, `src/js/error.js` and `src/js/results.js` (the factories that build
//! each result in one crossing); each is written so that it cannot throw into the wasm, and
//! reads nothing through `Object.prototype`. (The I/O is not imported: the
//! JavaScript driver, `src/js/driver.js`, does it with `src/js/io.js` and reports to the wasm.)

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/sys.js")]
extern "C" {
    /// `o[key]` when it is an own property of the object `o`, else `undefined`.
    pub fn own(o: &JsValue, key: &str) -> JsValue;
    /// [`own`], with `null` read as `undefined` (for JSON bodies).
    #[wasm_bindgen(js_name = ownValue)]
    pub fn own_value(o: &JsValue, key: &str) -> JsValue;
    /// Whether a value is a JSON object (not `null`, not an array).
    #[wasm_bindgen(js_name = isJsonObject)]
    pub fn is_json_object(v: &JsValue) -> bool;
    /// `list[index]` when it is an own element (not a hole), else `undefined` ([`own`] with an
    /// index for a key).
    #[wasm_bindgen(js_name = own)]
    pub fn own_at(list: &JsValue, index: u32) -> JsValue;
    /// The own properties `names` (comma-separated) of `o` as one typed string
    /// ([`crate::proto::options`]).
    pub fn snapshot(o: &JsValue, names: &str) -> String;
    /// `F` when there is a global `fetch` (else `-`), then `B` in a browser page (else `-`).
    pub fn environment() -> String;
    /// Whether a string has no lone surrogates.
    #[wasm_bindgen(js_name = isWellFormed)]
    pub fn is_well_formed(s: &JsValue) -> bool;
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
    /// Hands JavaScript the `TalkoverError` of what an export refused (it then returns
    /// nothing, and the caller throws this).
    pub fn refuse(error: &JsValue);
}

#[wasm_bindgen(module = "/src/js/results.js")]
extern "C" {
    /// A `DeleteResult` (`requestId` `null` when `None`); with `republished` (`deleteTraining`
    /// with `republish`) also `republished` and `republishError`, else those keys are absent.
    #[wasm_bindgen(js_name = deleteResult)]
    pub fn delete_result(
        message: &str,
        already_deleted: bool,
        request_id: Option<&str>,
        republished: Option<bool>,
        republish_error: &JsValue,
    ) -> JsValue;
    /// `{ data, meta }`.
    pub fn page(data: &JsValue, meta: &JsValue) -> JsValue;
    /// A `CleanupResult` (`reason` `null` when `None`); `backup` is `{ agent, trainings }` when
    /// `backed_up`, else `null`.
    #[wasm_bindgen(js_name = cleanupResult)]
    pub fn cleanup_result(
        agent_id: &str,
        outcome: &str,
        reason: Option<&str>,
        unpublished: bool,
        backed_up: bool,
        agent: &JsValue,
        trainings: &JsValue,
        error: &JsValue,
    ) -> JsValue;
}
