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

pub(super) fn cleanup_result(w: &AgentWork, verdict: Verdict) -> JsValue {
    let details = w.details.clone();
    let error = verdict.error.map_or(JsValue::NULL, |error| {
        let details = error.status.map_or(JsValue::NULL, |_| details);
        to_js_error(Failure { error, details })
    });
    let backup = verdict.backed_up.then_some(Backup {
        agent: &w.agent,
        trainings: &w.trainings,
    });
    CleanupResult {
        agent_id: &w.id,
        outcome: verdict.outcome.as_str(),
        reason: verdict.reason,
        unpublished: verdict.unpublished,
        backup,
        error,
    }
    .to_js()
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
        republish_error: JsValue::UNDEFINED,
    }
}

pub(super) fn single(shape: Shape, reply: Reply) -> JsValue {
    match shape {
        Shape::Deleted(message) => delete_result(reply, message).to_js(),
        Shape::Data => data_of(&reply.body),
        Shape::Page => page(
            &data_of(&reply.body),
            &reply.body.get("meta").unwrap_or(JsValue::NULL),
        ),
    }
}
