// cleanupAgents against a real talkover-emulator, in Node and in real workerd (miniflare).
//
// One scenario runner (`runCleanup`, below) is used verbatim in both runtimes: in Node it is
// called directly, in workerd its source is bundled into a Worker that runs cleanupAgents and
// returns the report as JSON (errors reduced to plain objects). Every test checks the report
// against the emulator's admin state and request log.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TalkoverClient, TalkoverError } from 'talkover-client';
import { startEmulator } from '../support/emulator.mjs';
import { startWorker } from '../support/workerd.mjs';

// ---------------------------------------------------------------------------------------------
// The shared runner. It must stay self-contained (no closures over this module): in workerd its
// source text is pasted into the Worker.
async function runCleanup(TalkoverClient, TalkoverError, input) {
  const reduceError = (e) =>
    e == null
      ? null
      : {
          name: e.name,
          code: e.code,
          message: e.message,
          status: e.status,
          retryable: e.retryable,
          requestId: e.requestId,
          isTalkoverError: e instanceof TalkoverError,
          isError: e instanceof Error,
        };
  const events = [];
  const controller = new AbortController();
  const options = { ...(input.options ?? {}) };
  options.onProgress = (event) => {
    events.push({ ...event });
    if (input.abortAfterDone != null && event.step === 'done' && event.done >= input.abortAfterDone) {
      controller.abort(new Error('enough'));
    }
    if (input.abortAt && event.agentId === input.abortAt.agentId && event.step === input.abortAt.step) {
      controller.abort('stop here');
    }
    if (input.throwInProgress) throw new Error('progress callback exploded');
  };
  // onBackup: records what it got and whether the agent had been changed already (from the
  // emulator's request log), then fails for the ids in `fail` (`how`: throw, reject, string).
  const backups = [];
  if (input.onBackup) {
    const { fail = [], how = 'throw', abortIn } = input.onBackup;
    options.onBackup = async (argument) => {
      const { agentId, agent, trainings } = argument;
      const res = await fetch(`${input.client.baseUrl}/__emulator/requests`);
      const log = (await res.json()).requests;
      const changes = log.filter((e) => e.method !== 'GET' && e.path.startsWith(`/api/v1/agents/${encodeURIComponent(agentId)}`));
      backups.push({ agentId, keys: Object.keys(argument).sort(), agent: agent?.id, trainings: trainings?.map((t) => t.subject), changesBefore: changes.length });
      if (abortIn === agentId) controller.abort();
      if (!fail.includes(agentId)) return;
      if (how === 'reject') return Promise.reject(new Error(`cannot save ${agentId} with ${input.client.token}`));
      if (how === 'string') throw 'disk full';
      throw new TypeError(`no space for ${agentId}`);
    };
  }
  if (input.onBackup?.sync) {
    // A plain function: returns nothing, or throws synchronously.
    options.onBackup = ({ agentId }) => {
      backups.push({ agentId });
      if (input.onBackup.fail?.includes(agentId)) throw new TypeError(`no space for ${agentId}`);
    };
  }
  if ('onBackupValue' in input) options.onBackup = input.onBackupValue;
  if (input.abortAfterDone != null || input.abortAt || input.preAborted || input.onBackup?.abortIn) options.signal = controller.signal;
  if (input.preAborted) controller.abort();
  const clientOptions = { ...input.client };
  if (input.delayResponse) {
    // A network where the response of one request arrives late (the server already acted).
    const { method, urlPart, ms } = input.delayResponse;
    clientOptions.fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (init.method === method && url.includes(urlPart)) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          init.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('The operation was aborted.', 'AbortError'));
          });
        });
      }
      return response;
    };
  }
  const started = Date.now();
  try {
    const client = new TalkoverClient(clientOptions);
    const report = await client.cleanupAgents(input.ids, options);
    const results = report.results.map((r) => ({ ...r, error: reduceError(r.error) }));
    return { report: { ...report, results }, events, backups, ms: Date.now() - started };
  } catch (e) {
    return { thrown: reduceError(e), events, backups, ms: Date.now() - started };
  }
}

const WORKER_SOURCE = `
import { TalkoverClient, TalkoverError } from 'talkover-client';
const runCleanup = ${runCleanup.toString()};
export default {
  async fetch(request) {
    const input = await request.json();
    return Response.json(await runCleanup(TalkoverClient, TalkoverError, input));
  },
};
`;


// ---------------------------------------------------------------------------------------------
// Fixtures: the scenario builder shared by both runtimes.

const T = (subject) => ({ subject, instructions: `When asked about ${subject.toLowerCase()}, answer briefly.` });

