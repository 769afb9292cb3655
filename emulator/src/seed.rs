//! Deterministic seed data: `demo` (agents in every state that matters), `empty`,
//! and `N` (benchmark agents). The same seed always yields the same ids and content.

use crate::demo::{add, demo, voice};
use crate::state::{Agent, Env, Store, Training};
use crate::time::secs_at;

/// Which data set the store starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Demo,
    Empty,
    Bench(usize),
}

/// Largest accepted benchmark seed.
pub const MAX_BENCH_AGENTS: usize = 1_000_000;

impl Seed {
    /// Parse `demo`, `empty` or a non-negative number of benchmark agents.
    pub fn parse(text: &str) -> Result<Seed, String> {
        match text.trim() {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => match other.parse::<usize>() {
                Ok(n) if n <= MAX_BENCH_AGENTS => Ok(Seed::Bench(n)),
                _ => Err(format!(
                    "seed must be \"demo\", \"empty\" or a number from 0 to {MAX_BENCH_AGENTS}"
                )),
            },
        }
    }

    /// Build a fresh store for this seed.
    pub fn build(self) -> Store {
        let mut store = Store::default();
        match self {
            Seed::Demo => demo(&mut store),
            Seed::Empty => {}
            Seed::Bench(n) => bench(&mut store, n),
        }
        store
    }
}

fn bench(store: &mut Store, n: usize) {
    let base = secs_at(2026, 1, 1, 0, 0, 0);
    for k in 1..=n {
        let created = base + k as i64;
        let mut a = Agent::new(
            format!("bench-agent-{k:06}"),
            Env::Demo,
            format!("Bench Agent {k}"),
            created,
        );
        a.label = format!("bench-{k:06}");
        a.ready = true;
        a.voice = Some(voice(k));
        a.trainings.push(Training {
            id: format!("bench-training-{k:06}"),
            node_id: None,
            subject: "Greeting".to_owned(),
            instructions: "Greet the caller.".to_owned(),
            active: true,
            created_at: created,
            updated_at: created,
        });
        add(store, a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse() {
        assert_eq!(Seed::parse("demo"), Ok(Seed::Demo));
        assert_eq!(Seed::parse("empty"), Ok(Seed::Empty));
        assert_eq!(Seed::parse("12"), Ok(Seed::Bench(12)));
        assert!(Seed::parse("-1").is_err());
        assert!(Seed::parse("lots").is_err());
    }

    #[test]
    fn demo_is_deterministic() {
        let a: Vec<String> = Seed::Demo.build().iter().map(|a| a.id.clone()).collect();
        let b: Vec<String> = Seed::Demo.build().iter().map(|a| a.id.clone()).collect();
        assert_eq!(a, b);
        assert_eq!(Seed::Demo.build().count_in(Env::Demo), 36);
        assert_eq!(Seed::Demo.build().count_in(Env::Other), 3);
        assert!(Seed::Demo.build().get(crate::demo::ODD_IDS[0]).is_some());
    }
}
