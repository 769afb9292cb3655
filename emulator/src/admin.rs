//! The admin API under `/__emulator` (no auth): reset and seeds, state, fixtures,
//! active calls, request log, stats, latency and fault scripts.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::app::Shared;
use crate::faults::FaultScript;
use crate::fixtures;
use crate::reply;
use crate::seed::Seed;
use crate::state::{set_active_calls, Env, DEMO_TOKEN, OTHER_TOKEN};
use crate::time::now_secs;
use crate::views;

type Reply = Result<Response, Response>;
type Body = Result<Bytes, BytesRejection>;

/// The `/__emulator` routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/__emulator", get(index))
        .route("/__emulator/reset", post(reset))
        .route("/__emulator/state", get(state_view))
        .route("/__emulator/agents", post(create_agent))
        .route(
            "/__emulator/agents/{agent_id}/active-calls",
            post(active_calls),
        )
        .route("/__emulator/requests", get(requests).delete(clear_requests))
        .route("/__emulator/stats", get(stats))
        .route("/__emulator/latency", get(latency).put(set_latency))
        .route(
            "/__emulator/rate-limit",
            get(rate_limit).put(set_rate_limit),
        )
        .route(
            "/__emulator/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
}

/// `GET /__emulator`: what the admin API offers (see emulator/README.md).
async fn index() -> Response {
    ok(json!({
        "name": "talkover-emulator",
        "version": env!("CARGO_PKG_VERSION"),
        "token": DEMO_TOKEN,
        "other_token": OTHER_TOKEN,
        "routes": [
            "POST /__emulator/reset {\"seed\":\"demo\"|\"empty\"|N}",
            "GET /__emulator/state",
            "POST /__emulator/agents {id?, environment?, name?, label?, direction?, current_status?, is_sandbox?, is_ready_to_publish?, active_calls?, created_at?, trainings?}",
            "POST /__emulator/agents/{id}/active-calls {\"count\":n}",
            "GET|DELETE /__emulator/requests",
            "GET /__emulator/stats",
            "GET|PUT /__emulator/latency {\"ms\":n}",
            "GET|PUT /__emulator/rate-limit {\"limit\":n,\"window_ms\":60000}",
            "GET|POST|DELETE /__emulator/faults {method, path, responses:[{kind, status?, body?, headers?, delay_ms?}]}",
        ],
    }))
}

/// 400 `{"success":false,"message":...}` for a bad admin request.
pub fn bad_request(message: &str) -> Response {
    reply::fail(StatusCode::BAD_REQUEST, message)
}

/// The JSON body, `None` when empty; 400 when it is not JSON.
pub fn json_body(body: Body) -> Result<Option<Value>, Response> {
    let bytes = body.map_err(|e| bad_request(&e.body_text()))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| bad_request(&format!("Body must be valid JSON: {e}")))
}

fn ok(body: Value) -> Response {
    reply::json(StatusCode::OK, body)
}

async fn reset(State(state): State<Shared>, body: Body) -> Reply {
    let body = json_body(body)?.unwrap_or(Value::Null);
    let seed = match body.get("seed") {
        None | Some(Value::Null) => Seed::Demo,
        Some(Value::String(s)) => Seed::parse(s).map_err(|e| bad_request(&e))?,
        Some(Value::Number(n)) => Seed::parse(&n.to_string()).map_err(|e| bad_request(&e))?,
        Some(_) => return Err(bad_request("seed must be \"demo\", \"empty\" or a number")),
    };
    state.reset(seed);
    let agents = state.store().count_in(Env::Demo);
    Ok(ok(
        json!({"token": DEMO_TOKEN, "other_token": OTHER_TOKEN, "agents": agents}),
    ))
}

async fn state_view(State(state): State<Shared>) -> Response {
    let store = state.store();
    let agents: Vec<Value> = store.iter().map(views::admin_agent).collect();
    ok(json!({"agents": agents}))
}

