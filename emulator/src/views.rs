//! JSON renderings of the model: the public Agent/Training/Call shapes of the
//! API docs (section 1.8) and the admin API's compact agent view.

use serde_json::{json, Value};

use crate::state::{Agent, Call, Training, Voice};
use crate::time::iso;

/// The full public Agent object.
pub fn agent(a: &Agent) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "label": a.label,
        "description": a.description,
        "language": a.language,
        "voice": a.voice.as_ref().map(voice),
        "initial_message": a.initial_message,
        "interrupt_sensitivity": a.interrupt_sensitivity,
        "conversation_speed": a.conversation_speed,
        "initial_message_delay": a.initial_message_delay,
        "ask_if_human_present_on_idle": a.ask_if_human_present_on_idle,
        "direction": a.direction,
        "who_speaks_first": a.who_speaks_first,
        "current_status": a.status_str(),
        "is_sandbox": a.is_sandbox,
        "is_ready_to_publish": a.ready,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "trainings": a.trainings.iter().map(training).collect::<Vec<_>>(),
        "actions": [],
        "phone_numbers": [],
    })
}

fn voice(v: &Voice) -> Value {
    json!({
        "id": v.id,
        "name": v.name,
        "label": v.label,
        "stability": 0.75,
        "similarity_boost": 0.8,
        "ambient_background": "office",
        "template": {"id": v.template_id, "name": v.template_name},
    })
}

/// The public Training object.
pub fn training(t: &Training) -> Value {
    json!({
        "id": t.id,
        "subject": t.subject,
        "instructions": t.instructions,
        "current_status": if t.active { "active" } else { "inactive" },
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
    })
}

/// The public Call object (list form, without the embedded agent).
pub fn call(c: &Call) -> Value {
    json!({
        "id": c.id,
        "sid": c.sid,
        "to": c.to,
        "to_formatted": format_number(&c.to),
        "from": c.from,
        "from_formatted": format_number(&c.from),
        "is_testing": c.is_testing,
        "direction": c.direction,
        "status": c.status,
        "duration": c.duration,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    })
}

/// `+15550100001` -> `+1 555-010-0001` (North American layout; other numbers unchanged).
fn format_number(number: &str) -> String {
    match number.strip_prefix("+1") {
        Some(rest) if rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            format!("+1 {}-{}-{}", &rest[..3], &rest[3..6], &rest[6..])
        }
        _ => number.to_owned(),
    }
}

/// The summary returned by publish/unpublish.
pub fn publish_summary(a: &Agent) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "current_status": a.status_str(),
        "is_ready_to_publish": a.ready,
        "updated_at": iso(a.updated_at),
    })
}

/// The admin API's compact view of an agent.
pub fn admin_agent(a: &Agent) -> Value {
    json!({
        "id": a.id,
        "environment": a.env.name(),
        "name": a.name,
        "label": a.label,
        "direction": a.direction,
        "current_status": a.status_str(),
        "is_sandbox": a.is_sandbox,
        "is_ready_to_publish": a.ready,
        "active_calls": a.active_calls(),
        "created_at": iso(a.created_at),
        "trainings": a.trainings.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
    })
}
