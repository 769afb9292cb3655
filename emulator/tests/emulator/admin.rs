//! Admin API: reset and seeds (determinism), state, fixtures, active calls,
//! request log (never a token), stats (max_in_flight) and latency.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use talkover_emulator::Seed;

use super::common::{Emu, OTHER, TOKEN};

#[tokio::test]
async fn reset_and_seeds_are_deterministic() {
    let a = Emu::start().await;
    let b = Emu::start().await;
    let ids_a: Vec<Value> = a.agents().await.iter().map(|x| x["id"].clone()).collect();
    let ids_b: Vec<Value> = b.agents().await.iter().map(|x| x["id"].clone()).collect();
    assert_eq!(ids_a, ids_b);
    assert_eq!(ids_a.len(), 39);
    let list_a = a.get("/api/v1/agents?per_page=100").await.json;
    assert_eq!(list_a, b.get("/api/v1/agents?per_page=100").await.json);
    let res = a
        .admin("POST", "/reset", Some(json!({"seed": "empty"})))
        .await;
    assert_eq!(
        res.json,
        json!({"token": TOKEN, "other_token": OTHER, "agents": 0})
    );
    assert!(a.agents().await.is_empty());
    assert_eq!(a.get("/api/v1/agents").await.json["meta"]["last_page"], 1);
    let res = a.admin("POST", "/reset", Some(json!({"seed": 3}))).await;
    assert_eq!(res.json["agents"], 3);
    let ids: Vec<Value> = a.agents().await.iter().map(|x| x["id"].clone()).collect();
    assert_eq!(
        ids,
        vec![
            json!("bench-agent-000001"),
            json!("bench-agent-000002"),
            json!("bench-agent-000003")
        ]
    );
    let res = a.admin("POST", "/reset", None).await;
    assert_eq!(res.json["agents"], 36);
    assert_eq!(
        a.get("/api/v1/agents?per_page=100").await.json,
        list_a,
        "reset restores the demo seed exactly"
    );
    let bad = a
        .admin("POST", "/reset", Some(json!({"seed": "lots"})))
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn reset_clears_faults_latency_and_log() {
    let emu = Emu::start().await;
    emu.admin("PUT", "/latency", Some(json!({"ms": 50}))).await;
    emu.admin("POST", "/faults", Some(json!({"method": "*", "path": "/api/v1/*", "responses": [{"kind": "status", "status": 500}]}))).await;
    emu.get("/api/v1/health").await;
    emu.admin("POST", "/reset", None).await;
    assert_eq!(
        emu.admin("GET", "/faults", None).await.json,
        json!({"faults": []})
    );
    assert_eq!(
        emu.admin("GET", "/latency", None).await.json,
        json!({"ms": 0})
    );
    assert_eq!(
        emu.admin("GET", "/requests", None).await.json,
        json!({"requests": []})
    );
    assert_eq!(
        emu.admin("GET", "/stats", None).await.json,
        json!({"in_flight": 0, "max_in_flight": 0, "requests": 0})
    );
    assert_eq!(emu.get("/api/v1/health").await.status, 200);
}

#[tokio::test]
async fn bench_seed_handles_ten_thousand() {
    let started = Instant::now();
    let emu = Emu::seeded(Seed::Bench(10_000)).await;
    let res = emu.get("/api/v1/agents?per_page=100&page=100").await;
    assert_eq!(res.json["meta"]["total"], 10_000);
    assert_eq!(res.json["data"][99]["id"], "bench-agent-010000");
    let res = emu.get("/api/v1/agents/bench-agent-000042/trainings").await;
    assert_eq!(res.json["data"][0]["id"], "bench-training-000042");
    let res = emu.delete("/api/v1/agents/bench-agent-000042").await;
    assert_eq!(res.status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn fixtures_and_active_calls() {
    let emu = Emu::seeded(Seed::Empty).await;
    let body = json!({
        "id": "fx-1", "environment": "demo", "name": "Fixture", "label": "fx",
        "current_status": "published", "is_sandbox": true, "is_ready_to_publish": false,
        "active_calls": 2, "created_at": "2026-01-02T03:04:05Z",
        "trainings": [{"id": "t-1", "subject": "S", "instructions": "I"}, {"subject": "S2", "instructions": "I2"}]
    });
    let view = emu.fixture(body).await;
    assert_eq!(view["id"], "fx-1");
    assert_eq!(view["environment"], "demo");
    assert_eq!(view["current_status"], "published");
    assert_eq!(
        (
            view["is_sandbox"].clone(),
            view["is_ready_to_publish"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(view["active_calls"], 2);
    assert_eq!(view["trainings"].as_array().map(Vec::len), Some(2));
    assert_eq!(view["trainings"][0], "t-1");
    let api = emu.get("/api/v1/agents/fx-1").await.json;
    assert_eq!(api["data"]["created_at"], "2026-01-02T03:04:05Z");
    assert_eq!(api["data"]["label"], "fx");
    let dup = emu
        .admin("POST", "/agents", Some(json!({"id": "fx-1"})))
        .await;
    assert_eq!(dup.status, 409);
    let bad = emu
        .admin("POST", "/agents", Some(json!({"environment": "prod"})))
        .await;
    assert_eq!(bad.status, 400);
    let generated = emu.fixture(json!({})).await;
    assert_eq!(
        (
            generated["current_status"].clone(),
            generated["is_ready_to_publish"].clone()
        ),
        (json!("draft"), json!(false))
    );
    let other = emu.fixture(json!({"environment": "other"})).await;
    assert_eq!(other["environment"], "other");
    let res = emu
        .admin(
            "POST",
            "/agents/fx-1/active-calls",
            Some(json!({"count": 0})),
        )
        .await;
    assert_eq!(res.json["active_calls"], 0);
    let res = emu
        .admin(
            "POST",
            "/agents/missing/active-calls",
            Some(json!({"count": 1})),
        )
        .await;
    assert_eq!(res.status, 404);
    let res = emu
        .admin(
            "POST",
            "/agents/fx-1/active-calls",
            Some(json!({"count": -1})),
        )
        .await;
    assert_eq!(res.status, 400);
    let state = emu.admin("GET", "/state", None).await.json;
    assert_eq!(state["agents"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn request_log_never_holds_a_token() {
    let emu = Emu::start().await;
    emu.get("/api/v1/agents?status=draft&per_page=5").await;
    emu.send("DELETE", "/api/v1/agents/nope", Some(OTHER), None)
        .await;
    emu.admin("GET", "/state", None).await;
    let leaky = format!("/api/v1/agents/{TOKEN}?token={TOKEN}");
    assert_eq!(emu.get(&leaky).await.status, 404);
    let log = emu.admin("GET", "/requests", None).await;
    assert!(!log.text.contains(TOKEN) && !log.text.contains(OTHER));
    let entries = log.json["requests"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 3, "only /api/v1 traffic");
    assert_eq!(
        entries[2]["path"], "/api/v1/agents/talq_[redacted]",
        "a leaked token shows, redacted"
    );
    assert_eq!(entries[2]["query"], "token=talq_[redacted]");
    let first = &entries[0];
    assert_eq!(
        (
            first["seq"].clone(),
            first["method"].clone(),
            first["path"].clone()
        ),
        (json!(1), json!("GET"), json!("/api/v1/agents"))
    );
    assert_eq!(first["query"], "status=draft&per_page=5");
    assert_eq!(first["status"], 200);
    let headers: Vec<&str> = first["headers"]
        .as_array()
        .map(|h| h.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(headers.contains(&"authorization"));
    assert!(headers.iter().all(|h| *h == h.to_ascii_lowercase()));
    assert!(first["finished_us"].as_u64() >= first["started_us"].as_u64());
    assert_eq!(entries[1]["query"], Value::Null);
    assert_eq!(entries[1]["status"], 404);
    emu.admin("DELETE", "/requests", None).await;
    assert_eq!(
        emu.admin("GET", "/requests", None).await.json,
        json!({"requests": []})
    );
}

#[tokio::test]
async fn stats_track_concurrency_with_latency() {
    let emu = Emu::start().await;
    let res = emu.admin("PUT", "/latency", Some(json!({"ms": 400}))).await;
    assert_eq!(res.json, json!({"ms": 400}));
    let started = Instant::now();
    let calls = (0..5).map(|_| emu.get("/api/v1/health"));
    let results = futures_join(calls).await;
    assert!(results.iter().all(|r| r.status == 200));
    assert!(started.elapsed() >= Duration::from_millis(400));
    let stats = emu.admin("GET", "/stats", None).await.json;
    assert_eq!(
        stats,
        json!({"in_flight": 0, "max_in_flight": 5, "requests": 5})
    );
    emu.admin("DELETE", "/requests", None).await;
    emu.admin("PUT", "/latency", Some(json!({"ms": 0}))).await;
    emu.get("/api/v1/health").await;
    assert_eq!(
        emu.admin("GET", "/stats", None).await.json,
        json!({"in_flight": 0, "max_in_flight": 1, "requests": 1})
    );
    assert_eq!(
        emu.admin("PUT", "/latency", Some(json!({"ms": "x"})))
            .await
            .status,
        400
    );
}

/// Run futures concurrently on the current task.
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.collect();
    let mut out = Vec::new();
    let joined = futures_util::future::join_all(handles).await;
    out.extend(joined);
    out
}

#[tokio::test]
async fn optional_rate_limit() {
    let emu = Emu::start().await;
    assert_eq!(
        emu.get("/api/v1/agents").await.header("x-ratelimit-limit"),
        None,
        "off by default"
    );
    let res = emu
        .admin(
            "PUT",
            "/rate-limit",
            Some(json!({"limit": 2, "window_ms": 300})),
        )
        .await;
    assert_eq!(res.json, json!({"limit": 2, "window_ms": 300}));
    let first = emu.get("/api/v1/agents").await;
    assert_eq!(
        (
            first.header("x-ratelimit-limit"),
            first.header("x-ratelimit-remaining")
        ),
        (Some("2"), Some("1"))
    );
    assert_eq!(
        emu.get("/api/v1/agents")
            .await
            .header("x-ratelimit-remaining"),
        Some("0")
    );
    let limited = emu.get("/api/v1/agents").await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.json,
        json!({"success": false, "message": "Too many requests. Please try again later."})
    );
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=5).contains(&retry), "{retry}");
    assert_eq!(
        emu.send("GET", "/api/v1/health", None, None).await.status,
        200,
        "health is exempt"
    );
    assert_eq!(
        emu.send("GET", "/api/v1/agents", None, None).await.status,
        401
    );
    assert_eq!(
        emu.send("GET", "/api/v1/agents", Some(OTHER), None)
            .await
            .status,
        200,
        "per environment"
    );
    emu.admin("PUT", "/rate-limit", Some(json!({"limit": 2})))
        .await;
    assert_eq!(
        emu.get("/api/v1/agents").await.status,
        200,
        "reconfiguring restarts windows"
    );
    assert_eq!(
        emu.admin("PUT", "/rate-limit", Some(json!({"limit": "x"})))
            .await
            .status,
        400
    );
    emu.admin("POST", "/reset", None).await;
    assert_eq!(
        emu.admin("GET", "/rate-limit", None).await.json,
        json!({"limit": 0, "window_ms": 0})
    );
}