/** Agents of the mixed scenario, with what each must end as (with unpublish: true). */
const FIXTURES = {
  draftA: {
    agent: { id: 'qa-draft-a', name: 'QA Draft A', trainings: [T('Greeting'), T('Pricing'), T('Refund policy')] },
    expect: { outcome: 'deleted', reason: null, unpublished: false, steps: ['read', 'backup', 'delete', 'done'] },
  },
  draftB: {
    agent: { id: 'qa-draft-b', name: 'QA Draft B', direction: 'inbound', trainings: [T('Opening hours')] },
    expect: { outcome: 'deleted', reason: null, unpublished: false, steps: ['read', 'backup', 'delete', 'done'] },
  },
  draftEmpty: {
    agent: { id: 'qa-draft-empty', name: 'QA Draft Without Trainings' },
    expect: { outcome: 'deleted', reason: null, unpublished: false, steps: ['read', 'backup', 'delete', 'done'] },
  },
  draftOdd: {
    agent: { id: 'qa odd/ç?#% 1', name: 'QA Odd Id', trainings: [T('Encoding')] },
    expect: { outcome: 'deleted', reason: null, unpublished: false, steps: ['read', 'backup', 'delete', 'done'] },
  },
  pub: {
    agent: { id: 'qa-pub', name: 'QA Published', current_status: 'published', trainings: [T('Tone of voice'), T('Escalation')] },
    expect: {
      outcome: 'deleted',
      reason: null,
      unpublished: true,
      steps: ['read', 'backup', 'check-calls', 'unpublish', 'delete', 'done'],
    },
  },
  pubCalls: {
    agent: { id: 'qa-pub-calls', name: 'QA Published Busy', current_status: 'published', active_calls: 2, trainings: [T('Sales')] },
    expect: {
      outcome: 'skipped',
      reason: 'AGENT_HAS_ACTIVE_CALLS',
      unpublished: false,
      steps: ['read', 'backup', 'check-calls', 'done'],
      finalStatus: 'published',
    },
  },
  draftCalls: {
    agent: { id: 'qa-draft-calls', name: 'QA Draft Busy', active_calls: 1, trainings: [T('Support')] },
    expect: {
      outcome: 'skipped',
      reason: 'AGENT_HAS_ACTIVE_CALLS',
      unpublished: false,
      steps: ['read', 'backup', 'delete', 'done'],
      finalStatus: 'draft',
    },
  },
  gone: {
    // Deleted by someone else while its DELETE is on the way (see goneDuringRun).
    agent: { id: 'qa-gone-during-run', name: 'QA Vanishing', trainings: [T('Ghosts')] },
    expect: { outcome: 'skipped', reason: 'AGENT_NOT_FOUND', unpublished: false, steps: ['read', 'backup', 'delete', 'done'], absent: true },
  },
  failDelete: {
    agent: { id: 'qa-fail-delete', name: 'QA Delete Fails', trainings: [T('Failure')] },
    expect: { outcome: 'failed', reason: 'SERVER_ERROR', unpublished: false, steps: ['read', 'backup', 'delete', 'done'], finalStatus: 'draft' },
    fault: { method: 'DELETE', tail: '', responses: [{ kind: 'status', status: 500 }] },
  },
  failDeletePub: {
    agent: { id: 'qa-fail-delete-pub', name: 'QA Published Delete Fails', current_status: 'published', trainings: [T('Restore')] },
    expect: {
      outcome: 'failed',
      reason: 'SERVER_ERROR',
      unpublished: false,
      steps: ['read', 'backup', 'check-calls', 'unpublish', 'delete', 'restore', 'done'],
      finalStatus: 'published',
    },
    fault: { method: 'DELETE', tail: '', responses: [{ kind: 'status', status: 500 }] },
  },
  conflictPub: {
    // Calls start between the check and the delete: the API's 409 skips it, and it is restored.
    agent: { id: 'qa-conflict-pub', name: 'QA Published Races A Call', current_status: 'published', trainings: [T('Race')] },
    expect: {
      outcome: 'skipped',
      reason: 'AGENT_HAS_ACTIVE_CALLS',
      unpublished: false,
      steps: ['read', 'backup', 'check-calls', 'unpublish', 'delete', 'restore', 'done'],
      finalStatus: 'published',
    },
    fault: {
      method: 'DELETE',
      tail: '',
      responses: [{ kind: 'status', status: 409, body: { success: false, message: 'Cannot delete agent while it has active calls.' } }],
    },
  },
  failBackup: {
    agent: { id: 'qa-fail-backup', name: 'QA Backup Fails', trainings: [T('Precious'), T('Irreplaceable')] },
    expect: { outcome: 'failed', reason: 'SERVER_ERROR', unpublished: false, steps: ['read', 'backup', 'done'], finalStatus: 'draft', noBackup: true },
    fault: { method: 'GET', tail: '/trainings', responses: [{ kind: 'status', status: 500 }] },
  },
  other: {
    agent: { id: 'qa-other-env', name: 'QA Other Environment', environment: 'other', trainings: [T('Foreign')] },
    expect: { outcome: 'failed', reason: 'UNAUTHORIZED', unpublished: false, steps: ['read', 'done'], finalStatus: 'draft', noBackup: true },
  },
};
const MISSING = 'qa-missing-agent';
const MISSING_EXPECT = { outcome: 'skipped', reason: 'AGENT_NOT_FOUND', unpublished: false, steps: ['read', 'done'], absent: true, noBackup: true };

const apiPath = (id, tail = '') => `/api/v1/agents/${encodeURIComponent(id)}${tail}`;

/** Resets the emulator to an empty store and creates the given fixtures (and their faults). */
async function buildScenario(emu, names, { faults = true } = {}) {
  const { admin } = emu;
  await admin.reset('empty');
  await admin.clearFaults();
  await admin.setLatency(0);
  for (const name of names) {
    const f = FIXTURES[name];
    await admin.createAgent(f.agent);
    if (faults && f.fault) await admin.fault(f.fault.method, apiPath(f.agent.id, f.fault.tail), f.fault.responses);
  }
  const before = await admin.state();
  await admin.clearRequests();
  return before;
}

