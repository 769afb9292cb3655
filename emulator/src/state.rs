//! The in-memory store: environments and their tokens, agents with their trainings
//! and calls, kept in creation order, plus deterministic id generation.

use std::collections::{BTreeMap, HashMap};

pub use crate::ids::{call_sid, uuid_like};

/// The demo environment's API token (printed at startup).
pub const DEMO_TOKEN: &str = "talq_demo_4f8a2c9e71b34d0a";
/// The second ("other") environment's API token, for 403 tests.
pub const OTHER_TOKEN: &str = "talq_other_93b1d7e05c2a4f68";

/// A Talkover environment; every token belongs to exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Env {
    Demo,
    Other,
}

impl Env {
    /// The environment's name as the admin API shows it.
    pub fn name(self) -> &'static str {
        match self {
            Env::Demo => "demo",
            Env::Other => "other",
        }
    }

    /// Parse an admin-API environment name.
    pub fn parse(text: &str) -> Option<Env> {
        match text {
            "demo" => Some(Env::Demo),
            "other" => Some(Env::Other),
            _ => None,
        }
    }

    /// The environment a bearer token belongs to, if any (exact, case-sensitive match).
    pub fn for_token(token: &str) -> Option<Env> {
        match token {
            DEMO_TOKEN => Some(Env::Demo),
            OTHER_TOKEN => Some(Env::Other),
            _ => None,
        }
    }
}

/// A voice configuration (only ready agents in the seeds have one).
#[derive(Clone, Debug)]
pub struct Voice {
    pub id: String,
    pub name: String,
    pub label: String,
    pub template_id: String,
    pub template_name: String,
}

/// One training of an agent. `node_id` is internal: it selects update-vs-create.
#[derive(Clone, Debug)]
pub struct Training {
    pub id: String,
    pub node_id: Option<String>,
    pub subject: String,
    pub instructions: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One phone call of an agent.
#[derive(Clone, Debug)]
pub struct Call {
    pub id: String,
    pub sid: String,
    pub to: String,
    pub from: String,
    pub is_testing: bool,
    pub direction: String,
    pub status: String,
    pub duration: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Call {
    /// Whether the call counts as active (blocks agent deletion).
    pub fn is_active(&self) -> bool {
        matches!(self.status.as_str(), "initiated" | "ringing" | "answered")
    }
}

/// A voice agent with everything the API exposes about it.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: String,
    pub env: Env,
    pub name: String,
    pub label: String,
    pub description: String,
    pub language: String,
    pub voice: Option<Voice>,
    pub initial_message: Option<String>,
    pub interrupt_sensitivity: String,
    pub conversation_speed: f64,
    pub initial_message_delay: i64,
    pub ask_if_human_present_on_idle: bool,
    pub direction: String,
    pub who_speaks_first: String,
    pub published: bool,
    pub is_sandbox: bool,
    pub ready: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub trainings: Vec<Training>,
    pub calls: Vec<Call>,
}

impl Agent {
    /// A draft agent with neutral defaults; callers adjust fields afterwards.
    pub fn new(id: String, env: Env, name: String, created_at: i64) -> Agent {
        Agent {
            id,
            env,
            label: name.to_lowercase().replace(' ', "-"),
            name,
            description: "Voice agent created by the Talkover emulator.".to_owned(),
            language: "en-US".to_owned(),
            voice: None,
            initial_message: None,
            interrupt_sensitivity: "medium".to_owned(),
            conversation_speed: 1.0,
            initial_message_delay: 0,
            ask_if_human_present_on_idle: false,
            direction: "outbound".to_owned(),
            who_speaks_first: "agent".to_owned(),
            published: false,
            is_sandbox: false,
            ready: false,
            created_at,
            updated_at: created_at,
            trainings: Vec::new(),
            calls: Vec::new(),
        }
    }

    /// `"published"` or `"draft"`.
    pub fn status_str(&self) -> &'static str {
        if self.published {
            "published"
        } else {
            "draft"
        }
    }

    /// Number of calls in initiated/ringing/answered state.
    pub fn active_calls(&self) -> usize {
        self.calls.iter().filter(|c| c.is_active()).count()
    }
}

