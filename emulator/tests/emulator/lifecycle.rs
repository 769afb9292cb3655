//! Agent lifecycle: publish / unpublish (no-ops, 422 not ready) and delete
//! (409 published before 409 active calls, then 200, then 404).

use serde_json::json;

use super::common::{enc, Emu, OTHER};

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
