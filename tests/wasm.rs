//! wasm-bindgen-test suite: the real wasm module, in Node and in headless Chromium, against the
//! emulator named by `TALKOVER_EMULATOR_URL` at compile time (scripts/test.mjs sets it).
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Object, Promise, Reflect};
use talkover_client::bindings::{self as api, Op};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const URL: &str = match option_env!("TALKOVER_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};
const TOKEN: &str = "talq_demo_4f8a2c9e71b34d0a";

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap()
}

fn config(extra: &[(&str, JsValue)]) -> JsValue {
    let mut pairs = vec![
        ("token", TOKEN.into()),
        ("baseUrl", URL.into()),
        ("maxRetries", 0.into()),
    ];
    pairs.extend(extra.iter().cloned());
    api::try_configure(&obj(&pairs))
        .expect("valid options")
        .into()
}

/// Calls the emulator's admin API with the global fetch.
async fn admin(method: &str, path: &str, body: JsValue) -> JsValue {
    let fetch: Function = get(&js_sys::global(), "fetch").unchecked_into();
    let mut init = vec![("method", JsValue::from(method))];
    if !body.is_undefined() {
        init.push(("body", js_sys::JSON::stringify(&body).unwrap().into()));
        init.push((
            "headers",
            obj(&[("content-type", "application/json".into())]),
        ));
    }
    let url = format!("{URL}/__emulator{path}");
    let response = JsFuture::from(
        fetch
            .call2(&JsValue::NULL, &url.into(), &obj(&init))
            .unwrap()
            .unchecked_into::<Promise>(),
    )
    .await
    .unwrap();
    // In Chromium this page is cross-origin to the emulator, whose admin API refuses pages unless
    // started with --admin-origin for this page's origin (scripts/test.mjs does that).
    let status = get(&response, "status").as_f64().unwrap_or(0.0);
    assert!(
        (200.0..300.0).contains(&status),
        "admin {method} {path}: HTTP {status}"
    );
    let json: Function = get(&response, "json").unchecked_into();
    JsFuture::from(json.call0(&response).unwrap().unchecked_into::<Promise>())
        .await
        .unwrap()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", (js_sys::Math::random() * 1e12) as u64)
}

async fn new_agent(status: &str, trainings: &[&str]) -> String {
    let id = unique("wasm");
    let list: js_sys::Array = trainings
        .iter()
        .map(|t| {
            obj(&[
                ("id", (*t).into()),
                ("subject", "s".into()),
                ("instructions", "i".into()),
            ])
        })
        .collect();
    let body = obj(&[
        ("id", id.as_str().into()),
        ("current_status", status.into()),
        ("trainings", list.into()),
    ]);
    admin("POST", "/agents", body).await;
    id
}

