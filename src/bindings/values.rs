//! Moving values across the boundary: reading caller arguments without trusting them (an option
//! bag in one crossing, see [`crate::proto::options`]) and turning a [`Failure`] into a
//! JavaScript `TalkoverError`.

use crate::proto::options::{refuse, Bag, Value, LONE_SURROGATES};
use crate::proto::text::contains;
use crate::proto::{ApiError, JsonView};
use crate::sys::{create_error, is_json_object, is_well_formed, own, snapshot};
use crate::transport::Failure;
use js_sys::Reflect;
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

/// A caller's option bag: `names` read from its own properties (nothing planted on
/// `Object.prototype` counts), plus the object itself for the values that stay JavaScript
/// (a signal, a callback).
pub struct Options {
    /// The typed values.
    pub bag: Bag,
    object: JsValue,
}

impl Options {
    /// Reads `value` (`undefined` and `null` mean none) for `names` (comma-separated).
    pub fn read(value: &JsValue, names: &'static str) -> Result<Self, ApiError> {
        let object = match value {
            v if v.is_undefined() || v.is_null() => JsValue::UNDEFINED,
            v if is_json_object(v) => v.clone(),
            _ => return Err(ApiError::invalid_argument("options must be an object.")),
        };
        Ok(match object.is_undefined() {
            true => Self {
                bag: Bag::default(),
                object,
            },
            false => Self::of_object(&object, names),
        })
    }

    /// Reads `object`, already known to be a non-array object, for `names`.
    pub fn of_object(object: &JsValue, names: &'static str) -> Self {
        let bag = Bag::parse(names, &snapshot(object, names));
        Self {
            bag,
            object: object.clone(),
        }
    }

    /// `signal`: absent, or an `AbortSignal` (or an object that behaves like one).
    pub fn signal(&self) -> Result<Option<AbortSignal>, ApiError> {
        match self.bag.get("signal") {
            Value::Undefined | Value::Null => return Ok(None),
            Value::Object => {}
            _ => return Err(refuse("signal", " must be an AbortSignal.")),
        }
        let signal = own(&self.object, "signal");
        let like = signal.is_instance_of::<AbortSignal>()
            || (inherited(&signal, "aborted").as_bool().is_some()
                && inherited(&signal, "addEventListener").is_function());
        match like {
            true => Ok(Some(signal.unchecked_into())),
            false => Err(refuse("signal", " must be an AbortSignal.")),
        }
    }

    /// A function option the bag said is there, or `undefined`.
    pub fn function(&self, name: &str) -> Result<JsValue, ApiError> {
        match self.bag.function(name)? {
            true => Ok(own(&self.object, name)),
            false => Ok(JsValue::UNDEFINED),
        }
    }
}

/// `o[key]` through the prototype chain (for runtime objects: a signal), or `undefined` when
/// `o` is not an object or reading it throws.
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
        Some(s) if contains(&s, "\u{FFFD}") && !is_well_formed(value) => {
            Err(refuse(name, LONE_SURROGATES))
        }
        other => Ok(other),
    }
}

/// `data` of a parsed success body.
pub fn data_of(body: &JsValue) -> JsValue {
    body.get("data").unwrap_or(JsValue::NULL)
}

/// A required string argument.
pub fn string_arg(name: &str, value: &JsValue) -> Result<String, ApiError> {
    text_of(name, value)?.ok_or_else(|| refuse(name, " must be a string."))
}
