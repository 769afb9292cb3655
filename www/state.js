// The page's state: the connected session (client + token) and what the table, plan and run
// share.
//
// Token rule (design 5.3): the token lives only in the `openSession` closure below and in the
// Authorization header of requests. It is never written to storage, cookies, the URL or the
// console; only the base URL is remembered.
// By path, not through an inline import map: the page's CSP allows no inline script.
import { TalkoverClient } from './vendor/talkover-client/browser.mjs';

/** The current connection, or null: { client, baseUrl, activeCalls(id, signal) }. */
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

/** The client, and a tiny fetch helper for the one endpoint the client does not wrap. */
export function openSession(baseUrl, token, allowBrowser) {
  const client = new TalkoverClient({ token, baseUrl, allowBrowser, maxRetries: 2, timeoutMs: 20_000 });
  const root = baseUrl.replace(/\/+$/, '');
  /** Number of answered (in-progress) calls of an agent, from `GET /agents/{id}/calls`. */
  const activeCalls = async (agentId, signal) => {
    const url = `${root}/api/v1/agents/${encodeURIComponent(agentId)}/calls?status=answered&per_page=1`;
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    const total = body?.pagination?.total ?? body?.meta?.total;
    if (typeof total !== 'number') throw new Error('no pagination.total');
    return total;
  };
  return { client, baseUrl: root, activeCalls };
}
