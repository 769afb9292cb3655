//! Training routes (list, create/update by node_id, delete, 422s, draft
//! reversion) and the agent calls route (filters, pagination, 401 text).

use serde_json::{json, Value};

use super::common::{Emu, TOKEN};

#[tokio::test]
async fn list_trainings_and_errors() {
    let emu = Emu::start().await;
    let id = emu.id_of("Receptionist").await;
    let res = emu.get(&format!("/api/v1/agents/{id}/trainings")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json["success"], true);
    assert_eq!(res.json["data"].as_array().map(Vec::len), Some(4));
    assert_eq!(res.json["data"][3]["current_status"], "inactive");
    let none = emu.id_of("Billing Helper").await;
    assert_eq!(
        emu.get(&format!("/api/v1/agents/{none}/trainings"))
            .await
            .json["data"],
        json!([])
    );
    let foreign = emu.id_of("Other Env Support").await;
    let res = emu
        .get(&format!("/api/v1/agents/{foreign}/trainings"))
        .await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (
            403,
            "You are not authorized to access this agent's trainings."
        )
    );
    let res = emu.get("/api/v1/agents/nope/trainings").await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Agent not found")
    );
}

#[tokio::test]
async fn create_then_update_by_node_id() {
    let emu = Emu::start().await;
    let id = emu.id_of("Support Bot").await; // published
    let path = format!("/api/v1/agents/{id}/trainings");
    let body = json!({"subject": "Hours", "instructions": "9 to 5", "node_id": "n1"});
    let res = emu.post(&path, Some(body)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.message(), "Agent training updated successfully");
    let created = res.json["data"].clone();
    assert_eq!(
        (
            created["subject"].clone(),
            created["current_status"].clone()
        ),
        (json!("Hours"), json!("active"))
    );
    let agent = emu.get(&format!("/api/v1/agents/{id}")).await;
    assert_eq!(
        agent.json["data"]["current_status"], "draft",
        "training changes unpublish"
    );
    let update = json!({"subject": "Hours v2", "instructions": "8 to 6", "node_id": "n1", "current_status": "inactive"});
    let res = emu.post(&path, Some(update)).await;
    assert_eq!(
        res.json["data"]["id"], created["id"],
        "same node_id updates"
    );
    assert_eq!(res.json["data"]["current_status"], "inactive");
    let res = emu
        .post(
            &path,
            Some(json!({"subject": "Other", "instructions": "x"})),
        )
        .await;
    assert_ne!(res.json["data"]["id"], created["id"], "no node_id creates");
    let list = emu.get(&path).await;
    assert_eq!(list.json["data"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn create_training_validation() {
    let emu = Emu::start().await;
    let id = emu.id_of("Billing Helper").await;
    let path = format!("/api/v1/agents/{id}/trainings");
    let res = emu.post(&path, Some(json!({}))).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json["message"], "The given data was invalid.");
    assert_eq!(
        res.json["errors"]["subject"],
        json!(["The subject field is required."])
    );
    assert_eq!(
        res.json["errors"]["instructions"],
        json!(["The instructions field is required."])
    );
    let res = emu
        .post(
            &path,
            Some(json!({"subject": "a", "instructions": "b", "current_status": "on"})),
        )
        .await;
    assert_eq!(
        res.json["errors"],
        json!({"current_status": ["The selected current status is invalid."]})
    );
    let res = emu
        .post(
            &path,
            Some(json!({"subject": "x".repeat(256), "instructions": "b"})),
        )
        .await;
    assert_eq!(res.status, 422);
    // Malformed JSON and a missing Content-Type are a 422, never a crash.
    let raw = emu.raw(&format!(
        "POST /api/v1/agents/{id}/trainings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{{\"subject"
    )).await;
    assert!(raw.starts_with("HTTP/1.1 422"), "{raw}");
    assert!(raw.contains("The subject field is required."));
    let raw = emu.raw(&format!(
        "POST /api/v1/agents/{id}/trainings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 34\r\nConnection: close\r\n\r\n{{\"subject\":\"s\",\"instructions\":\"i\"}}"
    )).await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    let foreign = emu.id_of("Other Env Support").await;
    let res = emu
        .post(
            &format!("/api/v1/agents/{foreign}/trainings"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (
            403,
            "You are not authorized to create training for this agent."
        )
    );
    let res = emu
        .post("/api/v1/agents/nope/trainings", Some(json!({})))
        .await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Agent not found")
    );
}

#[tokio::test]
async fn delete_training() {
    let emu = Emu::start().await;
    let agent = emu.by_name("Support Bot").await;
    let id = agent["id"].as_str().unwrap_or_default().to_owned();
    let tid = agent["trainings"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let path = format!("/api/v1/agents/{id}/trainings/{tid}");
    let res = emu.delete(&path).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json,
        json!({"success": true, "message": "Agent training deleted successfully"})
    );
    let after = emu.by_name("Support Bot").await;
    assert_eq!(after["current_status"], "draft");
    assert_eq!(after["trainings"].as_array().map(Vec::len), Some(2));
    let res = emu.delete(&path).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Training not found")
    );
    let res = emu
        .delete(&format!("/api/v1/agents/missing/trainings/{tid}"))
        .await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Agent not found")
    );
    let foreign = emu.by_name("Other Env Support").await;
    let fpath = format!(
        "/api/v1/agents/{}/trainings/{}",
        foreign["id"].as_str().unwrap_or(""),
        foreign["trainings"][0].as_str().unwrap_or("")
    );
    let res = emu.delete(&fpath).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (
            403,
            "You are not authorized to delete training for this agent."
        )
    );
    let res = emu.send("DELETE", &fpath, None, None).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (401, "Unauthenticated.")
    );
}

