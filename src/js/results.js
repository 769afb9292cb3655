// The values calls resolve to, each built in one call from the wasm (declared in src/sys.rs;
// src/bindings/results.rs says what the fields mean). Object literals only: own data properties
// in a fixed key order, JSON-compatible (a missing Rust value is null), nothing read through
// Object.prototype (an assignment would run a setter planted there), nothing that can throw.

/**
 * `DeleteResult`. With `republish` (`republished` a boolean), `republished` and
 * `republishError` (a `TalkoverError` or `null`) too; without, those keys are left out.
 */
export function deleteResult(message, alreadyDeleted, requestId, republished, republishError) {
  requestId ??= null;
  return republished === undefined
    ? { success: true, message, alreadyDeleted, requestId }
    : { success: true, message, alreadyDeleted, requestId, republished, republishError };
}

/** `listAgents`: `{ data, meta }`. */
export function page(data, meta) {
  return { data, meta };
}

/** `CleanupResult`: one agent's outcome; `backup` is `{ agent, trainings }` when `backedUp`. */
export function cleanupResult(agentId, outcome, reason, unpublished, backedUp, agent, trainings, error) {
  return {
    agentId,
    outcome,
    reason: reason ?? null,
    unpublished,
    backup: backedUp ? { agent, trainings } : null,
    error,
  };
}
