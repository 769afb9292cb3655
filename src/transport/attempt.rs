//! One attempt: call `fetch(url, init)` and read the response (`sys::receive`: status, the
//! headers the classifier needs, the body up to its cap, parsed and redacted), all raced against
//! a [`Deadline`], then classify.
//!
//! The request is a plain `(url, init)` pair rather than a gloo-net `Request`: gloo-net's
//! builder constructs a `Request` twice and parses the URL on every call (about 180 µs of CPU
//! per call in Node), and its `Response` reading throws inside the wasm when a custom `fetch`
//! returns an object whose `headers.get` misbehaves. The response is read in one JavaScript
//! call instead, which cannot throw and crosses the boundary once.

use super::js::{describe_rejection, Deadline, Stop};
use super::Transport;
use crate::proto::classify::redirect;
use crate::proto::classify::Success;
use crate::proto::{classify, ApiError, Body, RequestSpec, ResponseMeta};
use crate::sys::{self, BodyKind};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal};

impl Transport {
    /// One attempt, classified, with the parsed body (or `null`).
    pub(super) async fn attempt(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> (Result<Success, ApiError>, JsValue) {
        let Ok(controller) = AbortController::new() else {
            let missing = ApiError::network(Some("AbortController is missing"));
            return (Err(missing), JsValue::NULL);
        };
        let deadline = Deadline::arm(self.timeout_ms, signal);
        let exchanged = self.exchange(spec, &controller, &deadline).await;
        if exchanged.is_err() {
            // Frees the connection of a request we stopped waiting for.
            controller.abort();
        }
        let (meta, body) = match exchanged {
            Ok(read) => read,
            Err(stop) => return (Err(self.stopped(stop)), JsValue::NULL),
        };
        let now = js_sys::Date::now() as u64;
        let outcome = match &body {
            Err(kind) => Err(unusable(*kind, &meta)),
            Ok(body) => classify(&meta, body, spec.expect, now),
        };
        let body = match body {
            Ok(Body::Json(value)) => value,
            _ => JsValue::NULL,
        };
        (outcome, body)
    }

    /// Sends the request and reads the response.
    async fn exchange(
        &self,
        spec: &RequestSpec,
        controller: &AbortController,
        deadline: &Deadline,
    ) -> Result<(ResponseMeta, Result<Body<JsValue>, BodyKind>), Stop> {
        let init = sys::request_init(
            spec.method.as_str(),
            &self.authorization,
            &controller.signal(),
        );
        let url = JsValue::from_str(&spec.url(&self.api_root));
        let response = deadline.race(&self.call_fetch(&url, &init)?).await?;
        let read = deadline
            .race(&sys::receive(&response, self.token()))
            .await?;
        let read: Array = read.unchecked_into();
        let text = |i| read.get(i).as_string();
        let meta = ResponseMeta {
            status: read.get(0).as_f64().unwrap_or(0.0) as u16,
            request_id: text(1),
            retry_after: text(2),
        };
        let body = match BodyKind::from_number(read.get(3).as_f64()) {
            BodyKind::Empty => Ok(Body::Empty),
            BodyKind::Json => Ok(Body::Json(read.get(4))),
            BodyKind::NotJson => Ok(Body::NotJson),
            BodyKind::TooLarge => Ok(Body::TooLarge),
            BodyKind::Unredactable => Ok(Body::Unredactable),
            other => Err(other),
        };
        Ok((meta, body))
    }

    /// Calls the injected `fetch`, or the global one with the global object as `this`.
    fn call_fetch(&self, url: &JsValue, init: &JsValue) -> Result<Promise, Stop> {
        let (fetch, this) = match &self.fetch {
            Some(f) => (f.clone(), JsValue::UNDEFINED),
            None => {
                let global: JsValue = js_sys::global().into();
                let f = Reflect::get(&global, &JsValue::from_str("fetch")).map_err(Stop::Failed)?;
                (f.dyn_into::<Function>().map_err(Stop::Failed)?, global)
            }
        };
        let returned = fetch.call2(&this, url, init).map_err(Stop::Failed)?;
        Ok(Promise::resolve(&returned))
    }

    fn stopped(&self, stop: Stop) -> ApiError {
        match stop {
            Stop::Aborted => ApiError::aborted(),
            Stop::Elapsed => ApiError::timeout(self.timeout_ms),
            Stop::Failed(reason) => ApiError::network(describe_rejection(&reason).as_deref()),
        }
    }
}

/// The error for a response that cannot be classified: not a response at all, or one a custom
/// `fetch` reached by following a redirect.
fn unusable(kind: BodyKind, meta: &ResponseMeta) -> ApiError {
    match kind {
        BodyKind::Redirected => redirect(&ResponseMeta {
            status: 0,
            ..meta.clone()
        }),
        _ => ApiError::network(Some("fetch resolved to something that is not a Response")),
    }
}