#[tokio::test]
async fn agent_calls() {
    let emu = Emu::start().await;
    let id = emu.id_of("Tech Support Tier 1").await; // 3 active + 0 history
    let res = emu.get(&format!("/api/v1/agents/{id}/calls")).await;
    assert_eq!(res.status, 200);
    let calls = res.json["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(calls.len(), 3);
    for key in [
        "id",
        "sid",
        "to",
        "to_formatted",
        "from",
        "from_formatted",
        "is_testing",
        "direction",
        "status",
        "duration",
        "created_at",
        "updated_at",
    ] {
        assert!(calls[0].get(key).is_some(), "call missing {key}");
    }
    assert_eq!(
        res.json["pagination"],
        json!({"current_page": 1, "last_page": 1, "per_page": 20, "total": 3, "from": 1, "to": 3})
    );
    let res = emu
        .get(&format!("/api/v1/agents/{id}/calls?status=completed"))
        .await;
    assert_eq!(res.json["pagination"]["from"], Value::Null);
    assert_eq!(res.json["pagination"]["to"], Value::Null);
    let res = emu
        .get(&format!("/api/v1/agents/{id}/calls?per_page=2&page=2"))
        .await;
    assert_eq!(res.json["pagination"]["from"], 3);
    assert_eq!(res.json["data"].as_array().map(Vec::len), Some(1));
    let res = emu
        .get(&format!(
            "/api/v1/agents/{id}/calls?status=hung-up&per_page=500"
        ))
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        res.json["errors"]["status"],
        json!(["The selected status is invalid."])
    );
    assert!(res.json["errors"]["per_page"].is_array());
    let res = emu
        .send("GET", &format!("/api/v1/agents/{id}/calls"), None, None)
        .await;
    assert_eq!(
        res.json,
        json!({"success": false, "message": "Unauthorized"})
    );
    let res = emu.get("/api/v1/agents/nope/calls").await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Agent not found")
    );
    emu.admin(
        "POST",
        &format!("/agents/{id}/active-calls"),
        Some(json!({"count": 1})),
    )
    .await;
    let res = emu
        .get(&format!("/api/v1/agents/{id}/calls?status=answered"))
        .await;
    assert_eq!(res.json["pagination"]["total"], 1);
    let res = emu
        .get(&format!("/api/v1/agents/{id}/calls?status=completed"))
        .await;
    assert_eq!(res.json["pagination"]["total"], 2);
}

#[tokio::test]
async fn actions_are_an_empty_list() {
    let emu = Emu::start().await;
    let id = emu.id_of("Support Bot").await;
    let res = emu.get(&format!("/api/v1/agents/{id}/actions")).await;
    assert_eq!(res.json, json!({"success": true, "data": []}));
    let foreign = emu.id_of("Other Env Support").await;
    let res = emu.get(&format!("/api/v1/agents/{foreign}/actions")).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (
            403,
            "You are not authorized to access this agent's actions."
        )
    );
    assert_eq!(emu.get("/api/v1/agents/nope/actions").await.status, 404);
}
