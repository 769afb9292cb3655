//! The `demo` seed: 36 agents in the demo environment covering every state that
//! matters (published / draft, ready or not, sandbox, active calls, 0..4 trainings,
//! ids that need percent-encoding) and 3 in the "other" environment.

use crate::state::{call_sid, uuid_like, Agent, Call, Env, Store, Training, Voice};
use crate::time::secs_at;

/// One row of the demo table.
struct Row {
    name: &'static str,
    label: &'static str,
    inbound: bool,
    published: bool,
    ready: bool,
    sandbox: bool,
    trainings: usize,
    active: usize,
}

const fn row(
    name: &'static str,
    label: &'static str,
    flags: (bool, bool, bool, bool),
    trainings: usize,
    active: usize,
) -> Row {
    let (inbound, published, ready, sandbox) = flags;
    Row {
        name,
        label,
        inbound,
        published,
        ready,
        sandbox,
        trainings,
        active,
    }
}

// flags: (inbound, published, ready, sandbox)
const IN: bool = true;
const OUT: bool = false;
const PUB: bool = true;
const DRAFT: bool = false;

/// The demo environment's agents; the last two have ids that need percent-encoding.
#[rustfmt::skip]
const DEMO: [Row; 36] = [
    row("Support Bot", "support-main", (IN, PUB, true, false), 3, 0),
    row("Sales Outreach", "sales-q3", (OUT, PUB, true, false), 2, 2),
    row("Appointment Reminder", "appointments", (OUT, DRAFT, true, false), 1, 0),
    row("Billing Helper", "billing", (IN, DRAFT, false, false), 0, 0),
    row("Survey Caller", "nps-survey", (OUT, PUB, false, false), 2, 0),
    row("Receptionist", "front-desk", (IN, DRAFT, true, true), 4, 0),
    row("Lead Qualifier", "leads-inbound", (IN, DRAFT, true, false), 2, 1),
    row("Order Status", "orders", (IN, PUB, true, true), 1, 0),
    row("Tech Support Tier 1", "support-t1", (IN, PUB, true, false), 4, 3),
    row("Renewal Reminder", "renewals", (OUT, DRAFT, false, true), 0, 0),
    row("Collections Follow-up", "collections", (OUT, DRAFT, true, false), 3, 0),
    row("Onboarding Guide", "onboarding", (OUT, PUB, true, false), 2, 0),
    row("Feedback Collector", "feedback", (OUT, DRAFT, true, false), 1, 0),
    row("Delivery Scheduler", "delivery", (OUT, DRAFT, false, false), 0, 1),
    row("Clinic Front Desk", "clinic", (IN, PUB, true, false), 3, 1),
    row("Real Estate Leads", "real-estate", (OUT, DRAFT, true, true), 2, 0),
    row("Restaurant Reservations", "reservations", (IN, DRAFT, true, false), 1, 0),
    row("Insurance Claims", "claims-intake", (IN, PUB, false, false), 4, 1),
    row("Event RSVP", "events", (OUT, DRAFT, true, false), 0, 0),
    row("Recruiting Screener", "recruiting", (OUT, DRAFT, false, true), 1, 0),
    row("Password Reset Helper", "it-helpdesk", (IN, PUB, true, true), 2, 0),
    row("Churn Winback", "winback", (OUT, DRAFT, true, false), 3, 0),
    row("After-hours Line", "after-hours", (IN, DRAFT, true, false), 1, 2),
    row("Product Demo Booker", "demo-booking", (OUT, PUB, true, false), 0, 0),
    row("Warranty Desk", "warranty", (IN, DRAFT, false, false), 2, 0),
    row("Payment Reminder", "payments", (OUT, DRAFT, true, false), 1, 0),
    row("Atendimento Clientes", "atendimento-br", (IN, PUB, true, false), 2, 0),
    row("Agente de Vendas", "vendas-br", (OUT, DRAFT, true, true), 1, 0),
    row("Soporte Técnico", "soporte-es", (IN, DRAFT, false, false), 0, 0),
    row("Test Agent Alpha", "qa-alpha", (OUT, DRAFT, true, true), 0, 0),
    row("Test Agent Beta", "qa-beta", (OUT, DRAFT, true, true), 4, 0),
    row("Support Escalations", "support-escalations", (IN, DRAFT, true, false), 2, 0),
    row("Legacy IVR Replacement", "ivr-legacy", (IN, DRAFT, false, false), 1, 0),
    row("Weekend Overflow", "overflow", (IN, PUB, true, false), 1, 0),
    row("Odd Id Agent", "odd-id", (OUT, DRAFT, true, false), 1, 0),
    row("Odd Id Agent Two", "odd-id-2", (IN, DRAFT, true, false), 0, 0),
];

/// Ids of the demo agents that exercise percent-encoding (`/`, `?`, `#`, `%`, space, non-ASCII).
pub const ODD_IDS: [&str; 2] = ["odd/id?#1", "odd id 100%/ção#2"];

