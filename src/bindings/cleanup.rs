//! `cleanupAgents`: the arguments checked once, then one [`Call`] per agent, each running the
//! [`AgentCleanup`] machine. The JavaScript driver (`src/js/driver.js`) keeps `concurrency` of
//! them in flight, reports progress and counts the outcomes.

use super::call::Call;
use super::config;
use super::refused;
use super::values::{invalid, text_of, Options};
use super::work::{AgentWork, Work};
use crate::proto::cleanup::{self as rules, CleanupOptions, Step};
use crate::proto::sweep::AgentCleanup;
use crate::proto::ApiError;
use crate::sys::{own, own_at};
use crate::transport::Transport;
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

/// The options of `cleanupAgents`, in the order of one snapshot.
const CLEANUP_OPTIONS: &str = "unpublish,backup,dryRun,concurrency,signal,onProgress,onBackup";

/// A cleanup run: the distinct ids, the options, the configuration.
#[wasm_bindgen]
pub struct Cleanup {
    transport: Transport,
    ids: Vec<String>,
    options: CleanupOptions,
    /// `[onProgress, onBackup]`, each a function or `undefined`.
    callbacks: Array,
    signal: Option<AbortSignal>,
}

/// Checks `cleanupAgents`' arguments: the run, or nothing sent and the `TalkoverError`
/// (`INVALID_ARGUMENT`) goes to JavaScript ([`refused`]).
#[wasm_bindgen(js_name = startCleanup)]
pub fn start_cleanup(config: &str, agent_ids: JsValue, options: JsValue) -> Option<Cleanup> {
    refused(try_start_cleanup(config, agent_ids, options))
}

fn try_start_cleanup(
    config: &str,
    agent_ids: JsValue,
    options: JsValue,
) -> Result<Cleanup, JsValue> {
    let transport = config::transport(config).map_err(invalid)?;
    let ids = read_ids(&agent_ids).map_err(invalid)?;
    let o = Options::read(&options, CLEANUP_OPTIONS).map_err(invalid)?;
    let read = || -> Result<CleanupOptions, ApiError> {
        Ok(CleanupOptions {
            unpublish: o.bag.bool("unpublish", false)?,
            backup: o.bag.bool("backup", true)?,
            dry_run: o.bag.bool("dryRun", false)?,
            concurrency: o.bag.int("concurrency", 4, 1, rules::MAX_CONCURRENCY)?,
            on_backup: false,
        })
    };
    let mut options = read().map_err(invalid)?;
    let signal = o.signal().map_err(invalid)?;
    let on_progress = o.function("onProgress").map_err(invalid)?;
    let on_backup = o.function("onBackup").map_err(invalid)?;
    options.on_backup = !on_backup.is_undefined();
    Ok(Cleanup {
        transport,
        ids,
        options,
        callbacks: Array::of2(&on_progress, &on_backup),
        signal,
    })
}

#[wasm_bindgen]
impl Cleanup {
    /// How many distinct agents.
    pub fn total(&self) -> u32 {
        self.ids.len() as u32
    }

    /// Agents worked on at once.
    pub fn concurrency(&self) -> u32 {
        self.options.concurrency
    }

    /// `[onProgress, onBackup]`, each a function or `undefined` (`onBackup` is never called
    /// when `backup` is off).
    pub fn callbacks(&self) -> Array {
        self.callbacks.clone()
    }

    /// The id of agent `index`.
    pub fn id(&self, index: u32) -> JsString {
        self.id_of(index).into()
    }

    /// The call that cleans agent `index`.
    pub fn agent(&self, index: u32) -> Call {
        let id = self.id_of(index).to_owned();
        let work = Work::Agent(Box::new(AgentWork {
            machine: AgentCleanup::new(&id, self.options),
            id,
            step: Step::Read,
            agent: JsValue::NULL,
            trainings: JsValue::NULL,
            details: JsValue::NULL,
        }));
        Call::new(self.transport.clone(), self.signal.clone(), work)
    }
}

impl Cleanup {
    fn id_of(&self, index: u32) -> &str {
        self.ids.get(index as usize).map_or("", String::as_str)
    }
}

fn read_ids(value: &JsValue) -> Result<Vec<String>, ApiError> {
    let list = match value.dyn_ref::<Array>() {
        Some(list) => list,
        None => {
            return Err(ApiError::invalid_argument(
                "agentIds must be an array of strings.",
            ))
        }
    };
    // Not sized by `length`: an array may claim up to 2^32 - 1 elements it does not hold.
    // Read as an own property: a Proxy's `length` may throw (then it is 0).
    let length = own(list, "length").as_f64().map_or(0, |n| n as u32);
    let mut ids = Vec::new();
    for index in 0..length {
        let id = text_of("each agent id", &own_at(list, index))?
            .ok_or_else(|| ApiError::invalid_argument("agentIds must contain only strings."))?;
        crate::proto::input::check_id("each agent id", &id)?;
        ids.push(id);
    }
    Ok(rules::distinct_ids(&ids)
        .into_iter()
        .map(str::to_owned)
        .collect())
}
