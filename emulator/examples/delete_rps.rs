//! DELETE throughput of the emulator on this machine (loopback only, bounded).
//!
//! `cargo run --release -p talkover-emulator --example delete_rps -- --agents 20000 --concurrency 32`
//!
//! Starts the emulator in-process with `--seed N` semantics (on its own runtime),
//! or with `--binary PATH` runs `PATH --port 0 --seed N --quiet` as a child
//! process, or with `--url http://127.0.0.1:PORT` uses one already running with
//! `--seed N`; then deletes `bench-agent-000001..N` with C concurrent
//! keep-alive connections until every agent is gone or `--seconds` pass, and
//! prints requests per second and latency percentiles.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use talkover_emulator::{Options, Seed, Server, DEMO_TOKEN};

struct Args {
    agents: usize,
    concurrency: usize,
    seconds: u64,
    url: Option<String>,
    binary: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        agents: 20_000,
        concurrency: 32,
        seconds: 30,
        url: None,
        binary: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--agents" => args.agents = number()?,
            "--concurrency" => args.concurrency = number()?.max(1),
            "--seconds" => args.seconds = number()? as u64,
            "--url"
                if value.starts_with("http://127.") || value.starts_with("http://localhost") =>
            {
                args.url = Some(value)
            }
            "--url" => return Err("--url must be a loopback http:// URL".into()),
            "--binary" => args.binary = Some(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    // The server gets its own 2-worker runtime, like the real binary.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut child = None;
    let (base, server) = match (&args.url, &args.binary) {
        (Some(url), _) => (url.trim_end_matches('/').to_owned(), None),
        (None, Some(binary)) => {
            let (process, url) = spawn(binary, args.agents)?;
            child = Some(process);
            (url, None)
        }
        (None, None) => {
            let options = Options {
                seed: Seed::Bench(args.agents),
                ..Options::default()
            };
            let server = server_rt
                .block_on(Server::start(options))
                .map_err(|e| e.to_string())?;
            (server.url(), Some(server))
        }
    };
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let report = client_rt.block_on(load(&base, &args))?;
    println!("{report}");
    if let Some(server) = server {
        let _ = server_rt.block_on(server.stop());
    }
    if let Some(mut process) = child {
        let _ = process.kill();
        let _ = process.wait();
    }
    Ok(())
}

/// Run the emulator binary on a free port and read the URL it prints.
fn spawn(binary: &str, agents: usize) -> Result<(std::process::Child, String), String> {
    use std::io::BufRead;
    let mut process = std::process::Command::new(binary)
        .args(["--port", "0", "--seed", &agents.to_string(), "--quiet"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{binary}: {e}"))?;
    let stdout = process.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep reading (and so keep the pipe open) for the child's whole life.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
        if let Some(i) = line.find("http://127.0.0.1:") {
            return Ok((process, line[i..].trim().to_owned()));
        }
    }
    let _ = process.kill();
    Err("the emulator printed no URL".into())
}

async fn load(base: &str, args: &Args) -> Result<String, String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let next = Arc::new(AtomicUsize::new(1));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (http, next, base, total) = (http.clone(), next.clone(), base.to_owned(), args.agents);
        workers.push(tokio::spawn(worker(http, next, base, total, deadline)));
    }
    let (mut ok, mut failed, mut lat) = (0, 0, Vec::new());
    for w in workers {
        let (o, f, l) = w.await.map_err(|e| e.to_string())?;
        ok += o;
        failed += f;
        lat.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(format!(
        "DELETE /api/v1/agents/{{id}}: {} requests ({ok} ok, {failed} failed) in {elapsed:.2}s with concurrency {} => {:.0} requests/s (p50 {:.2} ms, p99 {:.2} ms)",
        ok + failed,
        args.concurrency,
        (ok + failed) as f64 / elapsed,
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
    ))
}

/// Per-worker tally: (ok, failed, latencies).
type Tally = (usize, usize, Vec<Duration>);

/// Delete the next unclaimed agent until all are claimed or time is up.
async fn worker(
    http: reqwest::Client,
    next: Arc<AtomicUsize>,
    base: String,
    total: usize,
    deadline: Instant,
) -> Tally {
    let mut out: Tally = (0, 0, Vec::new());
    loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k > total || Instant::now() >= deadline {
            return out;
        }
        let t = Instant::now();
        let url = format!("{base}/api/v1/agents/bench-agent-{k:06}");
        let ok = match http.delete(url).bearer_auth(DEMO_TOKEN).send().await {
            Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
            Err(_) => false,
        };
        out.2.push(t.elapsed());
        if ok {
            out.0 += 1;
        } else {
            out.1 += 1;
        }
    }
}
