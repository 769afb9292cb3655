#!/usr/bin/env node
// `talkover`: agent cleanup from a terminal (design.md section 7), Node >= 20 only. A separate
// file (dist/cli.mjs, the package's `bin`), built on the public client: it adds nothing to the
// browser or Worker entries. Arguments through node:util parseArgs; the token only from
// TALKOVER_TOKEN (never a flag: it stays out of shell history and `ps`), and every line this
// command writes, to a terminal or a file, is cleaned of it.
import { parseArgs } from 'node:util';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { TalkoverClient, isTalkoverError } from 'talkover-client';

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 };

class UsageError extends Error {}

const COMMON = {
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const FILTERS = {
  status: { type: 'string' },
  sandbox: { type: 'boolean' },
  search: { type: 'string' },
  'older-than': { type: 'string' },
};

const COMMANDS = {
  agents: {
    options: { ...COMMON, ...FILTERS },
    positionals: [0, 0],
    usage: `talkover agents [--status draft|published] [--sandbox] [--search TEXT] [--older-than 30d] [--json]

Lists every agent (all pages) matching the filters: name, id, status, sandbox, trainings, created.
  --status S        draft or published
  --sandbox         only sandbox agents
  --search TEXT     name or label contains TEXT (as the API matches it)
  --older-than AGE  created more than AGE ago: 30d, 12h, 2w (a bare number is days)
  --json            one JSON document: the agents as the API returns them`,
  },
  cleanup: {
    options: {
      ...COMMON,
      ...FILTERS,
      unpublish: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      concurrency: { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      'backup-file': { type: 'string' },
      'report-file': { type: 'string' },
      resume: { type: 'string' },
    },
    positionals: [0, Infinity],
    usage: `talkover cleanup [IDS...] [--status S] [--sandbox] [--search TEXT] [--older-than AGE]
                 [--unpublish] [--no-backup] [--concurrency N] [--dry-run] [--yes]
                 [--backup-file PATH] [--report-file PATH] [--resume REPORT] [--json]

Deletes the agents given by id, or else those the filters select (every agent without either),
safely: shows the plan (a dry run against the API), asks for confirmation, then runs.
  --unpublish          unpublish published agents (after checking they have no active calls)
                       instead of skipping them
  --no-backup          do not read the trainings before deleting (no backup file)
  --concurrency N      agents at once, 1..64 (default 4)
  --dry-run            show the plan only; nothing is changed
  --yes, -y            do not ask; without it a delete asks on a terminal and is refused
                       (exit 2) when stdin is not one
  --backup-file PATH   NDJSON, one { agent, trainings } per agent, each line written and flushed
                       before that agent is changed (default: talkover-backup-<time>.ndjson)
  --report-file PATH   NDJSON, one result per agent (error reduced to { code, message, status })
  --resume REPORT      skip the agents REPORT says were deleted; retry the others
  --json               one JSON document (the report) on stdout
Progress goes to stderr: a bar on a terminal, one line per agent otherwise. Ctrl-C stops between
steps (what was sent finishes), completes the report and backup, and exits 130.`,
  },
  'delete-agent': {
    options: { ...COMMON, yes: { type: 'boolean', short: 'y' } },
    positionals: [1, 1],
    usage: `talkover delete-agent ID [--yes] [--json]

Deletes one agent (DELETE /agents/ID). Asks on a terminal unless --yes.`,
  },
  'delete-training': {
    options: { ...COMMON, yes: { type: 'boolean', short: 'y' }, republish: { type: 'boolean' } },
    positionals: [2, 2],
    usage: `talkover delete-training AGENT_ID TRAINING_ID [--republish] [--yes] [--json]

Deletes one training. The API sends a published agent back to draft; --republish publishes it
again afterwards. Asks on a terminal unless --yes.`,
  },
};

const MAIN_USAGE = `talkover: the Talkover voice-agent API from a terminal

  talkover agents          list agents
  talkover cleanup         delete agents safely: plan, confirm, backup, report
  talkover delete-agent    delete one agent
  talkover delete-training delete one training

Run talkover COMMAND --help for a command's flags. The token is read from TALKOVER_TOKEN only;
the API from TALKOVER_BASE_URL or --base-url (default https://app.talkover.ai).
Exit codes: 0 done, 1 some agents failed, 2 usage or configuration error, 130 interrupted.`;

// ---------------------------------------------------------------------------------------------
// Output: every string is cleaned of the token before it goes anywhere.

let secret = null;
/**
 * `text` without the token: as is, as JSON writes it (a token may hold `"` or `\`) or
 * percent-encoded, in any letter case (the client's own redaction does the same).
 */
const clean = (text) => (secret ? text.replace(secret, '[redacted]') : text);
const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
/** The pattern `clean` removes, for `token`. */
const secretPattern = (token) => {
  const forms = [...new Set([encodeURIComponent(token), JSON.stringify(token).slice(1, -1), token])];
  return new RegExp(forms.map(literal).join('|'), 'gi');
};
const out = (line = '') => process.stdout.write(clean(`${line}\n`));
const err = (line = '') => process.stderr.write(clean(`${line}\n`));

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(MAIN_USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command '${name}' (try talkover --help)`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${name}: ${e.message.split('\n')[0].split('. ')[0].replace(/\.$/, '')} (try talkover ${name} --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(command.usage);
    return EXIT.ok;
  }
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    throw new UsageError(`${name}: expected ${min === max ? min : `${min} or more`} argument${max === 1 ? '' : 's'}, got ${positionals.length} (try talkover ${name} --help)`);
  }
  const client = connect(values);
  switch (name) {
    case 'agents':
      return listCommand(client, values);
    case 'cleanup':
      return cleanupCommand(client, values, positionals);
    case 'delete-agent':
      return deleteCommand(values, `Delete agent ${positionals[0]}?`, () => client.deleteAgent(positionals[0]));
    default:
      return deleteCommand(values, `Delete training ${positionals[1]} of agent ${positionals[0]}?`, () =>
        client.deleteTraining(positionals[0], positionals[1], { republish: values.republish ?? false }));
  }
}

function connect(values) {
  const token = process.env.TALKOVER_TOKEN;
  if (!token) throw new UsageError('TALKOVER_TOKEN is not set (the token is read from the environment only)');
  secret = secretPattern(token);
  const baseUrl = values['base-url'] ?? process.env.TALKOVER_BASE_URL;
  try {
    return new TalkoverClient({ token, ...(baseUrl ? { baseUrl } : {}) });
  } catch (e) {
    throw new UsageError(isTalkoverError(e) ? e.message : 'the client could not be configured');
  }
}

// ---------------------------------------------------------------------------------------------
// Selecting agents.

function filtersOf(values) {
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

const hasFilter = (f) => f.status !== undefined || f.search !== undefined || f.sandbox || f.olderThanMs !== undefined;

async function select(client, filters) {
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

async function listCommand(client, values) {
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

// ---------------------------------------------------------------------------------------------
// Confirmation.

async function confirm(values, question) {
  if (values.yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError('refusing to delete without --yes: stdin is not a terminal');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const stop = new AbortController();
  rl.on('SIGINT', () => stop.abort()); // Ctrl-C at the prompt: no
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: stop.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

async function deleteCommand(values, question, run) {
  if (!(await confirm(values, question))) {
    err('Nothing deleted.');
    return EXIT.interrupted;
  }
  const result = await run();
  if (values.json) out(JSON.stringify(result));
  else {
    const extra = result.republished === undefined ? '' : result.republished ? ' (published again)' : ' (not published again)';
    out(`${result.message}${extra}${result.requestId ? ` [request ${result.requestId}]` : ''}`);
  }
  if (result.republishError) {
    err(`talkover: republish failed: ${describeError(result.republishError)}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

// ---------------------------------------------------------------------------------------------
// cleanup.

const reduceError = (e) => (e ? { code: e.code ?? null, message: String(e.message ?? ''), status: e.status ?? null } : null);
/** A cleanup result with its error reduced to `{ code, message, status }`. */
const reduced = (r) => ({ ...r, error: reduceError(r.error) });
const reportLine = (r) => JSON.stringify(reduced(r));
const describeError = (e) => `${e.code}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`;

function describeResult(r) {
  if (r.outcome === 'deleted') return r.unpublished ? 'unpublished and deleted' : 'deleted';
  const why = r.error ? describeError(r.error) : r.reason ?? '';
  return `${r.outcome}${why ? ` (${why})` : ''}`;
}

async function readSettled(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--resume: cannot read ${path} (${e.code ?? e.message})`);
  }
  const settled = new Map();
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      throw new UsageError(`--resume: line ${i + 1} of ${path} is not JSON`);
    }
    if (typeof r?.agentId !== 'string') throw new UsageError(`--resume: line ${i + 1} of ${path} has no agentId`);
    if (r.outcome === 'deleted') settled.set(r.agentId, line);
  }
  return settled;
}

/** An append-only NDJSON file whose every line is on disk before `write` resolves. */
async function ndjson(path, flags) {
  let handle;
  try {
    handle = await open(path, flags);
  } catch (e) {
    throw new UsageError(`cannot open ${path} (${e.code ?? e.message})`);
  }
  let queue = Promise.resolve();
  return {
    path,
    write(line) {
      queue = queue.then(async () => {
        await handle.write(clean(`${line}\n`));
        await handle.datasync();
      });
      return queue;
    },
    async close() {
      await queue.catch(() => {});
      await handle.close();
    },
  };
}

function stamp() {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function cleanupCommand(client, values, ids) {
  const filters = filtersOf(values);
  let concurrency = 4;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be an integer from 1 to 64, not '${values.concurrency}'`);
    }
  }
  if (ids.length && hasFilter(filters)) throw new UsageError('give agent ids or filters, not both');
  const backup = !values['no-backup'];
  if (!backup && values['backup-file'] !== undefined) throw new UsageError('--backup-file and --no-backup do not go together');
  const settled = values.resume === undefined ? new Map() : await readSettled(values.resume);
  // Refused before anything is sent, rather than after the plan.
  if (!values['dry-run'] && !values.yes && !process.stdin.isTTY) await confirm(values, '');

  // Interrupts: the first Ctrl-C stops between steps, a second one exits at once.
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    controller.abort();
    err('\nInterrupted: letting what was sent finish (Ctrl-C again to quit at once)...');
  };
  process.on('SIGINT', onSigint);
  try {
    // 1. The selection and the plan (a dry run: reads only).
    const names = new Map();
    if (!ids.length) {
      for (const a of await select(client, filters)) {
        ids.push(a.id);
        names.set(a.id, a.name);
      }
    }
    const todo = [...new Set(ids)].filter((id) => !settled.has(id));
    if (settled.size) err(`Resuming from ${values.resume}: ${settled.size} agent(s) already deleted, ${todo.length} to go.`);
    const plan = await client.cleanupAgents(todo, { dryRun: true, unpublish: values.unpublish ?? false, concurrency, signal: controller.signal });
    if (interrupted) {
      err('Interrupted before anything was changed.');
      return EXIT.interrupted;
    }
    const willDelete = plan.results.filter((r) => r.outcome === 'planned');
    const notPlanned = plan.results.filter((r) => r.outcome !== 'planned');
    if (!values.json || values['dry-run']) printPlan(plan, names, values.json);
    if (values['dry-run']) {
      if (values['report-file'] !== undefined) {
        const report = await ndjson(values['report-file'], 'w');
        for (const r of plan.results) await report.write(reportLine(r));
        await report.close();
      }
      return EXIT.ok;
    }
    if (!willDelete.length) {
      if (values.json) out(JSON.stringify({ ...summary(plan.results, { interrupted: false }), results: plan.results.map(reduced), reportFile: null, backupFile: null }));
      else out('Nothing to delete.');
      return notPlanned.some((r) => r.outcome === 'failed') ? EXIT.failed : EXIT.ok;
    }
    const unpublishFirst = willDelete.filter((r) => r.reason === 'UNPUBLISH_FIRST').length;
    const question = `Delete ${willDelete.length} agent${willDelete.length === 1 ? '' : 's'}${unpublishFirst ? ` (${unpublishFirst} unpublished first)` : ''}?`;
    if (!(await confirm(values, question)) || interrupted) {
      err('Nothing deleted.');
      return EXIT.interrupted;
    }

    // 2. The run: the report and backup files, then one cleanupAgents per agent, `concurrency`
    // at a time, so each result is known (and written) as soon as that agent is done.
    const backupPath = backup ? values['backup-file'] ?? `talkover-backup-${stamp()}.ndjson` : null;
    const backupFile = backupPath && (await ndjson(backupPath, 'a'));
    const reportFile = values['report-file'] !== undefined ? await ndjson(values['report-file'], 'w') : null;
    const results = [];
    const record = async (r) => {
      results.push(r);
      await reportFile?.write(reportLine(r));
    };
    for (const line of settled.values()) await reportFile?.write(line);
    for (const r of notPlanned) await record(r);
    const progress = progressView(willDelete.length);
    const options = {
      unpublish: values.unpublish ?? false,
      backup,
      concurrency: 1,
      signal: controller.signal,
      ...(backupFile && { onBackup: ({ agent, trainings }) => backupFile.write(JSON.stringify({ agent, trainings })) }),
    };
    let next = 0;
    const worker = async () => {
      while (next < willDelete.length) {
        const { agentId } = willDelete[next++];
        const report = await client.cleanupAgents([agentId], options);
        const [r] = report.results;
        await record(r);
        progress.done(r);
      }
    };
    // A report that cannot be written stops the run between steps, like Ctrl-C.
    const guarded = () => worker().catch((e) => {
      controller.abort();
      throw e;
    });
    await Promise.all(Array.from({ length: Math.min(concurrency, willDelete.length) }, guarded));
    progress.finish();
    await backupFile?.close();
    await reportFile?.close();

    // 3. The summary.
    const sum = summary(results, { interrupted });
    if (values.json) out(JSON.stringify({ ...sum, results: results.map(reduced), reportFile: reportFile?.path ?? null, backupFile: backupPath }));
    else {
      out(`${interrupted ? 'Interrupted. ' : ''}Deleted ${sum.deleted}, skipped ${sum.skipped}, failed ${sum.failed}.`);
      if (reportFile) out(`Report: ${reportFile.path}`);
      if (backupPath) out(`Backup: ${backupPath}`);
      if (interrupted) out(`To finish: talkover cleanup ... --resume ${reportFile?.path ?? 'REPORT'} (needs --report-file)`);
    }
    if (interrupted) return EXIT.interrupted;
    return sum.failed ? EXIT.failed : EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function summary(results, extra) {
  const counts = { deleted: 0, skipped: 0, failed: 0, planned: 0 };
  for (const r of results) counts[r.outcome] += 1;
  return { ...counts, ...extra };
}

function printPlan(plan, names, json) {
  if (json) {
    out(JSON.stringify({ ...plan, results: plan.results.map(reduced) }));
    return;
  }
  out(`Plan: ${plan.planned} to delete, ${plan.skipped} skipped, ${plan.failed} failed to read.`);
  for (const r of plan.results) {
    const name = names.get(r.agentId);
    const what = r.outcome === 'planned' ? (r.reason === 'UNPUBLISH_FIRST' ? 'delete (unpublish first)' : 'delete') : describeResult(r);
    out(`  ${what.padEnd(24)} ${r.agentId}${name ? `  ${name}` : ''}`);
  }
}

/**
 * Progress on stderr: on a terminal, one bar redrawn in place (done/total, deleted, skipped,
 * failed, rate, ETA); otherwise one plain line per agent. A few lines over `isTTY` rather than a
 * progress-bar package: the package ships to browsers and Workers too, and a runtime dependency
 * (cli-progress pulls string-width and emoji-regex) would be installed by every user for these
 * ASCII-only lines.
 */
function progressView(total) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const c = { done: 0, deleted: 0, skipped: 0, failed: 0 };
  let drawn = false;
  const draw = () => {
    const width = 24;
    const filled = Math.round((c.done / total) * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? c.done / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - c.done) / rate) : null;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${c.done}/${total}  deleted ${c.deleted}  skipped ${c.skipped}  failed ${c.failed}  ${rate.toFixed(1)}/s  ETA ${eta === null ? '?' : `${eta}s`}`;
    process.stderr.write(clean(`\r\x1b[2K${line}`));
    drawn = true;
  };
  if (tty) draw();
  return {
    done(r) {
      c.done += 1;
      if (r.outcome in c) c[r.outcome] += 1;
      if (tty) {
        if (r.outcome === 'failed') {
          process.stderr.write('\r\x1b[2K');
          err(`failed ${r.agentId}: ${describeError(r.error ?? { code: r.reason, message: '' })}`);
        }
        draw();
      } else err(`[${c.done}/${total}] ${r.agentId} ${describeResult(r)}`);
    },
    finish() {
      if (tty && drawn) process.stderr.write('\n');
    },
  };
}

// ---------------------------------------------------------------------------------------------

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      err(`talkover: ${e.message}`);
      process.exitCode = EXIT.usage;
    } else if (isTalkoverError(e)) {
      err(`talkover: ${describeError(e)}`);
      process.exitCode = e.code === 'INVALID_ARGUMENT' || e.code === 'INVALID_TOKEN' ? EXIT.usage : EXIT.failed;
    } else {
      err(`talkover: ${e?.message ?? String(e)}`);
      process.exitCode = EXIT.failed;
    }
  },
);
