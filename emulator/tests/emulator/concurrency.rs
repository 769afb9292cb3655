//! 200 parallel DELETEs over a mixed set of agents: exactly one 200 per
//! deletable agent, the rest 404; published / busy agents always 409.

use std::collections::HashMap;

use serde_json::json;
use talkover_emulator::Seed;

use super::common::Emu;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_deletes_are_consistent() {
    let emu = Emu::seeded(Seed::Empty).await;
    let mut kinds = HashMap::new();
    for n in 0..40 {
        let id = format!("c-{n:02}/x");
        let body = match n % 8 {
            6 => json!({"id": id, "current_status": "published"}),
            7 => json!({"id": id, "active_calls": 1}),
            _ => json!({"id": id}),
        };
        emu.fixture(body).await;
        kinds.insert(id, n % 8);
    }
    let mut tasks = Vec::new();
    for round in 0..5 {
        for id in kinds.keys() {
            let url = emu.url(&format!("/api/v1/agents/{}", super::common::enc(id)));
            let http = emu.http.clone();
            let id = id.clone();
            tasks.push(tokio::spawn(async move {
                let res = http
                    .delete(url)
                    .bearer_auth(super::common::TOKEN)
                    .send()
                    .await;
                (id, round, res.map(|r| r.status().as_u16()).unwrap_or(0))
            }));
        }
    }
    assert_eq!(tasks.len(), 200);
    let mut outcomes: HashMap<String, Vec<u16>> = HashMap::new();
    for task in tasks {
        let (id, _, status) = task.await.expect("task");
        outcomes.entry(id).or_default().push(status);
    }
    for (id, statuses) in &outcomes {
        let ok = statuses.iter().filter(|s| **s == 200).count();
        let gone = statuses.iter().filter(|s| **s == 404).count();
        let conflict = statuses.iter().filter(|s| **s == 409).count();
        match kinds[id] {
            6 | 7 => assert_eq!(conflict, 5, "{id}: {statuses:?}"),
            _ => assert_eq!((ok, gone), (1, 4), "{id}: {statuses:?}"),
        }
    }
    let remaining: Vec<String> = emu
        .agents()
        .await
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(remaining.len(), 10);
    assert!(remaining.iter().all(|id| matches!(kinds[id], 6 | 7)));
    let stats = emu.admin("GET", "/stats", None).await.json;
    assert_eq!(
        (stats["requests"].clone(), stats["in_flight"].clone()),
        (json!(200), json!(0))
    );
}
