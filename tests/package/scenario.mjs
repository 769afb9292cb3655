// The package scenario every runtime runs (Node ESM, Node CJS, workerd, Chromium): delete an
// agent and a training, then check the code of every documented error. Runtime-agnostic: it
// receives the package's exports and the fixture ids prepared by prepareFixtures().
export async function runScenario({ TalkoverClient, TalkoverError, isTalkoverError }, { url, token, fixtures }) {
  const client = new TalkoverClient({ token, baseUrl: url, maxRetries: 0 });
  const out = { deleted: {}, errors: {} };
  out.deleted.training = await client.deleteTraining(fixtures.agent, fixtures.training);
  out.deleted.agent = await client.deleteAgent(fixtures.agent);
  const expectError = async (name, call) => {
    try {
      await call();
      out.errors[name] = { resolved: true };
    } catch (err) {
      out.errors[name] = {
        code: err.code,
        status: err.status,
        message: err.message,
        name: err.name,
        isTalkoverError: err instanceof TalkoverError && isTalkoverError(err),
        isError: err instanceof Error,
        requestId: err.requestId,
      };
    }
  };
  const stranger = new TalkoverClient({ token: 'talq_not_a_real_token', baseUrl: url, maxRetries: 0 });
  await expectError('401', () => stranger.deleteAgent(fixtures.draft));
  await expectError('403', () => client.deleteAgent(fixtures.otherEnvironment));
  await expectError('404 agent', () => client.deleteAgent('no-such-agent'));
  await expectError('404 training', () => client.deleteTraining(fixtures.draft, 'no-such-training'));
  await expectError('409 published', () => client.deleteAgent(fixtures.published));
  await expectError('409 active calls', () => client.deleteAgent(fixtures.busy));
  await expectError('500', () => client.deleteAgent(fixtures.failing));
  await expectError('bad argument', () => client.deleteAgent(''));
  try {
    new TalkoverClient({ token: '' });
  } catch (err) {
    out.errors.constructor = { code: err.code, isTalkoverError: err instanceof TalkoverError };
  }
  return out;
}

/** Creates the fixtures through the emulator's admin API (from Node). */
export async function prepareFixtures(admin, tag) {
  const id = (name) => `${tag}-${name}`;
  const make = (name, fields = {}) => admin.createAgent({ id: id(name), name: `${tag} ${name}`, ...fields });
  await make('agent', { trainings: [{ id: id('training'), subject: 'Greeting', instructions: 'Say hello' }] });
  await make('draft');
  await make('published', { current_status: 'published', is_ready_to_publish: true });
  await make('busy', { active_calls: 2 });
  await make('failing');
  await make('other', { environment: 'other' });
  await admin.fault('DELETE', `/api/v1/agents/${id('failing')}`, [{ kind: 'status', status: 500 }]);
  return {
    agent: id('agent'),
    training: id('training'),
    draft: id('draft'),
    published: id('published'),
    busy: id('busy'),
    failing: id('failing'),
    otherEnvironment: id('other'),
  };
}

/** The assertions every runtime's result must pass. */
export function checkScenario(assert, out, fixtures) {
  assert.deepEqual(
    { ...out.deleted.training, requestId: typeof out.deleted.training.requestId },
    { success: true, message: 'Agent training deleted successfully', alreadyDeleted: false, requestId: 'string' },
  );
  assert.equal(out.deleted.agent.message, 'Agent deleted successfully');
  const expected = {
    401: ['INVALID_TOKEN', 401],
    403: ['UNAUTHORIZED', 403],
    '404 agent': ['AGENT_NOT_FOUND', 404],
    '404 training': ['TRAINING_NOT_FOUND', 404],
    '409 published': ['AGENT_IS_PUBLISHED', 409],
    '409 active calls': ['AGENT_HAS_ACTIVE_CALLS', 409],
    500: ['SERVER_ERROR', 500],
    'bad argument': ['INVALID_ARGUMENT', null],
  };
  for (const [name, [code, status]] of Object.entries(expected)) {
    const e = out.errors[name];
    assert.deepEqual([e.code, e.status, e.name, e.isTalkoverError, e.isError], [code, status, 'TalkoverError', true, true], name);
    if (status) assert.match(e.requestId, /\S/, `${name} carries the request id`);
  }
  assert.deepEqual(out.errors.constructor, { code: 'INVALID_ARGUMENT', isTalkoverError: true });
  void fixtures;
}
