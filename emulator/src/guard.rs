//! The admin API's gate. `/__emulator` has no auth and can wipe or script the
//! emulator, so it answers programs on this machine, never a web page:
//!
//! * the `Host` header must name loopback (`127.0.0.1`, `localhost`, `[::1]`,
//!   any port), so a DNS-rebound name (`evil.example` -> 127.0.0.1) gets 403;
//! * a request with an `Origin` other than the emulator's own is 403 (browsers
//!   send `Origin` on every POST, also on "simple" no-cors ones and forms), as
//!   is any CORS preflight, and admin responses carry no CORS headers;
//! * a body must be `application/json` (415 otherwise), which a page cannot
//!   send cross-origin without a preflight.
//!
//! `--admin-origin http://127.0.0.1:PORT` (exact loopback origins only) lets a
//! test page on that origin call the admin API cross-origin: the wasm-bindgen
//! tests in Chromium run from the test runner's own loopback server.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::Shared;
use crate::reply;

/// Who may see an admin response.
enum Access {
    /// No `Origin`, or the emulator's own: no CORS headers needed.
    Local,
    /// An origin allowed with `--admin-origin`: CORS for exactly that origin.
    Cross(HeaderValue),
}

/// Whether a raw path belongs to the admin namespace.
pub fn is_admin(path: &str) -> bool {
    path.starts_with("/__emulator")
}

/// Middleware (outside the CORS layer): gate `/__emulator` requests and strip
/// the CORS headers from their responses.
pub async fn admin_gate(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if !is_admin(req.uri().path()) {
        return next.run(req).await;
    }
    let access = match check(&state, &req) {
        Ok(access) => access,
        Err(refusal) => return refusal,
    };
    let mut res = next.run(req).await;
    admin_cors(&access, res.headers_mut());
    res
}

fn check(state: &Shared, req: &Request) -> Result<Access, Response> {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(is_loopback_authority) {
        return Err(forbidden(
            "The admin API answers only requests addressed to a loopback host \
             (127.0.0.1, localhost or [::1]); this Host header is not one.",
        ));
    }
    let access = match headers.get(header::ORIGIN) {
        None => Access::Local,
        Some(o) if same_origin(o, host) => Access::Local,
        Some(o)
            if state
                .admin_origins
                .iter()
                .any(|a| a.as_bytes() == o.as_bytes()) =>
        {
            Access::Cross(o.clone())
        }
        Some(_) => {
            return Err(forbidden(
                "Cross-origin requests to the admin API are refused. To let a loopback test \
                 page call it, start the emulator with --admin-origin http://127.0.0.1:PORT.",
            ))
        }
    };
    let preflight = req.method() == Method::OPTIONS
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && matches!(access, Access::Local) {
        return Err(forbidden(
            "CORS preflight requests to the admin API are refused.",
        ));
    }
    if !json_or_empty(headers) {
        return Err(reply::fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The admin API accepts only application/json bodies (Content-Type: application/json).",
        ));
    }
    Ok(access)
}

fn forbidden(message: &str) -> Response {
    reply::fail(StatusCode::FORBIDDEN, message)
}

/// `Origin` equal to `http://` + the request's own `Host`.
fn same_origin(origin: &HeaderValue, host: Option<&str>) -> bool {
    let origin = origin.to_str().ok().and_then(|o| o.strip_prefix("http://"));
    matches!((origin, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// A body needs `Content-Type: application/json` (parameters allowed); a
/// request with no body may omit it, but any other content type is refused.
fn json_or_empty(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_TYPE) {
        Some(value) => value.to_str().is_ok_and(|v| {
            let essence = v.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        }),
        None => {
            let length = headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok());
            let chunked = headers.contains_key(header::TRANSFER_ENCODING);
            !chunked && length.is_none_or(|l| l.trim() == "0")
        }
    }
}

/// Remove the CORS layer's headers, or narrow them to the one allowed origin.
fn admin_cors(access: &Access, headers: &mut HeaderMap) {
    let names: Vec<_> = headers
        .keys()
        .filter(|n| n.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    match access {
        Access::Local => names.iter().for_each(|n| {
            headers.remove(n);
        }),
        Access::Cross(origin) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.append(header::VARY, HeaderValue::from_static("origin"));
        }
    }
}

/// `127.0.0.1`, `localhost` or `[::1]`, each with an optional port.
pub fn is_loopback_authority(authority: &str) -> bool {
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') => (h, Some(p)),
        _ => (authority, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost") || host == "[::1]";
    port_ok && host_ok
}

/// Check an `--admin-origin` value: `http://` plus a loopback host and port.
pub fn parse_admin_origin(text: &str) -> Result<String, String> {
    let authority = text.strip_prefix("http://").unwrap_or("");
    if is_loopback_authority(authority) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!(
            "{text:?} is not a loopback origin (http://127.0.0.1:PORT, http://localhost:PORT \
             or http://[::1]:PORT)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{is_loopback_authority, parse_admin_origin};

    #[test]
    fn loopback_authorities() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8787",
            "localhost",
            "LocalHost:1",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(is_loopback_authority(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8787",
            "127.0.0.1.nip.io",
            "localhost.",
            "a.localhost",
            "127.0.0.2",
            "0.0.0.0:8787",
            "[::]:1",
            "[::1]:",
            "127.0.0.1:x",
            "127.0.0.1:123456",
            "[::1",
            "::1",
            "localhost:80:80",
            "user@localhost",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn admin_origins_must_be_loopback_http() {
        assert_eq!(
            parse_admin_origin("http://127.0.0.1:9000"),
            Ok("http://127.0.0.1:9000".to_owned())
        );
        for bad in [
            "https://127.0.0.1:9000",
            "http://evil.example",
            "*",
            "null",
            "127.0.0.1:1",
        ] {
            assert!(parse_admin_origin(bad).is_err(), "{bad}");
        }
    }
}
