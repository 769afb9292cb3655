//! The classification table: every documented status and message, and the body variants of
//! talkover-api.md 1.6.

use super::*;
use serde_json::{json, Value};

impl JsonView for Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn is_object(&self) -> bool {
        self.is_object()
    }
    fn is_array(&self) -> bool {
        self.is_array()
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn array_len(&self) -> usize {
        self.as_array().map_or(0, Vec::len)
    }
}

/// Parses `text` the way the transport does: empty, not JSON, or JSON.
pub(crate) fn body(text: &str) -> Body<Value> {
    if text.is_empty() {
        return Body::Empty;
    }
    serde_json::from_str(text).map_or(Body::NotJson, Body::Json)
}

fn meta(status: u16) -> ResponseMeta {
    ResponseMeta {
        status,
        ..Default::default()
    }
}

fn code(status: u16, text: &str) -> ErrorCode {
    classify(&meta(status), &body(text), Expect::Message, 0)
        .unwrap_err()
        .code
}

fn env(message: &str) -> String {
    json!({ "success": false, "message": message }).to_string()
}

#[test]
fn documented_statuses_and_messages() {
    use ErrorCode::*;
    let table = [
        (404, env("Agent not found"), AgentNotFound),
        (404, env("Training not found"), TrainingNotFound),
        (404, env("Agent not found in this environment."), AgentNotFound),
        (404, env("Voice agent not found"), AgentNotFound),
        (404, env("Call not found for this agent"), NotFound),
        (404, env("Webhook not found."), NotFound),
        (401, env("Unauthenticated."), InvalidToken),
        (401, env("Unauthorized"), InvalidToken),
        (401, json!({"message": "Missing Bearer Token"}).to_string(), InvalidToken),
        (401, json!({"error": "UNAUTHORIZED", "message": "Invalid or missing authentication token", "status_code": 401}).to_string(), InvalidToken),
        (403, env("You are not authorized to perform this action."), Unauthorized),
        (403, env("You are not authorized to delete training for this agent."), Unauthorized),
        (409, env("Cannot delete agent while it has active calls."), AgentHasActiveCalls),
        (409, env("Cannot delete agent while it is published. Unpublish it first."), AgentIsPublished),
        (409, env("Published agents must be unpublished before deletion"), AgentIsPublished),
        (409, json!({"success": false, "message": "Call is not active", "code": "CALL_NOT_ACTIVE"}).to_string(), Conflict),
        (409, env("This number is already registered"), Conflict),
        (422, json!({"success": false, "message": "The given data was invalid.", "errors": {"per_page": ["The per page must be between 1 and 100."]}}).to_string(), ValidationError),
        (422, json!({"message": "The given data was invalid.", "errors": {}}).to_string(), ValidationError),
        (429, env("Too many requests. Please try again later."), RateLimited),
        (500, env("Internal server error."), ServerError),
        (502, "<html><body>Bad gateway</body></html>".into(), ServerError),
        (503, String::new(), ServerError),
        (400, env("Bad request"), HttpError),
        (402, json!({"error": {"code": "INSUFFICIENT_CREDITS", "message": "no credits"}}).to_string(), HttpError),
        (405, env("The GET method is not supported for this route. Supported methods: DELETE."), HttpError),
        (408, String::new(), HttpError),
        (404, "<html>404</html>".into(), NotFound),
        (404, String::new(), NotFound),
    ];
    for (status, text, expected) in table {
        assert_eq!(code(status, &text), expected, "{status} {text}");
    }
}

#[test]
fn a_known_code_in_the_body_wins_except_over_401() {
    use ErrorCode::*;
    let nested = json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Rate limit exceeded.", "details": {"retry_after": 60}}});
    assert_eq!(code(429, &nested.to_string()), RateLimited);
    assert_eq!(
        code(
            400,
            &json!({"success": false, "message": "x", "code": "AGENT_IS_PUBLISHED"}).to_string()
        ),
        AgentIsPublished
    );
    assert_eq!(
        code(
            404,
            &json!({"error": {"code": "AGENT_NOT_FOUND", "message": "Voice agent not found"}})
                .to_string()
        ),
        AgentNotFound
    );
    assert_eq!(
        code(
            409,
            &json!({"success": false, "message": "?", "code": "AGENT_HAS_ACTIVE_CALLS"})
                .to_string()
        ),
        AgentHasActiveCalls
    );
    assert_eq!(
        code(403, &json!({"error": "UNAUTHORIZED"}).to_string()),
        Unauthorized
    );
    assert_eq!(
        code(
            401,
            &json!({"error": {"code": "INVALID_API_KEY"}}).to_string()
        ),
        InvalidToken
    );
    // Client-side codes are never taken from a body.
    assert_eq!(
        code(500, &json!({"code": "TIMEOUT"}).to_string()),
        ServerError
    );
}

#[test]
fn messages_come_from_any_documented_place_or_are_described() {
    let msg = |status: u16, text: &str| {
        classify(&meta(status), &body(text), Expect::Message, 0)
            .unwrap_err()
            .message
    };
    assert_eq!(msg(404, &env("Agent not found")), "Agent not found");
    assert_eq!(
        msg(
            402,
            &json!({"error": {"code": "X", "message": "no credits"}}).to_string()
        ),
        "no credits"
    );
    assert_eq!(
        msg(
            500,
            &json!({"error": "Failed to generate demo audio"}).to_string()
        ),
        "Failed to generate demo audio"
    );
    assert_eq!(
        msg(502, "<html/>"),
        "The server answered HTTP 502 with a body that is not JSON."
    );
    assert_eq!(
        msg(503, ""),
        "The server answered HTTP 503 with an empty body."
    );
    assert_eq!(
        msg(500, "{}"),
        "The server answered HTTP 500 without a message."
    );
    assert_eq!(
        msg(500, &env("  ")),
        "The server answered HTTP 500 without a message."
    );
}