#[rustfmt::skip]
const OTHER: [Row; 3] = [
    row("Other Env Support", "other-support", (IN, PUB, true, false), 2, 0),
    row("Other Env Sales", "other-sales", (OUT, DRAFT, true, false), 1, 1),
    row("Other Env Draft", "other-draft", (OUT, DRAFT, false, false), 0, 0),
];

const SUBJECTS: [&str; 8] = [
    "Greeting",
    "Business hours",
    "Pricing",
    "Refund policy",
    "Escalation rules",
    "Tone of voice",
    "Frequently asked questions",
    "Privacy and data",
];

const VOICES: [&str; 4] = ["Rachel", "Antoni", "Bella", "Domi"];

const CALL_STATUSES: [&str; 4] = ["completed", "failed", "busy", "no-answer"];

/// Fill `store` with the demo environment and the three "other" agents.
pub fn demo(store: &mut Store) {
    let base = secs_at(2026, 5, 4, 9, 0, 0);
    for (i, r) in DEMO.iter().enumerate() {
        let id = match i.checked_sub(DEMO.len() - ODD_IDS.len()) {
            Some(k) => ODD_IDS[k].to_owned(),
            None => uuid_like("demo-agent", i as u64),
        };
        let created = base + (i as i64) * (4 * 86_400 + 37 * 60);
        add(store, build(id, Env::Demo, r, i, created));
    }
    let other_base = secs_at(2026, 6, 1, 14, 0, 0);
    for (i, r) in OTHER.iter().enumerate() {
        let created = other_base + (i as i64) * 86_400 * 9;
        let id = uuid_like("other-agent", i as u64);
        add(store, build(id, Env::Other, r, 100 + i, created));
    }
}

/// Insert a seeded agent.
pub fn add(store: &mut Store, agent: Agent) {
    // Seed ids are unique by construction; a clash would only drop the duplicate.
    let _ = store.insert(agent);
}

fn build(id: String, env: Env, r: &Row, i: usize, created: i64) -> Agent {
    let mut a = Agent::new(id, env, r.name.to_owned(), created);
    a.label = r.label.to_owned();
    a.description = format!("{} voice agent ({}).", r.name, r.label);
    a.language = match r.label {
        l if l.ends_with("-br") => "pt-BR",
        l if l.ends_with("-es") => "es-ES",
        _ => "en-US",
    }
    .to_owned();
    a.direction = if r.inbound { "inbound" } else { "outbound" }.to_owned();
    a.who_speaks_first = if r.inbound { "agent" } else { "user" }.to_owned();
    a.initial_message = Some(format!("Hello! This is {}. How can I help?", r.name));
    a.interrupt_sensitivity = ["low", "medium", "high"][i % 3].to_owned();
    a.conversation_speed = 1.0 + (i % 5) as f64 / 10.0;
    a.initial_message_delay = (i % 3) as i64;
    a.ask_if_human_present_on_idle = i % 2 == 0;
    a.published = r.published;
    a.ready = r.ready;
    a.is_sandbox = r.sandbox;
    a.voice = r.ready.then(|| voice(i));
    a.updated_at = created + 3600 * (1 + (i as i64 % 48));
    a.trainings = (0..r.trainings).map(|j| training(i, j, created)).collect();
    a.calls = calls(i, r, &a.direction, created);
    a
}

/// One of four seeded voices.
pub fn voice(i: usize) -> Voice {
    let name = VOICES[i % VOICES.len()];
    Voice {
        id: uuid_like("voice", (i % VOICES.len()) as u64),
        name: name.to_owned(),
        label: format!("{name} (warm)"),
        template_id: uuid_like("voice-template", (i % VOICES.len()) as u64),
        template_name: format!("{name} Template"),
    }
}

fn training(i: usize, j: usize, created: i64) -> Training {
    let subject = SUBJECTS[(i + j) % SUBJECTS.len()];
    let at = created + 3600 * (j as i64 + 1);
    Training {
        id: uuid_like("demo-training", (i * 10 + j) as u64),
        node_id: None,
        subject: subject.to_owned(),
        instructions: format!(
            "When the caller asks about {}, answer briefly and politely.",
            subject.to_lowercase()
        ),
        active: j != 3,
        created_at: at,
        updated_at: at,
    }
}

fn calls(i: usize, r: &Row, direction: &str, created: i64) -> Vec<Call> {
    let history = i % 4;
    (0..history + r.active)
        .map(|k| {
            let n = (i * 10 + k) as u64;
            let status = if k < history {
                CALL_STATUSES[(i + k) % 4]
            } else {
                "answered"
            };
            let at = created + 86_400 * (k as i64 + 1);
            Call {
                id: uuid_like("demo-call", n),
                sid: call_sid("demo-call", n),
                to: format!("+1555010{:04}", i * 10 + k),
                from: "+15550100000".to_owned(),
                is_testing: k % 2 == 1,
                direction: direction.to_owned(),
                status: status.to_owned(),
                duration: if status == "completed" {
                    30 + (n as i64 * 17) % 270
                } else {
                    0
                },
                created_at: at,
                updated_at: at + 300,
            }
        })
        .collect()
}
