//! `POST /api/v1/agents` (Create Agent): the documented required fields and
//! validation messages; new agents are drafts, not ready, without a voice.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::api::{self, UNAUTHENTICATED};
use crate::app::Shared;
use crate::reply::{self, Invalid};
use crate::state::Agent;
use crate::time::now_secs;
use crate::views;

const LANGUAGES: [&str; 12] = [
    "pt-BR", "pt-PT", "en-US", "en-CA", "es-ES", "fr-FR", "de-DE", "it-IT", "nl-NL", "ja-JP",
    "ko-KR", "zh-TW",
];

/// Reads one request body, recording Laravel-style messages.
struct Form<'a> {
    body: &'a Map<String, Value>,
    errors: Invalid,
}

impl<'a> Form<'a> {
    fn label(key: &str) -> String {
        key.replace('_', " ")
    }

    fn present(&self, key: &str) -> Option<&'a Value> {
        match self.body.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    fn required(&mut self, key: &str) -> Option<&'a Value> {
        let value = self.present(key);
        if value.is_none() {
            let message = format!("The {} field is required.", Self::label(key));
            self.errors.add(key, message);
        }
        value
    }

    fn text(&mut self, key: &str, required: bool) -> Option<String> {
        let value = if required {
            self.required(key)?
        } else {
            self.present(key)?
        };
        match value.as_str() {
            Some(s) if s.chars().count() <= 255 || key == "description" => {
                Some(s.trim().to_owned())
            }
            Some(_) => {
                let message = format!(
                    "The {} may not be greater than 255 characters.",
                    Self::label(key)
                );
                self.errors.add(key, message);
                None
            }
            None => {
                self.errors
                    .add(key, format!("The {} must be a string.", Self::label(key)));
                None
            }
        }
    }

    fn choice(&mut self, key: &str, allowed: &[&str]) -> Option<String> {
        let value = self.text(key, true)?;
        if allowed.contains(&value.as_str()) {
            return Some(value);
        }
        self.errors.add(
            key,
            format!("The selected {} is invalid.", Self::label(key)),
        );
        None
    }

    fn number(&mut self, key: &str, min: f64, max: f64, shown: (&str, &str)) -> Option<f64> {
        let value = self.required(key)?;
        let n = value
            .as_f64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let message = format!(
                    "The {} must be between {} and {}.",
                    Self::label(key),
                    shown.0,
                    shown.1
                );
                self.errors.add(key, message);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.required(key)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
                Some(n.as_u64() == Some(1))
            }
            _ => {
                self.errors.add(
                    key,
                    format!("The {} field must be true or false.", Self::label(key)),
                );
                None
            }
        }
    }
}

/// `POST /api/v1/agents` → 201 `{"success":true,"message":"Agent created successfully","data":Agent}`.
pub async fn create(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let env = api::authenticate(&headers, UNAUTHENTICATED)?;
    let object = match serde_json::from_slice::<Value>(&body.unwrap_or_default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let mut form = Form {
        body: &object,
        errors: Invalid::default(),
    };
    let fields = read(&mut form);
    form.errors.check()?;
    let Some(fields) = fields else {
        return Err(reply::fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The given data was invalid.",
        ));
    };
    let mut store = state.store();
    let id = store.generate_id("api-agent");
    let mut agent = Agent::new(id, env, fields.name.clone(), now_secs());
    fields.apply(&mut agent);
    let view = views::agent(&agent);
    // Generated ids are fresh by construction; a clash would be a 500 in a real server.
    if store.insert(agent).is_err() {
        return Err(reply::fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error.",
        ));
    }
    let body = json!({"success": true, "message": "Agent created successfully", "data": view});
    Ok(reply::json(StatusCode::CREATED, body))
}

/// The validated fields that show up in the Agent object.
struct Fields {
    name: String,
    label: String,
    description: Option<String>,
    language: String,
    initial_message: Option<String>,
    interrupt_sensitivity: String,
    conversation_speed: f64,
    initial_message_delay: f64,
    ask_if_human_present_on_idle: bool,
    direction: String,
    who_speaks_first: String,
}

fn read(form: &mut Form<'_>) -> Option<Fields> {
    let label = form.text("label", true);
    let description = form.text("description", false);
    let name = form.text("name", true);
    let language = form.choice("language", &LANGUAGES);
    let initial_message = form.text("initial_message", false);
    let interrupt = form.choice("interrupt_sensitivity", &["low", "medium", "high"]);
    form.text("endpointing_sensitivity", true);
    form.text("ivr_navigation_mode", true);
    let speed = form.number("conversation_speed", 0.1, 3.0, ("0.1", "3.0"));
    let delay = form.number("initial_message_delay", 0.0, 60.0, ("0", "60"));
    let ask = form.boolean("ask_if_human_present_on_idle");
    form.number("idle_time_seconds", 1.0, 300.0, ("1", "300"));
    form.number("llm_temperature", 0.0, 2.0, ("0", "2"));
    form.boolean("enable_recording");
    let direction = form.choice("direction", &["inbound", "outbound"]);
    let who = form.choice("who_speaks_first", &["agent", "user"]);
    Some(Fields {
        name: name?,
        label: label?,
        description,
        language: language?,
        initial_message,
        interrupt_sensitivity: interrupt?,
        conversation_speed: speed?,
        initial_message_delay: delay?,
        ask_if_human_present_on_idle: ask?,
        direction: direction?,
        who_speaks_first: who?,
    })
}

impl Fields {
    fn apply(self, agent: &mut Agent) {
        agent.label = self.label;
        agent.description = self.description.unwrap_or_default();
        agent.language = self.language;
        agent.initial_message = self.initial_message;
        agent.interrupt_sensitivity = self.interrupt_sensitivity;
        agent.conversation_speed = self.conversation_speed;
        agent.initial_message_delay = self.initial_message_delay.round() as i64;
        agent.ask_if_human_present_on_idle = self.ask_if_human_present_on_idle;
        agent.direction = self.direction;
        agent.who_speaks_first = self.who_speaks_first;
    }
}
