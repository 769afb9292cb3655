//! The few JavaScript facilities the transport needs beyond `web-sys`: timers, and a
//! [`JsonView`] over values parsed by the engine's own `JSON.parse` (so no JSON parser ships in
//! the wasm).

use crate::proto::JsonView;
use crate::sys::{clear_timeout, off_abort, on_abort, own, set_timeout};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// Own properties only: a body without `data` never borrows one planted on `Object.prototype`.
impl JsonView for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        Some(own(self, key)).filter(|v| !v.is_undefined() && !v.is_null())
    }
    fn string(&self) -> Option<String> {
        self.as_string()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn is_object(&self) -> bool {
        JsValue::is_object(self) && !Array::is_array(self) && !self.is_function()
    }
    fn is_array(&self) -> bool {
        Array::is_array(self)
    }
}

/// A promise that rejects when `ms` pass (with its own tag) or when the caller's signal aborts.
/// Racing work against it bounds the work; dropping it clears the timer and the listener.
pub struct Deadline {
    promise: Promise,
    tag: JsValue,
    timer: JsValue,
    reject: Option<Function>,
    signal: Option<AbortSignal>,
}

/// Why racing a [`Deadline`] stopped.
pub enum Stop {
    /// The work rejected with this value.
    Failed(JsValue),
    /// The deadline passed.
    Elapsed,
    /// The caller's signal aborted.
    Aborted,
}

impl Deadline {
    /// Arms a deadline `ms` from now, also tied to `signal`.
    pub fn arm(ms: u32, signal: Option<&AbortSignal>) -> Self {
        let mut reject = None;
        let promise = Promise::new(&mut |_, rej| reject = Some(rej));
        let tag = js_sys::Object::new().into();
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let timer = match &reject {
            Some(rej) => set_timeout(rej, ms, &tag),
            None => JsValue::UNDEFINED,
        };
        if let (Some(rej), Some(signal)) = (&reject, signal) {
            // Settles at once for an already aborted signal; one listener per signal in all.
            on_abort(signal, rej);
        }
        Self {
            promise,
            tag,
            timer,
            reject,
            signal: signal.cloned(),
        }
    }

    /// Waits for `work`, or for the deadline, whichever settles first.
    pub async fn race(&self, work: &Promise) -> Result<JsValue, Stop> {
        let both = Array::of2(work, &self.promise);
        match wasm_bindgen_futures::JsFuture::from(Promise::race(&both)).await {
            Ok(value) => Ok(value),
            Err(reason) => Err(self.explain(reason)),
        }
    }

    /// Waits until the deadline passes: `Ok` then, `Err` if the signal aborted first.
    pub async fn elapse(&self) -> Result<(), Stop> {
        match wasm_bindgen_futures::JsFuture::from(self.promise.clone()).await {
            Err(reason) => match self.explain(reason) {
                Stop::Elapsed => Ok(()),
                other => Err(other),
            },
            Ok(_) => Err(Stop::Aborted),
        }
    }

    fn explain(&self, reason: JsValue) -> Stop {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            Stop::Aborted
        } else if reason == self.tag {
            Stop::Elapsed
        } else {
            Stop::Failed(reason)
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let (Some(rej), Some(signal)) = (&self.reject, &self.signal) {
            off_abort(signal, rej);
        }
    }
}

/// A short description of what a `fetch` rejected with: an `Error`'s message and its cause's,
/// nothing for other values (whose text could be anything).
pub fn describe_rejection(reason: &JsValue) -> Option<String> {
    let error = reason.dyn_ref::<js_sys::Error>()?;
    let mut text: String = error.message().into();
    let cause = Reflect::get(error, &JsValue::from_str("cause")).ok();
    if let Some(cause) = cause.as_ref().and_then(|c| c.dyn_ref::<js_sys::Error>()) {
        let cause: String = cause.message().into();
        if !cause.is_empty() {
            text.push_str(" (");
            text.push_str(&cause);
            text.push(')');
        }
    }
    Some(text)
}
