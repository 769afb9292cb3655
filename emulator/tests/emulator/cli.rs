//! The real binary: `--help`, the printed URL and token with `--port 0`, a
//! prompt exit 0 on SIGTERM / SIGINT (also with a hanging request open), and
//! the JSON access log on stderr.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

pub(super) const BIN: &str = env!("CARGO_BIN_EXE_talkover-emulator");

pub(super) struct Running {
    pub(super) child: Child,
    pub(super) url: String,
    lines: Vec<String>,
}

fn launch(args: &[&str]) -> Running {
    launch_with(args, Stdio::null())
}

pub(super) fn launch_with(args: &[&str], stderr: Stdio) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while lines.len() < 2 {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => lines.push(line),
            Err(e) => panic!("no startup lines: {e}; got {lines:?}"),
        }
    }
    let url = lines
        .iter()
        .find_map(|l| {
            l.find("http://127.0.0.1:")
                .map(|i| l[i..].split_whitespace().next().unwrap_or("").to_owned())
        })
        .expect("url line");
    Running { child, url, lines }
}

pub(super) fn signal(child: &Child, name: &str) {
    // The shell's builtin `kill`: no dependency on a kill binary being installed.
    let script = format!("kill -{name} {}", child.id());
    let status = Command::new("sh").args(["-c", &script]).status();
    assert!(status.is_ok_and(|s| s.success()));
}

pub(super) fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        if started.elapsed() > within {
            let _ = child.kill();
            panic!("did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn prints_url_and_token_and_stops_on_sigterm() {
    let mut run = launch(&["--port", "0", "--seed", "empty"]);
    assert!(
        run.lines
            .iter()
            .any(|l| l.contains("talq_demo_4f8a2c9e71b34d0a")),
        "{:?}",
        run.lines
    );
    let port: u16 = run
        .url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert_ne!(port, 0);
    let res = reqwest::get(format!("{}/api/v1/health", run.url))
        .await
        .expect("health");
    assert_eq!(
        res.json::<serde_json::Value>().await.expect("json"),
        json!({"status": "ok"})
    );
    signal(&run.child, "TERM");
    let status = wait_exit(&mut run.child, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn sigint_with_a_hanging_request_exits_promptly() {
    let mut run = launch(&["--port", "0", "--quiet"]);
    let http = reqwest::Client::new();
    let fault = json!({"method": "*", "path": "/api/v1/*", "responses": [{"kind": "hang"}]});
    let res = http
        .post(format!("{}/__emulator/faults", run.url))
        .json(&fault)
        .send()
        .await
        .expect("fault");
    assert_eq!(res.status(), 201);
    let url = format!("{}/api/v1/agents", run.url);
    let pending = tokio::spawn(async move {
        reqwest::Client::new()
            .get(url)
            .send()
            .await
            .map(|r| r.status())
    });
    let stats = format!("{}/__emulator/stats", run.url);
    for _ in 0..250 {
        let now: serde_json::Value = http
            .get(&stats)
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("json");
        if now["in_flight"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    signal(&run.child, "INT");
    let status = wait_exit(&mut run.child, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(pending.await.expect("task").is_err());
}

#[test]
fn help_lists_the_flags() {
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--host",
        "--port",
        "--seed",
        "--static",
        "--latency-ms",
        "--quiet",
    ] {
        assert!(text.contains(flag), "{flag} missing from help");
    }
    let bad = Command::new(BIN)
        .args(["--seed", "lots"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = Command::new(BIN)
        .args(["--port", &port])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on 127.0.0.1:"));
}

#[tokio::test]
async fn access_log_is_json_lines_without_secrets() {
    let mut run = launch_with(&["--port", "0"], Stdio::piped());
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/agents/odd%2Fid%3F%231?x=1", run.url);
    let res = http
        .get(url)
        .bearer_auth(super::common::TOKEN)
        .send()
        .await
        .expect("get");
    let request_id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    signal(&run.child, "TERM");
    assert!(wait_exit(&mut run.child, Duration::from_secs(5)).success());
    let mut stderr = String::new();
    if let Some(mut pipe) = run.child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert!(!stderr.contains("talq_"), "{stderr}");
    let line: serde_json::Value = stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|v: &serde_json::Value| v["request_id"] == request_id.as_str())
        .expect("a JSON line for the request");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["path"], "/api/v1/agents/odd%2Fid%3F%231");
    assert_eq!(line["status"], 200);
    assert!(line["ms"].is_number() && line["ts"].as_str().is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn a_closed_stdout_does_not_stop_the_server() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    // Read only the first line, then close the pipe (like `| head -1`).
    let mut first = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut first);
    }
    let url = first
        .find("http://")
        .map(|i| first[i..].trim().to_owned())
        .expect("url");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let res = reqwest::get(format!("{url}/api/v1/health"))
        .await
        .expect("still serving");
    assert_eq!(res.status(), 200);
    signal(&child, "TERM");
    assert!(wait_exit(&mut child, Duration::from_secs(5)).success());
}
