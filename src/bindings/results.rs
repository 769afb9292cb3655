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

/// A `CleanupResult`: one agent's outcome, with its backup when it was backed up and the
/// `TalkoverError` behind a skip or failure.
pub(super) fn cleanup_result(w: &AgentWork, verdict: Verdict) -> JsValue {
    let details = w.details.clone();
    let error = verdict.error.map_or(JsValue::NULL, |error| {
        let details = error.status.map_or(JsValue::NULL, |_| details);
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
        republished: None,
        republish_error: JsValue::NULL,
    }
}

pub(super) fn single(shape: Shape, reply: Reply) -> JsValue {
    match shape {
        Shape::Deleted(message) => delete_result(reply, message).to_js(),
        Shape::Data => data_of(&reply.body),
        Shape::Page => sys::page(
            &data_of(&reply.body),
            &reply.body.get("meta").unwrap_or(JsValue::NULL),
        ),
    }
}
