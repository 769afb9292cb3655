//! Agent routes: list (filters, pagination, 422), get, publish, unpublish,
//! delete, and the 401/403/404/409 rules.

use serde_json::json;

use super::common::{enc, Emu, OTHER, TOKEN};

const AGENT_KEYS: [&str; 22] = [
    "id",
    "name",
    "label",
    "description",
    "language",
    "voice",
    "initial_message",
    "interrupt_sensitivity",
    "conversation_speed",
    "initial_message_delay",
    "ask_if_human_present_on_idle",
    "direction",
    "who_speaks_first",
    "current_status",
    "is_sandbox",
    "is_ready_to_publish",
    "created_at",
    "updated_at",
    "trainings",
    "actions",
    "phone_numbers",
    "id",
];

#[tokio::test]
async fn list_agents_defaults_and_shape() {
    let emu = Emu::start().await;
    let res = emu.get("/api/v1/agents").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json["success"], true);
    assert_eq!(
        res.json["meta"],
        json!({"current_page": 1, "per_page": 20, "total": 36, "last_page": 2})
    );
    let data = res.json["data"].as_array().expect("data array");
    assert_eq!(data.len(), 20);
    for key in AGENT_KEYS {
        assert!(data[0].get(key).is_some(), "missing {key}");
    }
    let created: Vec<&str> = data
        .iter()
        .filter_map(|a| a["created_at"].as_str())
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted, "creation order");
    assert!(created[0].ends_with('Z') && created[0].len() == 20);
    let training = &data[0]["trainings"][0];
    for key in [
        "id",
        "subject",
        "instructions",
        "current_status",
        "created_at",
        "updated_at",
    ] {
        assert!(training.get(key).is_some(), "training missing {key}");
    }
    let page2 = emu.get("/api/v1/agents?page=2").await;
    assert_eq!(page2.json["data"].as_array().map(Vec::len), Some(16));
    let page9 = emu.get("/api/v1/agents?page=9&per_page=100").await;
    assert_eq!(page9.json["data"], json!([]));
    assert_eq!(page9.json["meta"]["last_page"], 1);
}

#[tokio::test]
async fn list_agents_filters() {
    let emu = Emu::start().await;
    let published = emu
        .get("/api/v1/agents?status=published&per_page=100")
        .await;
    let data = published.json["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!data.is_empty());
    assert!(data.iter().all(|a| a["current_status"] == "published"));
    let inbound = emu
        .get("/api/v1/agents?direction=inbound&status=draft&per_page=100")
        .await;
    let data = inbound.json["data"].as_array().cloned().unwrap_or_default();
    assert!(data
        .iter()
        .all(|a| a["direction"] == "inbound" && a["current_status"] == "draft"));
    let search = emu.get("/api/v1/agents?search=SUPPORT").await;
    let names: Vec<&str> = search.json["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|a| a["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.contains(&"Support Bot") && names.contains(&"Tech Support Tier 1"));
    let by_label = emu.get("/api/v1/agents?search=atendimento-br").await;
    assert_eq!(by_label.json["meta"]["total"], 1);
    let other = emu.send("GET", "/api/v1/agents", Some(OTHER), None).await;
    assert_eq!(other.json["meta"]["total"], 3);
    let empty = emu.get("/api/v1/agents?status=").await;
    assert_eq!(empty.json["meta"]["total"], 36);
}

#[tokio::test]
async fn list_agents_validation() {
    let emu = Emu::start().await;
    let res = emu.get("/api/v1/agents?per_page=101").await;
    assert_eq!(res.status, 422);
    assert_eq!(
        res.json,
        json!({"success": false, "message": "The given data was invalid.", "errors": {"per_page": ["The per page must be between 1 and 100."]}})
    );
    let res = emu
        .get("/api/v1/agents?per_page=0&status=live&direction=sideways&page=0")
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        res.json["errors"]["status"],
        json!(["The selected status is invalid."])
    );
    assert_eq!(
        res.json["errors"]["direction"],
        json!(["The selected direction is invalid."])
    );
    assert_eq!(
        res.json["errors"]["page"],
        json!(["The page must be at least 1."])
    );
    let res = emu.get("/api/v1/agents?page=abc").await;
    assert_eq!(
        res.json["errors"]["page"],
        json!(["The page must be an integer."])
    );
}

#[tokio::test]
async fn auth_is_required() {
    let emu = Emu::start().await;
    for token in [None, Some("talq_nope"), Some("")] {
        let res = emu.send("GET", "/api/v1/agents", token, None).await;
        assert_eq!(res.status, 401);
        assert_eq!(
            res.json,
            json!({"success": false, "message": "Unauthenticated."})
        );
    }
    let res = emu.raw(&format!(
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {TOKEN}\r\nConnection: close\r\n\r\n"
    )).await;
    assert!(res.starts_with("HTTP/1.1 401"), "{res}");
    let res = emu.raw(&format!(
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    )).await;
    assert!(
        res.starts_with("HTTP/1.1 200"),
        "scheme is case-insensitive: {res}"
    );
    let health = emu.send("GET", "/api/v1/health", None, None).await;
    assert_eq!(
        (health.status.as_u16(), health.json.clone()),
        (200, json!({"status": "ok"}))
    );
}

