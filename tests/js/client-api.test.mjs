// The client's single-call API (Node) against a real talkover-emulator: listing and paging,
// reads, publish/unpublish, deletes, and the TalkoverError of every error status. Each result is
// checked against the emulator's admin state and request log.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { TalkoverClient, TalkoverError, isTalkoverError } from 'talkover-client';
import { startEmulator } from '../support/emulator.mjs';


let emu;
let client;
let state;

before(async () => {
  emu = await startEmulator({ seed: 'demo' });
});

after(async () => {
  await emu?.stop();
});

beforeEach(async () => {
  await emu.admin.reset('demo');
  await emu.admin.clearFaults();
  await emu.admin.setLatency(0);
  await emu.admin.clearRequests();
  client = new TalkoverClient({ token: emu.token, baseUrl: emu.url });
  state = await emu.admin.state();
});

const demoAgents = () => state.agents.filter((a) => a.environment === 'demo');
const byLabel = (label) => {
  const a = state.agents.find((x) => x.label === label);
  assert.ok(a, `demo data has an agent labelled ${label}`);
  return a;
};
const apiPath = (id, tail = '') => `/api/v1/agents/${encodeURIComponent(id)}${tail}`;
const lastRequest = async () => (await emu.admin.requests()).at(-1);

/** Awaits `promise`, expecting a rejection with a TalkoverError; returns the error. */
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof TalkoverError, `a TalkoverError, got ${e}`);
    assert.ok(e instanceof Error);
    assert.ok(isTalkoverError(e));
    assert.equal(e.name, 'TalkoverError');
    return e;
  }
  assert.fail('expected a rejection');
}

/** The common shape of an error that came from a response. */
async function expectHttpError(promise, { code, status, retryable, message }) {
  const e = await rejection(promise);
  const ctx = JSON.stringify({ code: e.code, status: e.status, message: e.message, retryable: e.retryable });
  assert.equal(e.code, code, ctx);
  assert.equal(e.status, status, ctx);
  assert.equal(e.retryable, retryable, ctx);
  if (message !== undefined) assert.equal(e.message, message, ctx);
  const req = await lastRequest();
  assert.equal(req.status, status, 'the emulator logged that status');
  assert.equal(e.requestId, req.request_id, 'requestId is the x-request-id of the response');
  assert.match(e.requestId, /^req_/);
  assert.equal(e.retryAfterMs, null);
  assert.equal(e.message.includes(emu.token), false, 'no token in the message');
  return e;
}

