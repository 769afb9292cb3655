//! Shared pieces of the `/api/v1` routes: health, bearer-token authentication,
//! agent lookup with the 404/403 rules, path-id and query parsing, pagination.

use std::collections::HashMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::reply::{self, Invalid};
use crate::state::{Agent, Env, Store};

/// 401 text of the agent and training routes.
pub const UNAUTHENTICATED: &str = "Unauthenticated.";
/// 401 text of the calls routes.
pub const UNAUTHORIZED: &str = "Unauthorized";
/// 403 text of get/delete/publish/unpublish agent.
pub const FORBIDDEN: &str = "You are not authorized to perform this action.";

/// Query parameters, last value wins.
pub type Params = HashMap<String, String>;

/// `GET /api/v1/health` (no auth).
pub async fn health() -> Response {
    reply::json(StatusCode::OK, json!({"status": "ok"}))
}

/// The environment of a valid `Authorization: Bearer <token>`, else 401 with `message`.
pub fn authenticate(headers: &HeaderMap, message: &str) -> Result<Env, Response> {
    let deny = || reply::fail(StatusCode::UNAUTHORIZED, message);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(deny)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(deny)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(deny());
    }
    Env::for_token(token.trim()).ok_or_else(deny)
}

/// The caller's environment and the decoded `{agent_id}`, checked in the API's order: 401
/// (with `message`) before 404.
pub fn caller(
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    message: &str,
) -> Result<(Env, String), Response> {
    Ok((authenticate(headers, message)?, agent_id(path)?))
}

/// The decoded `{agent_id}`; an undecodable one cannot name any agent (404).
fn agent_id(path: Result<Path<String>, PathRejection>) -> Result<String, Response> {
    path.map(|Path(id)| id)
        .map_err(|_| reply::agent_not_found())
}

/// The agent `id` as seen from `env`: 404 if missing, 403 with `forbidden` if it
/// belongs to another environment.
pub fn owned<'a>(
    store: &'a mut Store,
    id: &str,
    env: Env,
    forbidden: &str,
) -> Result<&'a mut Agent, Response> {
    match store.get_mut(id) {
        None => Err(reply::agent_not_found()),
        Some(agent) if agent.env != env => Err(reply::fail(StatusCode::FORBIDDEN, forbidden)),
        Some(agent) => Ok(agent),
    }
}

/// Query parameters, ignoring a query string that does not parse.
pub fn params(query: Result<Query<Params>, QueryRejection>) -> Params {
    query.map(|Query(p)| p).unwrap_or_default()
}

/// A non-empty parameter value (Laravel turns empty strings into null).
pub fn param<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Validate an enum-like parameter against `allowed`.
pub fn one_of<'a>(
    params: &'a Params,
    key: &str,
    allowed: &[&str],
    errors: &mut Invalid,
) -> Option<&'a str> {
    let value = param(params, key)?;
    if allowed.contains(&value) {
        Some(value)
    } else {
        errors.add(
            key,
            format!("The selected {} is invalid.", key.replace('_', " ")),
        );
        None
    }
}

/// `page` and `per_page` (defaults 1 and 20, per_page 1..100), recording errors.
pub fn paging(params: &Params, errors: &mut Invalid) -> (usize, usize) {
    let page = match param(params, "page").map(str::parse::<i64>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(Ok(_)) => {
            errors.add("page", "The page must be at least 1.");
            1
        }
        Some(Err(_)) => {
            errors.add("page", "The page must be an integer.");
            1
        }
    };
    let per_page = match param(params, "per_page").map(str::parse::<i64>) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(Ok(_)) => {
            errors.add("per_page", "The per page must be between 1 and 100.");
            20
        }
        Some(Err(_)) => {
            errors.add("per_page", "The per page must be an integer.");
            20
        }
    };
    (
        usize::try_from(page).unwrap_or(usize::MAX),
        usize::try_from(per_page).unwrap_or(20),
    )
}

/// One page of a list: the index range to show and the last page number (>= 1).
pub struct Page {
    pub start: usize,
    pub end: usize,
    pub last_page: usize,
}

/// Slice bounds for `page` of `per_page` over `total` items.
pub fn page_bounds(total: usize, page: usize, per_page: usize) -> Page {
    let last_page = total.div_ceil(per_page).max(1);
    let start = page.saturating_sub(1).saturating_mul(per_page).min(total);
    let end = start.saturating_add(per_page).min(total);
    Page {
        start,
        end,
        last_page,
    }
}
