//! Every `#[wasm_bindgen]` export (wasm32 only). The JavaScript `TalkoverClient` in
//! `src/js/client.js` keeps the configuration object [`configure`] returns and passes it to
//! these functions. Each operation returns a `Promise` that never throws synchronously: every
//! failure, a bad argument included, rejects with a `TalkoverError`.

mod cleanup;
mod config;
mod values;

use crate::proto::{endpoint, AgentQuery, ApiError, JsonView, RequestSpec};
use crate::transport::{Failure, Reply, Transport};
use js_sys::Promise;
use values::{data_of, invalid, object, options_arg, signal_of, string_arg, to_js_error};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// One call's transport, signal and options.
pub(crate) struct Call {
    transport: Transport,
    signal: Option<AbortSignal>,
    options: JsValue,
}

impl Call {
    /// The caller's signal as the driver takes it: the signal, or `undefined`.
    fn signal_value(&self) -> JsValue {
        self.signal
            .as_ref()
            .map_or(JsValue::UNDEFINED, |s| s.into())
    }

    fn new(config: &JsValue, options: &JsValue) -> Result<Self, ApiError> {
        let options = options_arg(options)?;
        Ok(Self {
            transport: config::transport(config)?,
            signal: signal_of(&options)?,
            options,
        })
    }

    async fn send(&self, spec: Result<RequestSpec, ApiError>) -> Result<Reply, Failure> {
        self.transport.send(&spec?, &self.signal_value()).await
    }

    /// Sends and resolves to the body's `data`.
    async fn data(&self, spec: Result<RequestSpec, ApiError>) -> Result<JsValue, JsValue> {
        self.send(spec)
            .await
            .map(|r| data_of(&r.body))
            .map_err(to_js_error)
    }
}

/// Checks client options; returns the configuration object or throws a `TalkoverError`.
#[wasm_bindgen]
pub fn configure(options: JsValue) -> Result<JsValue, JsValue> {
    config::configure(&options).map_err(invalid)
}

fn id(name: &str, value: &JsValue) -> Result<String, JsValue> {
    string_arg(name, value).map_err(invalid)
}

fn delete_result(reply: Reply, default_message: &str) -> JsValue {
    let message = match (reply.already_deleted, reply.message) {
        (true, _) => "Already deleted: a retried request found it gone.".to_owned(),
        (false, Some(m)) => m,
        (false, None) => default_message.to_owned(),
    };
    object(&[
        ("success", true.into()),
        ("message", message.into()),
        ("alreadyDeleted", reply.already_deleted.into()),
        (
            "requestId",
            reply.request_id.map_or(JsValue::NULL, Into::into),
        ),
    ])
}

/// The operations of [`request`]; `src/js/client.js` names them.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum Op {
    /// `DELETE /agents/{first}` -> `DeleteResult`.
    DeleteAgent = 0,
    /// `DELETE /agents/{first}/trainings/{second}` -> `DeleteResult` (+ `republish`).
    DeleteTraining = 1,
    /// `GET /agents/{first}` -> the agent.
    GetAgent = 2,
    /// `GET /agents/{first}/trainings` -> the trainings.
    ListTrainings = 3,
    /// `POST /agents/{first}/publish` -> the agent summary.
    Publish = 4,
    /// `POST /agents/{first}/unpublish` -> the agent summary.
    Unpublish = 5,
    /// `GET /agents` with the query in `options` -> `{ data, meta }`.
    ListAgents = 6,
    /// The cleanup workflow over the ids in `first` -> `CleanupReport`.
    Cleanup = 7,
}

/// Runs one operation. A single export for all of them keeps one async state machine in the
/// wasm instead of one per method.
#[wasm_bindgen]
pub fn request(
    config: JsValue,
    op: Op,
    first: JsValue,
    second: JsValue,
    options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        match op {
            Op::DeleteAgent => {
                let spec = endpoint::delete_agent(&id("agentId", &first)?);
                let reply = call.send(spec).await.map_err(to_js_error)?;
                Ok(delete_result(reply, "Agent deleted successfully"))
            }
            Op::DeleteTraining => delete_training(&call, &first, &second).await,
            Op::GetAgent => {
                call.data(endpoint::get_agent(&id("agentId", &first)?))
                    .await
            }
            Op::ListTrainings => {
                call.data(endpoint::list_trainings(&id("agentId", &first)?))
                    .await
            }
            Op::Publish | Op::Unpublish => {
                let publish = matches!(op, Op::Publish);
                call.data(endpoint::set_published(&id("agentId", &first)?, publish))
                    .await
            }
            Op::ListAgents => list_agents(&call).await,
            Op::Cleanup => cleanup::run(call, &first).await,
        }
    })
}

/// With `republish`, a published agent is published again after the delete and `republished`
/// (and `republishError`) say how that went.
async fn delete_training(
    call: &Call,
    agent: &JsValue,
    training: &JsValue,
) -> Result<JsValue, JsValue> {
    let republish = values::bool_option(&call.options, "republish", false).map_err(invalid)?;
    let (agent, training) = (id("agentId", agent)?, id("trainingId", training)?);
    let spec = endpoint::delete_training(&agent, &training).map_err(invalid)?;
    let was_published = republish && {
        let current = call.data(endpoint::get_agent(&agent)).await?;
        current
            .get("current_status")
            .and_then(|s| s.string())
            .as_deref()
            == Some("published")
    };
    let reply = call.send(Ok(spec)).await.map_err(to_js_error)?;
    let result = delete_result(reply, "Agent training deleted successfully");
    if republish {
        let outcome = match was_published {
            true => call
                .send(endpoint::set_published(&agent, true))
                .await
                .map(|_| true),
            false => Ok(false),
        };
        let (done, error) = match outcome {
            Ok(done) => (done, JsValue::NULL),
            Err(failure) => (false, to_js_error(failure)),
        };
        let _ = js_sys::Reflect::set(&result, &"republished".into(), &done.into());
        let _ = js_sys::Reflect::set(&result, &"republishError".into(), &error);
    }
    Ok(result)
}

async fn list_agents(call: &Call) -> Result<JsValue, JsValue> {
    let query = read_query(&call.options).map_err(invalid)?;
    let reply = call
        .send(Ok(endpoint::list_agents(&query)))
        .await
        .map_err(to_js_error)?;
    let meta = reply.body.get("meta").unwrap_or(JsValue::NULL);
    Ok(object(&[("data", data_of(&reply.body)), ("meta", meta)]))
}

fn read_query(q: &JsValue) -> Result<AgentQuery, ApiError> {
    let number = |name, max| values::int_option(q, name, 0, 1, max).map(|n| (n > 0).then_some(n));
    AgentQuery {
        page: number("page", u32::MAX)?,
        per_page: number("perPage", 100)?,
        status: values::string_option(q, "status")?,
        direction: values::string_option(q, "direction")?,
        search: values::string_option(q, "search")?,
    }
    .check()
}