// ---------------------------------------------------------------------------------------------
describe('listAgents', () => {
  test('default page: 20 agents of the demo environment with paging meta', async () => {
    const page = await client.listAgents();
    const demo = demoAgents();
    assert.deepEqual(page.meta, { current_page: 1, per_page: 20, total: demo.length, last_page: Math.ceil(demo.length / 20) });
    assert.deepEqual(page.data.map((a) => a.id), demo.slice(0, 20).map((a) => a.id));
    const a = page.data[0];
    const s = demo[0];
    for (const k of ['name', 'label', 'direction', 'current_status', 'is_sandbox', 'is_ready_to_publish', 'created_at']) {
      assert.deepEqual(a[k], s[k], k);
    }
    assert.deepEqual(a.trainings.map((t) => t.id), s.trainings);
    assert.equal(state.agents.some((x) => x.environment === 'other'), true, 'precondition: another environment exists');
    assert.equal(page.data.some((x) => x.id.startsWith('other')), false);
  });

  test('page and perPage', async () => {
    const demo = demoAgents();
    const page = await client.listAgents({ page: 3, perPage: 5 });
    assert.deepEqual(page.meta, { current_page: 3, per_page: 5, total: demo.length, last_page: Math.ceil(demo.length / 5) });
    assert.deepEqual(page.data.map((a) => a.id), demo.slice(10, 15).map((a) => a.id));
    const q = new URLSearchParams((await lastRequest()).query);
    assert.equal(q.get('page'), '3');
    assert.equal(q.get('per_page'), '5');
    const last = await client.listAgents({ page: 8, perPage: 5 });
    assert.deepEqual(last.data.map((a) => a.id), demo.slice(35, 40).map((a) => a.id));
    const beyond = await client.listAgents({ page: 99, perPage: 5 });
    assert.deepEqual(beyond.data, []);
    assert.equal(beyond.meta.current_page, 99);
    const max = await client.listAgents({ perPage: 100 });
    assert.equal(max.data.length, demo.length);
  });

  test('filters: status, direction, search (name or label, any case), combined', async () => {
    const demo = demoAgents();
    const cases = [
      [{ status: 'published' }, (a) => a.current_status === 'published'],
      [{ status: 'draft' }, (a) => a.current_status === 'draft'],
      [{ direction: 'outbound' }, (a) => a.direction === 'outbound'],
      [{ direction: 'inbound', status: 'published' }, (a) => a.direction === 'inbound' && a.current_status === 'published'],
      [{ search: 'SUPPORT' }, (a) => `${a.name} ${a.label}`.toLowerCase().includes('support')],
      [{ search: 'front-desk' }, (a) => a.label.includes('front-desk') || a.name.toLowerCase().includes('front-desk')],
      [{ search: 'Técnico' }, (a) => a.name.toLowerCase().includes('técnico')],
      [{ search: 'a&b=c #d' }, () => false],
    ];
    for (const [query, keep] of cases) {
      const want = demo.filter(keep).map((a) => a.id);
      const page = await client.listAgents({ ...query, perPage: 100 });
      assert.deepEqual(page.data.map((a) => a.id), want, JSON.stringify(query));
      assert.equal(page.meta.total, want.length, JSON.stringify(query));
      const sent = new URLSearchParams((await lastRequest()).query);
      for (const [k, v] of Object.entries(query)) assert.equal(sent.get(k), v, `query ${k} sent as is`);
    }
    assert.ok(demo.filter((a) => a.current_status === 'published').length > 0);
  });

  test('invalid arguments are refused before anything is sent', async () => {
    const bad = [
      { perPage: 0 },
      { perPage: 101 },
      { perPage: -1 },
      { perPage: 1.5 },
      { perPage: '10' },
      { perPage: NaN },
      { page: 0 },
      { page: -2 },
      { status: 'archived' },
      { direction: 'sideways' },
      { search: 42 },
      'status=draft',
    ];
    for (const query of bad) {
      const e = await rejection(client.listAgents(query));
      assert.equal(e.code, 'INVALID_ARGUMENT', JSON.stringify(query));
      assert.equal(e.status, null);
      assert.equal(e.retryable, false);
    }
    assert.deepEqual(await emu.admin.requests(), []);
  });
});

describe('agents() iterator', () => {
  test('iterates every page and equals the demo environment in the state', async () => {
    const want = demoAgents().map((a) => a.id);
    const seen = [];
    for await (const agent of client.agents()) seen.push(agent.id);
    assert.deepEqual(seen, want);
    const pages = (await emu.admin.requests()).filter((r) => r.path === '/api/v1/agents');
    assert.equal(pages.length, Math.ceil(want.length / 20));

    const small = [];
    for await (const agent of client.agents({ perPage: 7 })) small.push(agent.id);
    assert.deepEqual(small, want);
  });

  test('with a filter, and stopping early sends no further page', async () => {
    const want = demoAgents().filter((a) => a.current_status === 'draft').map((a) => a.id);
    const seen = [];
    for await (const agent of client.agents({ status: 'draft', perPage: 4 })) seen.push(agent.id);
    assert.deepEqual(seen, want);
    await emu.admin.clearRequests();
    let n = 0;
    for await (const _ of client.agents({ perPage: 5 })) if (++n === 3) break;
    assert.equal((await emu.admin.requests()).length, 1);
  });

  test('a query is read once, own properties only: a throwing getter reads as absent, not as the caller\'s error', async () => {
    const want = demoAgents().filter((a) => a.current_status === 'draft').map((a) => a.id);
    let reads = 0;
    const query = {
      status: 'draft',
      get perPage() {
        reads += 1;
        throw new Error('a getter that throws');
      },
    };
    const seen = [];
    for await (const agent of client.agents(query)) seen.push(agent.id);
    assert.deepEqual(seen, want);
    assert.equal(reads, 1, 'read once, not once per page');
    const pages = (await emu.admin.requests()).filter((r) => r.path === '/api/v1/agents');
    assert.equal(pages.length, Math.ceil(want.length / 20), 'the default page size');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const all = [];
    for await (const agent of client.agents(proxy)) all.push(agent.id);
    assert.deepEqual(all, demoAgents().map((a) => a.id), 'a revoked Proxy reads as an empty query');
    await rejection(client.agents('draft').next());
  });

  test('an empty environment yields nothing', async () => {
    await emu.admin.reset('empty');
    const seen = [];
    for await (const agent of client.agents()) seen.push(agent);
    assert.deepEqual(seen, []);
  });
});

