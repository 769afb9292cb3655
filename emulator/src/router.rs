//! The HTTP surface: API and admin routes, the middleware stack (request id and
//! access log, the admin gate, CORS for everything but the admin API, /api/v1
//! tracking + latency + faults, JSON 405s), and the fallback (static files with
//! `--static`, else the JSON 404).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::app::Shared;
use crate::faults::{self, Kind};
use crate::log::{self, Tracker};
use crate::{admin, agents, api, calls, create, guard, reply, statics, trainings};

/// The complete application.
pub fn build(state: Shared) -> Router {
    let routes = Router::new()
        .route("/api/v1/health", get(api::health))
        .route("/api/v1/agents", get(agents::list).post(create::create))
        .route(
            "/api/v1/agents/{agent_id}",
            get(agents::show).delete(agents::destroy),
        )
        .route("/api/v1/agents/{agent_id}/publish", post(agents::publish))
        .route(
            "/api/v1/agents/{agent_id}/unpublish",
            post(agents::unpublish),
        )
        .route(
            "/api/v1/agents/{agent_id}/trainings",
            get(trainings::list).post(trainings::upsert),
        )
        .route(
            "/api/v1/agents/{agent_id}/trainings/{training_id}",
            axum::routing::delete(trainings::destroy),
        )
        .route("/api/v1/agents/{agent_id}/calls", get(calls::list))
        .route("/api/v1/agents/{agent_id}/actions", get(agents::actions))
        .merge(admin::routes())
        .fallback(statics::fallback)
        .with_state(state.clone());
    // Wrapping the whole router (not each route) lets the 405 mapper see `Allow`.
    Router::new()
        .fallback_service(routes)
        .layer(from_fn(method_not_allowed))
        .layer(from_fn_with_state(state.clone(), api_traffic))
        .layer(cors())
        .layer(from_fn_with_state(state.clone(), guard::admin_gate))
        .layer(from_fn_with_state(state, log::request_id))
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderName::from_static("x-ratelimit-reset"),
        ])
        .max_age(Duration::from_secs(600))
}

/// Whether a raw path is API traffic (logged, counted, delayed, faultable).
fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Tracking, added latency and scripted faults for `/api/v1` requests.
async fn api_traffic(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if !is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let tracker = Tracker::start(&state, &req);
    let res = api_inner(&state, req, next).await;
    tracker.finish(res.status().as_u16());
    res
}

async fn api_inner(state: &Shared, req: Request, next: Next) -> Response {
    let latency = state.latency_ms();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let method = req.method().as_str().to_owned();
    let generation = state.release_generation();
    let entry = faults::take(&mut state.faults(), &method, req.uri().path());
    let Some(entry) = entry else {
        return limited(state, req, next).await;
    };
    if entry.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(entry.delay_ms)).await;
    }
    match entry.kind {
        Kind::Pass => {
            let mut res = limited(state, req, next).await;
            faults::apply_headers(&entry, &mut res);
            res
        }
        Kind::Lost => {
            limited(state, req, next).await;
            faults::close(entry.status)
        }
        Kind::Hang => {
            state.hang_released(generation).await;
            faults::abort()
        }
        _ => faults::render(&entry),
    }
}

/// Normal handling under the optional rate limiter (health is exempt, and so
/// are requests without a valid token: they get their 401).
async fn limited(state: &Shared, req: Request, next: Next) -> Response {
    let env = api::authenticate(req.headers(), "").ok();
    let decision = match env {
        Some(env) if req.uri().path() != "/api/v1/health" => state.rate_limit().check(env),
        _ => None,
    };
    let Some(decision) = decision else {
        return next.run(req).await;
    };
    if !decision.allowed() {
        return decision.rejection();
    }
    let mut res = next.run(req).await;
    decision.apply(res.headers_mut());
    res
}

/// Turn the router's bare 405 into the API's JSON message, built from `Allow`.
async fn method_not_allowed(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let res = next.run(req).await;
    if res.status() != StatusCode::METHOD_NOT_ALLOWED {
        return res;
    }
    let allowed: Vec<String> = res
        .headers()
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect();
    let message = format!(
        "The {method} method is not supported for this route. Supported methods: {}.",
        allowed.join(", ")
    );
    let mut out = reply::fail(StatusCode::METHOD_NOT_ALLOWED, &message);
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}
