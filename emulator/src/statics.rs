//! `--static DIR`: files served at `/` (never under `/api` or `/__emulator`),
//! with the security headers the demo page needs. The page holds an API token,
//! so it gets a strict Content-Security-Policy as defence in depth: scripts and
//! wasm only from its own origin, no inline script or style, no plugins, no
//! `<base>`, no framing, no form posts. `--static-csp off` drops the policy and
//! `X-Frame-Options` for other pages that need inline script (tests, quick demos).

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::app::Shared;
use crate::reply;

/// The policy for every static file.
///
/// * `script-src 'self' 'wasm-unsafe-eval'`: modules from the page's origin;
///   `'wasm-unsafe-eval'` allows compiling WebAssembly (Chromium refuses
///   `WebAssembly.instantiate*` without it) but not JS `eval`.
/// * `connect-src`: the page calls whatever API base URL the user types in, so
///   it must reach any host; the client itself accepts only `https:` or plain
///   `http:` to loopback, so the policy allows `https:` and plain `http:` to
///   127.0.0.1 and localhost, and nothing else (no `ws:`, no `data:`/`blob:`,
///   no plain `http:` across the network). CSP cannot name other 127.0.0.0/8
///   addresses, and Chromium rejects `http://[::1]:*` as an invalid source, so
///   a page on this policy reaches a local API as 127.0.0.1 or localhost.
/// * `img-src 'self' data:`: the favicon is a `data:` SVG.
/// * `form-action 'none'`: forms are handled in script; if script failed, a
///   native submit must not put the token in a URL.
pub const CSP: &str = "default-src 'none'; \
    script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; \
    img-src 'self' data:; \
    connect-src 'self' https: http://127.0.0.1:* http://localhost:*; \
    object-src 'none'; \
    base-uri 'none'; \
    frame-ancestors 'none'; \
    form-action 'none'";

/// Added to every static file response.
const ALWAYS: [(&str, &str); 2] = [
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
];

/// Added unless `--static-csp off` (for pages that need inline script).
const STRICT: [(&str, &str); 2] = [
    ("content-security-policy", CSP),
    ("x-frame-options", "DENY"),
];

/// Whether a raw path is reserved for the API or the admin API (never a file).
fn reserved(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || crate::guard::is_admin(path)
}

/// Unknown routes: static files when `--static` is set, else
/// `{"success":false,"message":"Not found."}`.
pub async fn fallback(State(state): State<Shared>, req: Request) -> Response {
    let path = req.uri().path();
    let Some(dir) = state.static_dir.as_ref().filter(|_| !reserved(path)) else {
        return reply::route_not_found();
    };
    let mut res = match ServeDir::new(dir).oneshot(req).await {
        Ok(res) if res.status() == StatusCode::NOT_FOUND => return reply::route_not_found(),
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    };
    let strict = if state.static_csp { &STRICT[..] } else { &[] };
    for (name, value) in ALWAYS.iter().chain(strict) {
        res.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    res
}
