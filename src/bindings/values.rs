//! Moving values across the boundary: reading caller arguments without trusting them, building
//! result objects, and turning a [`Failure`] into a JavaScript `TalkoverError`.

use crate::proto::error::contains;
use crate::proto::{ApiError, JsonView};
use crate::sys::{create_error, is_well_formed, own};
use crate::transport::Failure;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// The `TalkoverError` for a failure.
pub fn to_js_error(failure: Failure) -> JsValue {
    let Failure { error, details } = failure;
    create_error(
        error.code.as_str(),
        &error.message,
        error.status,
        error.code.retryable() || error.is_transient(),
        error.request_id,
        error.retry_after_ms.map(|ms| ms as f64),
        &details,
    )
}

/// The `TalkoverError` for an input refused before sending.
pub fn invalid(error: ApiError) -> JsValue {
    to_js_error(error.into())
}

/// `o[key]` when it is the caller's own property, else `undefined`: options and queries are
/// read this way, so nothing planted on `Object.prototype` changes what the client does.
pub fn field(o: &JsValue, key: &str) -> JsValue {
    own(o, key)
}

/// `o[key]` through the prototype chain (for runtime objects: the global, a signal), or
/// `undefined` when `o` is not an object or reading it throws.
pub fn inherited(o: &JsValue, key: &str) -> JsValue {
    if !o.is_object() && !o.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string value as Rust text; lone surrogates (which would silently become U+FFFD and so
/// name another agent) are refused.
pub fn text_of(name: &str, value: &JsValue) -> Result<Option<String>, ApiError> {
    match value.as_string() {
        Some(s) if contains(&s, "\u{FFFD}") && !is_well_formed(value) => Err(refuse(
            name,
            " must not contain lone surrogates (it is not valid Unicode).",
        )),
        other => Ok(other),
    }
}

/// `data` of a parsed success body.
pub fn data_of(body: &JsValue) -> JsValue {
    body.get("data").unwrap_or(JsValue::NULL)
}

fn refuse(name: &str, rule: &str) -> ApiError {
    let mut message = String::from(name);
    message.push_str(rule);
    ApiError::invalid_argument(message)
}

/// A required string argument.
pub fn string_arg(name: &str, value: &JsValue) -> Result<String, ApiError> {
    text_of(name, value)?.ok_or_else(|| refuse(name, " must be a string."))
}

/// An optional per-call options object (`undefined` and `null` mean none).
pub fn options_arg(value: &JsValue) -> Result<JsValue, ApiError> {
    match value {
        v if v.is_undefined() || v.is_null() => Ok(Object::new().into()),
        v if v.is_object() && !js_sys::Array::is_array(v) => Ok(v.clone()),
        _ => Err(ApiError::invalid_argument("options must be an object.")),
    }
}

/// `options.signal`: absent, or an `AbortSignal` (or an object that behaves like one).
pub fn signal_of(options: &JsValue) -> Result<Option<AbortSignal>, ApiError> {
    let signal = field(options, "signal");
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    let like = signal.is_instance_of::<AbortSignal>()
        || (inherited(&signal, "aborted").as_bool().is_some()
            && inherited(&signal, "addEventListener").is_function());
    match like {
        true => Ok(Some(signal.unchecked_into())),
        false => Err(refuse("signal", " must be an AbortSignal.")),
    }
}

/// An optional boolean option.
pub fn bool_option(options: &JsValue, name: &str, default: bool) -> Result<bool, ApiError> {
    let v = field(options, name);
    match v.as_bool() {
        Some(b) => Ok(b),
        None if v.is_undefined() => Ok(default),
        None => Err(refuse(name, " must be a boolean.")),
    }
}

/// An optional integer option in `min..=max`.
pub fn int_option(
    options: &JsValue,
    name: &str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ApiError> {
    let v = field(options, name);
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) => Ok(n as u32),
        _ => {
            let mut rule = String::from(" must be an integer from ");
            crate::proto::error::push_number(&mut rule, u64::from(min));
            rule.push_str(" to ");
            crate::proto::error::push_number(&mut rule, u64::from(max));
            rule.push('.');
            Err(refuse(name, &rule))
        }
    }
}

/// An optional string option.
pub fn string_option(options: &JsValue, name: &str) -> Result<Option<String>, ApiError> {
    let v = field(options, name);
    if v.is_undefined() {
        return Ok(None);
    }
    text_of(name, &v)?
        .map(Some)
        .ok_or_else(|| refuse(name, " must be a string."))
}

/// An optional function option.
pub fn function_option(
    options: &JsValue,
    name: &str,
) -> Result<Option<js_sys::Function>, ApiError> {
    let v = field(options, name);
    match v.dyn_into::<js_sys::Function>() {
        Ok(f) => Ok(Some(f)),
        Err(v) if v.is_undefined() || v.is_null() => Ok(None),
        Err(_) => Err(refuse(name, " must be a function.")),
    }
}
