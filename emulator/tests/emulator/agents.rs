//! Agent routes: list (shape, filters, pagination, 422), get, and the
//! 401/403/404 rules.

use serde_json::json;

use super::common::{Emu, OTHER, TOKEN};

const AGENT_KEYS: [&str; 21] = [
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

fn create_body() -> serde_json::Value {
    json!({
        "label": "qa-created", "name": "Created Agent", "language": "en-US",
        "interrupt_sensitivity": "medium", "endpointing_sensitivity": "auto",
        "ivr_navigation_mode": "off", "conversation_speed": 1.2, "initial_message_delay": 2,
        "ask_if_human_present_on_idle": true, "idle_time_seconds": 30, "llm_temperature": 0.7,
        "enable_recording": false, "direction": "outbound", "who_speaks_first": "agent",
        "description": "made by a test", "initial_message": "Hi there"
    })
}

#[tokio::test]
async fn create_agent() {
    let emu = Emu::start().await;
    let res = emu.post("/api/v1/agents", Some(create_body())).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.message(), "Agent created successfully");
    let data = &res.json["data"];
    assert_eq!(data["current_status"], "draft");
    assert_eq!(data["is_ready_to_publish"], false);
    assert_eq!(data["voice"], serde_json::Value::Null);
    assert_eq!(
        (
            data["trainings"].clone(),
            data["actions"].clone(),
            data["phone_numbers"].clone()
        ),
        (json!([]), json!([]), json!([]))
    );
    assert_eq!(
        (
            data["conversation_speed"].clone(),
            data["initial_message_delay"].clone()
        ),
        (json!(1.2), json!(2))
    );
    let id = data["id"].as_str().unwrap_or_default().to_owned();
    let list = emu.get("/api/v1/agents?page=2").await;
    assert_eq!(
        list.json["data"][16]["id"],
        id.as_str(),
        "new agents come last"
    );
    let other = emu
        .send("GET", &format!("/api/v1/agents/{id}"), Some(OTHER), None)
        .await;
    assert_eq!(other.status, 403);
    assert_eq!(
        emu.delete(&format!("/api/v1/agents/{id}")).await.status,
        200
    );
}

#[tokio::test]
async fn create_agent_validation() {
    let emu = Emu::start().await;
    let res = emu.post("/api/v1/agents", Some(json!({}))).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json["message"], "The given data was invalid.");
    assert_eq!(
        res.json["errors"]["name"],
        json!(["The name field is required."])
    );
    assert_eq!(
        res.json["errors"]["label"],
        json!(["The label field is required."])
    );
    assert_eq!(res.json["errors"].as_object().map(|e| e.len()), Some(14));
    let mut body = create_body();
    body["language"] = json!("xx-XX");
    body["interrupt_sensitivity"] = json!("extreme");
    body["direction"] = json!("sideways");
    body["conversation_speed"] = json!(5);
    body["initial_message_delay"] = json!(61);
    body["llm_temperature"] = json!(3);
    body["idle_time_seconds"] = json!(0);
    let res = emu.post("/api/v1/agents", Some(body)).await;
    let errors = &res.json["errors"];
    assert_eq!(
        errors["language"],
        json!(["The selected language is invalid."])
    );
    assert_eq!(
        errors["interrupt_sensitivity"],
        json!(["The selected interrupt sensitivity is invalid."])
    );
    assert_eq!(
        errors["direction"],
        json!(["The selected direction is invalid."])
    );
    assert_eq!(
        errors["conversation_speed"],
        json!(["The conversation speed must be between 0.1 and 3.0."])
    );
    assert_eq!(
        errors["initial_message_delay"],
        json!(["The initial message delay must be between 0 and 60."])
    );
    assert_eq!(
        errors["llm_temperature"],
        json!(["The llm temperature must be between 0 and 2."])
    );
    assert_eq!(
        errors["idle_time_seconds"],
        json!(["The idle time seconds must be between 1 and 300."])
    );
    let res = emu
        .send("POST", "/api/v1/agents", None, Some(create_body()))
        .await;
    assert_eq!(
        (res.status.as_u16(), res.message()),
        (401, "Unauthenticated.")
    );
}
