//! Fault injection: every kind, scripted sequences, wildcards, delays, and that
//! `close` is a client-side connection error and `hang` a client-side timeout.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::common::{Emu, TOKEN};

async fn script(emu: &Emu, method: &str, path: &str, responses: Value) {
    let res = emu
        .admin(
            "POST",
            "/faults",
            Some(json!({"method": method, "path": path, "responses": responses})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
}

#[tokio::test]
async fn status_faults_then_normal() {
    let emu = Emu::start().await;
    let id = emu.id_of("Billing Helper").await;
    let path = format!("/api/v1/agents/{id}");
    script(
        &emu,
        "DELETE",
        &path,
        json!([
            {"kind": "status", "status": 503, "headers": {"retry-after": "2"}},
            {"kind": "status", "status": 503},
            {"kind": "status", "status": 429, "body": {"error": {"code": "RATE_LIMIT_EXCEEDED"}}},
        ]),
    )
    .await;
    assert_eq!(emu.get(&path).await.status, 200, "GET is not scripted");
    let first = emu.delete(&path).await;
    assert_eq!(first.status, 503);
    assert_eq!(
        first.json,
        json!({"success": false, "message": "Service unavailable."})
    );
    assert_eq!(first.header("retry-after"), Some("2"));
    assert!(first.header("x-request-id").is_some());
    assert_eq!(first.header("access-control-allow-origin"), Some("*"));
    let faults = emu.admin("GET", "/faults", None).await.json;
    assert_eq!(
        faults["faults"][0]["responses"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(emu.delete(&path).await.status, 503);
    let third = emu.delete(&path).await;
    assert_eq!(
        (third.status.as_u16(), third.json.clone()),
        (429, json!({"error": {"code": "RATE_LIMIT_EXCEEDED"}}))
    );
    assert_eq!(
        emu.admin("GET", "/faults", None).await.json,
        json!({"faults": []})
    );
    let res = emu.delete(&path).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (200, "Agent deleted successfully")
    );
    let statuses: Vec<Value> = emu.admin("GET", "/requests", None).await.json["requests"]
        .as_array()
        .map(|r| r.iter().map(|e| e["status"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        statuses,
        vec![json!(200), json!(503), json!(503), json!(429), json!(200)]
    );
}

#[tokio::test]
async fn default_messages_per_status() {
    let emu = Emu::start().await;
    script(
        &emu,
        "*",
        "/api/v1/health",
        json!([
            {"kind": "status", "status": 500}, {"kind": "status", "status": 429}, {"kind": "status"}
        ]),
    )
    .await;
    assert_eq!(
        emu.get("/api/v1/health").await.message(),
        "Internal server error."
    );
    assert_eq!(
        emu.get("/api/v1/health").await.message(),
        "Too many requests. Please try again later."
    );
    assert_eq!(emu.get("/api/v1/health").await.status, 500);
}

#[tokio::test]
async fn html_empty_and_malformed() {
    let emu = Emu::start().await;
    script(&emu, "GET", "/api/v1/agents*", json!([
        {"kind": "html", "status": 502}, {"kind": "empty", "status": 200}, {"kind": "malformed", "status": 200}, {"kind": "empty", "status": 204}
    ])).await;
    let html = emu.get("/api/v1/agents").await;
    assert_eq!(html.status, 502);
    assert!(html
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    assert!(html.text.contains("<html>"));
    let empty = emu.get("/api/v1/agents/x").await;
    assert_eq!((empty.status.as_u16(), empty.text.as_str()), (200, ""));
    let bad = emu.get("/api/v1/agents?page=1").await;
    assert_eq!(bad.header("content-type"), Some("application/json"));
    assert!(serde_json::from_str::<Value>(&bad.text).is_err());
    assert_eq!(emu.get("/api/v1/agents").await.status, 204);
    assert_eq!(emu.get("/api/v1/agents").await.status, 200);
}

#[tokio::test]
async fn close_is_a_connection_error() {
    let emu = Emu::start().await;
    script(
        &emu,
        "DELETE",
        "/api/v1/agents/*",
        json!([{"kind": "close"}, {"kind": "close", "status": 500}]),
    )
    .await;
    for _ in 0..2 {
        let sent = emu
            .http
            .delete(emu.url("/api/v1/agents/x"))
            .bearer_auth(TOKEN)
            .send()
            .await;
        match sent {
            Err(e) => assert!(!e.is_timeout(), "{e}"),
            Ok(res) => assert!(res.text().await.is_err(), "body must fail"),
        }
    }
    let raw = emu
        .raw("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    assert!(raw.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn lost_carries_out_the_request_then_drops_the_answer() {
    let emu = Emu::start().await;
    let list = emu.get("/api/v1/agents").await.json;
    let draft = list["data"].as_array().into_iter().flatten();
    let draft = draft
        .filter(|a| a["current_status"] != "published")
        .find_map(|a| a["id"].as_str());
    let path = format!(
        "/api/v1/agents/{}",
        draft.expect("an unpublished agent in the seed")
    );
    let path = path.as_str();
    assert_eq!(emu.get(path).await.status, 200);
    script(&emu, "DELETE", path, json!([{"kind": "lost"}])).await;
    let sent = emu
        .http
        .delete(emu.url(path))
        .bearer_auth(TOKEN)
        .send()
        .await;
    match sent {
        Err(e) => assert!(!e.is_timeout(), "{e}"),
        Ok(res) => assert!(res.text().await.is_err(), "the answer must be lost"),
    }
    assert_eq!(emu.get(path).await.status, 404, "the delete took effect");
}

#[tokio::test]
async fn close_sends_status_and_partial_body() {
    let emu = Emu::start().await;
    script(
        &emu,
        "GET",
        "/api/v1/health",
        json!([{"kind": "close", "status": 200}]),
    )
    .await;
    let raw = emu
        .raw("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or("");
    assert!(
        !body.is_empty() && serde_json::from_str::<Value>(body).is_err(),
        "{raw}"
    );
}

#[tokio::test]
async fn hang_times_out_client_side_and_does_not_block() {
    let emu = Emu::start().await;
    script(
        &emu,
        "*",
        "/api/v1/agents/hang-me",
        json!([{"kind": "hang"}]),
    )
    .await;
    let hung = emu
        .http
        .get(emu.url("/api/v1/agents/hang-me"))
        .bearer_auth(TOKEN)
        .timeout(Duration::from_millis(300))
        .send();
    let other = emu.get("/api/v1/health");
    let (hung, other) = tokio::join!(hung, other);
    assert!(hung.err().is_some_and(|e| e.is_timeout()));
    assert_eq!(other.status, 200, "other requests are served meanwhile");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stats = emu.admin("GET", "/stats", None).await.json;
    assert_eq!(
        stats["in_flight"], 0,
        "a client that gives up ends the request"
    );
}

#[tokio::test]
async fn hang_does_not_block_shutdown() {
    let emu = Emu::start().await;
    script(&emu, "*", "/api/v1/*", json!([{"kind": "hang"}])).await;
    let url = emu.url("/api/v1/agents");
    let http = emu.http.clone();
    let pending = tokio::spawn(async move {
        http.get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .map(|r| r.status())
    });
    assert!(emu.wait_in_flight(1).await, "the hung request arrived");
    let started = Instant::now();
    let Emu { server, .. } = emu;
    server.stop().await.expect("stops");
    assert!(started.elapsed() < Duration::from_secs(3));
    let outcome = pending.await.expect("task");
    assert!(
        outcome.is_err(),
        "the hung client sees a connection error: {outcome:?}"
    );
}

#[tokio::test]
async fn delays_and_pass() {
    let emu = Emu::start().await;
    script(
        &emu,
        "GET",
        "/api/v1/health",
        json!([
            {"kind": "pass", "delay_ms": 200, "headers": {"x-extra": "1"}},
            {"kind": "status", "status": 503, "delay_ms": 100},
        ]),
    )
    .await;
    let started = Instant::now();
    let slow = emu.get("/api/v1/health").await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(
        (slow.status.as_u16(), slow.header("x-extra")),
        (200, Some("1"))
    );
    let started = Instant::now();
    assert_eq!(emu.get("/api/v1/health").await.status, 503);
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[tokio::test]
async fn fault_admin_validation_and_clear() {
    let emu = Emu::start().await;
    for bad in [
        json!({"path": "/x", "responses": [{"kind": "boom"}]}),
        json!({"path": "x", "responses": [{"kind": "pass"}]}),
        json!({"path": "/x", "responses": []}),
        json!({"path": "/x", "responses": [{"kind": "status", "status": 99}]}),
    ] {
        assert_eq!(emu.admin("POST", "/faults", Some(bad)).await.status, 400);
    }
    script(
        &emu,
        "GET",
        "/api/v1/health",
        json!([{"kind": "status", "status": 500}]),
    )
    .await;
    assert_eq!(emu.admin("DELETE", "/faults", None).await.status, 200);
    assert_eq!(emu.get("/api/v1/health").await.status, 200);
}

#[tokio::test]
async fn faults_can_replace_or_drop_the_request_id() {
    let emu = Emu::start().await;
    script(&emu, "GET", "/api/v1/health", json!([
        {"kind": "status", "status": 500, "headers": {"x-request-id": null, "cf-ray": "8a1b2c3d4e5f-AMS"}},
        {"kind": "pass", "headers": {"x-request-id": null, "request-id": "upstream-7"}},
        {"kind": "status", "status": 502, "headers": {"x-request-id": "req_custom"}},
    ])).await;
    let first = emu.get("/api/v1/health").await;
    assert_eq!(
        (first.header("x-request-id"), first.header("cf-ray")),
        (None, Some("8a1b2c3d4e5f-AMS"))
    );
    let second = emu.get("/api/v1/health").await;
    assert_eq!(
        (
            second.status.as_u16(),
            second.header("x-request-id"),
            second.header("request-id")
        ),
        (200, None, Some("upstream-7"))
    );
    assert_eq!(
        emu.get("/api/v1/health").await.header("x-request-id"),
        Some("req_custom")
    );
    assert!(emu
        .get("/api/v1/health")
        .await
        .header("x-request-id")
        .is_some_and(|v| v.starts_with("req_")));
}

#[tokio::test]
async fn scripts_apply_in_registration_order_and_ignore_admin_routes() {
    let emu = Emu::start().await;
    script(&emu, "*", "*", json!([{"kind": "status", "status": 500}])).await;
    script(
        &emu,
        "get",
        "/api/v1/health",
        json!([{"kind": "status", "status": 503}]),
    )
    .await;
    assert_eq!(
        emu.admin("GET", "/state", None).await.status,
        200,
        "admin routes are never faulted"
    );
    assert_eq!(emu.get("/api/v1/health").await.status, 500);
    assert_eq!(emu.get("/api/v1/health").await.status, 503);
    assert_eq!(emu.get("/api/v1/health").await.status, 200);
    let listed = emu.admin("GET", "/faults", None).await.json;
    assert_eq!(listed, json!({"faults": []}));
}

#[tokio::test]
async fn clearing_faults_releases_hanging_requests() {
    let emu = Emu::start().await;
    script(
        &emu,
        "*",
        "/api/v1/health",
        json!([{"kind": "hang"}, {"kind": "hang"}]),
    )
    .await;
    let pending: Vec<_> = (0..2)
        .map(|_| {
            let req = emu.http.get(emu.url("/api/v1/health")).send();
            tokio::spawn(async move { req.await.map(|r| r.status()) })
        })
        .collect();
    assert!(emu.wait_in_flight(2).await);
    let started = Instant::now();
    emu.admin("DELETE", "/faults", None).await;
    for p in pending {
        assert!(p.await.expect("task").is_err(), "the connection is dropped");
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(emu.wait_in_flight(0).await);
    assert_eq!(emu.get("/api/v1/health").await.status, 200);
}