describe('a method without its client', () => {
  test('rejects with INVALID_ARGUMENT and sends nothing: detached, called on another object, or mapped', async () => {
    const { deleteAgent, cleanupAgents, listAgents, agents } = client;
    const id = demoAgents()[0].id;
    const attempts = [
      () => deleteAgent(id),
      () => listAgents(),
      () => cleanupAgents([id]),
      () => TalkoverClient.prototype.getAgent.call({}, id),
      () => TalkoverClient.prototype.deleteTraining.call(null, id, 'training-1'),
      () => TalkoverClient.prototype.activeCalls.call(Object.create(TalkoverClient.prototype), id),
      () => Promise.all([id].map(client.deleteAgent)),
      () => agents().next(),
    ];
    for (const attempt of attempts) {
      let promise;
      assert.doesNotThrow(() => { promise = attempt(); }, `${attempt}: no synchronous throw`);
      const error = await rejection(promise);
      assert.equal(error.code, 'INVALID_ARGUMENT', `${attempt}`);
      assert.match(error.message, /without its client/);
      assert.equal(error.status, null);
    }
    assert.deepEqual(await emu.admin.requests(), [], 'nothing was sent');
    assert.equal((await emu.admin.state()).agents.some((a) => a.id === id), true);
    assert.equal((await listAgents.call(client)).data.length > 0, true, 'bound to its client, it works');
  });
});

describe('reads', () => {
  test('getAgent returns the agent with its trainings', async () => {
    const s = byLabel('support-main');
    const a = await client.getAgent(s.id);
    assert.equal(a.id, s.id);
    assert.equal(a.name, s.name);
    assert.equal(a.current_status, s.current_status);
    assert.equal(a.is_ready_to_publish, s.is_ready_to_publish);
    assert.deepEqual(a.trainings.map((t) => t.id), s.trainings);
  });

  test('ids that need percent-encoding reach the right agent', async () => {
    for (const id of ['odd/id?#1', 'odd id 100%/ção#2']) {
      const a = await client.getAgent(id);
      assert.equal(a.id, id);
      const req = await lastRequest();
      assert.equal(req.path, apiPath(id));
      assert.equal(req.query, null);
      const trainings = await client.listTrainings(id);
      assert.deepEqual(trainings.map((t) => t.id), state.agents.find((x) => x.id === id).trainings);
    }
  });

  test('listTrainings returns the trainings of the state', async () => {
    const s = byLabel('front-desk');
    const list = await client.listTrainings(s.id);
    assert.ok(Array.isArray(list));
    assert.deepEqual(list.map((t) => t.id), s.trainings);
    for (const t of list) {
      assert.equal(typeof t.subject, 'string');
      assert.equal(typeof t.instructions, 'string');
      assert.ok(['active', 'inactive'].includes(t.current_status));
    }
    assert.deepEqual(await client.listTrainings(byLabel('billing').id), []);
  });

  test('bad ids are refused before anything is sent', async () => {
    for (const id of ['', '.', '..', 42, null, undefined]) {
      const e = await rejection(client.getAgent(id));
      assert.equal(e.code, 'INVALID_ARGUMENT', String(id));
    }
    assert.deepEqual(await emu.admin.requests(), []);
  });
});

