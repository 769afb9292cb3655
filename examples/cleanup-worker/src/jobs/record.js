// A cleanup job's record in R2 (binding JOBS_BUCKET): what the job routes answer from, so they
// keep answering after the platform drops the Workflow instance. Every object written passes
// the secret scrub. Layout, under jobs/<jobId>/:
//   job.json                 the request: filter or id count, unpublish, dryRun, createdAt, source
//   ids.json                 the explicit agentIds (never in the Workflow's event payload)
//   selection/<page>.json    ids a select step matched, from that list page on
//   plan.json                { selected, batches, batchSize }
//   batches/<n>.json         the ids of batch n
//   intents/<n>/<i>.json     { agent, trainings } of agent i of batch n, written before its first
//                            change is sent: the job's proof that a DELETE may have gone out
//   backup/<n>.ndjson        batch n's backups, compacted from its intents when the batch ends
//                            (GET /backup adds the intents of a batch that never settled)
//   report/<n>-<pass>.ndjson one line per agent settled in that pass; counts in customMetadata
//   unaddressable/<page>.json  report lines of agents a select step matched but cannot address
//   report/selection.ndjson  those lines, one per distinct id, written by the plan (skipped)
//   final.json               { status, finishedAt, error } once the job is over
//   terminate.json, halted.json   a terminate request, and the running batch's acknowledgement
import { stringSetting } from '../config.js';
import { configError, workerError } from '../errors.js';
import { makeScrubber } from '../scrub.js';

export const pad = (n) => String(n).padStart(6, '0');
const COUNTS = ['deleted', 'skipped', 'failed', 'planned'];

/** The record of `jobId` in env's bucket; throws WORKER_MISCONFIGURED without the binding. */
export function openRecord(env, jobId) {
  const bucket = Object.hasOwn(env, 'JOBS_BUCKET') ? env.JOBS_BUCKET : undefined;
  if (!bucket || typeof bucket.put !== 'function') throw configError('The JOBS_BUCKET R2 binding is missing (wrangler.toml [[r2_buckets]]).');
  // Every record write passes the scrub of env's secrets.
  const scrub = makeScrubber([stringSetting(env, 'TALKOVER_TOKEN'), stringSetting(env, 'CALLER_SECRET')]);
  return new JobRecord(bucket, jobId, scrub);
}

export class JobRecord {
  constructor(bucket, jobId, scrub) {
    this.bucket = bucket;
    this.jobId = jobId;
    this.scrub = scrub;
    this.prefix = `jobs/${jobId}/`;
  }

  async putJson(name, value, customMetadata) {
    await this.bucket.put(this.prefix + name, JSON.stringify(this.scrub(value)), customMetadata ? { customMetadata } : undefined);
  }

  /**
   * The JSON of `value`, which must come through the scrub unchanged: a job runs from its record,
   * so a request holding a secret would search for, or delete, something else. Refused with
   * INVALID_ARGUMENT otherwise. (One scrub: the text is written as it is, by putText.)
   */
  exactJson(value) {
    const text = JSON.stringify(value);
    if (JSON.stringify(this.scrub(value)) !== text) {
      throw workerError('INVALID_ARGUMENT', 400, "filter.search and agentIds must be free of the Worker's secrets (the token and the caller secret).");
    }
    return text;
  }

  /** Writes `text`, which exactJson gave. */
  async putText(name, text) {
    await this.bucket.put(this.prefix + name, text);
  }

  /** Whether the record holds `name`. */
  async has(name) {
    return (await this.bucket.head(this.prefix + name)) !== null;
  }

  async getJson(name) {
    const object = await this.bucket.get(this.prefix + name);
    return object === null ? null : object.json();
  }

  async putLines(name, values, customMetadata) {
    const text = values.map((v) => JSON.stringify(this.scrub(v)) + '\n').join('');
    await this.bucket.put(this.prefix + name, text, { customMetadata, httpMetadata: { contentType: 'application/x-ndjson' } });
  }

