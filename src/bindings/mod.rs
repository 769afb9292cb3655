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
    fn new(config: &JsValue, options: &JsValue) -> Result<Self, ApiError> {
        let options = options_arg(options)?;
        Ok(Self {
            transport: config::transport(config)?,
            signal: signal_of(&options)?,
            options,
        })
    }

    async fn send(&self, spec: Result<RequestSpec, ApiError>) -> Result<Reply, Failure> {
        self.transport.send(&spec?, self.signal.as_ref()).await
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

/// `DELETE /agents/{agentId}` -> `DeleteResult`.
#[wasm_bindgen(js_name = deleteAgent)]
pub fn delete_agent(config: JsValue, agent_id: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        let id = id("agentId", &agent_id)?;
        let reply = call
            .send(endpoint::delete_agent(&id))
            .await
            .map_err(to_js_error)?;
        Ok(delete_result(reply, "Agent deleted successfully"))
    })
}

/// `DELETE /agents/{agentId}/trainings/{trainingId}` -> `DeleteResult`; with `republish`, a
/// published agent is published again afterwards and `republished` says whether it was.
#[wasm_bindgen(js_name = deleteTraining)]
pub fn delete_training(
    config: JsValue,
    agent_id: JsValue,
    training_id: JsValue,
    options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        let republish = values::bool_option(&call.options, "republish", false).map_err(invalid)?;
        let (agent, training) = (id("agentId", &agent_id)?, id("trainingId", &training_id)?);
        let spec = endpoint::delete_training(&agent, &training);
        let was_published = match (republish, &spec) {
            (true, Ok(_)) => {
                let current = call.data(endpoint::get_agent(&agent)).await?;
                current
                    .get("current_status")
                    .and_then(|s| s.string())
                    .as_deref()
                    == Some("published")
            }
            _ => false,
        };
        let reply = call.send(spec).await.map_err(to_js_error)?;
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
    })
}

/// `GET /agents/{agentId}` -> the agent.
#[wasm_bindgen(js_name = getAgent)]
pub fn get_agent(config: JsValue, agent_id: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        call.data(endpoint::get_agent(&id("agentId", &agent_id)?))
            .await
    })
}

/// `GET /agents/{agentId}/trainings` -> the trainings.
#[wasm_bindgen(js_name = listTrainings)]
pub fn list_trainings(config: JsValue, agent_id: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        call.data(endpoint::list_trainings(&id("agentId", &agent_id)?))
            .await
    })
}

/// `POST /agents/{agentId}/publish` (`publish` true) or `/unpublish` -> the agent summary.
#[wasm_bindgen(js_name = setPublished)]
pub fn set_published(
    config: JsValue,
    agent_id: JsValue,
    publish: bool,
    options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        call.data(endpoint::set_published(&id("agentId", &agent_id)?, publish))
            .await
    })
}

/// `GET /agents` -> `{ data, meta }`.
#[wasm_bindgen(js_name = listAgents)]
pub fn list_agents(config: JsValue, query: JsValue) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &query).map_err(invalid)?;
        let query = read_query(&call.options).map_err(invalid)?;
        let reply = call
            .send(Ok(endpoint::list_agents(&query)))
            .await
            .map_err(to_js_error)?;
        let meta = reply.body.get("meta").unwrap_or(JsValue::NULL);
        Ok(object(&[("data", data_of(&reply.body)), ("meta", meta)]))
    })
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

/// The cleanup workflow -> `CleanupReport`.
#[wasm_bindgen(js_name = cleanupAgents)]
pub fn cleanup_agents(config: JsValue, agent_ids: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move {
        let call = Call::new(&config, &options).map_err(invalid)?;
        cleanup::run(call, &agent_ids).await
    })
}
