//! Every `#[wasm_bindgen]` export (wasm32 only). `configure` checks the client options once;
//! `start` (and `startCleanup`) check a call's arguments and return a [`Call`] that the
//! JavaScript driver runs to its result. Nothing here awaits: the wasm is synchronous.

mod call;
mod cleanup;
mod config;
mod results;
mod values;
mod work;

pub use call::Call;
pub use cleanup::{start_cleanup, Cleanup};

use crate::proto::options::Bag;
use crate::proto::{endpoint, AgentQuery, ApiError, RequestSpec};
use js_sys::JsString;
use values::{invalid, string_arg, Options};
use wasm_bindgen::prelude::*;
use work::{ActiveCalls, Republish, Shape, Work};

/// Checks client options: the packed configuration, or nothing and the `TalkoverError` goes
/// to JavaScript (see [`refused`]).
#[wasm_bindgen]
pub fn configure(options: JsValue) -> Option<JsString> {
    refused(try_configure(&options).map(|packed| packed.as_str().into()))
}

/// [`configure`] for Rust callers: the packed configuration or the `TalkoverError`.
pub fn try_configure(options: &JsValue) -> Result<String, JsValue> {
    config::configure(options).map_err(invalid)
}

/// `Ok`'s value; an `Err`'s `TalkoverError` goes to `refuse` (`src/js/error.js`), which the
/// JavaScript caller throws, and nothing is returned. So every export returns one value: a
/// `Result` crosses as several, and each multi-value signature costs V8 a compiled wrapper when
/// it compiles the module (about 0.15 ms of Node's cold start apiece).
pub(crate) fn refused<T>(result: Result<T, JsValue>) -> Option<T> {
    result.map_err(|error| crate::sys::refuse(&error)).ok()
}

/// The operations of [`start`]; `src/js/client.js` names them.
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
    /// Every page of `GET /agents/{first}/calls` in an active status -> the calls.
    ActiveCalls = 7,
}

/// Checks one call's arguments and returns it, ready for the driver; when they are wrong,
/// nothing is sent and the `TalkoverError` (`INVALID_ARGUMENT`) goes to JavaScript
/// ([`refused`]).
#[wasm_bindgen]
pub fn start(
    config: &str,
    op: Op,
    first: JsValue,
    second: JsValue,
    options: JsValue,
) -> Option<Call> {
    refused(try_start(config, op, first, second, options))
}

/// [`start`] for Rust callers: the call or the `TalkoverError`.
pub fn try_start(
    config: &str,
    op: Op,
    first: JsValue,
    second: JsValue,
    options: JsValue,
) -> Result<Call, JsValue> {
    let names = match op {
        Op::ListAgents => "page,perPage,status,direction,search,signal",
        Op::DeleteTraining => "republish,signal",
        _ => "signal",
    };
    let options = Options::read(&options, names).map_err(invalid)?;
    let transport = config::transport(config).map_err(invalid)?;
    let signal = options.signal().map_err(invalid)?;
    let work = work(op, &first, &second, &options.bag).map_err(invalid)?;
    Ok(Call::new(transport, signal, work))
}

fn work(op: Op, first: &JsValue, second: &JsValue, options: &Bag) -> Result<Work, ApiError> {
    if let Op::ListAgents = op {
        return Ok(Work::Single(
            Shape::Page,
            endpoint::list_agents(&read_query(options)?),
        ));
    }
    let agent = string_arg("agentId", first)?;
    let single = |shape, spec: Result<RequestSpec, ApiError>| Ok(Work::Single(shape, spec?));
    match op {
        Op::DeleteAgent => single(
            Shape::Deleted("Agent deleted successfully"),
            endpoint::delete_agent(&agent),
        ),
        Op::DeleteTraining => delete_training(agent, second, options),
        Op::GetAgent => single(Shape::Data, endpoint::get_agent(&agent)),
        Op::ListTrainings => single(Shape::Data, endpoint::list_trainings(&agent)),
        Op::Publish | Op::Unpublish => single(
            Shape::Data,
            endpoint::set_published(&agent, matches!(op, Op::Publish)),
        ),
        // (ListAgents returned above.)
        Op::ActiveCalls | Op::ListAgents => {
            crate::proto::input::check_id("agentId", &agent)?;
            let calls = js_sys::Array::new();
            Ok(Work::ActiveCalls(Box::new(ActiveCalls {
                agent,
                status: 0,
                page: 1,
                calls,
            })))
        }
    }
}

/// With `republish`, a published agent is published again after the delete and `republished`
/// (and `republishError`) say how that went.
fn delete_training(agent: String, training: &JsValue, options: &Bag) -> Result<Work, ApiError> {
    let training = string_arg("trainingId", training)?;
    let delete = endpoint::delete_training(&agent, &training)?;
    match options.bool("republish", false)? {
        false => Ok(Work::Single(
            Shape::Deleted("Agent training deleted successfully"),
            delete,
        )),
        true => Ok(Work::Republish(Box::new(Republish {
            agent,
            delete,
            was_published: None,
            deleted: None,
        }))),
    }
}

fn read_query(q: &Bag) -> Result<AgentQuery, ApiError> {
    let number = |name, max| q.int(name, 0, 1, max).map(|n| (n > 0).then_some(n));
    AgentQuery {
        page: number("page", u32::MAX)?,
        per_page: number("perPage", 100)?,
        status: q.string("status")?,
        direction: q.string("direction")?,
        search: q.string("search")?,
    }
    .check()
}
