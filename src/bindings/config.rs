//! Client options: checked once by `configure`, kept by the JavaScript `TalkoverClient` as a
//! frozen array `[packed, fetch, apiRoot]` (so a client owns no wasm memory and needs no
//! `free()`), and read back into a [`Transport`] on each call in a few crossings.

use super::values::{bool_option, function_option, inherited, int_option, string_option};
use crate::proto::error::push_number;
use crate::proto::input::DEFAULT_BASE_URL;
use crate::proto::{ApiError, BaseUrl, RetryPolicy, Token};
use crate::transport::Transport;
use js_sys::{Array, Object};
use wasm_bindgen::JsValue;

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
    let mut packed = String::with_capacity(base.api_root().len() + token.secret().len() + 16);
    for part in [timeout_ms, max_retries] {
        push_number(&mut packed, u64::from(part));
        packed.push('\n');
    }
    packed.push_str(base.api_root());
    packed.push('\n');
    packed.push_str(token.secret());
    let fetch = fetch.map_or(JsValue::NULL, Into::into);
    let config = Array::of3(&packed.into(), &fetch, &base.api_root().into());
    Ok(Object::freeze(&config).into())
}

/// A page with a `document`: where a token would be exposed to everyone who opens it.
fn in_browser_page() -> bool {
    let global: JsValue = js_sys::global().into();
    inherited(&global, "document").is_object() && inherited(&global, "window").is_object()
}

/// Reads the packed configuration made by [`configure`] back into a transport: timeout,
/// retries, API root and token, one per line (none of them can hold a newline).
pub fn transport(packed: &str) -> Result<Transport, ApiError> {
    let not_ours =
        || ApiError::invalid_argument("This client was not created by new TalkoverClient().");
    let mut lines = packed.splitn(4, '\n');
    let mut number = || lines.next().and_then(|n| n.parse::<u32>().ok());
    let (Some(timeout_ms), Some(max_retries)) = (number(), number()) else {
        return Err(not_ours());
    };
    let (Some(api_root), Some(token)) = (lines.next(), lines.next()) else {
        return Err(not_ours());
    };
    Ok(Transport {
        token: Token::parse(token)?,
        api_root: api_root.to_owned(),
        timeout_ms,
        retry: RetryPolicy { max_retries },
    })
}
