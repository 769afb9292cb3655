//! What a [`Call`](super::call::Call) works through: one request, `deleteTraining` with
//! `republish`, every page of `activeCalls`, or one agent of `cleanupAgents`, with the state
//! each keeps between exchanges.

use super::results::DeleteResult;
use crate::proto::cleanup::Step;
use crate::proto::sweep::AgentCleanup;
use crate::proto::RequestSpec;
use js_sys::Array;
use wasm_bindgen::JsValue;

/// What a call does with its exchanges.
pub(crate) enum Work {
    /// One request; its reply is the result (`DeleteResult`, `data`, or `{ data, meta }`).
    Single(Shape, RequestSpec),
    /// `deleteTraining` with `republish`: read the agent, delete, publish again if it was.
    Republish(Box<Republish>),
    /// `activeCalls`: every page of each active status.
    ActiveCalls(Box<ActiveCalls>),
    /// One agent of `cleanupAgents`.
    Agent(Box<AgentWork>),
}

/// How a single reply becomes the result.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// A `DeleteResult` with this message when the server sends none.
    Deleted(&'static str),
    /// The body's `data`.
    Data,
    /// `{ data, meta }`.
    Page,
}

/// `deleteTraining` with `republish`.
pub(crate) struct Republish {
    pub(crate) agent: String,
    pub(crate) delete: RequestSpec,
    /// Known once the agent is read.
    pub(crate) was_published: Option<bool>,
    /// Known once the training is deleted.
    pub(crate) deleted: Option<DeleteResult>,
}

/// `activeCalls`: the page being read and the calls so far.
pub(crate) struct ActiveCalls {
    pub(crate) agent: String,
    pub(crate) status: usize,
    pub(crate) page: u32,
    pub(crate) calls: Array,
}

/// One agent's cleanup: the machine and the values its result carries.
pub(crate) struct AgentWork {
    pub(crate) id: String,
    pub(crate) machine: AgentCleanup,
    pub(crate) step: Step,
    pub(crate) agent: JsValue,
    pub(crate) trainings: JsValue,
    pub(crate) details: JsValue,
}
