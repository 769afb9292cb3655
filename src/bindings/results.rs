//! The values a call resolves to, as `#[derive(Serialize)]` types that cross to JavaScript with
//! serde-wasm-bindgen (JSON-compatible: `None` becomes `null`). JavaScript values they carry
//! (API objects, errors) pass through untouched.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// `DeleteResult`, plus `republished` / `republishError` for `deleteTraining({ republish })`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteResult {
    /// Always `true`: failures reject.
    pub success: bool,
    /// The server's message, or what happened.
    pub message: String,
    /// A retried delete found it already gone.
    pub already_deleted: bool,
    /// The response's request id.
    pub request_id: Option<String>,
    /// With `republish`: whether the agent was published again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub republished: Option<bool>,
    /// With `republish`: the `TalkoverError` of a failed publish, else `null` (and without
    /// `republish`, `undefined`: the field is left out).
    #[serde(
        skip_serializing_if = "JsValue::is_undefined",
        with = "serde_wasm_bindgen::preserve"
    )]
    pub republish_error: JsValue,
}

/// `listAgents`: `{ data, meta }`.
#[derive(Serialize)]
pub struct Page {
    /// The agents.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub data: JsValue,
    /// `{ current_page, per_page, total, last_page }`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub meta: JsValue,
}

/// What the cleanup kept of an agent before changing it.
#[derive(Serialize)]
pub struct Backup {
    /// The agent as read.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub agent: JsValue,
    /// Its trainings.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub trainings: JsValue,
}

/// `CleanupResult`: one agent's outcome.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupResult<'a> {
    /// The agent.
    pub agent_id: &'a str,
    /// `deleted`, `skipped`, `failed` or `planned`.
    pub outcome: &'static str,
    /// An error code, `UNPUBLISH_FIRST`, or `null`.
    pub reason: Option<&'static str>,
    /// Left unpublished by this run.
    pub unpublished: bool,
    /// The backup, or `null`.
    pub backup: Option<Backup>,
    /// The `TalkoverError` behind a skip or failure, or `null`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub error: JsValue,
}

/// The JavaScript value of a result.
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}
