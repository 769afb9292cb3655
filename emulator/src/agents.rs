//! The agent routes: list, get, publish, unpublish and delete.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{self, Params, FORBIDDEN, UNAUTHENTICATED};
use crate::app::Shared;
use crate::reply::{self, Invalid};
use crate::state::Agent;
use crate::time::now_secs;
use crate::views;

type Reply = Result<Response, Response>;

/// Filters of `GET /agents`.
struct Filter {
    status: Option<String>,
    direction: Option<String>,
    search: Option<String>,
    page: usize,
    per_page: usize,
}

impl Filter {
    fn parse(params: &Params) -> Result<Filter, Response> {
        let mut errors = Invalid::default();
        let status = api::one_of(params, "status", &["draft", "published"], &mut errors);
        let direction = api::one_of(params, "direction", &["inbound", "outbound"], &mut errors);
        let (page, per_page) = api::paging(params, &mut errors);
        let filter = Filter {
            status: status.map(str::to_owned),
            direction: direction.map(str::to_owned),
            search: api::param(params, "search").map(str::to_lowercase),
            page,
            per_page,
        };
        errors.check().map(|()| filter)
    }

    fn matches(&self, a: &Agent) -> bool {
        let status_ok = self.status.as_deref().is_none_or(|s| s == a.status_str());
        let direction_ok = self.direction.as_deref().is_none_or(|d| d == a.direction);
        let search_ok = self.search.as_deref().is_none_or(|q| {
            a.name.to_lowercase().contains(q) || a.label.to_lowercase().contains(q)
        });
        status_ok && direction_ok && search_ok
    }
}

/// `GET /api/v1/agents`.
pub async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Reply {
    let env = api::authenticate(&headers, UNAUTHENTICATED)?;
    let filter = Filter::parse(&api::params(query))?;
    let store = state.store();
    let matched: Vec<&Agent> = store
        .iter()
        .filter(|a| a.env == env && filter.matches(a))
        .collect();
    let page = api::page_bounds(matched.len(), filter.page, filter.per_page);
    let data: Vec<Value> = matched[page.start..page.end]
        .iter()
        .map(|a| views::agent(a))
        .collect();
    let body = json!({
        "success": true,
        "data": data,
        "meta": {
            "current_page": filter.page,
            "per_page": filter.per_page,
            "total": matched.len(),
            "last_page": page.last_page,
        },
    });
    Ok(reply::json(StatusCode::OK, body))
}

/// `GET /api/v1/agents/{agent_id}`.
pub async fn show(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, FORBIDDEN)?;
    let body = json!({"success": true, "data": views::agent(agent)});
    Ok(reply::json(StatusCode::OK, body))
}

/// `POST /api/v1/agents/{agent_id}/publish`.
pub async fn publish(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, FORBIDDEN)?;
    if !agent.ready {
        return Err(reply::fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Agent is not ready to publish.",
        ));
    }
    if !agent.published {
        agent.published = true;
        agent.updated_at = now_secs();
    }
    Ok(summary("Agent published successfully", agent))
}

/// `POST /api/v1/agents/{agent_id}/unpublish`.
pub async fn unpublish(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, FORBIDDEN)?;
    if agent.published {
        agent.published = false;
        agent.updated_at = now_secs();
    }
    Ok(summary("Agent unpublished successfully", agent))
}

fn summary(message: &str, agent: &Agent) -> Response {
    let body = json!({"success": true, "message": message, "data": views::publish_summary(agent)});
    reply::json(StatusCode::OK, body)
}

/// `DELETE /api/v1/agents/{agent_id}`: published (409) is checked before active calls (409).
pub async fn destroy(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, FORBIDDEN)?;
    if agent.published {
        return Err(reply::fail(
            StatusCode::CONFLICT,
            "Cannot delete agent while it is published. Unpublish it first.",
        ));
    }
    if agent.active_calls() > 0 {
        return Err(reply::fail(
            StatusCode::CONFLICT,
            "Cannot delete agent while it has active calls.",
        ));
    }
    store.remove(&id);
    let body = json!({"success": true, "message": "Agent deleted successfully"});
    Ok(reply::json(StatusCode::OK, body))
}

/// `GET /api/v1/agents/{agent_id}/actions`: the emulator models no actions, so
/// this is always an empty list (with the documented 401/403/404).
pub async fn actions(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    api::owned(
        &mut store,
        &id,
        env,
        "You are not authorized to access this agent's actions.",
    )?;
    Ok(reply::json(
        StatusCode::OK,
        json!({"success": true, "data": []}),
    ))
}