/// `Store::insert` refused an agent because its id is taken.
#[derive(Debug)]
pub struct DuplicateId(pub String);

/// All agents of every environment, in creation order, with an id index.
#[derive(Default)]
pub struct Store {
    agents: BTreeMap<u64, Agent>,
    index: HashMap<String, u64>,
    next_seq: u64,
    next_generated: u64,
}

impl Store {
    /// Insert a new agent at the end of the creation order; `Err` if the id is taken.
    pub fn insert(&mut self, agent: Agent) -> Result<(), DuplicateId> {
        if self.index.contains_key(&agent.id) {
            return Err(DuplicateId(agent.id));
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.index.insert(agent.id.clone(), seq);
        self.agents.insert(seq, agent);
        Ok(())
    }

    /// The agent with exactly this id, whatever its environment.
    pub fn get(&self, id: &str) -> Option<&Agent> {
        self.index.get(id).and_then(|seq| self.agents.get(seq))
    }

    /// Mutable access to the agent with exactly this id.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Agent> {
        let seq = self.index.get(id)?;
        self.agents.get_mut(seq)
    }

    /// Remove and return the agent (with its trainings and calls).
    pub fn remove(&mut self, id: &str) -> Option<Agent> {
        let seq = self.index.remove(id)?;
        self.agents.remove(&seq)
    }

    /// Every agent, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &Agent> {
        self.agents.values()
    }

    /// Number of agents in one environment.
    pub fn count_in(&self, env: Env) -> usize {
        self.iter().filter(|a| a.env == env).count()
    }

    /// A fresh deterministic UUID-looking id for runtime-created objects.
    pub fn generate_id(&mut self, kind: &str) -> String {
        self.next_generated += 1;
        uuid_like(kind, self.next_generated)
    }

    /// A fresh deterministic call SID (`CA` + 32 hex digits).
    pub fn generate_sid(&mut self) -> String {
        self.next_generated += 1;
        call_sid("runtime-call", self.next_generated)
    }
}

/// Set the number of active calls of an agent: new ones are "answered" calls,
/// surplus ones (newest first) become "completed".
pub fn set_active_calls(store: &mut Store, id: &str, count: usize, now: i64) -> Option<()> {
    let current = store.get(id)?.active_calls();
    let mut fresh = Vec::new();
    for _ in current..count {
        let call_id = store.generate_id("runtime-call");
        let sid = store.generate_sid();
        fresh.push((call_id, sid));
    }
    let agent = store.get_mut(id)?;
    for (n, (call_id, sid)) in fresh.into_iter().enumerate() {
        agent.calls.push(Call {
            id: call_id,
            sid,
            to: format!("+1555020{:04}", (agent.calls.len() + n) % 10_000),
            from: "+15550100000".to_owned(),
            is_testing: true,
            direction: agent.direction.clone(),
            status: "answered".to_owned(),
            duration: 0,
            created_at: now,
            updated_at: now,
        });
    }
    let mut surplus = current.saturating_sub(count);
    for call in agent.calls.iter_mut().rev() {
        if surplus == 0 {
            break;
        }
        if call.is_active() {
            call.status = "completed".to_owned();
            call.duration = (now - call.created_at).max(1);
            call.updated_at = now;
            surplus -= 1;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_like_is_stable_and_shaped() {
        let a = uuid_like("demo-agent", 1);
        assert_eq!(a, uuid_like("demo-agent", 1));
        assert_ne!(a, uuid_like("demo-agent", 2));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn active_calls_go_up_and_down() {
        let mut store = Store::default();
        let agent = Agent::new("a".into(), Env::Demo, "A".into(), 0);
        assert!(store.insert(agent).is_ok());
        set_active_calls(&mut store, "a", 3, 10);
        assert_eq!(store.get("a").map(Agent::active_calls), Some(3));
        set_active_calls(&mut store, "a", 1, 20);
        assert_eq!(store.get("a").map(Agent::active_calls), Some(1));
        assert_eq!(store.get("a").map(|a| a.calls.len()), Some(3));
        assert!(set_active_calls(&mut store, "missing", 1, 0).is_none());
    }
}
