// Selecting agents for `talkover agents` and `talkover cleanup`: the filter flags (--status,
// --sandbox, --search, --older-than) read and checked, every page of agents fetched and
// filtered, and the `agents` command, which prints them as a table or as JSON.
import { EXIT, UsageError } from './exit.mjs';
import { err, out } from './output.mjs';

export function filtersOf(values) {
  const status = values.status;
  if (status !== undefined && status !== 'draft' && status !== 'published') {
    throw new UsageError(`--status must be draft or published, not '${status}'`);
  }
  let olderThanMs;
  if (values['older-than'] !== undefined) {
    const m = /^(\d+)([hdw]?)$/.exec(values['older-than']);
    if (!m) throw new UsageError(`--older-than must look like 30d, 12h or 2w, not '${values['older-than']}'`);
    olderThanMs = Number(m[1]) * { h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] || 'd'];
  }
  return { status, search: values.search, sandbox: values.sandbox ?? false, olderThanMs };
}

export const hasFilter = (f) => f.status !== undefined || f.search !== undefined || f.sandbox || f.olderThanMs !== undefined;

export async function select(client, filters) {
  const query = { perPage: 100 };
  if (filters.status) query.status = filters.status;
  if (filters.search !== undefined) query.search = filters.search;
  const cutoff = filters.olderThanMs === undefined ? null : Date.now() - filters.olderThanMs;
  const agents = [];
  for await (const agent of client.agents(query)) {
    if (filters.sandbox && agent.is_sandbox !== true) continue;
    if (cutoff !== null && !(Date.parse(agent.created_at) < cutoff)) continue;
    agents.push(agent);
  }
  return agents;
}

export async function listCommand(client, values) {
  const agents = await select(client, filtersOf(values));
  if (values.json) {
    out(JSON.stringify(agents));
    return EXIT.ok;
  }
  const rows = agents.map((a) => [
    String(a.name ?? ''),
    String(a.id),
    String(a.current_status ?? ''),
    a.is_sandbox ? 'yes' : 'no',
    Array.isArray(a.trainings) ? String(a.trainings.length) : '-',
    typeof a.created_at === 'string' ? a.created_at.slice(0, 10) : '',
  ]);
  table(['NAME', 'ID', 'STATUS', 'SANDBOX', 'TRAININGS', 'CREATED'], rows);
  err(`${agents.length} agent${agents.length === 1 ? '' : 's'}`);
  return EXIT.ok;
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) out(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
}
