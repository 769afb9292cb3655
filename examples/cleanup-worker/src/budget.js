// The subrequest budget (SUBREQUEST_BUDGET, default 50: the Workers free plan's limit per
// invocation; 10,000 on paid plans). One Meter per request or job step: it is the client's
// `fetch`, counts every upstream request (retries and listing pages included) and refuses any
// past the budget, so the budget can never be exceeded. Callers plan with it first: work is
// only started when its worst case (every step, every retry) fits what is left, so nothing is
// left half-done by a refusal; the refusal is the backstop.
import { INT_VARS } from './config.js';

/** The reason of a result, and the error code, for work that did not fit the budget. */
export const BUDGET_REASON = 'SUBREQUEST_BUDGET';

/** The result of an agent the budget left no room to start (send it again). */
export function budgetSkip(agentId) {
  return { agentId, outcome: 'skipped', reason: BUDGET_REASON, unpublished: false, backup: null, error: null };
}

// Requests per attempt that one agent of client.cleanupAgents may need (the client README's
// "Agent cleanup"): read; a dry run then counts active calls (one request per active status,
// 3); a real run backs up the trainings, and with `unpublish` counts calls (3), unpublishes,
// deletes, and publishes again if the delete failed (restore). Each change whose outcome is
// unknown (its answer lost) is followed by one read of the agent: 1 more per change.
const AGENT_STEPS = Object.freeze({ dryRun: 1 + 3, delete: 1 + 1 + 1 * 2, unpublish: 1 + 1 + 3 + 3 * 2 });

export class Meter {
  #controller = new AbortController();

  /** `budget` requests in all; each client call makes at most `attempts` tries per request. */
  constructor(budget, maxRetries = INT_VARS.TALKOVER_MAX_RETRIES.fallback) {
    this.budget = budget;
    this.attempts = maxRetries + 1;
    this.used = 0;
    this.refused = 0;
    this.fetch = (input, init) => this.#send(input, init);
  }

  /** Aborted once a request was refused: stops the client's remaining work between steps. */
  get signal() {
    return this.#controller.signal;
  }

  get remaining() {
    return this.budget - this.used;
  }

  /** Whether `requests` client requests (each with all its retries) fit what is left. */
  fits(requests) {
    return requests * this.attempts <= this.remaining;
  }

  /** How many agents of a cleanupAgents run with `options` fit what is left, each at its worst case. */
  agentsThatFit(options) {
    return Math.floor(this.remaining / (agentSteps(options) * this.attempts));
  }

  /** What responses and the summary line say. */
  toJSON() {
    return { used: this.used, budget: this.budget };
  }

  #send(input, init) {
    if (this.used >= this.budget) {
      this.refused += 1;
      this.#controller.abort();
      return Promise.reject(new Error(`Not sent: the ${BUDGET_REASON} of ${this.budget} requests is used up.`));
    }
    this.used += 1;
    return fetch(input, init);
  }
}

/** Worst-case requests (before retries) of one agent in a cleanupAgents run. */
function agentSteps({ dryRun, unpublish }) {
  if (dryRun) return AGENT_STEPS.dryRun;
  return unpublish ? AGENT_STEPS.unpublish : AGENT_STEPS.delete;
}
