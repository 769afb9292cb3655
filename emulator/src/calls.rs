//! `GET /api/v1/agents/{agent_id}/calls`: an agent's calls, newest first, with the
//! `pagination` block of the calls pages (401 text `"Unauthorized"` there).

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{self, Params, FORBIDDEN, UNAUTHORIZED};
use crate::app::Shared;
use crate::reply::{self, Invalid};
use crate::state::Call;
use crate::views;

/// Every documented call status.
pub const CALL_STATUSES: [&str; 7] = [
    "initiated",
    "ringing",
    "answered",
    "completed",
    "failed",
    "busy",
    "no-answer",
];

/// `GET /api/v1/agents/{agent_id}/calls`.
pub async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Response, Response> {
    let (env, id) = api::caller(&headers, path, UNAUTHORIZED)?;
    let params = api::params(query);
    let mut errors = Invalid::default();
    let status = api::one_of(&params, "status", &CALL_STATUSES, &mut errors);
    let direction = api::one_of(&params, "direction", &["inbound", "outbound"], &mut errors);
    let (page, per_page) = api::paging(&params, &mut errors);
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, FORBIDDEN)?;
    errors.check()?;
    let matched: Vec<&Call> = agent
        .calls
        .iter()
        .rev()
        .filter(|c| status.is_none_or(|s| s == c.status))
        .filter(|c| direction.is_none_or(|d| d == c.direction))
        .collect();
    let body = page_body(&matched, page, per_page);
    Ok(reply::json(StatusCode::OK, body))
}

/// `{"success":true,"data":[...],"pagination":{...}}` for one page of calls.
fn page_body(matched: &[&Call], page: usize, per_page: usize) -> Value {
    let bounds = api::page_bounds(matched.len(), page, per_page);
    let data: Vec<Value> = matched[bounds.start..bounds.end]
        .iter()
        .map(|c| views::call(c))
        .collect();
    let (from, to) = if data.is_empty() {
        (Value::Null, Value::Null)
    } else {
        (json!(bounds.start + 1), json!(bounds.end))
    };
    json!({
        "success": true,
        "data": data,
        "pagination": {
            "current_page": page,
            "last_page": bounds.last_page,
            "per_page": per_page,
            "total": matched.len(),
            "from": from,
            "to": to,
        },
    })
}