describe('publish and unpublish', () => {
  test('unpublishAgent then publishAgent: summaries and state', async () => {
    const s = byLabel('support-main');
    const down = await client.unpublishAgent(s.id);
    assert.equal(down.id, s.id);
    assert.equal(down.current_status, 'draft');
    assert.equal(typeof down.updated_at, 'string');
    assert.equal((await emu.admin.agent(s.id)).current_status, 'draft');
    assert.deepEqual([(await lastRequest()).method, (await lastRequest()).path], ['POST', apiPath(s.id, '/unpublish')]);
    const up = await client.publishAgent(s.id);
    assert.equal(up.current_status, 'published');
    assert.equal(up.is_ready_to_publish, true);
    assert.equal((await emu.admin.agent(s.id)).current_status, 'published');
    // Both are idempotent on the API side.
    assert.equal((await client.publishAgent(s.id)).current_status, 'published');
  });

  test('publishing an agent that is not ready is a 422 VALIDATION_ERROR', async () => {
    const s = byLabel('billing');
    const e = await expectHttpError(client.publishAgent(s.id), {
      code: 'VALIDATION_ERROR',
      status: 422,
      retryable: false,
      message: 'Agent is not ready to publish.',
    });
    assert.deepEqual(e.details, { success: false, message: 'Agent is not ready to publish.' });
    assert.equal((await emu.admin.agent(s.id)).current_status, 'draft');
  });
});

describe('deleteTraining', () => {
  test('without republish: the training is gone and a published agent stays draft', async () => {
    const s = byLabel('support-main');
    assert.equal(s.current_status, 'published');
    const [gone, ...rest] = s.trainings;
    const r = await client.deleteTraining(s.id, gone);
    const req = await lastRequest();
    assert.deepEqual([req.method, req.path], ['DELETE', apiPath(s.id, `/trainings/${gone}`)]);
    assert.equal(r.success, true);
    assert.equal(r.message, 'Agent training deleted successfully');
    assert.equal(r.alreadyDeleted, false);
    assert.equal(r.requestId, req.request_id);
    assert.equal('republished' in r, false);
    const now = await emu.admin.agent(s.id);
    assert.deepEqual(now.trainings, rest);
    assert.equal(now.current_status, 'draft');
  });

  test('with republish: a published agent is published again (republished: true)', async () => {
    const s = byLabel('support-main');
    const [gone, ...rest] = s.trainings;
    const r = await client.deleteTraining(s.id, gone, { republish: true });
    assert.equal(r.success, true);
    assert.equal(r.alreadyDeleted, false);
    assert.equal(r.republished, true);
    assert.equal(r.republishError, null);
    const now = await emu.admin.agent(s.id);
    assert.deepEqual(now.trainings, rest);
    assert.equal(now.current_status, 'published');
    const log = await emu.admin.requests();
    assert.deepEqual(
      log.map((e) => `${e.method} ${e.path}`),
      [`GET ${apiPath(s.id)}`, `DELETE ${apiPath(s.id, `/trainings/${gone}`)}`, `POST ${apiPath(s.id, '/publish')}`],
    );
    assert.equal(r.requestId, log[1].request_id, 'requestId of the DELETE, not of the publish');
  });

  test('with republish on a draft: not published (republished: false)', async () => {
    const s = byLabel('front-desk');
    assert.equal(s.current_status, 'draft');
    const r = await client.deleteTraining(s.id, s.trainings[0], { republish: true });
    assert.equal(r.republished, false);
    assert.equal(r.republishError, null);
    assert.equal((await emu.admin.agent(s.id)).current_status, 'draft');
    assert.equal((await emu.admin.requests()).some((e) => e.method === 'POST'), false);
  });

  test('with republish, a failed publish is reported, not thrown', async () => {
    // Published but not ready: the training goes, publishing again is refused (422).
    const s = byLabel('nps-survey');
    assert.equal(s.current_status, 'published');
    assert.equal(s.is_ready_to_publish, false);
    const r = await client.deleteTraining(s.id, s.trainings[0], { republish: true });
    assert.equal(r.success, true);
    assert.equal(r.republished, false);
    assert.ok(r.republishError instanceof TalkoverError);
    assert.equal(r.republishError.code, 'VALIDATION_ERROR');
    assert.equal((await emu.admin.agent(s.id)).current_status, 'draft');
  });

  test('404s: unknown training is TRAINING_NOT_FOUND, unknown agent is AGENT_NOT_FOUND', async () => {
    const s = byLabel('support-main');
    await expectHttpError(client.deleteTraining(s.id, 'no-such-training'), {
      code: 'TRAINING_NOT_FOUND',
      status: 404,
      retryable: false,
      message: 'Training not found',
    });
    await expectHttpError(client.deleteTraining('no-such-agent', s.trainings[0]), {
      code: 'AGENT_NOT_FOUND',
      status: 404,
      retryable: false,
      message: 'Agent not found',
    });
    assert.deepEqual((await emu.admin.agent(s.id)).trainings, s.trainings);
  });
});

