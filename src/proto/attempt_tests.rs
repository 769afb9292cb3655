//! The attempt report: parsing the driver's head, and every kind to its outcome.

use super::*;
use crate::proto::ErrorCode;
use serde_json::{json, Value};

fn head(text: &str) -> Head {
    Head::parse(text)
}

fn run(text: &str, body: Option<Value>) -> Result<Success, ApiError> {
    outcome(&head(text), body, Expect::Message, 300).0
}

#[test]
fn heads_parse_and_anything_malformed_is_a_network_failure() {
    let h = head("200\n1\n1700000000000\n250000\nreq-1\n\n");
    assert_eq!(
        (h.status, h.kind, h.now_ms, h.jitter_millionths),
        (200, Kind::Json, 1_700_000_000_000, 250_000)
    );
    assert_eq!(
        (h.request_id.as_deref(), h.retry_after, h.detail),
        (Some("req-1"), None, None)
    );
    let detail = head("\n9\n1\n2\n\n\nfetch failed\n(with a newline)");
    assert_eq!(
        detail.detail.as_deref(),
        Some("fetch failed\n(with a newline)")
    );
    for junk in ["", "x", "200\n99", "70000\n1", "-1\n1\n\n"] {
        let h = head(junk);
        assert!(h.kind == Kind::Network || h.status == 0, "{junk:?}: {h:?}");
    }
    assert_eq!(head("200\n1\n0\n5000000").jitter_millionths, 999_999);
}

#[test]
fn every_kind_has_its_outcome() {
    use ErrorCode::*;
    let ok = json!({"success": true, "message": "Agent deleted successfully"});
    assert_eq!(
        run("200\n1\n0\n0\nr\n\n", Some(ok.clone()))
            .unwrap()
            .request_id
            .as_deref(),
        Some("r")
    );
    let cases = [
        ("200\n0\n0\n0", InvalidResponse),
        ("200\n2\n0\n0", InvalidResponse),
        ("200\n3\n0\n0", InvalidResponse),
        ("200\n4\n0\n0", InvalidResponse),
        ("500\n3\n0\n0", ServerError),
        ("404\n4\n0\n0", NotFound),
        ("200\n5\n0\n0", HttpError),
        ("303\n0\n0\n0", HttpError),
        ("\n6\n0\n0", NetworkError),
        ("\n7\n0\n0", Aborted),
        ("\n8\n0\n0", Timeout),
        ("\n9\n0\n0\n\n\nECONNRESET", NetworkError),
    ];
    for (text, code) in cases {
        let e = run(text, None).unwrap_err();
        assert_eq!(e.code, code, "{text:?}: {e:?}");
    }
    assert_eq!(
        run("\n8\n0\n0", None).unwrap_err().message,
        "The request timed out after 300 ms."
    );
    assert!(run("\n9\n0\n0\n\n\nECONNRESET", None)
        .unwrap_err()
        .message
        .contains("ECONNRESET"));
    assert_eq!(run("200\n5\n0\n0", Some(ok)).unwrap_err().status, None);
}

#[test]
fn the_body_comes_back_whatever_the_outcome() {
    let body = json!({"success": false, "message": "Agent not found"});
    let (result, back) = outcome(
        &head("404\n1\n0\n0"),
        Some(body.clone()),
        Expect::Message,
        1,
    );
    assert_eq!(result.unwrap_err().code, ErrorCode::AgentNotFound);
    assert_eq!(back, Some(body));
}
