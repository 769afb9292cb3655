//! Response helpers: JSON bodies with the API's envelope, documented error
//! messages per status, and the 422 validation shape.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// A JSON response with the given status.
pub fn json(status: StatusCode, body: Value) -> Response {
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// `{"success":false,"message":...}` with the given status.
pub fn fail(status: StatusCode, message: &str) -> Response {
    json(status, json!({"success": false, "message": message}))
}

/// The generic 404 for unknown routes.
pub fn route_not_found() -> Response {
    fail(StatusCode::NOT_FOUND, "Not found.")
}

/// 404 `"Agent not found"`.
pub fn agent_not_found() -> Response {
    fail(StatusCode::NOT_FOUND, "Agent not found")
}

/// Collected Laravel-style validation errors, field -> messages, in insertion order.
#[derive(Default)]
pub struct Invalid {
    fields: Vec<(String, String)>,
}

impl Invalid {
    /// Record one message for one field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push((field.to_owned(), message.into()));
    }

    /// Whether `field` already has a message.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| f == field)
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The 422 response: `{"success":false,"message":"The given data was invalid.","errors":{...}}`.
    pub fn into_response(self) -> Response {
        let mut errors = Map::new();
        for (field, message) in self.fields {
            let entry = errors
                .entry(field)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.push(Value::String(message));
            }
        }
        json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"success": false, "message": "The given data was invalid.", "errors": errors}),
        )
    }

    /// `Err(422 response)` when anything was recorded, else `Ok(())`.
    pub fn check(self) -> Result<(), Response> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_response())
        }
    }
}

/// The documented default message for an error status (used by status faults).
pub fn default_message(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "Bad request.".to_owned(),
        401 => "Unauthenticated.".to_owned(),
        403 => "You are not authorized to perform this action.".to_owned(),
        404 => "Not found.".to_owned(),
        409 => "Conflict.".to_owned(),
        422 => "The given data was invalid.".to_owned(),
        429 => "Too many requests. Please try again later.".to_owned(),
        500 => "Internal server error.".to_owned(),
        502 => "Bad gateway.".to_owned(),
        503 => "Service unavailable.".to_owned(),
        504 => "Gateway timeout.".to_owned(),
        _ => match status.canonical_reason() {
            Some(reason) => format!("{reason}."),
            None => format!("HTTP {}", status.as_u16()),
        },
    }
}
