//! Agents built from `POST /__emulator/agents` bodies: every field optional,
//! validated with clear 400 messages, so tests can set up exact fixtures.

use serde_json::Value;

use crate::state::{Agent, Env, Store, Training};
use crate::time::{now_secs, parse_iso};

/// Upper bound for `active_calls` / `count`.
pub const MAX_ACTIVE_CALLS: usize = 1000;

fn string(body: &Value, key: &str) -> Result<Option<String>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

fn boolean(body: &Value, key: &str) -> Result<Option<bool>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{key} must be true or false")),
    }
}

fn choice(body: &Value, key: &str, allowed: &[&str]) -> Result<Option<String>, String> {
    match string(body, key)? {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(format!("{key} must be one of {}", allowed.join(", ")))
        }
        other => Ok(other),
    }
}

/// The `active_calls` field (default 0).
pub fn active_calls_of(body: &Value) -> Result<usize, String> {
    match body.get("active_calls") {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n <= MAX_ACTIVE_CALLS)
            .ok_or_else(|| "active_calls must be an integer from 0 to 1000".to_owned()),
    }
}

/// Build (but do not insert) the agent described by `body`.
pub fn build_agent(store: &mut Store, body: &Value) -> Result<Agent, String> {
    if !body.is_object() {
        return Err("body must be a JSON object".into());
    }
    let id = match string(body, "id")? {
        Some(id) if id.is_empty() => return Err("id must not be empty".into()),
        Some(id) => id,
        None => store.generate_id("admin-agent"),
    };
    let env = match string(body, "environment")? {
        None => Env::Demo,
        Some(e) => Env::parse(&e).ok_or("environment must be \"demo\" or \"other\"")?,
    };
    let created = match string(body, "created_at")? {
        None => now_secs(),
        Some(t) => parse_iso(&t).ok_or("created_at must look like 2026-01-15T10:30:00Z")?,
    };
    let name = string(body, "name")?.unwrap_or_else(|| "Test Agent".to_owned());
    let mut agent = Agent::new(id, env, name, created);
    apply_fields(&mut agent, body)?;
    agent.trainings = trainings(store, body, created)?;
    Ok(agent)
}

fn apply_fields(agent: &mut Agent, body: &Value) -> Result<(), String> {
    if let Some(label) = string(body, "label")? {
        agent.label = label;
    }
    if let Some(description) = string(body, "description")? {
        agent.description = description;
    }
    if let Some(direction) = choice(body, "direction", &["inbound", "outbound"])? {
        agent.direction = direction;
    }
    let status = choice(body, "current_status", &["draft", "published"])?;
    agent.published = status.as_deref() == Some("published");
    agent.is_sandbox = boolean(body, "is_sandbox")?.unwrap_or(false);
    // New agents are not ready (API docs 1.7) unless created as published.
    agent.ready = boolean(body, "is_ready_to_publish")?.unwrap_or(agent.published);
    Ok(())
}

fn trainings(store: &mut Store, body: &Value, created: i64) -> Result<Vec<Training>, String> {
    let list = match body.get("trainings") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err("trainings must be an array".into()),
    };
    let mut out: Vec<Training> = Vec::new();
    for (n, item) in list.iter().enumerate() {
        let t = training(store, item, created).map_err(|e| format!("trainings[{n}]: {e}"))?;
        if out.iter().any(|o| o.id == t.id) {
            return Err(format!("trainings[{n}]: duplicate id {:?}", t.id));
        }
        out.push(t);
    }
    Ok(out)
}

fn training(store: &mut Store, item: &Value, created: i64) -> Result<Training, String> {
    if !item.is_object() {
        return Err("must be an object".into());
    }
    let id = match string(item, "id")? {
        Some(id) if !id.is_empty() => id,
        _ => store.generate_id("admin-training"),
    };
    let status = choice(item, "current_status", &["active", "inactive"])?;
    Ok(Training {
        id,
        node_id: string(item, "node_id")?,
        subject: string(item, "subject")?.unwrap_or_else(|| "Greeting".to_owned()),
        instructions: string(item, "instructions")?
            .unwrap_or_else(|| "Greet the caller.".to_owned()),
        active: status.as_deref() != Some("inactive"),
        created_at: created,
        updated_at: created,
    })
}
