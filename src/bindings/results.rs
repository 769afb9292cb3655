//! The values a call resolves to. Each is built on the JavaScript side by one call to its
//! factory (`src/js/results.js`, declared in [`crate::sys`]): one crossing per result, the keys
//! in a fixed order, JSON-compatible (`None` becomes `null`). JavaScript values they carry (API
//! objects, errors) pass through untouched. The strings in them are already redacted.

use super::values::{data_of, to_js_error};
use super::work::{AgentWork, Shape};
use crate::proto::sweep::Verdict;
use crate::proto::JsonView;
use crate::sys;
use crate::transport::{Failure, Reply};
use wasm_bindgen::JsValue;

/// `DeleteResult` (`success` is always `true`: failures reject).
pub struct DeleteResult {
    /// The server's message, or what happened.
    pub message: String,
    /// A retried delete found it already gone.
    pub already_deleted: bool,
    /// The response's request id.
    pub request_id: Option<String>,
}

impl DeleteResult {
    /// The JavaScript value; for `deleteTraining({ republish })`, with `republished` (whether the
    /// agent was published again) and `republishError` (the `TalkoverError` of a failed publish,
    /// else `null`). With `republished` `None` both keys are left out.
    pub fn to_js(&self, republished: Option<bool>, republish_error: &JsValue) -> JsValue {
        sys::delete_result(
            &self.message,
            self.already_deleted,
            self.request_id.as_deref(),
            republished,
            republish_error,
        )
    }
}

/// A `CleanupResult`: one agent's outcome, with its backup when it was backed up and the
/// `TalkoverError` behind a skip or failure.
pub(super) fn cleanup_result(w: &AgentWork, verdict: Verdict) -> JsValue {
    let error = verdict.error.map_or(JsValue::NULL, |error| {
        let details = error.status.map_or(JsValue::NULL, |_| w.details.clone());
        to_js_error(Failure { error, details })
    });
    sys::cleanup_result(
        &w.id,
        verdict.outcome.as_str(),
        verdict.reason,
        verdict.unpublished,
        verdict.backed_up,
        &w.agent,
        &w.trainings,
        &error,
    )
}

pub(super) fn delete_result(reply: Reply, default_message: &str) -> DeleteResult {
    let message = match (reply.already_deleted, reply.message) {
        (true, _) => "Already deleted: a retried request found it gone.".to_owned(),
        (false, Some(m)) => m,
        (false, None) => default_message.to_owned(),
    };
    DeleteResult {
        message,
        already_deleted: reply.already_deleted,
        request_id: reply.request_id,
    }
}

pub(super) fn single(shape: Shape, reply: Reply) -> JsValue {
    match shape {
        Shape::Deleted(message) => delete_result(reply, message).to_js(None, &JsValue::NULL),
        Shape::Data => data_of(&reply.body),
        Shape::Page => sys::page(
            &data_of(&reply.body),
            &reply.body.get("meta").unwrap_or(JsValue::NULL),
        ),
    }
}
