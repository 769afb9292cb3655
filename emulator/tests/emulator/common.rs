//! Test harness: an in-process emulator plus a reqwest client and helpers.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use talkover_emulator::{Options, Seed, Server, DEMO_TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const TOKEN: &str = DEMO_TOKEN;
pub const OTHER: &str = talkover_emulator::OTHER_TOKEN;

/// A response: status, headers and the body (parsed as JSON when possible).
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or("")
    }
}

pub struct Emu {
    pub server: Server,
    pub http: reqwest::Client,
}

impl Emu {
    pub async fn start() -> Emu {
        Emu::with(Options::default()).await
    }

    pub async fn seeded(seed: Seed) -> Emu {
        Emu::with(Options {
            seed,
            ..Options::default()
        })
        .await
    }

    pub async fn with(options: Options) -> Emu {
        let server = Server::start(options).await.expect("server starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client builds");
        Emu { server, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    /// Any request; `token` adds `Authorization: Bearer`, `body` is sent as JSON.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request completes");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body reads");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, Some(TOKEN), None).await
    }

    pub async fn post(&self, path: &str, body: Option<Value>) -> Resp {
        self.send("POST", path, Some(TOKEN), body).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, Some(TOKEN), None).await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.send(method, &format!("/__emulator{path}"), None, body)
            .await
    }

    /// The admin view of every agent.
    pub async fn agents(&self) -> Vec<Value> {
        let state = self.admin("GET", "/state", None).await;
        state.json["agents"].as_array().cloned().unwrap_or_default()
    }

    /// The admin view of the seeded agent with this name.
    pub async fn by_name(&self, name: &str) -> Value {
        self.agents()
            .await
            .into_iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no agent named {name}"))
    }

    /// The id of the seeded agent with this name.
    pub async fn id_of(&self, name: &str) -> String {
        self.by_name(name).await["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Create a fixture agent through the admin API; returns its admin view.
    pub async fn fixture(&self, body: Value) -> Value {
        let res = self.admin("POST", "/agents", Some(body)).await;
        assert_eq!(res.status, 201, "fixture: {}", res.text);
        res.json
    }

    /// Send raw bytes and read until the server closes (use `Connection: close`).
    pub async fn raw(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(self.server.addr())
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut out = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out));
        let _ = read.await;
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Percent-encode one path segment (everything but unreserved characters).
pub fn enc(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Emu {
    /// Poll `/__emulator/stats` until `in_flight == n` (up to 5 s); returns whether it got there.
    pub async fn wait_in_flight(&self, n: u64) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            let stats = self.admin("GET", "/stats", None).await.json;
            if stats["in_flight"].as_u64() == Some(n) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}