describe('deleteAgent', () => {
  test('success: message, alreadyDeleted false, requestId from x-request-id; the agent is gone', async () => {
    const s = byLabel('appointments');
    const r = await client.deleteAgent(s.id);
    const req = await lastRequest();
    assert.deepEqual([req.method, req.path, req.status], ['DELETE', apiPath(s.id), 200]);
    assert.deepEqual(r, { success: true, message: 'Agent deleted successfully', alreadyDeleted: false, requestId: req.request_id });
    assert.equal(await emu.admin.agent(s.id), null);
  });

  test('an odd id is deleted through its encoded path', async () => {
    const r = await client.deleteAgent('odd id 100%/ção#2');
    assert.equal(r.success, true);
    assert.equal(await emu.admin.agent('odd id 100%/ção#2'), null);
    assert.ok(await emu.admin.agent('odd/id?#1'));
  });

  test('a 5xx, then 404 on the retry: resolves alreadyDeleted: true', async () => {
    const s = byLabel('appointments');
    await emu.admin.fault('DELETE', apiPath(s.id), [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 404, body: { success: false, message: 'Agent not found' } },
    ]);
    const r = await client.deleteAgent(s.id);
    const log = await emu.admin.requests();
    assert.deepEqual(log.map((e) => e.status), [503, 404]);
    assert.equal(r.success, true);
    assert.equal(r.alreadyDeleted, true);
    assert.equal(r.requestId, log[1].request_id);
  });

  test('a 404 on the first attempt is AGENT_NOT_FOUND', async () => {
    await expectHttpError(client.deleteAgent('no-such-agent'), {
      code: 'AGENT_NOT_FOUND',
      status: 404,
      retryable: false,
      message: 'Agent not found',
    });
    assert.equal((await emu.admin.requests()).length, 1);
  });
});