#[tokio::test]
async fn get_agent_404_403() {
    let emu = Emu::start().await;
    let id = emu.id_of("Support Bot").await;
    let res = emu.get(&format!("/api/v1/agents/{id}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json["data"]["id"], id.as_str());
    assert_eq!(
        res.json["data"]["trainings"].as_array().map(Vec::len),
        Some(3)
    );
    let res = emu.get("/api/v1/agents/does-not-exist").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json,
        json!({"success": false, "message": "Agent not found"})
    );
    let foreign = emu.id_of("Other Env Support").await;
    let res = emu.get(&format!("/api/v1/agents/{foreign}")).await;
    assert_eq!(res.status, 403);
    assert_eq!(
        res.message(),
        "You are not authorized to perform this action."
    );
    let res = emu
        .send("GET", &format!("/api/v1/agents/{id}"), None, None)
        .await;
    assert_eq!(res.status, 401);
}

#[tokio::test]
async fn publish_and_unpublish() {
    let emu = Emu::start().await;
    let id = emu.id_of("Appointment Reminder").await;
    let res = emu
        .post(&format!("/api/v1/agents/{id}/publish"), None)
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.message(), "Agent published successfully");
    let data = &res.json["data"];
    assert_eq!(
        (
            data["current_status"].clone(),
            data["is_ready_to_publish"].clone()
        ),
        (json!("published"), json!(true))
    );
    for key in ["id", "name", "updated_at"] {
        assert!(data.get(key).is_some());
    }
    let again = emu
        .post(&format!("/api/v1/agents/{id}/publish"), None)
        .await;
    assert_eq!(
        (
            again.status.as_u16(),
            again.json["data"]["current_status"].clone()
        ),
        (200, json!("published"))
    );
    let res = emu
        .post(&format!("/api/v1/agents/{id}/unpublish"), None)
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.message(), "Agent unpublished successfully");
    assert_eq!(res.json["data"]["current_status"], "draft");
    assert_eq!(
        res.json["data"]["is_ready_to_publish"], true,
        "readiness kept"
    );
    let again = emu
        .post(&format!("/api/v1/agents/{id}/unpublish"), None)
        .await;
    assert_eq!(
        (
            again.status.as_u16(),
            again.json["data"]["current_status"].clone()
        ),
        (200, json!("draft"))
    );
    let not_ready = emu.id_of("Billing Helper").await;
    let res = emu
        .post(&format!("/api/v1/agents/{not_ready}/publish"), None)
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        res.json,
        json!({"success": false, "message": "Agent is not ready to publish."})
    );
    let foreign = emu.id_of("Other Env Draft").await;
    for action in ["publish", "unpublish"] {
        let res = emu
            .post(&format!("/api/v1/agents/{foreign}/{action}"), None)
            .await;
        assert_eq!(
            (res.status.as_u16(), res.message()),
            (403, "You are not authorized to perform this action.")
        );
        let res = emu
            .post(&format!("/api/v1/agents/missing/{action}"), None)
            .await;
        assert_eq!(
            (res.status.as_u16(), res.message()),
            (404, "Agent not found")
        );
    }
}

#[tokio::test]
async fn delete_agent_rules() {
    let emu = Emu::start().await;
    let published = emu.id_of("Sales Outreach").await; // published, 2 active calls
    let res = emu.delete(&format!("/api/v1/agents/{published}")).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.message(),
        "Cannot delete agent while it is published. Unpublish it first."
    );
    emu.post(&format!("/api/v1/agents/{published}/unpublish"), None)
        .await;
    let res = emu.delete(&format!("/api/v1/agents/{published}")).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.json,
        json!({"success": false, "message": "Cannot delete agent while it has active calls."})
    );
    let set = emu
        .admin(
            "POST",
            &format!("/agents/{}/active-calls", enc(&published)),
            Some(json!({"count": 0})),
        )
        .await;
    assert_eq!(set.json["active_calls"], 0);
    let res = emu.delete(&format!("/api/v1/agents/{published}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json,
        json!({"success": true, "message": "Agent deleted successfully"})
    );
    let res = emu.delete(&format!("/api/v1/agents/{published}")).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (404, "Agent not found")
    );
    let res = emu
        .get(&format!("/api/v1/agents/{published}/trainings"))
        .await;
    assert_eq!(res.status, 404);
    assert!(emu
        .agents()
        .await
        .iter()
        .all(|a| a["id"] != published.as_str()));
    let foreign = emu.id_of("Other Env Draft").await;
    let res = emu.delete(&format!("/api/v1/agents/{foreign}")).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (403, "You are not authorized to perform this action.")
    );
    let res = emu
        .send(
            "DELETE",
            &format!("/api/v1/agents/{foreign}"),
            Some(OTHER),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "its own environment may delete it");
    let res = emu.send("DELETE", "/api/v1/agents/x", None, None).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (401, "Unauthenticated.")
    );
}

#[tokio::test]
async fn draft_with_active_calls_cannot_be_deleted() {
    let emu = Emu::start().await;
    let id = emu.id_of("Lead Qualifier").await;
    let res = emu.delete(&format!("/api/v1/agents/{id}")).await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (409, "Cannot delete agent while it has active calls.")
    );
}
