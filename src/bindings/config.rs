//! Client options: checked once by `configure`, kept by the JavaScript `TalkoverClient` as a
//! frozen plain object (so a client owns no wasm memory and needs no `free()`), and read back
//! into a [`Transport`] on each call.

use super::values::{bool_option, field, function_option, inherited, int_option, string_option};
use crate::proto::input::DEFAULT_BASE_URL;
use crate::proto::{ApiError, BaseUrl, RetryPolicy, Token};
use crate::transport::Transport;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// `setTimeout` takes at most a signed 32-bit delay.
const MAX_TIMEOUT_MS: u32 = i32::MAX as u32;
const MAX_RETRIES: u32 = 10;

/// Checks the constructor's options and returns the configuration object.
pub fn configure(options: &JsValue) -> Result<JsValue, ApiError> {
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(ApiError::invalid_argument(
            "options must be an object with a token.",
        ));
    }
    let token = match string_option(options, "token")? {
        Some(t) => Token::parse(&t)?,
        None => return Err(ApiError::invalid_argument("token is required.")),
    };
    let base = BaseUrl::parse(
        string_option(options, "baseUrl")?
            .as_deref()
            .unwrap_or(DEFAULT_BASE_URL),
    )?;
    let timeout_ms = int_option(options, "timeoutMs", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)?;
    let max_retries = int_option(
        options,
        "maxRetries",
        RetryPolicy::default().max_retries,
        0,
        MAX_RETRIES,
    )?;
    let fetch = function_option(options, "fetch")?;
    let allow_browser = bool_option(options, "allowBrowser", false)?;
    if fetch.is_none() && !inherited(&js_sys::global(), "fetch").is_function() {
        return Err(ApiError::invalid_argument(
            "There is no global fetch in this runtime: pass options.fetch.",
        ));
    }
    if in_browser_page() && !base.is_loopback() && !allow_browser {
        return Err(ApiError::invalid_argument(
            "Refusing to send an API token from a browser page to a non-loopback baseUrl: tokens \
             belong on a server or in a Worker. Pass allowBrowser: true to accept the risk.",
        ));
    }
    // No prototype: a setter planted on Object.prototype never sees the Authorization value.
    let config: Object = Object::create(JsValue::NULL.unchecked_ref());
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&config, &JsValue::from_str(k), &v);
    };
    set("authorization", token.authorization().into());
    set("apiRoot", base.api_root().into());
    set("timeoutMs", timeout_ms.into());
    set("maxRetries", max_retries.into());
    set("fetch", fetch.map_or(JsValue::NULL, Into::into));
    Ok(Object::freeze(&config).into())
}

/// A page with a `document`: where a token would be exposed to everyone who opens it.
fn in_browser_page() -> bool {
    let global: JsValue = js_sys::global().into();
    inherited(&global, "document").is_object() && inherited(&global, "window").is_object()
}

/// Reads a configuration object made by [`configure`] back into a transport.
pub fn transport(config: &JsValue) -> Result<Transport, ApiError> {
    let text = |k: &str| field(config, k).as_string();
    let number = |k: &str| field(config, k).as_f64();
    let (Some(authorization), Some(api_root), Some(timeout), Some(retries)) = (
        text("authorization"),
        text("apiRoot"),
        number("timeoutMs"),
        number("maxRetries"),
    ) else {
        return Err(ApiError::invalid_argument(
            "This client was not created by new TalkoverClient().",
        ));
    };
    Ok(Transport {
        fetch: field(config, "fetch").dyn_into().ok(),
        authorization,
        api_root,
        timeout_ms: timeout as u32,
        retry: RetryPolicy {
            max_retries: retries as u32,
        },
    })
}
