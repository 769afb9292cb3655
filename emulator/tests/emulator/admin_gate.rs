//! The admin API answers programs on this machine, never a web page: no CORS,
//! no cross-origin requests (also "simple" ones and forms), JSON bodies only,
//! loopback `Host` only (DNS rebinding); `--admin-origin` opens it to one
//! loopback test page; a non-loopback bind prints a loud warning.

use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use talkover_emulator::Options;

use super::cli::{signal, wait_exit, BIN};
use super::common::{Emu, Resp};

const EVIL: &str = "http://evil.example";

async fn send(req: RequestBuilder) -> Resp {
    let res = req.send().await.expect("request completes");
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_default();
    Resp {
        status,
        headers,
        text,
        json,
    }
}

async fn demo_agents(emu: &Emu) -> usize {
    emu.agents().await.len()
}

/// `POST /__emulator/reset` with `{"seed":"empty"}`-like bodies as a page or a
/// careless tool would send them: (origin, content type, body, expected status).
const RESET_ATTEMPTS: [(Option<&str>, Option<&str>, &str, u16); 7] = [
    // fetch(url, {method: 'POST', mode: 'no-cors', body: '{"seed":"empty"}'})
    (
        Some(EVIL),
        Some("text/plain;charset=UTF-8"),
        "{\"seed\":\"empty\"}",
        403,
    ),
    // <form method=post action=.../reset> with no fields
    (
        Some(EVIL),
        Some("application/x-www-form-urlencoded"),
        "",
        403,
    ),
    (Some("null"), None, "", 403),
    (
        Some(EVIL),
        Some("application/json"),
        "{\"seed\":\"empty\"}",
        403,
    ),
    // no Origin (say, a tool), but not JSON
    (None, Some("text/plain"), "{\"seed\":\"empty\"}", 415),
    (
        None,
        Some("application/x-www-form-urlencoded"),
        "seed=empty",
        415,
    ),
    (None, None, "{\"seed\":\"empty\"}", 415),
];

#[tokio::test]
async fn a_web_page_cannot_drive_the_admin_api() {
    let emu = Emu::start().await;
    let seeded = demo_agents(&emu).await;
    for (origin, content_type, body, want) in RESET_ATTEMPTS {
        let mut req = emu.http.post(emu.url("/__emulator/reset")).body(body);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = send(req).await;
        assert_eq!(
            res.status, want,
            "{origin:?} {content_type:?}: {}",
            res.text
        );
        assert!(res.json["success"] == false && !res.message().is_empty());
        assert!(res.header("access-control-allow-origin").is_none());
    }
    assert_eq!(demo_agents(&emu).await, seeded, "nothing was reset");
    let get = emu.http.get(emu.url("/__emulator/state"));
    let res = send(get.header("origin", EVIL)).await;
    assert_eq!(res.status, 403);
    let put = emu.http.put(emu.url("/__emulator/latency"));
    let res = send(put.header("content-type", "text/plain").body("{\"ms\":9}")).await;
    assert_eq!(res.status, 415);
}

#[tokio::test]
async fn admin_preflights_are_refused_and_responses_carry_no_cors() {
    let emu = Emu::start().await;
    let preflight = emu
        .http
        .request(Method::OPTIONS, emu.url("/__emulator/reset"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type");
    let res = send(preflight).await;
    assert_eq!(res.status, 403, "{}", res.text);
    let cors = res
        .headers
        .keys()
        .filter(|n| n.as_str().starts_with("access-control-"));
    assert_eq!(cors.count(), 0);
    // Tools (no Origin) and the emulator's own origin still work, without CORS.
    let own = emu.server.url();
    for origin in [None, Some(own.as_str())] {
        let mut req = emu
            .http
            .post(emu.url("/__emulator/reset"))
            .json(&serde_json::json!({"seed": 3}));
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        let res = send(req).await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert!(res.header("access-control-allow-origin").is_none());
    }
    let json_charset = emu
        .http
        .put(emu.url("/__emulator/latency"))
        .header("content-type", "Application/JSON; charset=utf-8")
        .body("{\"ms\":0}");
    assert_eq!(send(json_charset).await.status, 200);
    // The public API keeps its CORS for pages.
    let api = emu
        .http
        .request(Method::OPTIONS, emu.url("/api/v1/agents/x"));
    let api = api
        .header("origin", EVIL)
        .header("access-control-request-method", "DELETE");
    let res = send(api).await;
    assert!(res.status.is_success());
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn admin_answers_only_a_loopback_host() {
    let emu = Emu::start().await;
    let port = emu.server.addr().port();
    let request = |path: &str, host: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    for host in [
        format!("evil.example:{port}"),
        "127.0.0.1.nip.io".into(),
        "0.0.0.0".into(),
    ] {
        let raw = emu.raw(&request("/__emulator/state", &host)).await;
        assert!(raw.starts_with("HTTP/1.1 403"), "{host}: {raw}");
        assert!(
            raw.contains("loopback host") && !raw.contains("access-control-"),
            "{raw}"
        );
        // DNS rebinding reaches the public API (CORS * anyway), never the admin API.
        let raw = emu.raw(&request("/api/v1/health", &host)).await;
        assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("LOCALHOST:{port}"),
        "[::1]".into(),
    ] {
        let raw = emu.raw(&request("/__emulator/stats", &host)).await;
        assert!(raw.starts_with("HTTP/1.1 200"), "{host}: {raw}");
    }
    let no_host = emu.raw("GET /__emulator/stats HTTP/1.0\r\n\r\n").await;
    assert!(no_host.starts_with("HTTP/1.0 403"), "{no_host}");
}

#[tokio::test]
async fn admin_origin_opens_it_to_one_loopback_page() {
    let page = "http://127.0.0.1:9";
    let emu = Emu::with(Options {
        admin_origins: vec![page.to_owned()],
        ..Options::default()
    })
    .await;
    let preflight = emu
        .http
        .request(Method::OPTIONS, emu.url("/__emulator/faults"))
        .header("origin", page)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type");
    let res = send(preflight).await;
    assert!(res.status.is_success(), "{}", res.text);
    assert_eq!(res.header("access-control-allow-origin"), Some(page));
    let post = emu
        .http
        .post(emu.url("/__emulator/reset"))
        .header("origin", page);
    let res = send(post.json(&serde_json::json!({"seed": "empty"}))).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), Some(page));
    let other = emu.http.get(emu.url("/__emulator/state"));
    let res = send(other.header("origin", "http://127.0.0.1:10")).await;
    assert_eq!(res.status, 403);
}

#[tokio::test]
async fn a_non_loopback_bind_warns_loudly() {
    let mut child = Command::new(BIN)
        .args(["--host", "0.0.0.0", "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut first = String::new();
    if let Some(stdout) = child.stdout.as_mut() {
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first);
    }
    assert!(first.contains("http://0.0.0.0:"), "{first}");
    signal(&child, "TERM");
    assert!(wait_exit(&mut child, Duration::from_secs(5)).success());
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert!(
        stderr.contains("WARNING") && stderr.contains("NOT a loopback"),
        "{stderr}"
    );
    let quiet = Command::new(BIN)
        .args(["--admin-origin", "http://evil.example"])
        .output();
    let quiet = quiet.expect("runs");
    assert!(!quiet.status.success());
    assert!(String::from_utf8_lossy(&quiet.stderr).contains("not a loopback origin"));
}