/// Scripts the emulator's next responses to `DELETE /agents/{id}`.
async fn script_delete(id: &str, responses: &[JsValue]) {
    let responses: js_sys::Array = responses.iter().collect();
    let path = format!("/api/v1/agents/{id}");
    let body = obj(&[
        ("method", "DELETE".into()),
        ("path", path.into()),
        ("responses", responses.into()),
    ]);
    admin("POST", "/faults", body).await;
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/driver.js")]
extern "C" {
    /// The package's own driver: runs a call's I/O to its result.
    fn drive(call: api::Call, fetch: &JsValue) -> Promise;
}

// The driver's I/O, which it imports: declared here so that wasm-bindgen puts io.js next to it.
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/io.js")]
extern "C" {
    /// Resolves `true` after `ms`, `false` as soon as `signal` aborts.
    fn sleep(ms: f64, signal: &JsValue) -> Promise;
}

// What io.js imports in turn, and what that imports: declared so that wasm-bindgen puts
// fetch-exchange.js, response.js and secret.js next to it.
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/fetch-exchange.js")]
extern "C" {
    /// One attempt's request through fetch.
    type FetchExchange;
    #[wasm_bindgen(constructor)]
    fn new() -> FetchExchange;
    /// Resolves to the answer, `[status, requestId, retryAfter, kind, body]`.
    #[wasm_bindgen(method)]
    fn send(
        this: &FetchExchange,
        fetch: &Function,
        method: &str,
        url: &str,
        token: &str,
    ) -> Promise;
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/response.js")]
extern "C" {
    /// Whether an answer of `status` is a redirect (never read).
    #[wasm_bindgen(js_name = isRedirect)]
    fn is_redirect(status: f64) -> bool;
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/secret.js")]
extern "C" {
    /// The redaction pattern of a token.
    #[wasm_bindgen(js_name = secretPattern)]
    fn secret_pattern(token: &str) -> js_sys::RegExp;
}

#[wasm_bindgen_test]
fn the_redaction_pattern_finds_the_token_in_any_case_and_encoding() {
    let pattern = secret_pattern("talq_a*b");
    // A global pattern: `test` goes on from `lastIndex`, so each test starts at 0.
    let finds = |text: &str| {
        pattern.set_last_index(0);
        pattern.test(text)
    };
    for echoed in ["talq_a*b", "TALQ_A%2Ab", "talq%5Fa%2ab"] {
        assert!(finds(echoed), "{echoed}");
    }
    assert!(!finds("talq_a*c"));
}

#[wasm_bindgen_test]
async fn a_fetch_exchange_reads_the_runtimes_response_and_redacts_it() {
    // What this runtime's own Response makes of an answer that echoes the token.
    let fetch = Function::new_with_args(
        "url, init",
        "return new Response(JSON.stringify({ echo: init.headers.Authorization, url }), \
         { status: 429, headers: { 'x-request-id': 'req_1', 'retry-after': '3' } })",
    );
    let url = "https://example.test/api/v1/agents/a";
    let send = FetchExchange::new().send(&fetch, "DELETE", url, "talq_x1");
    let answer = settle(send).await.expect("an answer");
    let field = |i: u32| Reflect::get_u32(&answer, i).unwrap();
    assert_eq!(field(0), 429);
    assert_eq!(field(1), "req_1");
    assert_eq!(field(2), "3");
    assert_eq!(field(3), 1, "a JSON body");
    assert_eq!(get(&field(4), "echo"), "Bearer [redacted]");
    assert_eq!(get(&field(4), "url"), url);
    assert!(is_redirect(302.0) && !is_redirect(200.0) && !is_redirect(400.0));
}

#[wasm_bindgen_test]
async fn the_drivers_wait_elapses_or_stops_at_an_abort() {
    assert_eq!(
        settle(sleep(1.0, &JsValue::UNDEFINED)).await,
        Ok(JsValue::TRUE)
    );
    let controller = web_sys::AbortController::new().expect("AbortController");
    controller.abort();
    let aborted = sleep(60_000.0, &controller.signal().into());
    assert_eq!(settle(aborted).await, Ok(JsValue::FALSE));
}

/// One call as `TalkoverClient` makes it (with the global fetch): checked by the wasm, then
/// driven.
fn request(c: JsValue, op: Op, first: JsValue, second: JsValue, options: JsValue) -> Promise {
    let packed = c.as_string().unwrap_or_default();
    match api::try_start(&packed, op, first, second, options) {
        Ok(call) => drive(call, &JsValue::NULL),
        Err(error) => Promise::reject(&error),
    }
}

fn delete_agent(c: JsValue, id: JsValue, options: JsValue) -> Promise {
    request(c, Op::DeleteAgent, id, JsValue::UNDEFINED, options)
}

fn delete_training(c: JsValue, agent: JsValue, training: JsValue, options: JsValue) -> Promise {
    request(c, Op::DeleteTraining, agent, training, options)
}

fn get_agent(c: JsValue, id: JsValue, options: JsValue) -> Promise {
    request(c, Op::GetAgent, id, JsValue::UNDEFINED, options)
}

fn code(error: &JsValue) -> String {
    get(error, "code").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn deletes_an_agent_then_reports_it_missing() {
    let c = config(&[]);
    let id = new_agent("draft", &[]).await;
    let ok = settle(delete_agent(
        c.clone(),
        id.as_str().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(get(&ok, "success"), JsValue::TRUE);
    assert_eq!(
        get(&ok, "message").as_string().as_deref(),
        Some("Agent deleted successfully")
    );
    assert_eq!(get(&ok, "alreadyDeleted"), JsValue::FALSE);
    assert!(get(&ok, "requestId").as_string().is_some());
    let err = settle(delete_agent(c, id.as_str().into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AGENT_NOT_FOUND");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("TalkoverError")
    );
    assert_eq!(get(&err, "status").as_f64(), Some(404.0));
}

#[wasm_bindgen_test]
async fn deletes_a_training_and_tells_training_from_agent_404() {
    let c = config(&[]);
    let id = new_agent("draft", &["t-1"]).await;
    let ok = settle(delete_training(
        c.clone(),
        id.as_str().into(),
        "t-1".into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        get(&ok.unwrap(), "message").as_string().as_deref(),
        Some("Agent training deleted successfully")
    );
    let again = settle(delete_training(
        c.clone(),
        id.as_str().into(),
        "t-1".into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(code(&again.unwrap_err()), "TRAINING_NOT_FOUND");
    let missing = settle(delete_training(
        c,
        "no-such-agent".into(),
        "t-1".into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(code(&missing.unwrap_err()), "AGENT_NOT_FOUND");
}

#[wasm_bindgen_test]
async fn error_codes_for_token_conflicts_and_server_errors() {
    let bad: JsValue = api::try_configure(&obj(&[
        ("token", "talq_wrong".into()),
        ("baseUrl", URL.into()),
    ]))
    .unwrap()
    .into();
    let err = settle(delete_agent(bad, "x".into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(
        (code(&err), get(&err, "status").as_f64()),
        ("INVALID_TOKEN".into(), Some(401.0))
    );

    let c = config(&[]);
    let published = new_agent("published", &[]).await;
    let err = settle(delete_agent(
        c.clone(),
        published.as_str().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(code(&err), "AGENT_IS_PUBLISHED");

    let busy = new_agent("draft", &[]).await;
    admin(
        "POST",
        &format!("/agents/{busy}/active-calls"),
        obj(&[("count", 2.into())]),
    )
    .await;
    let err = settle(delete_agent(
        c.clone(),
        busy.as_str().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(
        (code(&err), get(&err, "retryable")),
        ("AGENT_HAS_ACTIVE_CALLS".into(), JsValue::TRUE)
    );

    let failing = new_agent("draft", &[]).await;
    script_delete(
        &failing,
        &[obj(&[("kind", "status".into()), ("status", 500.into())])],
    )
    .await;
    let err = settle(delete_agent(c, failing.as_str().into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(
        (code(&err), get(&err, "message").as_string()),
        ("SERVER_ERROR".into(), Some("Internal server error.".into()))
    );
}

#[wasm_bindgen_test]
async fn any_abort_reason_gives_aborted_and_the_module_keeps_working() {
    let c = config(&[]);
    let reasons: [JsValue; 4] = [
        JsValue::UNDEFINED,
        "a string reason".into(),
        js_sys::Error::new("boom").into(),
        obj(&[("why", 1.into())]),
    ];
    for reason in reasons {
        let controller = web_sys::AbortController::new().unwrap();
        if reason.is_undefined() {
            controller.abort();
        } else {
            controller.abort_with_reason(&reason);
        }
        let options = obj(&[("signal", controller.signal().into())]);
        let err = settle(delete_agent(c.clone(), "x".into(), options))
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ABORTED");
    }
    let id = new_agent("draft", &[]).await;
    assert!(
        settle(delete_agent(c, id.as_str().into(), JsValue::UNDEFINED))
            .await
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn a_hanging_server_times_out_and_an_abort_midway_is_aborted() {
    let c = config(&[("timeoutMs", 300.into())]);
    let id = new_agent("draft", &[]).await;
    let hang = || obj(&[("kind", "hang".into())]);
    script_delete(&id, &[hang(), hang()]).await;
    let err = settle(delete_agent(
        c.clone(),
        id.as_str().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(code(&err), "TIMEOUT");

    let controller = web_sys::AbortController::new().unwrap();
    let options = obj(&[("signal", controller.signal().into())]);
    let pending = delete_agent(
        config(&[("timeoutMs", 10_000.into())]),
        id.as_str().into(),
        options,
    );
    let abort: Function =
        Function::new_with_args("c", "setTimeout(() => c.abort('late string'), 50)");
    abort.call1(&JsValue::NULL, &controller).unwrap();
    assert_eq!(code(&settle(pending).await.unwrap_err()), "ABORTED");
    assert!(
        settle(delete_agent(c, id.as_str().into(), JsValue::UNDEFINED))
            .await
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_sending() {
    let c = config(&[]);
    for id in [
        JsValue::from(""),
        ".".into(),
        "..".into(),
        5.into(),
        JsValue::NULL,
    ] {
        let err = settle(delete_agent(c.clone(), id, JsValue::UNDEFINED))
            .await
            .unwrap_err();
        assert_eq!(code(&err), "INVALID_ARGUMENT");
    }
    for options in [
        obj(&[("token", "".into())]),
        obj(&[("token", "a b".into())]),
        obj(&[
            ("token", "t".into()),
            ("baseUrl", "http://example.com".into()),
        ]),
        JsValue::from("talq"),
    ] {
        assert_eq!(
            code(&api::try_configure(&options).unwrap_err()),
            "INVALID_ARGUMENT"
        );
    }
}

#[wasm_bindgen_test]
async fn percent_encoded_ids_reach_exactly_one_agent() {
    let c = config(&[]);
    let id = format!("{}/../x?y#z %", unique("odd"));
    admin("POST", "/agents", obj(&[("id", id.as_str().into())])).await;
    let ok = settle(delete_agent(
        c.clone(),
        id.as_str().into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(ok.is_ok(), "{ok:?}");
    let err = settle(get_agent(c, id.as_str().into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AGENT_NOT_FOUND");
}
