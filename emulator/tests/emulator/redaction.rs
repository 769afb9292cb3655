//! A token leaked into a URL, a method or a header name is never stored, in any
//! spelling: plain, percent-encoded (`talq%5F`, `%74alq_`, lower-case `%5f`),
//! encoded twice, or upper-case. Checked in the admin request log and in the
//! binary's stderr access log.

use std::process::Stdio;
use std::time::Duration;

use reqwest::Method;

use super::cli::{launch_with, signal, wait_exit};
use super::common::{Emu, TOKEN};

/// What must never appear: the token's secret part, in any case.
const SECRET: &str = "4f8a2c9e71b34d0a";

/// Paths and queries that carry the demo token in several spellings.
fn leaky_urls() -> Vec<String> {
    let body = TOKEN.trim_start_matches("talq_");
    let spellings = [
        format!("talq%5F{body}"),
        format!("talq%5f{body}"),
        format!("%74alq_{body}"),
        format!("%74%61%6c%71%5f{body}"),
        format!("talq%255F{body}"),
        format!("TALQ_{}", body.to_uppercase()),
        format!("talq_{}", body.replace('4', "%34")),
    ];
    let mut urls = Vec::new();
    for s in &spellings {
        urls.push(format!("/api/v1/agents/{s}"));
        urls.push(format!("/api/v1/agents?search={s}&t=%2F{s}"));
    }
    urls
}

/// Decode percent-escapes until nothing changes (what any reader could do).
fn decode_fully(text: &str) -> String {
    let mut text = text.to_owned();
    loop {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) if bytes[i] == b'%' => {
                    out.push(b);
                    i += 3;
                }
                _ => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        let next = String::from_utf8_lossy(&out).into_owned();
        if next == text {
            return text;
        }
        text = next;
    }
}

fn assert_no_secret(text: &str) {
    let decoded = decode_fully(text).to_ascii_lowercase();
    assert!(!decoded.contains(SECRET), "token leaked: {text}");
    assert!(
        decoded.contains("[redacted]"),
        "the leak still shows: {text}"
    );
}

#[tokio::test]
async fn request_log_redacts_encoded_tokens() {
    let emu = Emu::start().await;
    for url in leaky_urls() {
        emu.get(&url).await;
    }
    let method = Method::from_bytes(TOKEN.as_bytes()).expect("method");
    let odd = emu.http.request(method, emu.url("/api/v1/agents"));
    odd.header(TOKEN, "1").send().await.expect("request");
    let log = emu.admin("GET", "/requests", None).await;
    let entries = log.json["requests"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), leaky_urls().len() + 1);
    for entry in &entries {
        let fields = [
            &entry["method"],
            &entry["path"],
            &entry["query"],
            &entry["headers"],
        ];
        let text = serde_json::to_string(&fields).unwrap_or_default();
        if entry["method"] == "GET" {
            let leaky = if entry["query"].is_null() {
                &entry["path"]
            } else {
                &entry["query"]
            };
            assert_no_secret(&leaky.to_string());
        }
        assert!(
            !decode_fully(&text).to_ascii_lowercase().contains(SECRET),
            "{text}"
        );
    }
    assert_eq!(entries[0]["path"], "/api/v1/agents/talq%5F[redacted]");
    let last = &entries[entries.len() - 1];
    assert_eq!(last["method"], "talq_[redacted]");
    assert!(last["headers"].to_string().contains("talq_[redacted]"));
}

#[tokio::test]
async fn access_log_redacts_encoded_tokens() {
    let mut run = launch_with(&["--port", "0"], Stdio::piped());
    let http = reqwest::Client::new();
    for url in leaky_urls() {
        let res = http.get(format!("{}{url}", run.url)).send().await;
        assert!(res.is_ok_and(|r| r.status().is_client_error()));
    }
    signal(&run.child, "TERM");
    assert!(wait_exit(&mut run.child, Duration::from_secs(5)).success());
    let mut stderr = String::new();
    if let Some(mut pipe) = run.child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let paths: Vec<&str> = lines.iter().filter_map(|l| l["path"].as_str()).collect();
    let with_path = leaky_urls().iter().filter(|u| !u.contains('?')).count();
    assert!(paths.iter().filter(|p| p.contains("redacted")).count() >= with_path);
    assert!(
        !decode_fully(&stderr).to_ascii_lowercase().contains(SECRET),
        "{stderr}"
    );
}