describe('errors', () => {
  test('401 with a well-formed but unknown token: INVALID_TOKEN', async () => {
    const bad = new TalkoverClient({ token: 'talq_unknown_0000000000', baseUrl: emu.url });
    const e = await expectHttpError(bad.getAgent(byLabel('support-main').id), {
      code: 'INVALID_TOKEN',
      status: 401,
      retryable: false,
      message: 'Unauthenticated.',
    });
    assert.deepEqual(e.details, { success: false, message: 'Unauthenticated.' });
    assert.equal(e.message.includes('talq_unknown'), false);
    await expectHttpError(bad.listAgents(), { code: 'INVALID_TOKEN', status: 401, retryable: false });
    await expectHttpError(bad.deleteAgent(byLabel('appointments').id), { code: 'INVALID_TOKEN', status: 401, retryable: false });
    assert.ok(await emu.admin.agent(byLabel('appointments').id));
  });

  test('403 for an agent of the other environment: UNAUTHORIZED, and nothing changes', async () => {
    const other = byLabel('other-draft');
    assert.equal(other.environment, 'other');
    for (const call of [
      () => client.getAgent(other.id),
      () => client.deleteAgent(other.id),
      () => client.publishAgent(other.id),
      () => client.unpublishAgent(other.id),
    ]) {
      const e = await expectHttpError(call(), {
        code: 'UNAUTHORIZED',
        status: 403,
        retryable: false,
        message: 'You are not authorized to perform this action.',
      });
      assert.deepEqual(e.details, { success: false, message: 'You are not authorized to perform this action.' });
    }
    const list = byLabel('other-support');
    await expectHttpError(client.listTrainings(list.id), {
      code: 'UNAUTHORIZED',
      status: 403,
      retryable: false,
      message: "You are not authorized to access this agent's trainings.",
    });
    await expectHttpError(client.deleteTraining(list.id, list.trainings[0]), { code: 'UNAUTHORIZED', status: 403, retryable: false });
    assert.deepEqual(await emu.admin.agent(other.id), other);
    assert.deepEqual(await emu.admin.agent(list.id), list);
  });

  test('404: getAgent and listTrainings of an unknown agent are AGENT_NOT_FOUND', async () => {
    await expectHttpError(client.getAgent('no-such-agent'), { code: 'AGENT_NOT_FOUND', status: 404, retryable: false, message: 'Agent not found' });
    await expectHttpError(client.listTrainings('no-such-agent'), { code: 'AGENT_NOT_FOUND', status: 404, retryable: false });
    await expectHttpError(client.unpublishAgent('no-such-agent'), { code: 'AGENT_NOT_FOUND', status: 404, retryable: false });
  });

  test('409: deleting a published agent is AGENT_IS_PUBLISHED', async () => {
    const s = byLabel('support-main');
    const e = await expectHttpError(client.deleteAgent(s.id), {
      code: 'AGENT_IS_PUBLISHED',
      status: 409,
      retryable: false,
      message: 'Cannot delete agent while it is published. Unpublish it first.',
    });
    assert.equal(e.details.success, false);
    assert.deepEqual(await emu.admin.agent(s.id), s);
    assert.equal((await emu.admin.requests()).length, 1, '409 is not retried');
  });

  test('409: deleting an agent with active calls is AGENT_HAS_ACTIVE_CALLS (retryable later, not retried now)', async () => {
    const s = byLabel('leads-inbound');
    assert.equal(s.current_status, 'draft');
    assert.ok(s.active_calls > 0);
    await expectHttpError(client.deleteAgent(s.id), {
      code: 'AGENT_HAS_ACTIVE_CALLS',
      status: 409,
      retryable: true,
      message: 'Cannot delete agent while it has active calls.',
    });
    assert.ok(await emu.admin.agent(s.id));
    assert.equal((await emu.admin.requests()).length, 1);
    // Once the calls end, the same delete works.
    await emu.admin.setActiveCalls(s.id, 0);
    assert.equal((await client.deleteAgent(s.id)).success, true);
  });

  test('422 with Laravel errors: VALIDATION_ERROR with the body in details', async () => {
    const body = { success: false, message: 'The given data was invalid.', errors: { per_page: ['The per page must be between 1 and 100.'] } };
    await emu.admin.fault('GET', '/api/v1/agents', [{ kind: 'status', status: 422, body }]);
    const e = await expectHttpError(client.listAgents(), {
      code: 'VALIDATION_ERROR',
      status: 422,
      retryable: false,
      message: 'The given data was invalid.',
    });
    assert.deepEqual(e.details, body);
  });

  test('500 (fault) with maxRetries 0: SERVER_ERROR, retryable, details, one request', async () => {
    const s = byLabel('support-main');
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'status', status: 500 }]);
    const e = await expectHttpError(once.getAgent(s.id), {
      code: 'SERVER_ERROR',
      status: 500,
      retryable: true,
      message: 'Internal server error.',
    });
    assert.deepEqual(e.details, { success: false, message: 'Internal server error.' });
    assert.equal((await emu.admin.requests()).length, 1);
  });

  test('500 on DELETE with maxRetries 0: SERVER_ERROR and the agent is still there', async () => {
    const s = byLabel('appointments');
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('DELETE', apiPath(s.id), [{ kind: 'status', status: 500 }]);
    await expectHttpError(once.deleteAgent(s.id), { code: 'SERVER_ERROR', status: 500, retryable: true });
    assert.ok(await emu.admin.agent(s.id));
  });

  test('a 500 then success is retried by default', async () => {
    const s = byLabel('support-main');
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'status', status: 500 }]);
    const a = await client.getAgent(s.id);
    assert.equal(a.id, s.id);
    assert.deepEqual((await emu.admin.requests()).map((e) => e.status), [500, 200]);
  });

  test('HTML 502 from a proxy: SERVER_ERROR with details null', async () => {
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('GET', '/api/v1/agents', [{ kind: 'html', status: 502 }]);
    const e = await expectHttpError(once.listAgents(), { code: 'SERVER_ERROR', status: 502, retryable: true });
    assert.equal(e.details, null);
    assert.equal(e.message.includes('<html'), false, e.message);
  });

  test('429 with Retry-After: RATE_LIMITED with retryAfterMs', async () => {
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('GET', '/api/v1/agents', [{ kind: 'status', status: 429, headers: { 'retry-after': '7' } }]);
    const e = await rejection(once.listAgents());
    assert.equal(e.code, 'RATE_LIMITED');
    assert.equal(e.status, 429);
    assert.equal(e.retryable, true);
    assert.equal(e.retryAfterMs, 7000);
    assert.equal(e.requestId, (await lastRequest()).request_id);
  });

  test('a 2xx with a body that is not the documented JSON: INVALID_RESPONSE', async () => {
    const s = byLabel('support-main');
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'malformed' }]);
    const e = await rejection(once.getAgent(s.id));
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.equal(e.status, 200);
    assert.equal(e.requestId, (await lastRequest()).request_id);
  });

  test('an aborted signal: ABORTED, whatever the reason, and nothing is sent', async () => {
    const s = byLabel('appointments');
    for (const reason of [undefined, 'string reason', new Error('error reason'), 42]) {
      const controller = new AbortController();
      controller.abort(reason);
      const e = await rejection(client.deleteAgent(s.id, { signal: controller.signal }));
      assert.equal(e.code, 'ABORTED');
      assert.equal(e.status, null);
    }
    assert.deepEqual(await emu.admin.requests(), []);
    assert.ok(await emu.admin.agent(s.id));
  });

  test('aborting while the request is held: ABORTED', async () => {
    const s = byLabel('support-main');
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'pass', delay_ms: 2000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort('enough'), 100);
    const started = Date.now();
    const e = await rejection(client.getAgent(s.id, { signal: controller.signal }));
    assert.equal(e.code, 'ABORTED');
    assert.ok(Date.now() - started < 1500, 'did not wait for the response');
  });

  test('a response that never comes: TIMEOUT after timeoutMs', async () => {
    const s = byLabel('support-main');
    const quick = new TalkoverClient({ token: emu.token, baseUrl: emu.url, timeoutMs: 200, maxRetries: 0 });
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'hang' }]);
    const started = Date.now();
    const e = await rejection(quick.getAgent(s.id));
    assert.equal(e.code, 'TIMEOUT');
    assert.equal(e.status, null);
    assert.equal(e.retryable, true);
    assert.ok(Date.now() - started < 1500);
  });

  test('a connection dropped mid-body: NETWORK_ERROR', async () => {
    const s = byLabel('support-main');
    const once = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    await emu.admin.fault('GET', apiPath(s.id), [{ kind: 'close' }]);
    const e = await rejection(once.getAgent(s.id));
    assert.ok(['NETWORK_ERROR', 'INVALID_RESPONSE'].includes(e.code), e.code);
    assert.equal(e.retryable, e.code === 'NETWORK_ERROR');
  });

  test('constructor refuses bad options with INVALID_ARGUMENT', () => {
    for (const options of [
      undefined,
      {},
      { token: '' },
      { token: emu.token, baseUrl: 'not a url' },
      { token: emu.token, baseUrl: emu.url, maxRetries: -1 },
      { token: emu.token, baseUrl: emu.url, maxRetries: 11 },
      { token: emu.token, baseUrl: emu.url, timeoutMs: 0 },
    ]) {
      assert.throws(
        () => new TalkoverClient(options),
        (e) => e instanceof TalkoverError && e.code === 'INVALID_ARGUMENT' && !e.message.includes(emu.token),
        JSON.stringify(options),
      );
    }
  });
});
