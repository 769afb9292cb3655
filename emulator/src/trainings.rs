//! The training routes: list, create-or-update (matched by `node_id`), delete.
//! Any change moves the agent back to draft, as the docs describe.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::api::{self, UNAUTHENTICATED};
use crate::app::Shared;
use crate::reply::{self, Invalid};
use crate::state::{Agent, Training};
use crate::time::now_secs;
use crate::views;

type Reply = Result<Response, Response>;

const LIST_FORBIDDEN: &str = "You are not authorized to access this agent's trainings.";
const CREATE_FORBIDDEN: &str = "You are not authorized to create training for this agent.";
const DELETE_FORBIDDEN: &str = "You are not authorized to delete training for this agent.";

/// `GET /api/v1/agents/{agent_id}/trainings`.
pub async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, LIST_FORBIDDEN)?;
    let data: Vec<Value> = agent.trainings.iter().map(views::training).collect();
    Ok(reply::json(
        StatusCode::OK,
        json!({"success": true, "data": data}),
    ))
}

/// A validated create/update request.
struct Input {
    subject: String,
    instructions: String,
    active: Option<bool>,
    node_id: Option<String>,
}

/// A trimmed, non-empty string field; records Laravel-style errors.
fn text_field(
    body: &Map<String, Value>,
    key: &str,
    max: Option<usize>,
    errors: &mut Invalid,
) -> Option<String> {
    let label = key.replace('_', " ");
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let s = s.trim();
            match max {
                _ if s.is_empty() => None,
                Some(max) if s.chars().count() > max => {
                    errors.add(
                        key,
                        format!("The {label} may not be greater than {max} characters."),
                    );
                    None
                }
                _ => Some(s.to_owned()),
            }
        }
        Some(_) => {
            errors.add(key, format!("The {label} must be a string."));
            None
        }
    }
}

/// Like [`text_field`], and records "The ... field is required." when absent or blank.
fn required_text(
    body: &Map<String, Value>,
    key: &str,
    max: Option<usize>,
    errors: &mut Invalid,
) -> Option<String> {
    let value = text_field(body, key, max, errors);
    if value.is_none() && !errors.has(key) {
        errors.add(
            key,
            format!("The {} field is required.", key.replace('_', " ")),
        );
    }
    value
}

/// Parse the body: malformed JSON or a non-object counts as an empty object.
fn parse_input(body: &[u8]) -> Result<Input, Invalid> {
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let mut errors = Invalid::default();
    let subject = required_text(&object, "subject", Some(255), &mut errors);
    let instructions = required_text(&object, "instructions", None, &mut errors);
    let active = match text_field(&object, "current_status", None, &mut errors).as_deref() {
        None => None,
        Some("active") => Some(true),
        Some("inactive") => Some(false),
        Some(_) => {
            errors.add("current_status", "The selected current status is invalid.");
            None
        }
    };
    let node_id = text_field(&object, "node_id", Some(255), &mut errors);
    match (subject, instructions) {
        (Some(subject), Some(instructions)) if errors.is_empty() => Ok(Input {
            subject,
            instructions,
            active,
            node_id,
        }),
        _ => Err(errors),
    }
}

/// `POST /api/v1/agents/{agent_id}/trainings`: updates the training with the same
/// `node_id` if there is one, else creates one. Always 200.
pub async fn upsert(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    let (env, id) = api::caller(&headers, path, UNAUTHENTICATED)?;
    let input = parse_input(&body.unwrap_or_default());
    let mut store = state.store();
    api::owned(&mut store, &id, env, CREATE_FORBIDDEN)?;
    let input = input.map_err(Invalid::into_response)?;
    let fresh_id = store.generate_id("runtime-training");
    let agent = api::owned(&mut store, &id, env, CREATE_FORBIDDEN)?;
    let training = apply(agent, input, fresh_id);
    let body = json!({"success": true, "message": "Agent training updated successfully", "data": training});
    Ok(reply::json(StatusCode::OK, body))
}

fn apply(agent: &mut Agent, input: Input, fresh_id: String) -> Value {
    let now = now_secs();
    agent.published = false;
    agent.updated_at = now;
    let existing = input.node_id.as_ref().and_then(|node| {
        agent
            .trainings
            .iter_mut()
            .find(|t| t.node_id.as_ref() == Some(node))
    });
    if let Some(t) = existing {
        t.subject = input.subject;
        t.instructions = input.instructions;
        t.active = input.active.unwrap_or(t.active);
        t.updated_at = now;
        return views::training(t);
    }
    let t = Training {
        id: fresh_id,
        node_id: input.node_id,
        subject: input.subject,
        instructions: input.instructions,
        active: input.active.unwrap_or(true),
        created_at: now,
        updated_at: now,
    };
    let view = views::training(&t);
    agent.trainings.push(t);
    view
}

/// `DELETE /api/v1/agents/{agent_id}/trainings/{training_id}`.
pub async fn destroy(
    State(state): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let env = api::authenticate(&headers, UNAUTHENTICATED)?;
    let (id, training_id) = path
        .map(|Path(p)| p)
        .map_err(|_| reply::agent_not_found())?;
    let mut store = state.store();
    let agent = api::owned(&mut store, &id, env, DELETE_FORBIDDEN)?;
    let Some(index) = agent.trainings.iter().position(|t| t.id == training_id) else {
        return Err(reply::fail(StatusCode::NOT_FOUND, "Training not found"));
    };
    agent.trainings.remove(index);
    agent.published = false;
    agent.updated_at = now_secs();
    let body = json!({"success": true, "message": "Agent training deleted successfully"});
    Ok(reply::json(StatusCode::OK, body))
}
