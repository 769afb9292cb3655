//! Routing rules: JSON 404/405, request ids, CORS (preflight, admin, errors),
//! percent-encoded ids (one segment, decoded once), and `--static`.

use serde_json::json;
use talkover_emulator::Options;

use super::common::{enc, Emu, Resp, TOKEN};

#[tokio::test]
async fn unknown_routes_and_wrong_methods() {
    let emu = Emu::start().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/agents/a/b/c",
        "/",
        "/__emulator/nope",
        "/api/v2/agents",
    ] {
        let res = emu.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(
            res.json,
            json!({"success": false, "message": "Not found."}),
            "{path}"
        );
    }
    let res = emu.send("PUT", "/api/v1/agents/x", Some(TOKEN), None).await;
    assert_eq!(res.status, 405);
    assert_eq!(
        res.message(),
        "The PUT method is not supported for this route. Supported methods: GET, HEAD, DELETE."
    );
    let res = emu
        .send("GET", "/api/v1/agents/x/trainings/y", Some(TOKEN), None)
        .await;
    assert_eq!(
        res.message(),
        "The GET method is not supported for this route. Supported methods: DELETE."
    );
    let res = emu
        .send("DELETE", "/api/v1/agents", Some(TOKEN), None)
        .await;
    assert_eq!(
        (res.status.as_u16(), res.header("content-type")),
        (405, Some("application/json"))
    );
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let emu = Emu::start().await;
    let mut seen = Vec::new();
    for (method, path) in [
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/nope"),
        ("GET", "/__emulator/stats"),
        ("PUT", "/api/v1/agents"),
    ] {
        let res = emu.send(method, path, None, None).await;
        let id = res.header("x-request-id").unwrap_or_default().to_owned();
        let digits = id.strip_prefix("req_").unwrap_or("");
        assert!(
            digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        assert!(!seen.contains(&id));
        seen.push(id);
    }
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let emu = Emu::start().await;
    let res = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.url("/api/v1/agents/abc"))
        .header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "DELETE")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("preflight");
    assert!(res.status().is_success());
    let h = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    assert_eq!(h("access-control-allow-origin"), "*");
    assert!(h("access-control-allow-methods").contains("delete"));
    assert!(h("access-control-allow-headers").contains("authorization"));
    // The admin API gets no CORS at all (see admin_gate.rs).
    for (method, path) in [("GET", "/api/v1/agents/missing"), ("GET", "/api/v1/agents")] {
        let res = emu
            .http
            .request(method.parse().expect("method"), emu.url(path))
            .header("Origin", "http://localhost:5173")
            .send()
            .await
            .expect("request");
        let get = |n: &str| {
            res.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(get("access-control-allow-origin"), "*", "{path}");
        assert!(
            get("access-control-expose-headers").contains("x-request-id"),
            "{path}"
        );
        assert!(
            get("access-control-expose-headers").contains("retry-after"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn percent_encoded_ids_are_one_segment() {
    let emu = Emu::start().await;
    for odd in ["odd/id?#1", "odd id 100%/ção#2"] {
        let res = emu.get(&format!("/api/v1/agents/{}", enc(odd))).await;
        assert_eq!(res.status, 200, "{odd}");
        assert_eq!(res.json["data"]["id"], odd);
        let res = emu
            .get(&format!("/api/v1/agents/{}/trainings", enc(odd)))
            .await;
        assert_eq!(res.status, 200);
    }
    // Lower-case escapes decode the same way; decoding happens once.
    assert_eq!(emu.get("/api/v1/agents/odd%2fid%3f%231").await.status, 200);
    let twice = emu.get("/api/v1/agents/odd%252Fid%253F%25231").await;
    assert_eq!(
        (twice.status.as_u16(), twice.message()),
        (404, "Agent not found")
    );
    let suffix = emu.get("/api/v1/agents/odd%2Fid%3F%231%2Ftrainings").await;
    assert_eq!(
        (suffix.status.as_u16(), suffix.message()),
        (404, "Agent not found")
    );
    let split = emu.get("/api/v1/agents/odd/id").await;
    assert_eq!(
        (split.status.as_u16(), split.message()),
        (404, "Not found.")
    );
    let invalid_utf8 = emu.get("/api/v1/agents/%FF%FE").await;
    assert_eq!(
        (invalid_utf8.status.as_u16(), invalid_utf8.message()),
        (404, "Agent not found")
    );
    let res = emu
        .delete(&format!("/api/v1/agents/{}", enc("odd/id?#1")))
        .await;
    assert_eq!(res.status, 200);
    assert!(
        emu.agents()
            .await
            .iter()
            .any(|a| a["id"] == "odd id 100%/ção#2"),
        "only that agent went away"
    );
    let log = emu.admin("GET", "/requests", None).await;
    let paths: Vec<String> = log.json["requests"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|e| e["path"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        paths.contains(&"/api/v1/agents/odd%2Fid%3F%231".to_owned()),
        "raw paths are logged"
    );
}

#[tokio::test]
async fn admin_routes_take_encoded_ids_too() {
    let emu = Emu::start().await;
    let res = emu
        .admin(
            "POST",
            &format!("/agents/{}/active-calls", enc("odd/id?#1")),
            Some(json!({"count": 2})),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json["active_calls"], 2);
    let res = emu
        .delete(&format!("/api/v1/agents/{}", enc("odd/id?#1")))
        .await;
    assert_eq!(res.status, 409);
}

#[tokio::test]
async fn static_files_share_the_origin() {
    let dir = std::env::temp_dir().join(format!("emu-static-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").expect("write");
    std::fs::write(dir.join("sub/app.js"), "console.log(1)").expect("write");
    let emu = Emu::with(Options {
        static_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let res = emu.send("GET", "/", None, None).await;
    assert_eq!(
        (res.status.as_u16(), res.text.as_str()),
        (200, "<h1>demo</h1>")
    );
    assert!(res
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    let res = emu.send("GET", "/sub/app.js", None, None).await;
    assert_eq!(
        (res.status.as_u16(), res.text.as_str()),
        (200, "console.log(1)")
    );
    assert!(res.header("x-request-id").is_some());
    for path in ["/", "/sub/app.js"] {
        assert_strict_headers(path, &emu.send("GET", path, None, None).await);
    }
    assert_eq!(
        emu.send("GET", "/api/v1/health", None, None).await.json,
        json!({"status": "ok"})
    );
    let res = emu.send("GET", "/api/v1/index.html", None, None).await;
    assert_eq!(res.json["message"], "Not found.");
    assert_eq!(
        emu.send("GET", "/missing.html", None, None).await.status,
        404
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The demo page's policy (see emulator/src/statics.rs) and the anti-framing headers.
fn assert_strict_headers(path: &str, res: &Resp) {
    let csp = res.header("content-security-policy").unwrap_or("");
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval';",
        "style-src 'self';",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    assert_eq!(res.header("x-frame-options"), Some("DENY"));
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn static_csp_off_keeps_only_the_neutral_headers() {
    let dir = std::env::temp_dir().join(format!("emu-static-off-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<script>1</script>").expect("write");
    let emu = Emu::with(Options {
        static_dir: Some(dir.clone()),
        static_csp: false,
        ..Options::default()
    })
    .await;
    let res = emu.send("GET", "/", None, None).await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-security-policy").is_none());
    assert!(res.header("x-frame-options").is_none());
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
    let _ = std::fs::remove_dir_all(dir);
}