#[test]
fn successes_need_the_documented_body() {
    let ok = |text: &str, expect| classify(&meta(200), &body(text), expect, 0);
    let deleted = ok(
        r#"{"success":true,"message":"Agent deleted successfully"}"#,
        Expect::Message,
    )
    .unwrap();
    assert_eq!(
        deleted.message.as_deref(),
        Some("Agent deleted successfully")
    );
    assert_eq!(
        ok(r#"{"message":"x"}"#, Expect::Message)
            .unwrap()
            .message
            .as_deref(),
        Some("x")
    );
    assert!(ok(r#"{"success":true,"data":{"id":"a"}}"#, Expect::DataObject).is_ok());
    assert!(ok(r#"{"success":true,"data":[]}"#, Expect::DataArray).is_ok());
    let invalid = [
        ("", Expect::Message),
        ("<html/>", Expect::Message),
        (r#"{"success":tru"#, Expect::Message),
        ("[]", Expect::Message),
        ("\"ok\"", Expect::Message),
        (r#"{"success":false,"message":"nope"}"#, Expect::Message),
        (r#"{"success":true,"data":[]}"#, Expect::DataObject),
        (r#"{"success":true,"data":{}}"#, Expect::DataArray),
        (r#"{"success":true}"#, Expect::DataArray),
    ];
    for (text, expect) in invalid {
        let e = ok(text, expect).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::InvalidResponse, Some(200)),
            "{text}"
        );
    }
    let e = ok(r#"{"success":false,"message":"nope"}"#, Expect::Message).unwrap_err();
    assert_eq!(e.message, "nope");
}

#[test]
fn request_id_and_retry_after_are_carried() {
    let m = ResponseMeta {
        status: 429,
        request_id: Some("req_1".into()),
        retry_after: Some("3".into()),
    };
    let e = classify(&m, &body(""), Expect::Message, 0).unwrap_err();
    assert_eq!(
        (e.request_id.as_deref(), e.retry_after_ms),
        (Some("req_1"), Some(3000))
    );
    let m = ResponseMeta {
        status: 500,
        request_id: None,
        retry_after: Some("3".into()),
    };
    assert_eq!(
        classify(&m, &body(""), Expect::Message, 0)
            .unwrap_err()
            .retry_after_ms,
        None
    );
    let m = ResponseMeta {
        status: 503,
        request_id: None,
        retry_after: Some("junk".into()),
    };
    assert_eq!(
        classify(&m, &body(""), Expect::Message, 0)
            .unwrap_err()
            .retry_after_ms,
        None
    );
}

#[test]
fn odd_statuses_never_look_like_success() {
    for status in [0u16, 99, 100, 204, 301, 600, u16::MAX] {
        let r = classify(&meta(status), &body(""), Expect::Message, 0);
        assert!(r.is_err(), "{status}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[A-Za-z_ .]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            let keys = prop_oneof![
                Just("success".to_string()),
                Just("message".to_string()),
                Just("error".to_string()),
                Just("code".to_string()),
                Just("data".to_string()),
                "[a-z]{1,6}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((keys, inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_on_any_status_headers_or_body(
            status in any::<u16>(),
            json in any_json(),
            raw in ".{0,40}",
            request_id in proptest::option::of(".{0,20}"),
            retry_after in proptest::option::of(".{0,30}"),
            now in any::<u64>(),
        ) {
            let m = ResponseMeta { status, request_id, retry_after };
            for expect in [Expect::Message, Expect::DataObject, Expect::DataArray] {
                for b in [Body::Json(json.clone()), body(&raw), Body::Empty, Body::NotJson] {
                    if let Err(e) = classify(&m, &b, expect, now) {
                        prop_assert!(!e.message.is_empty());
                        prop_assert_eq!(e.status, Some(status));
                    }
                }
            }
        }
    }
}

#[test]
fn redirects_are_errors_even_with_a_success_body() {
    let ok_body = body(r#"{"success":true,"message":"Agent deleted successfully"}"#);
    for status in [0u16, 300, 301, 302, 303, 307, 308, 399] {
        let e = classify(&meta(status), &ok_body, Expect::Message, 0).unwrap_err();
        assert_eq!(e.code, ErrorCode::HttpError, "{status}");
        assert!(e.message.contains("redirect"), "{}", e.message);
        assert_eq!(e.status, (status != 0).then_some(status));
    }
}

#[test]
fn huge_retry_after_is_clamped_to_a_day() {
    for header in [
        "18446744073709551615",
        "99999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let m = ResponseMeta {
            status: 429,
            request_id: None,
            retry_after: Some(header.into()),
        };
        let e = classify(&m, &body(""), Expect::Message, 0).unwrap_err();
        assert_eq!(
            e.retry_after_ms,
            Some(MAX_REPORTED_RETRY_AFTER_MS),
            "{header}"
        );
    }
}

#[test]
fn bodies_over_the_cap_keep_an_error_status_and_fail_a_success() {
    let e = classify::<Value>(&meta(500), &Body::TooLarge, Expect::Message, 0).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::ServerError, Some(500)));
    assert!(e.message.contains("16 MiB"), "{}", e.message);
    let e = classify::<Value>(&meta(200), &Body::TooLarge, Expect::Message, 0).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidResponse);
    let e = classify::<Value>(&meta(404), &Body::Unredactable, Expect::Message, 0).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}
