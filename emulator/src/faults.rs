//! Fault injection: scripted responses per method + raw path (`*` wildcards),
//! consumed one per matching request, and how each kind is rendered — including
//! `close` (connection dropped mid-body), `lost` (carried out, then dropped like `close`) and
//! `hang` (no response until shutdown).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::{json, Value};

use crate::log::OmitRequestId;
use crate::reply;

/// What a scripted entry does.
#[derive(Clone, Debug)]
pub enum Kind {
    Pass,
    Status(Option<Value>),
    Html,
    Empty,
    Malformed,
    Close,
    /// Handled normally, then answered like [`Kind::Close`]: a change took effect and its
    /// answer was lost.
    Lost,
    Hang,
}

/// One scripted response.
#[derive(Clone, Debug)]
pub struct FaultEntry {
    pub kind: Kind,
    pub status: StatusCode,
    pub delay_ms: u64,
    pub headers: HeaderMap,
    /// Headers given as `null`: left out of the response (even `x-request-id`).
    pub omit: Vec<HeaderName>,
    raw: Value,
}

/// The remaining entries for one method + path pattern.
#[derive(Debug)]
pub struct FaultScript {
    method: String,
    path: String,
    entries: std::collections::VecDeque<FaultEntry>,
}

impl FaultScript {
    /// Parse the body of `POST /__emulator/faults`.
    pub fn parse(body: &Value) -> Result<FaultScript, String> {
        let method = match body.get("method") {
            None | Some(Value::Null) => "*".to_owned(),
            Some(Value::String(m)) if !m.is_empty() => m.to_ascii_uppercase(),
            _ => return Err("method must be an HTTP method or \"*\"".into()),
        };
        let path = match body.get("path").and_then(Value::as_str) {
            Some(p) if p.starts_with('/') || p == "*" => p.to_owned(),
            _ => return Err("path must be a string starting with \"/\"".into()),
        };
        let list = match body.get("responses").and_then(Value::as_array) {
            Some(list) if !list.is_empty() => list,
            _ => return Err("responses must be a non-empty array".into()),
        };
        let entries = list.iter().map(parse_entry).collect::<Result<_, _>>()?;
        Ok(FaultScript {
            method,
            path,
            entries,
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method == "*" || self.method.eq_ignore_ascii_case(method);
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok
    }

    /// JSON for `GET /__emulator/faults`.
    pub fn to_json(&self) -> Value {
        let responses: Vec<Value> = self.entries.iter().map(|e| e.raw.clone()).collect();
        json!({"method": self.method, "path": self.path, "responses": responses})
    }

    /// How many entries remain.
    pub fn remaining(&self) -> usize {
        self.entries.len()
    }
}

fn parse_entry(raw: &Value) -> Result<FaultEntry, String> {
    let kind_name = raw.get("kind").and_then(Value::as_str).unwrap_or("");
    let (kind, default_status) = match kind_name {
        "pass" => (Kind::Pass, 200),
        "status" => (Kind::Status(raw.get("body").cloned()), 500),
        "html" => (Kind::Html, 502),
        "empty" => (Kind::Empty, 200),
        "malformed" => (Kind::Malformed, 200),
        "close" => (Kind::Close, 200),
        "lost" => (Kind::Lost, 200),
        "hang" => (Kind::Hang, 200),
        _ => return Err(format!("unknown fault kind {kind_name:?}: use pass, status, html, empty, malformed, close, lost or hang")),
    };
    let status = match raw.get("status") {
        None | Some(Value::Null) => default_status,
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (200..=599).contains(n))
            .ok_or("status must be a number from 200 to 599")?,
    };
    let delay_ms = match raw.get("delay_ms") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .ok_or("delay_ms must be a non-negative integer")?,
    };
    let (headers, omit) = parse_headers(raw.get("headers"))?;
    Ok(FaultEntry {
        kind,
        status: StatusCode::from_u16(status).map_err(|e| e.to_string())?,
        delay_ms,
        headers,
        omit,
        raw: raw.clone(),
    })
}

/// Header values to set, and the names given as `null` (to leave out).
fn parse_headers(value: Option<&Value>) -> Result<(HeaderMap, Vec<HeaderName>), String> {
    let (mut map, mut omit) = (HeaderMap::new(), Vec::new());
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok((map, omit));
    };
    let object = value.as_object().ok_or("headers must be an object")?;
    for (name, v) in object {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|e| format!("header {name:?}: {e}"))?;
        let text = match v {
            Value::Null => {
                omit.push(name);
                continue;
            }
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let value = HeaderValue::from_str(&text).map_err(|e| format!("header {name}: {e}"))?;
        map.append(name, value);
    }
    Ok((map, omit))
}

/// Set the entry's headers on `res` and leave out the omitted ones.
pub fn apply_headers(entry: &FaultEntry, res: &mut Response) {
    for (name, value) in &entry.headers {
        res.headers_mut().insert(name.clone(), value.clone());
    }
    for name in &entry.omit {
        res.headers_mut().remove(name);
        if name.as_str() == "x-request-id" {
            res.extensions_mut().insert(OmitRequestId);
        }
    }
}

/// Take the next scripted entry for this request, dropping exhausted scripts.
pub fn take(scripts: &mut Vec<FaultScript>, method: &str, path: &str) -> Option<FaultEntry> {
    let i = scripts.iter().position(|s| s.matches(method, path))?;
    let entry = scripts[i].entries.pop_front();
    if scripts[i].entries.is_empty() {
        scripts.remove(i);
    }
    entry
}

/// Render a non-`pass` entry (`hang` is handled by the caller before this).
pub fn render(entry: &FaultEntry) -> Response {
    let mut res = match &entry.kind {
        Kind::Status(body) => status_response(entry.status, body.as_ref()),
        Kind::Html => html(entry.status),
        Kind::Empty => with_json_type((entry.status, Body::empty()).into_response()),
        Kind::Malformed => with_json_type(
            (
                entry.status,
                r#"{"success":true,"data":{"id":"agent-1","name":"Trunc"#,
            )
                .into_response(),
        ),
        Kind::Close | Kind::Lost | Kind::Hang => close(entry.status),
        Kind::Pass => reply::route_not_found(),
    };
    apply_headers(entry, &mut res);
    res
}

fn with_json_type(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn status_response(status: StatusCode, body: Option<&Value>) -> Response {
    match body {
        Some(body) => reply::json(status, body.clone()),
        None => reply::fail(status, &reply::default_message(status)),
    }
}

fn html(status: StatusCode) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\
         <body><center><h1>{code} {reason}</h1></center><hr><center>nginx</center></body></html>\n",
        code = status.as_u16(),
        reason = status.canonical_reason().unwrap_or("Error"),
    );
    let mut res = (status, page).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// A response whose body fails at once: the connection is dropped, normally
/// before the buffered status line is flushed (used to end hanging requests at
/// shutdown).
pub fn abort() -> Response {
    let failure = stream::once(async {
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "emulator shutting down",
        ))
    });
    Body::from_stream(failure).into_response()
}

/// Status line, headers and the start of a JSON body go out, then the body
/// errors, which makes the server drop the connection mid-response.
pub fn close(status: StatusCode) -> Response {
    let first: Result<Bytes, std::io::Error> = Ok(Bytes::from_static(
        br#"{"success":true,"message":"Agent del"#,
    ));
    let chunks = stream::iter([first]);
    let failure = stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injection: connection closed mid-response",
        ))
    });
    let body = Body::from_stream(futures_util::StreamExt::chain(chunks, failure));
    let mut res = with_json_type((status, body).into_response());
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("200"));
    res
}