async fn create_agent(State(state): State<Shared>, body: Body) -> Reply {
    let body = json_body(body)?.unwrap_or_else(|| json!({}));
    let mut store = state.store();
    let agent = fixtures::build_agent(&mut store, &body).map_err(|e| bad_request(&e))?;
    let id = agent.id.clone();
    let active = fixtures::active_calls_of(&body).map_err(|e| bad_request(&e))?;
    if store.insert(agent).is_err() {
        let message = format!("An agent with id {id:?} already exists.");
        return Err(reply::fail(StatusCode::CONFLICT, &message));
    }
    set_active_calls(&mut store, &id, active, now_secs());
    let view = store
        .get(&id)
        .map(views::admin_agent)
        .unwrap_or(Value::Null);
    Ok(reply::json(StatusCode::CREATED, view))
}

async fn active_calls(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    body: Body,
) -> Reply {
    let id = path
        .map(|Path(id)| id)
        .map_err(|_| reply::agent_not_found())?;
    let body = json_body(body)?.unwrap_or(Value::Null);
    let count = body
        .get("count")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n <= fixtures::MAX_ACTIVE_CALLS)
        .ok_or_else(|| bad_request("count must be an integer from 0 to 1000"))?;
    let mut store = state.store();
    set_active_calls(&mut store, &id, count, now_secs()).ok_or_else(reply::agent_not_found)?;
    let view = store
        .get(&id)
        .map(views::admin_agent)
        .unwrap_or(Value::Null);
    Ok(ok(view))
}

async fn requests(State(state): State<Shared>) -> Response {
    ok(json!({"requests": state.log.snapshot()}))
}

async fn clear_requests(State(state): State<Shared>) -> Response {
    state.log.clear();
    ok(json!({"success": true}))
}

async fn stats(State(state): State<Shared>) -> Response {
    ok(state.log.stats())
}

async fn latency(State(state): State<Shared>) -> Response {
    ok(json!({"ms": state.latency_ms()}))
}

async fn set_latency(State(state): State<Shared>, body: Body) -> Reply {
    let body = json_body(body)?.unwrap_or(Value::Null);
    let ms = body
        .get("ms")
        .and_then(Value::as_u64)
        .filter(|ms| *ms <= 600_000)
        .ok_or_else(|| bad_request("ms must be an integer from 0 to 600000"))?;
    state.set_latency_ms(ms);
    Ok(ok(json!({"ms": ms})))
}

async fn rate_limit(State(state): State<Shared>) -> Response {
    ok(state.rate_limit().to_json())
}

async fn set_rate_limit(State(state): State<Shared>, body: Body) -> Reply {
    let body = json_body(body)?.unwrap_or(Value::Null);
    let limit = body.get("limit").and_then(Value::as_u64).ok_or_else(|| {
        bad_request("limit must be a non-negative integer (0 turns limiting off)")
    })?;
    let window_ms = match body.get("window_ms") {
        None | Some(Value::Null) => 60_000,
        Some(v) => v
            .as_u64()
            .filter(|ms| (1..=3_600_000).contains(ms))
            .ok_or_else(|| bad_request("window_ms must be an integer from 1 to 3600000"))?,
    };
    let mut limiter = state.rate_limit();
    limiter.configure(limit, window_ms);
    Ok(ok(limiter.to_json()))
}

async fn faults(State(state): State<Shared>) -> Response {
    let list: Vec<Value> = state.faults().iter().map(FaultScript::to_json).collect();
    ok(json!({"faults": list}))
}

async fn add_fault(State(state): State<Shared>, body: Body) -> Reply {
    let body = json_body(body)?.unwrap_or(Value::Null);
    let script = FaultScript::parse(&body).map_err(|e| bad_request(&e))?;
    let view = script.to_json();
    let remaining = script.remaining();
    state.faults().push(script);
    let mut view = view;
    view["remaining"] = json!(remaining);
    Ok(reply::json(StatusCode::CREATED, view))
}

async fn clear_faults(State(state): State<Shared>) -> Response {
    state.clear_faults();
    ok(json!({"success": true}))
}