  async getLines(name) {
    const object = await this.bucket.get(this.prefix + name);
    if (object === null) return null;
    return (await object.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  /** Every object under `sub` (with customMetadata), in key order. */
  async list(sub) {
    const objects = [];
    let cursor;
    do {
      const page = await this.bucket.list({ prefix: this.prefix + sub, cursor, include: ['customMetadata'] });
      objects.push(...page.objects);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return objects;
  }

  async remove(keys) {
    for (let at = 0; at < keys.length; at += 1000) await this.bucket.delete(keys.slice(at, at + 1000));
  }

  /** The backups recorded for batch `n` so far (compacted and not), by agent id. */
  async backupsOf(n, batchIds) {
    const found = new Map();
    for (const line of (await this.getLines(`backup/${pad(n)}.ndjson`)) ?? []) found.set(line.agentId, line.backup);
    for (const object of await this.list(`intents/${pad(n)}/`)) {
      const index = Number(object.key.slice(object.key.lastIndexOf('/') + 1, -'.json'.length));
      const value = await this.getJson(object.key.slice(this.prefix.length));
      if (value && batchIds[index] !== undefined) found.set(batchIds[index], value);
    }
    return found;
  }

  writeIntent(n, index, backup) {
    return this.putJson(`intents/${pad(n)}/${pad(index)}.json`, backup);
  }

  /**
   * Ends a pass of batch n: the batch's backups compacted into one object (kept as
   * {agentId, backup} lines), the pass's report lines with their counts, then the intents go.
   */
  async settlePass(n, pass, { backups, lines }) {
    const backupLines = [...backups].map(([agentId, backup]) => ({ agentId, backup }));
    if (backupLines.length > 0) await this.putLines(`backup/${pad(n)}.ndjson`, backupLines, {});
    await this.putReport(`report/${pad(n)}-${pad(pass)}.ndjson`, lines);
    await this.remove((await this.list(`intents/${pad(n)}/`)).map((o) => o.key));
  }

  /** The batches cut off before they settled: their intents are still here. */
  async unsettledBatches() {
    return [...new Set((await this.list('intents/')).map((o) => batchOf(o.key)))];
  }

  /** The ids batch `n`'s settled passes have report lines for. */
  async reportedIn(n) {
    const ids = new Set();
    for (const object of await this.list(`report/${pad(n)}-`)) {
      for (const line of (await this.getLines(object.key.slice(this.prefix.length))) ?? []) ids.add(line.agentId);
    }
    return ids;
  }

  /** Report lines under `name`, their counts by outcome in its customMetadata (for progress). */
  putReport(name, lines) {
    const counts = Object.fromEntries(COUNTS.map((c) => [c, String(lines.filter((l) => l.outcome === c).length)]));
    return this.putLines(name, lines, counts);
  }

  /** Counts over every settled pass: `{ done, deleted, skipped, failed, planned }`. */
  async progress() {
    const sums = { done: 0, deleted: 0, skipped: 0, failed: 0, planned: 0 };
    for (const object of await this.list('report/')) {
      for (const c of COUNTS) {
        const value = Number(object.customMetadata?.[c] ?? 0);
        sums[c] += value;
        sums.done += value;
      }
    }
    return sums;
  }

  /** The NDJSON objects under `sub`, concatenated in key order, as one stream of bytes. */
  stream(sub) {
    const record = this;
    return linesStream(async function* () {
      for (const object of await record.list(sub)) yield (await record.getLines(object.key.slice(record.prefix.length))) ?? [];
    });
  }

  /**
   * Every backup, `{ agent, trainings }` per line: the settled batches' files, then the batches
   * cut off before they settled (a crash, then a terminate without resume), whose backups are
   * still intents, merged with whatever of theirs was compacted.
   */
  backupStream() {
    const record = this;
    return linesStream(async function* () {
      const unsettled = new Set(await record.unsettledBatches());
      for (const object of await record.list('backup/')) {
        if (unsettled.has(batchOf(object.key))) continue;
        yield ((await record.getLines(object.key.slice(record.prefix.length))) ?? []).map((l) => l.backup);
      }
      for (const n of unsettled) {
        const ids = (await record.getJson(`batches/${pad(n)}.json`)) ?? [];
        yield [...(await record.backupsOf(n, ids)).values()];
      }
    });
  }
}

/** The batch number in an `intents/<n>/...` or `backup/<n>.ndjson` key. */
const batchOf = (key) => Number(key.match(/\/(?:intents|backup)\/(\d+)/)[1]);

/** A byte stream of NDJSON from an async generator of line groups. */
function linesStream(groups) {
  const encoder = new TextEncoder();
  let source = null;
  return new ReadableStream({
    // Each pull enqueues something or closes: a pull that enqueued nothing would not be repeated.
    async pull(controller) {
      source ??= groups();
      for (;;) {
        const { done, value } = await source.next();
        if (done) return controller.close();
        const text = value.map((l) => JSON.stringify(l) + '\n').join('');
        if (text) return controller.enqueue(encoder.encode(text));
      }
    },
  });
}
