//! The values a call resolves to. Each is built on the JavaScript side by one call to its
//! factory (`src/js/results.js`, declared in [`crate::sys`]): one crossing per result, the keys
//! in a fixed order, JSON-compatible (`None` becomes `null`). JavaScript values they carry (API
//! objects, errors) pass through untouched. The strings in them are already redacted.

use crate::sys;
use wasm_bindgen::JsValue;

/// `DeleteResult` (`success` is always `true`: failures reject), plus `republished` /
/// `republishError` for `deleteTraining({ republish })`.
pub struct DeleteResult {
    /// The server's message, or what happened.
    pub message: String,
    /// A retried delete found it already gone.
    pub already_deleted: bool,
    /// The response's request id.
    pub request_id: Option<String>,
    /// With `republish`: whether the agent was published again (`None`: the key and
    /// `republishError` are left out).
    pub republished: Option<bool>,
    /// With `republish`: the `TalkoverError` of a failed publish, else `null`.
    pub republish_error: JsValue,
}

impl DeleteResult {
    /// The JavaScript value.
    pub fn to_js(&self) -> JsValue {
        sys::delete_result(
            &self.message,
            self.already_deleted,
            self.request_id.as_deref(),
            self.republished,
            &self.republish_error,
        )
    }
}

/// `listAgents`: `{ data, meta }`.
pub fn page(data: &JsValue, meta: &JsValue) -> JsValue {
    sys::page(data, meta)
}

/// What the cleanup kept of an agent before changing it.
pub struct Backup<'a> {
    /// The agent as read.
    pub agent: &'a JsValue,
    /// Its trainings.
    pub trainings: &'a JsValue,
}

/// `CleanupResult`: one agent's outcome.
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
    pub backup: Option<Backup<'a>>,
    /// The `TalkoverError` behind a skip or failure, or `null`.
    pub error: JsValue,
}

impl CleanupResult<'_> {
    /// The JavaScript value.
    pub fn to_js(&self) -> JsValue {
        let none = Backup {
            agent: &JsValue::NULL,
            trainings: &JsValue::NULL,
        };
        let backup = self.backup.as_ref().unwrap_or(&none);
        sys::cleanup_result(
            self.agent_id,
            self.outcome,
            self.reason,
            self.unpublished,
            self.backup.is_some(),
            backup.agent,
            backup.trainings,
            &self.error,
        )
    }
}
