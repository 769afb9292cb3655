//! Client options: checked once by `configure` (one snapshot of the option bag), kept by the
//! JavaScript `TalkoverClient` as one packed string (so a client owns no wasm memory and needs
//! no `free()`), and read back into a [`Transport`] on each call.

use super::values::Options;
use crate::proto::input::DEFAULT_BASE_URL;
use crate::proto::text::{digits, push_number, split_first};
use crate::proto::{ApiError, BaseUrl, RetryPolicy, Token};
use crate::sys;
use crate::transport::Transport;
use wasm_bindgen::JsValue;

const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// `setTimeout` takes at most a signed 32-bit delay.
const MAX_TIMEOUT_MS: u32 = i32::MAX as u32;
const MAX_RETRIES: u32 = 10;

/// The constructor's options, in the order of one snapshot.
const CLIENT_OPTIONS: &str = "token,baseUrl,timeoutMs,maxRetries,fetch,allowBrowser";

/// Checks the constructor's options and returns the packed configuration: timeout, retries,
/// API root and token, one per line (none of them can hold a newline). `src/js/client.js`
/// keeps it with the `fetch` option (which this checked is a function when present).
pub fn configure(options: &JsValue) -> Result<String, ApiError> {
    if !crate::sys::is_json_object(options) {
        return Err(ApiError::invalid_argument(
            "options must be an object with a token.",
        ));
    }
    let bag = Options::of_object(options, CLIENT_OPTIONS).bag;
    let token = match bag.string("token")? {
        Some(t) => Token::parse(&t)?,
        None => return Err(ApiError::invalid_argument("token is required.")),
    };
    let base = bag.string("baseUrl")?;
    let base = BaseUrl::parse(base.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
    let timeout_ms = bag.int("timeoutMs", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)?;
    let max_retries = RetryPolicy::default().max_retries;
    let max_retries = bag.int("maxRetries", max_retries, 0, MAX_RETRIES)?;
    let has_fetch = bag.function("fetch")?;
    let allow_browser = bag.bool("allowBrowser", false)?;
    let environment = sys::environment();
    if !has_fetch && !environment.starts_with("F") {
        return Err(ApiError::invalid_argument(
            "There is no global fetch in this runtime: pass options.fetch.",
        ));
    }
    if environment.ends_with("B") && !base.is_loopback() && !allow_browser {
        return Err(ApiError::invalid_argument(
            "Refusing to send an API token from a browser page to a non-loopback baseUrl: tokens \
             belong on a server or in a Worker. Pass allowBrowser: true to accept the risk.",
        ));
    }
    let mut packed = String::with_capacity(base.api_root().len() + token.secret().len() + 16);
    for part in [timeout_ms, max_retries] {
        push_number(&mut packed, u64::from(part));
        packed.push_str("\n");
    }
    packed.push_str(base.api_root());
    packed.push_str("\n");
    packed.push_str(token.secret());
    Ok(packed)
}

/// Reads the packed configuration made by [`configure`] back into a transport: timeout,
/// retries, API root and token, one per line (none of them can hold a newline).
pub fn transport(packed: &str) -> Result<Transport, ApiError> {
    let not_ours =
        || ApiError::invalid_argument("This client was not created by new TalkoverClient().");
    let number = |line: &str| digits(line).and_then(|n| u32::try_from(n).ok());
    let (timeout, rest) = split_first(packed, b'\n').ok_or_else(not_ours)?;
    let (retries, rest) = split_first(rest, b'\n').ok_or_else(not_ours)?;
    // The token is the rest: Token::parse refuses one with a newline.
    let (api_root, token) = split_first(rest, b'\n').ok_or_else(not_ours)?;
    let (Some(timeout_ms), Some(max_retries)) = (number(timeout), number(retries)) else {
        return Err(not_ours());
    };
    Ok(Transport {
        token: Token::parse(token)?,
        api_root: api_root.to_owned(),
        timeout_ms,
        retry: RetryPolicy { max_retries },
    })
}