/** Creates `n` plain drafts (one training each), returns their ids. */
async function buildDrafts(emu, n, prefix = 'qa-bulk') {
  await emu.admin.reset('empty');
  await emu.admin.clearFaults();
  await emu.admin.setLatency(0);
  const ids = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(2, '0')}`;
    await emu.admin.createAgent({ id, name: `QA Bulk ${i}`, trainings: [T(`Topic ${i}`)] });
    ids.push(id);
  }
  return ids;
}

/** Splits a logged raw path into the decoded agent id and the rest ('' for the agent itself). */
function parseLogged(entry) {
  const m = entry.path.match(/^\/api\/v1\/agents\/([^/]+)(\/.*)?$/);
  if (!m) return { id: null, tail: entry.path };
  return { id: decodeURIComponent(m[1]), tail: m[2] ?? '' };
}

function requestsFor(log, id) {
  return log.filter((e) => parseLogged(e).id === id).map((e) => ({ ...e, ...parseLogged(e) }));
}

const byId = (state) => new Map(state.agents.map((a) => [a.id, a]));

/**
 * The invariants every report must satisfy against the state before and after the run:
 * one result per distinct id in input order, counts that add up, and each outcome agreeing with
 * what the emulator holds now.
 */
function checkReport(report, ids, before, afterState) {
  const distinct = [...new Set(ids)];
  assert.deepEqual(report.results.map((r) => r.agentId), distinct, 'one result per distinct id, in input order');
  const tally = { deleted: 0, skipped: 0, failed: 0, planned: 0 };
  for (const r of report.results) tally[r.outcome] += 1;
  for (const k of Object.keys(tally)) assert.equal(report[k], tally[k], `count ${k}`);
  const was = byId(before);
  const now = byId(afterState);
  for (const r of report.results) {
    const ctx = `${r.agentId}: ${JSON.stringify({ ...r, backup: r.backup && '...' })}`;
    assert.ok(['deleted', 'skipped', 'failed', 'planned'].includes(r.outcome), ctx);
    assert.equal(typeof r.unpublished, 'boolean', ctx);
    if (r.outcome === 'deleted') {
      assert.ok(was.has(r.agentId), `deleted agents existed: ${ctx}`);
      assert.equal(now.has(r.agentId), false, `deleted agents are gone: ${ctx}`);
      assert.equal(r.reason, null, ctx);
      assert.equal(r.error, null, ctx);
    } else if (r.reason === 'AGENT_NOT_FOUND') {
      assert.equal(r.outcome, 'skipped', ctx);
      assert.equal(now.has(r.agentId), false, `AGENT_NOT_FOUND agents are absent: ${ctx}`);
    } else if (was.has(r.agentId)) {
      assert.ok(now.has(r.agentId), `only deleted agents may disappear: ${ctx}`);
      const expected = r.unpublished ? 'draft' : was.get(r.agentId).current_status;
      assert.equal(now.get(r.agentId).current_status, expected, `status agrees with unpublished: ${ctx}`);
      assert.deepEqual(now.get(r.agentId).trainings, was.get(r.agentId).trainings, `trainings untouched: ${ctx}`);
    }
    if (r.outcome === 'failed') {
      assert.ok(r.error, `failed results carry an error: ${ctx}`);
      assert.equal(r.reason, r.error.code, `reason is the error code: ${ctx}`);
    }
    if (r.error) {
      assert.equal(r.error.isTalkoverError, true, `error is a TalkoverError: ${ctx}`);
      assert.equal(r.error.isError, true, ctx);
      assert.equal(r.error.name, 'TalkoverError', ctx);
    }
    if (r.backup) {
      const prior = was.get(r.agentId);
      assert.ok(prior, ctx);
      assert.equal(r.backup.agent.id, r.agentId, ctx);
      assert.equal(r.backup.agent.name, prior.name, ctx);
      assert.deepEqual(r.backup.trainings.map((t) => t.id), prior.trainings, `backup holds the trainings that existed: ${ctx}`);
    }
  }
}

/** Progress events: total constant, done monotonic, one 'done' per agent counting 1..total. */
function checkEvents(events, ids) {
  const distinct = [...new Set(ids)];
  let last = 0;
  for (const e of events) {
    assert.equal(e.total, distinct.length, 'total is the number of distinct ids');
    assert.ok(e.done >= last, `done is monotonic (${e.done} after ${last})`);
    assert.ok(distinct.includes(e.agentId), `event for a known agent: ${e.agentId}`);
    last = e.done;
  }
  const dones = events.filter((e) => e.step === 'done');
  assert.deepEqual(dones.map((e) => e.done), distinct.map((_, i) => i + 1), 'each finished agent bumps done by one');
  assert.deepEqual(dones.map((e) => e.agentId).sort(), [...distinct].sort(), "one 'done' per agent");
  for (const id of distinct) {
    const steps = events.filter((e) => e.agentId === id).map((e) => e.step);
    assert.equal(steps.at(-1), 'done', `${id}: 'done' is the last step`);
  }
}

const stepsOf = (events, id) => events.filter((e) => e.agentId === id).map((e) => e.step);

// ---------------------------------------------------------------------------------------------
// Runtimes.

let emu;
let worker;

before(async () => {
  emu = await startEmulator({ seed: 'empty' });
  worker = await startWorker(WORKER_SOURCE, { name: `cleanup-test-${process.pid}` });
});

after(async () => {
  await worker?.dispose();
  await emu?.stop();
});

const RUNTIMES = [
  {
    name: 'node',
    run: (input) => runCleanup(TalkoverClient, TalkoverError, input),
  },
  {
    name: 'workerd',
    run: (input) =>
      worker.json('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
  },
];

const clientFor = (extra = {}) => ({ token: emu.token, baseUrl: emu.url, ...extra });

/** Polls the request log until `match` finds an entry, or throws after `ms`. */
async function waitForRequest(match, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const found = (await emu.admin.requests()).find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('request never showed up in the log');
}

/** Deletes `id` through the API while the client's own DELETE of it is held by a delay fault. */
async function goneDuringRun(id) {
  await waitForRequest((e) => e.method === 'DELETE' && parseLogged(e).id === id);
  const res = await fetch(`${emu.url}${apiPath(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.token}` } });
  assert.equal(res.status, 200, 'the concurrent delete went through (before the client DELETE held for 1 s)');
}

for (const rt of RUNTIMES) {
  describe(`cleanupAgents in ${rt.name}`, () => {
    test('mixed set with unpublish: every outcome, the request log and the state agree', async () => {
      const names = Object.keys(FIXTURES);
      const before = await buildScenario(emu, names);
      // Hold the vanishing agent's DELETE long enough for someone else to delete it first.
      await emu.admin.fault('DELETE', apiPath(FIXTURES.gone.agent.id), [{ kind: 'pass', delay_ms: 1000 }]);
      const F = (n) => FIXTURES[n].agent.id;
      const ids = [
        F('draftA'), F('pub'), F('draftA'), F('pubCalls'), F('draftCalls'), MISSING, F('gone'), F('failDelete'),
        F('failDeletePub'), F('failBackup'), F('draftOdd'), F('conflictPub'), F('draftB'), F('other'), MISSING,
        F('draftEmpty'), F('pub'),
      ];
      const [out] = await Promise.all([
        rt.run({ client: clientFor({ maxRetries: 0 }), ids, options: { unpublish: true } }),
        goneDuringRun(F('gone')),
      ]);
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const { report, events } = out;
      const afterState = await emu.admin.state();
      const log = await emu.admin.requests();
      checkReport(report, ids, before, afterState);
      checkEvents(events, ids);

      const result = (id) => report.results.find((r) => r.agentId === id);
      const expectations = [
        ...names.map((n) => [FIXTURES[n].agent.id, FIXTURES[n].expect, FIXTURES[n].agent]),
        [MISSING, MISSING_EXPECT, null],
      ];
      for (const [id, want, fixture] of expectations) {
        const r = result(id);
        const ctx = `${id}: ${JSON.stringify({ ...r, backup: r.backup && '...' })}`;
        assert.equal(r.outcome, want.outcome, ctx);
        assert.equal(r.reason, want.reason, ctx);
        assert.equal(r.unpublished, want.unpublished, ctx);
        assert.deepEqual(stepsOf(events, id), want.steps, `progress steps of ${id}`);
        if (want.absent || want.outcome === 'deleted') assert.equal(afterState.agents.some((a) => a.id === id), false, ctx);
        if (want.finalStatus) assert.equal(afterState.agents.find((a) => a.id === id)?.current_status, want.finalStatus, ctx);
        if (want.noBackup) assert.equal(r.backup, null, ctx);
        if (fixture && !want.noBackup) {
          // The backup is the content that existed, not just the ids.
          assert.ok(r.backup, `backup kept: ${ctx}`);
          assert.deepEqual(
            r.backup.trainings.map((t) => [t.subject, t.instructions]),
            (fixture.trainings ?? []).map((t) => [t.subject, t.instructions]),
            `backup content of ${id}`,
          );
        }
        if (r.error) {
          assert.equal(r.error.code, want.reason, ctx);
        }
        // Mutating requests per agent.
        const mine = requestsFor(log, id);
        const posts = mine.filter((e) => e.method === 'POST').map((e) => e.tail);
        const deletes = mine.filter((e) => e.method === 'DELETE' && e.tail === '');
        if (want.steps.includes('unpublish')) assert.deepEqual(posts.slice(0, 1), ['/unpublish'], ctx);
        else assert.deepEqual(posts, [], `no publish/unpublish for ${ctx}`);
        if (want.steps.includes('restore')) assert.deepEqual(posts, ['/unpublish', '/publish'], ctx);
        // (the concurrent delete of `gone` is also in the log)
        const ownDeletes = id === F('gone') ? 2 : want.steps.includes('delete') ? 1 : 0;
        assert.equal(deletes.length, ownDeletes, `DELETE count for ${ctx}`);
        if (want.steps.includes('check-calls')) {
          const counted = mine.filter((e) => e.method === 'GET' && e.tail === '/calls');
          assert.ok(counted.length >= 1, `active calls counted for ${id}`);
          for (const c of counted) {
            const q = new URLSearchParams(c.query ?? '');
            assert.equal(q.get('per_page'), '1', c.query);
            assert.ok(['initiated', 'ringing', 'answered'].includes(q.get('status')), c.query);
          }
          const firstMutation = mine.find((e) => e.method !== 'GET');
          if (firstMutation) assert.ok(counted.every((c) => c.finished_us <= firstMutation.started_us), `calls counted before mutating ${id}`);
        }
      }
      // Specific errors.
      const fail = result(F('failDelete')).error;
      assert.equal(fail.status, 500);
      assert.equal(fail.retryable, true);
      assert.match(fail.requestId ?? '', /\S/, 'requestId of the failed DELETE');
      assert.equal(result(F('other')).error.status, 403);
      // The published agent with active calls was never unpublished.
      assert.equal(requestsFor(log, F('pubCalls')).some((e) => e.method === 'POST'), false);
      // Backup before delete, in the log: the trainings GET finished before the DELETE started.
      for (const r of report.results) {
        const mine = requestsFor(log, r.agentId);
        const del = mine.find((e) => e.method === 'DELETE' && e.tail === '');
        if (!del) continue;
        const backup = mine.find((e) => e.method === 'GET' && e.tail === '/trainings');
        assert.ok(backup, `${r.agentId}: trainings were read before deleting`);
        assert.ok(backup.finished_us <= del.started_us, `${r.agentId}: backup finished before the DELETE started`);
        assert.equal(backup.status, 200, `${r.agentId}: the backup succeeded`);
      }
      // The failed backup stopped that agent: no mutation at all, agent and trainings intact.
      assert.deepEqual(requestsFor(log, F('failBackup')).map((e) => `${e.method} ${e.tail}`), ['GET ', 'GET /trainings']);
      assert.deepEqual(report, { ...report, deleted: 5, skipped: 5, failed: 4, planned: 0 });
    });

    test('published agents are skipped without unpublish, with no request beyond the read', async () => {
      const before = await buildScenario(emu, ['pub', 'draftA', 'pubCalls']);
      const ids = [FIXTURES.pub.agent.id, FIXTURES.draftA.agent.id, FIXTURES.pubCalls.agent.id];
      const out = await rt.run({ client: clientFor(), ids, options: {} });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      const [pub, draft, pubCalls] = out.report.results;
      for (const r of [pub, pubCalls]) {
        assert.equal(r.outcome, 'skipped');
        assert.equal(r.reason, 'AGENT_IS_PUBLISHED');
        assert.equal(r.unpublished, false);
        assert.equal(r.backup, null);
        assert.equal(r.error, null);
        assert.deepEqual(stepsOf(out.events, r.agentId), ['read', 'done']);
      }
      assert.equal(draft.outcome, 'deleted');
      const log = await emu.admin.requests();
      for (const r of [pub, pubCalls]) {
        assert.deepEqual(requestsFor(log, r.agentId).map((e) => `${e.method} ${e.tail}`), ['GET ']);
        assert.equal(afterState.agents.find((a) => a.id === r.agentId).current_status, 'published');
      }
      assert.deepEqual(
        { deleted: out.report.deleted, skipped: out.report.skipped, failed: out.report.failed, planned: out.report.planned },
        { deleted: 1, skipped: 2, failed: 0, planned: 0 },
      );
    });

    test('a failed restore leaves unpublished: true; a failed unpublish leaves it published', async () => {
      await emu.admin.reset('empty');
      await emu.admin.clearFaults();
      await emu.admin.setLatency(0);
      const noRestore = { id: 'qa-no-restore', name: 'QA Restore Fails', current_status: 'published', trainings: [T('Lost')] };
      const noUnpublish = { id: 'qa-no-unpublish', name: 'QA Unpublish Fails', current_status: 'published' };
      await emu.admin.createAgent(noRestore);
      await emu.admin.createAgent(noUnpublish);
      await emu.admin.fault('DELETE', apiPath(noRestore.id), [{ kind: 'status', status: 500 }]);
      await emu.admin.fault('POST', apiPath(noRestore.id, '/publish'), [{ kind: 'status', status: 503 }]);
      await emu.admin.fault('POST', apiPath(noUnpublish.id, '/unpublish'), [{ kind: 'status', status: 500 }]);
      const before = await emu.admin.state();
      await emu.admin.clearRequests();
      const ids = [noRestore.id, noUnpublish.id];
      const out = await rt.run({ client: clientFor({ maxRetries: 0 }), ids, options: { unpublish: true } });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      const [a, b] = out.report.results;
      assert.deepEqual([a.outcome, a.reason, a.unpublished], ['failed', 'SERVER_ERROR', true]);
      assert.equal(a.error.status, 500, 'the error is the DELETE failure, not the restore failure');
      assert.deepEqual(stepsOf(out.events, a.agentId), ['read', 'backup', 'check-calls', 'unpublish', 'delete', 'restore', 'done']);
      assert.equal(afterState.agents.find((x) => x.id === a.agentId).current_status, 'draft');
      assert.deepEqual([b.outcome, b.reason, b.unpublished], ['failed', 'SERVER_ERROR', false]);
      assert.deepEqual(stepsOf(out.events, b.agentId), ['read', 'backup', 'check-calls', 'unpublish', 'done']);
      assert.equal(afterState.agents.find((x) => x.id === b.agentId).current_status, 'published');
      const log = await emu.admin.requests();
      assert.equal(requestsFor(log, b.agentId).some((e) => e.method === 'DELETE'), false, 'no DELETE after a failed unpublish');
    });

    test('a change that took effect but whose answer was lost: the agent is read back, and the report tells the truth', async () => {
      await emu.admin.reset('empty');
      await emu.admin.clearFaults();
      await emu.admin.setLatency(0);
      const lostUnpublish = { id: 'qa-lost-unpublish', name: 'QA Lost Unpublish', current_status: 'published' };
      const lostDelete = { id: 'qa-lost-delete', name: 'QA Lost Delete' };
      const lostRestore = { id: 'qa-lost-restore', name: 'QA Lost Restore', current_status: 'published' };
      const notDone = { id: 'qa-not-deleted', name: 'QA Delete Dropped' };
      for (const a of [lostUnpublish, lostDelete, lostRestore, notDone]) await emu.admin.createAgent(a);
      // Each change is carried out, then its connection drops: with maxRetries 0 nothing is retried.
      await emu.admin.fault('POST', apiPath(lostUnpublish.id, '/unpublish'), [{ kind: 'lost' }]);
      await emu.admin.fault('DELETE', apiPath(lostDelete.id), [{ kind: 'lost' }]);
      await emu.admin.fault('DELETE', apiPath(lostRestore.id), [{ kind: 'status', status: 500 }]);
      await emu.admin.fault('POST', apiPath(lostRestore.id, '/publish'), [{ kind: 'lost' }]);
      await emu.admin.fault('DELETE', apiPath(notDone.id), [{ kind: 'close' }]);
      const before = await emu.admin.state();
      await emu.admin.clearRequests();
      const ids = [lostUnpublish.id, lostDelete.id, lostRestore.id, notDone.id];
      const out = await rt.run({ client: clientFor({ maxRetries: 0 }), ids, options: { unpublish: true, backup: false } });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      const got = Object.fromEntries(out.report.results.map((r) => [r.agentId, [r.outcome, r.reason, r.unpublished]]));
      assert.deepEqual(got, {
        'qa-lost-unpublish': ['deleted', null, true],
        'qa-lost-delete': ['deleted', null, false],
        'qa-lost-restore': ['failed', 'SERVER_ERROR', false],
        'qa-not-deleted': ['failed', 'NETWORK_ERROR', false],
      });
      assert.equal(afterState.agents.find((a) => a.id === lostRestore.id).current_status, 'published');
      const log = await emu.admin.requests();
      const sent = (id) => requestsFor(log, id).map((e) => `${e.method} ${e.tail}`);
      assert.deepEqual(sent(lostUnpublish.id).slice(-3), ['POST /unpublish', 'GET ', 'DELETE ']);
      assert.deepEqual(sent(lostDelete.id), ['GET ', 'DELETE ', 'GET ']);
      assert.deepEqual(sent(lostRestore.id).slice(-4), ['DELETE ', 'GET ', 'POST /publish', 'GET ']);
      assert.deepEqual(sent(notDone.id), ['GET ', 'DELETE ', 'GET ']);
      // The reading reports no step of its own.
      assert.deepEqual(stepsOf(out.events, lostUnpublish.id), ['read', 'check-calls', 'unpublish', 'delete', 'done']);
      // Lost, then the retry refused (429): the first attempt's outcome still needs the reading.
      const limited = { id: 'qa-lost-then-limited', name: 'QA Lost Then Limited', current_status: 'published' };
      await emu.admin.createAgent(limited);
      await emu.admin.fault('POST', apiPath(limited.id, '/unpublish'), [{ kind: 'lost' }, { kind: 'status', status: 429 }]);
      await emu.admin.clearRequests();
      const again = await rt.run({ client: clientFor({ maxRetries: 1 }), ids: [limited.id], options: { unpublish: true, backup: false } });
      assert.deepEqual(again.report.results.map((r) => [r.outcome, r.reason, r.unpublished]), [['deleted', null, true]]);
      const limitedLog = requestsFor(await emu.admin.requests(), limited.id).map((e) => `${e.method} ${e.tail}`);
      assert.deepEqual(limitedLog.slice(-4), ['POST /unpublish', 'POST /unpublish', 'GET ', 'DELETE ']);
    });

    test('transient failures: retried DELETE, 5xx-then-404 counts as deleted, a timeout fails only its agent', async () => {
      await emu.admin.reset('empty');
      await emu.admin.clearFaults();
      await emu.admin.setLatency(0);
      const ids = ['qa-retry-ok', 'qa-retry-gone', 'qa-timeout', 'qa-published-meanwhile', 'qa-malformed', 'qa-after'];
      for (const id of ids) await emu.admin.createAgent({ id, name: id, trainings: [T('Retry')] });
      await emu.admin.fault('DELETE', apiPath('qa-retry-ok'), [{ kind: 'status', status: 503 }]);
      await emu.admin.fault('DELETE', apiPath('qa-retry-gone'), [
        { kind: 'status', status: 502 },
        { kind: 'status', status: 404, body: { success: false, message: 'Agent not found' } },
      ]);
      await emu.admin.fault('GET', apiPath('qa-timeout', '/trainings'), [{ kind: 'hang' }, { kind: 'hang' }]); // both attempts
      await emu.admin.fault('DELETE', apiPath('qa-published-meanwhile'), [
        { kind: 'status', status: 409, body: { success: false, message: 'Cannot delete agent while it is published. Unpublish it first.' } },
      ]);
      await emu.admin.fault('GET', apiPath('qa-malformed'), [{ kind: 'malformed' }]);
      const before = await emu.admin.state();
      await emu.admin.clearRequests();
      const out = await rt.run({ client: clientFor({ maxRetries: 1, timeoutMs: 400 }), ids, options: { unpublish: true, concurrency: 2 } });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      const got = Object.fromEntries(out.report.results.map((r) => [r.agentId, [r.outcome, r.reason, r.unpublished]]));
      assert.deepEqual(got, {
        'qa-retry-ok': ['deleted', null, false],
        // The 502 left the outcome unknown; the retry's 404 means it is gone.
        'qa-retry-gone': ['deleted', null, false],
        'qa-timeout': ['failed', 'TIMEOUT', false],
        'qa-published-meanwhile': ['skipped', 'AGENT_IS_PUBLISHED', false],
        'qa-malformed': ['failed', 'INVALID_RESPONSE', false],
        'qa-after': ['deleted', null, false],
      });
      // qa-retry-gone was really still there (the emulator only answered 404): the report is
      // what the client could know; everything else must agree with the state.
      const rest = { ...out.report, deleted: out.report.deleted - 1, results: out.report.results.filter((r) => r.agentId !== 'qa-retry-gone') };
      checkReport(rest, ids.filter((id) => id !== 'qa-retry-gone'), before, afterState);
      const log = await emu.admin.requests();
      assert.equal(requestsFor(log, 'qa-timeout').some((e) => e.method === 'DELETE'), false, 'no DELETE without a backup');
      assert.equal(requestsFor(log, 'qa-published-meanwhile').some((e) => e.method === 'POST'), false, 'nothing to restore');
    });

    test('backup: false deletes without reading trainings and reports backup null', async () => {
      const before = await buildScenario(emu, ['draftA', 'pub']);
      const ids = [FIXTURES.draftA.agent.id, FIXTURES.pub.agent.id];
      const out = await rt.run({ client: clientFor(), ids, options: { backup: false, unpublish: true } });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      checkReport(out.report, ids, before, await emu.admin.state());
      assert.deepEqual(out.report.results.map((r) => [r.outcome, r.backup]), [['deleted', null], ['deleted', null]]);
      const log = await emu.admin.requests();
      assert.equal(log.some((e) => e.path.endsWith('/trainings')), false, 'no trainings request');
      assert.deepEqual(stepsOf(out.events, FIXTURES.draftA.agent.id), ['read', 'delete', 'done']);
    });

    for (const unpublish of [true, false]) {
      test(`dry run (unpublish: ${unpublish}): only GETs, state unchanged, planned counts`, async () => {
        const names = ['draftA', 'draftB', 'pub', 'pubCalls', 'draftCalls', 'draftOdd'];
        const before = await buildScenario(emu, names, { faults: false });
        const ids = [...names.map((n) => FIXTURES[n].agent.id), MISSING, FIXTURES.draftA.agent.id];
        const out = await rt.run({ client: clientFor(), ids, options: { dryRun: true, unpublish } });
        assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
        const afterState = await emu.admin.state();
        assert.deepEqual(afterState, before, 'state unchanged');
        const log = await emu.admin.requests();
        assert.ok(log.length > 0);
        assert.deepEqual(log.filter((e) => e.method !== 'GET'), [], 'no mutating request');
        checkReport(out.report, ids, before, afterState);
        checkEvents(out.events, ids);
        // A dry run reads each agent and counts its active calls: it plans exactly what a real
        // run would do, and reports the skips a real run would make.
        const want = {
          'qa-draft-a': ['planned', null],
          'qa-draft-b': ['planned', null],
          'qa-pub': unpublish ? ['planned', 'UNPUBLISH_FIRST'] : ['skipped', 'AGENT_IS_PUBLISHED'],
          'qa-pub-calls': unpublish ? ['skipped', 'AGENT_HAS_ACTIVE_CALLS'] : ['skipped', 'AGENT_IS_PUBLISHED'],
          'qa-draft-calls': ['skipped', 'AGENT_HAS_ACTIVE_CALLS'],
          [FIXTURES.draftOdd.agent.id]: ['planned', null],
          [MISSING]: ['skipped', 'AGENT_NOT_FOUND'],
        };
        assert.deepEqual(Object.fromEntries(out.report.results.map((r) => [r.agentId, [r.outcome, r.reason]])), want);
        for (const r of out.report.results) {
          assert.equal(r.unpublished, false);
          assert.equal(r.backup, null, 'a dry run keeps no backup');
          if (r.outcome === 'planned') assert.equal(r.error, null);
          if (r.reason === 'AGENT_HAS_ACTIVE_CALLS') assert.equal(r.error?.code, 'AGENT_HAS_ACTIVE_CALLS', 'a busy agent carries its error');
          const steps = stepsOf(out.events, r.agentId);
          if (r.agentId === MISSING || r.reason === 'AGENT_IS_PUBLISHED') assert.deepEqual(steps, ['read', 'done'], r.agentId);
          else assert.deepEqual(steps, ['read', 'check-calls', 'done'], r.agentId);
          if (steps.includes('check-calls')) {
            const counted = requestsFor(log, r.agentId).filter((e) => e.tail === '/calls');
            assert.ok(counted.length >= 1, `${r.agentId}: active calls counted`);
          }
        }
        assert.equal(out.report.planned, unpublish ? 4 : 3);
        assert.equal(out.report.skipped, unpublish ? 3 : 4);
        assert.equal(out.report.deleted, 0);
        assert.equal(out.report.failed, 0);
      });
    }

    test('abort from onProgress after 3 done (concurrency 1): the rest are skipped ABORTED', async () => {
      const ids = await buildDrafts(emu, 8);
      const before = await emu.admin.state();
      await emu.admin.clearRequests();
      const out = await rt.run({ client: clientFor(), ids, options: { concurrency: 1 }, abortAfterDone: 3 });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      assert.deepEqual(out.report.results.map((r) => r.outcome), [...Array(3).fill('deleted'), ...Array(5).fill('skipped')]);
      for (const r of out.report.results.slice(3)) {
        assert.equal(r.reason, 'ABORTED');
        assert.equal(r.backup, null);
        assert.deepEqual(stepsOf(out.events, r.agentId), ['done'], 'nothing was started for it');
      }
      assert.equal(afterState.agents.length, 5);
      const log = await emu.admin.requests();
      assert.deepEqual([...new Set(log.map((e) => parseLogged(e).id))], ids.slice(0, 3), 'no request for agents not started');
    });

    test('abort while agents are in flight (concurrency 3, latency): results complete, nothing new started', async () => {
      const ids = await buildDrafts(emu, 12);
      await emu.admin.setLatency(15);
      const before = await emu.admin.state();
      await emu.admin.clearRequests();
      const out = await rt.run({ client: clientFor(), ids, options: { concurrency: 3 }, abortAfterDone: 4 });
      await emu.admin.setLatency(0);
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      // Let any request the emulator was still holding finish before reading the state.
      await new Promise((r) => setTimeout(r, 100));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      const outcomes = out.report.results.map((r) => `${r.outcome}:${r.reason}`);
      assert.ok(out.report.deleted >= 4, outcomes.join(' '));
      assert.ok(out.report.skipped >= 1, outcomes.join(' '));
      const log = await emu.admin.requests();
      let notStarted = 0;
      for (const r of out.report.results) {
        if (r.outcome !== 'deleted') {
          assert.deepEqual([r.outcome, r.reason], ['skipped', 'ABORTED'], r.agentId);
          assert.equal(r.unpublished, false);
        }
        if (r.outcome === 'skipped' && r.error === null) {
          notStarted += 1;
          assert.deepEqual(stepsOf(out.events, r.agentId), ['done'], `${r.agentId} was not started`);
          assert.deepEqual(requestsFor(log, r.agentId), [], `no request for ${r.agentId}`);
        }
        if (r.outcome === 'skipped' && r.error !== null) {
          // Interrupted mid-way: its request was aborted.
          assert.equal(r.error.code, 'ABORTED', r.agentId);
          assert.ok(stepsOf(out.events, r.agentId).length > 1, `${r.agentId} had started`);
        }
      }
      assert.ok(notStarted >= 1, 'some agents were never started');
    });

    test(
      'abort while a DELETE is on the wire: the result must match what happened to the agent',
      async () => {
        // slow: the server deletes it at once, but the response reaches the client 300 ms late.
        // fast: its read is held 100 ms by the emulator, then it finishes, and its 'done' event
        // aborts while slow's DELETE response is still on the way.
        const ids = await buildDrafts(emu, 4, 'qa-inflight');
        const [slow, fast] = ids;
        await emu.admin.fault('GET', apiPath(fast), [{ kind: 'pass', delay_ms: 100 }]);
        const before = await emu.admin.state();
        await emu.admin.clearRequests();
        const out = await rt.run({
          client: clientFor(),
          ids,
          options: { concurrency: 2 },
          abortAfterDone: 1,
          delayResponse: { method: 'DELETE', urlPart: `/agents/${slow}`, ms: 300 },
        });
        assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
        const afterState = await emu.admin.state();
        const log = await emu.admin.requests();
        const slowDelete = requestsFor(log, slow).find((e) => e.method === 'DELETE');
        assert.equal(slowDelete?.status, 200, 'precondition: the server deleted slow');
        assert.equal(out.report.results.find((r) => r.agentId === fast).outcome, 'deleted');
        if (process.env.QA_DEBUG) console.log(JSON.stringify(out.report.results.map((r) => [r.agentId, r.outcome, r.reason])), JSON.stringify(log.map((e) => [e.method, e.path, e.status, e.started_us, e.finished_us])), afterState.agents.map((a) => a.id));
        // "abort stops new work": the agent in its DELETE must not be reported as failed while
        // the server deleted it (either let the DELETE finish, or find out what happened).
        checkReport(out.report, ids, before, afterState);
      },
    );

    test('abort right before the DELETE of an agent this run unpublished: reported unpublished, state agrees', async () => {
      const before = await buildScenario(emu, ['pub', 'draftA', 'draftB'], { faults: false });
      const ids = [FIXTURES.pub.agent.id, FIXTURES.draftA.agent.id, FIXTURES.draftB.agent.id];
      const out = await rt.run({
        client: clientFor(),
        ids,
        options: { unpublish: true, concurrency: 1 },
        abortAt: { agentId: FIXTURES.pub.agent.id, step: 'delete' },
      });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      checkEvents(out.events, ids);
      const [pub, a, b] = out.report.results;
      assert.deepEqual([pub.outcome, pub.reason], ['skipped', 'ABORTED']);
      assert.equal(pub.unpublished, true, 'this run unpublished it and (aborted) did not restore it');
      assert.equal(pub.error?.code, 'ABORTED');
      // Whatever the run did, the report must tell the truth about the agent's status.
      assert.equal(afterState.agents.find((x) => x.id === pub.agentId).current_status, pub.unpublished ? 'draft' : 'published');
      assert.deepEqual([a.outcome, a.reason, b.outcome, b.reason], ['skipped', 'ABORTED', 'skipped', 'ABORTED']);
      const log = await emu.admin.requests();
      assert.equal(log.some((e) => e.method === 'DELETE'), false, 'no DELETE after the abort');
    });

    test('an already aborted signal: every agent skipped ABORTED, no request at all', async () => {
      const before = await buildScenario(emu, ['draftA', 'pub'], { faults: false });
      const ids = [FIXTURES.draftA.agent.id, FIXTURES.pub.agent.id];
      const out = await rt.run({ client: clientFor(), ids, options: { unpublish: true }, preAborted: true });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      checkReport(out.report, ids, before, await emu.admin.state());
      assert.deepEqual(out.report.results.map((r) => [r.outcome, r.reason]), [['skipped', 'ABORTED'], ['skipped', 'ABORTED']]);
      assert.deepEqual(await emu.admin.requests(), []);
      assert.equal(out.report.skipped, 2);
    });

    test('concurrency 3 over 20 agents with 30 ms latency: at most 3 requests in flight, and more than 1', async () => {
      const ids = await buildDrafts(emu, 20);
      const before = await emu.admin.state();
      await emu.admin.setLatency(30);
      await emu.admin.clearRequests();
      const out = await rt.run({ client: clientFor(), ids, options: { concurrency: 3 } });
      const stats = await emu.admin.stats();
      await emu.admin.setLatency(0);
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      checkReport(out.report, ids, before, await emu.admin.state());
      checkEvents(out.events, ids);
      assert.equal(out.report.deleted, 20);
      assert.ok(stats.max_in_flight <= 3, `max_in_flight ${stats.max_in_flight}`);
      assert.ok(stats.max_in_flight >= 2, `max_in_flight ${stats.max_in_flight}`);
      assert.equal(stats.requests, 60, 'read, backup and delete per agent');
      // 60 requests of >= 30 ms each, at most 3 at a time: at least 20 rounds of 30 ms.
      assert.ok(out.ms >= 600, `took ${out.ms} ms`);
    });

    test('default concurrency is 4', async () => {
      const ids = await buildDrafts(emu, 10);
      await emu.admin.setLatency(20);
      await emu.admin.clearRequests();
      const out = await rt.run({ client: clientFor(), ids, options: {} });
      const stats = await emu.admin.stats();
      await emu.admin.setLatency(0);
      assert.equal(out.report.deleted, 10);
      assert.ok(stats.max_in_flight <= 4 && stats.max_in_flight >= 2, `max_in_flight ${stats.max_in_flight}`);
    });

    test('a throwing onProgress does not stop the cleanup', async () => {
      const before = await buildScenario(emu, ['draftA', 'draftB'], { faults: false });
      const ids = [FIXTURES.draftA.agent.id, FIXTURES.draftB.agent.id];
      const out = await rt.run({ client: clientFor(), ids, options: {}, throwInProgress: true });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      checkReport(out.report, ids, before, await emu.admin.state());
      assert.equal(out.report.deleted, 2);
    });

    test('onBackup: awaited with each backup before the agent changes; a failing one fails only its agent, nothing of it changed', async () => {
      const names = ['draftA', 'pub', 'draftB', 'pubCalls', 'failBackup', 'draftEmpty'];
      const before = await buildScenario(emu, names);
      const F = (n) => FIXTURES[n].agent.id;
      const ids = names.map(F);
      const out = await rt.run({
        client: clientFor({ maxRetries: 0 }),
        ids,
        options: { unpublish: true, concurrency: 2 },
        onBackup: { fail: [F('pub'), F('draftEmpty')], how: 'reject' },
      });
      assert.equal(out.thrown, undefined, JSON.stringify(out.thrown));
      const afterState = await emu.admin.state();
      checkReport(out.report, ids, before, afterState);
      // Called for the agents about to change, not for a skip (active calls) or a failed backup.
      assert.deepEqual(out.backups.map((b) => b.agentId).sort(), [F('draftA'), F('pub'), F('draftB'), F('draftEmpty')].sort());
      for (const b of out.backups) {
        assert.deepEqual(b.keys, ['agent', 'agentId', 'trainings'], JSON.stringify(b));
        assert.equal(b.agent, b.agentId);
        assert.deepEqual(b.trainings, (FIXTURES[names.find((n) => F(n) === b.agentId)].agent.trainings ?? []).map((t) => t.subject));
        assert.equal(b.changesBefore, 0, `nothing of ${b.agentId} changed before its onBackup`);
      }
      const result = (id) => out.report.results.find((r) => r.agentId === id);
      assert.equal(result(F('draftA')).outcome, 'deleted');
      assert.equal(result(F('draftB')).outcome, 'deleted');
      for (const id of [F('pub'), F('draftEmpty')]) {
        const r = result(id);
        assert.deepEqual([r.outcome, r.reason, r.unpublished, r.error.code, r.error.status, r.error.retryable], ['failed', 'INVALID_ARGUMENT', false, 'INVALID_ARGUMENT', null, false]);
        assert.equal(r.error.message, `onBackup failed: cannot save ${id} with [redacted]`);
        assert.ok(r.backup, 'the report still carries the backup');
        assert.deepEqual(requestsFor(await emu.admin.requests(), id).filter((e) => e.method !== 'GET'), [], `no change to ${id}`);
      }
      assert.equal(afterState.agents.find((a) => a.id === F('pub')).current_status, 'published');
      assert.equal(JSON.stringify(out).includes(emu.token), false, 'no token anywhere in the report');
      assert.deepEqual([out.report.deleted, out.report.failed, out.report.skipped], [2, 3, 1]);
    });

    test('onBackup: a synchronous throw or a thrown string fails the agent; an abort during it stops the change', async () => {
      const before = await buildScenario(emu, ['draftA', 'draftB'], { faults: false });
      const ids = [FIXTURES.draftA.agent.id, FIXTURES.draftB.agent.id];
      let out = await rt.run({ client: clientFor(), ids, options: { concurrency: 1 }, onBackup: { fail: [ids[0]], sync: true } });
      assert.equal(out.report.results[0].error.message, `onBackup failed: no space for ${ids[0]}`);
      assert.equal(out.report.results[1].outcome, 'deleted');
      checkReport(out.report, ids, before, await emu.admin.state());
      await buildScenario(emu, ['draftA'], { faults: false });
      out = await rt.run({ client: clientFor(), ids: [ids[0]], options: {}, onBackup: { fail: [ids[0]], how: 'string' } });
      assert.equal(out.report.results[0].error.message, 'onBackup failed: disk full');
      const abortBefore = await buildScenario(emu, ['draftA', 'draftB'], { faults: false });
      out = await rt.run({ client: clientFor(), ids, options: { concurrency: 1 }, onBackup: { abortIn: ids[0] } });
      checkReport(out.report, ids, abortBefore, await emu.admin.state());
      assert.deepEqual(out.report.results.map((r) => [r.outcome, r.reason]), [['skipped', 'ABORTED'], ['skipped', 'ABORTED']]);
      assert.deepEqual((await emu.admin.requests()).filter((e) => e.method !== 'GET'), [], 'no change after the abort');
    });

    test('onBackup is not called with backup: false or in a dry run', async () => {
      const ids = [FIXTURES.draftA.agent.id];
      for (const options of [{ backup: false }, { dryRun: true }]) {
        await buildScenario(emu, ['draftA'], { faults: false });
        const out = await rt.run({ client: clientFor(), ids, options, onBackup: { fail: ids } });
        assert.deepEqual(out.backups, [], JSON.stringify(options));
        assert.equal(out.report.results[0].outcome, options.dryRun ? 'planned' : 'deleted');
      }
    });

    test('bad input rejects with INVALID_ARGUMENT before any request; empty input is an empty report', async () => {
      await buildScenario(emu, ['draftA'], { faults: false });
      const cases = [
        { ids: 'qa-draft-a', options: {} },
        { ids: ['qa-draft-a', 42], options: {} },
        { ids: ['qa-draft-a', ''], options: {} },
        { ids: ['qa-draft-a', '..'], options: {} },
        { ids: ['qa-draft-a'], options: { concurrency: 0 } },
        { ids: ['qa-draft-a'], options: { concurrency: 65 } },
        { ids: ['qa-draft-a'], options: { concurrency: 1.5 } },
        { ids: ['qa-draft-a'], options: { dryRun: 'yes' } },
        { ids: ['qa-draft-a'], options: {}, onBackupValue: 'save it' },
      ];
      for (const c of cases) {
        const out = await rt.run({ client: clientFor(), ...c });
        assert.equal(out.thrown?.code, 'INVALID_ARGUMENT', JSON.stringify(c));
        assert.equal(out.thrown.isTalkoverError, true);
      }
      assert.deepEqual(await emu.admin.requests(), []);
      assert.ok(await emu.admin.agent('qa-draft-a'));
      const out = await rt.run({ client: clientFor(), ids: [], options: {} });
      assert.deepEqual(out.report, { results: [], deleted: 0, skipped: 0, failed: 0, planned: 0 });
      assert.deepEqual(out.events, []);
    });
  });
}
