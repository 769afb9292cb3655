// The page's state: the connected session (client + token) and what the table, plan and run
// share.
//
// Token rule (design 5.3): the token lives only in the `openSession` closure below and in the
// Authorization header of requests. It is never written to storage, cookies, the URL or the
// console; only the base URL is remembered.
// By path, not through an inline import map: the page's CSP allows no inline script.
import { TalkoverClient } from './vendor/talkover-client/browser.mjs';

/** The current connection, or null: { client, baseUrl, activeCalls(id, signal) -> count }. */
export let session = null;

export function setSession(next) {
  session = next;
}

export const state = {
  rows: [], // agents currently listed (after filters)
  known: new Map(), // id -> agent (every agent seen since connecting)
  selected: new Set(),
  calls: new Map(), // id -> number | 'error'
  outcomes: new Map(), // id -> { kind, text }
  rowEls: new Map(), // id -> <tr>
  loadGen: 0,
  running: null, // AbortController of the cleanup run
  report: null,
  plan: null, // { ids, unpublish, report }
};

export function agentName(id) {
  return state.known.get(id)?.name ?? id;
}

/** The client, and the count of an agent's calls in progress (the client's `activeCalls`). */
export function openSession(baseUrl, token, allowBrowser) {
  const client = new TalkoverClient({ token, baseUrl, allowBrowser, maxRetries: 2, timeoutMs: 20_000 });
  const activeCalls = async (agentId, signal) => (await client.activeCalls(agentId, { signal })).length;
  return { client, baseUrl: baseUrl.replace(/\/+$/, ''), activeCalls };
}
