//! Fuzzes the pure core of talkover-client with arbitrary server replies and inputs:
//! `proto::classify` (status, headers, body), URL building (`endpoint::delete_training`),
//! `BaseUrl::parse`, `Token::parse` and error redaction. Nothing may panic, and the contract's
//! invariants must hold for every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use talkover_client::proto::endpoint::{delete_agent, delete_training, Expect};
use talkover_client::proto::{classify, ApiError, BaseUrl, Body, ErrorCode, JsonView, ResponseMeta, Token};

/// serde_json values seen through the core's read-only JSON view (as in classify_tests.rs).
#[derive(Clone)]
struct J(Value);

impl JsonView for J {
    fn get(&self, key: &str) -> Option<Self> {
        self.0.as_object()?.get(key).filter(|v| !v.is_null()).cloned().map(J)
    }
    fn string(&self) -> Option<String> {
        self.0.as_str().map(str::to_owned)
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn is_object(&self) -> bool {
        self.0.is_object()
    }
    fn is_array(&self) -> bool {
        self.0.is_array()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn array_len(&self) -> usize {
        self.0.as_array().map_or(0, Vec::len)
    }
}

/// Splits the input into fields separated by 0xFF bytes (never valid UTF-8, so any text field
/// can hold any character).
fn fields(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0xFF)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

fn unreserved_or_escape(seg: &str) -> bool {
    let b = seg.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' if b.len() >= i + 3 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                i += 3
            }
            _ => return false,
        }
    }
    true
}

fn decode(seg: &str) -> Vec<u8> {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
            out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn check_classify(data: &[u8], f: &[String]) {
    let status = u16::from_le_bytes([data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)]);
    let expect = match data.get(2).copied().unwrap_or(0) % 3 {
        0 => Expect::Message,
        1 => Expect::DataObject,
        _ => Expect::DataArray,
    };
    let now_ms = u64::from_le_bytes({
        let mut b = [0u8; 8];
        for (i, x) in data.iter().skip(3).take(8).enumerate() {
            b[i] = *x;
        }
        b
    });
    let header = |i: usize| f.get(i).filter(|s| !s.is_empty()).cloned();
    let meta = ResponseMeta { status, request_id: header(1), retry_after: header(2) };
    let text = f.get(3).cloned().unwrap_or_default();
    let body = if text.trim().is_empty() {
        Body::Empty
    } else {
        serde_json::from_str::<Value>(&text).map_or(Body::NotJson, |v| Body::Json(J(v)))
    };
    match classify(&meta, &body, expect, now_ms) {
        Ok(_) => assert!((200..300).contains(&status), "success for status {status}"),
        Err(e) => {
            // Status 0 is a browser's opaque redirect: an error with no status.
            assert_eq!(e.status, (status != 0).then_some(status));
            if status == 0 || (300..400).contains(&status) {
                assert_eq!(e.code, ErrorCode::HttpError, "a redirect is never followed");
            }
            assert!(!e.message.is_empty(), "empty message");
            assert_eq!(e.request_id, meta.request_id);
            if (200..300).contains(&status) {
                assert_eq!(e.code, ErrorCode::InvalidResponse);
            }
            if status == 401 {
                assert_eq!(e.code, ErrorCode::InvalidToken);
            }
            if !matches!(status, 429 | 503) {
                assert_eq!(e.retry_after_ms, None);
            }
            assert!(!matches!(e.code, ErrorCode::Aborted | ErrorCode::Timeout | ErrorCode::NetworkError | ErrorCode::InvalidArgument));
        }
    }
}

fn check_urls(f: &[String]) {
    let a = f.get(4).cloned().unwrap_or_default();
    let t = f.get(5).cloned().unwrap_or_default();
    let bad = |s: &str| s.is_empty() || s == "." || s == ".." || s.len() > 1024;
    match delete_training(&a, &t) {
        Err(e) => {
            assert!(bad(&a) || bad(&t), "rejected good ids {a:?} {t:?}");
            assert_eq!(e.code, ErrorCode::InvalidArgument);
        }
        Ok(spec) => {
            assert!(!bad(&a) && !bad(&t));
            let parts: Vec<&str> = spec.path.split('/').collect();
            assert_eq!(parts.len(), 5, "{:?}", spec.path);
            assert_eq!((parts[0], parts[1], parts[3]), ("", "agents", "trainings"));
            for (seg, id) in [(parts[2], &a), (parts[4], &t)] {
                assert!(unreserved_or_escape(seg), "unencoded byte in {seg:?}");
                assert!(seg != "." && seg != "..");
                assert_eq!(decode(seg), id.as_bytes(), "segment does not round-trip");
            }
            assert!(!spec.path.contains('?') && !spec.path.contains('#'));
        }
    }
    if let Ok(spec) = delete_agent(&a) {
        assert_eq!(spec.path.matches('/').count(), 2);
    }
}

fn check_base_url(f: &[String]) {
    let raw = f.get(6).cloned().unwrap_or_default();
    if let Ok(base) = BaseUrl::parse(&raw) {
        let root = base.api_root();
        assert!(root.starts_with("https://") || (root.starts_with("http://") && base.is_loopback()), "{root}");
        assert!(root.ends_with("/api/v1"));
        let after_scheme = &root[root.find("://").map_or(0, |i| i + 3)..];
        let authority = after_scheme.split('/').next().unwrap_or("");
        assert!(!authority.is_empty() && !authority.contains('@'), "{root}");
        assert!(!root.contains('?') && !root.contains('#'));
        assert!(!root.chars().any(|c| c.is_whitespace() || c.is_control()));
    }
}

fn check_token(f: &[String]) {
    let raw = f.get(7).cloned().unwrap_or_default();
    let message = f.get(8).cloned().unwrap_or_default();
    match Token::parse(&raw) {
        Ok(token) => {
            assert!(!raw.is_empty() && raw.is_ascii());
            assert!(!raw.chars().any(|c| c.is_whitespace() || c.is_control()));
            assert_eq!(token.secret(), raw);
            assert_eq!(format!("{token:?}"), "Token([redacted])");
            // A server echoing the token: redaction removes it from the message. (A secret that is
            // part of the "[redacted]" marker, or overlaps it at a boundary, i.e. contains a
            // bracket, is re-formed by the marker itself; real tokens are neither.)
            let mut e = ApiError::new(ErrorCode::ServerError, format!("{message}{raw}{message}{raw}"));
            e.redact(token.secret());
            if !raw.contains('[') && !raw.contains(']') && !"[redacted]".contains(raw.as_str()) {
                assert!(!e.message.contains(raw.as_str()), "token survived redaction");
            }
        }
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidArgument);
            // The message names the problem, never the input: a fixed, short "token ..." sentence.
            assert!(e.message.starts_with("token ") && e.message.len() < 64, "{:?}", e.message);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data.get(11..).unwrap_or(&[]));
    check_classify(data, &f);
    check_urls(&f);
    check_base_url(&f);
    check_token(&f);
});
