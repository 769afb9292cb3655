// The `talkover` command line (issue 13, design.md section 7) as a user runs it: the built
// dist/cli.mjs in real processes against a real emulator, under a pipe and under a pseudo-terminal
// (util-linux `script`). Every output and file any test sees is kept, and the last test checks
// that none of them holds the token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startEmulator } from '../support/emulator.mjs';
import { HOSTILE_TOKENS, leakedForm, startHostile } from '../support/hostile.mjs';

const CLI = join(ROOT, 'dist', 'cli.mjs');
const seen = []; // every stdout, stderr and file content, for the token check
let emu;
let dir;

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.mjs is built (npm run build)');
  emu = await startEmulator({ seed: 'empty' });
  dir = mkdtempSync(join(tmpdir(), 'talkover-cli-'));
});
after(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the command; resolves { code, stdout, stderr }. `onStderr` sees stderr as it comes. */
function talkover(args, { env = {}, input, onSpawn, pty = false } = {}) {
  const environment = { ...process.env, TALKOVER_TOKEN: emu.token, TALKOVER_BASE_URL: emu.url, ...env };
  for (const [k, v] of Object.entries(environment)) if (v === undefined) delete environment[k];
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = pty
    ? spawn('script', ['-qec', quoted, '/dev/null'], { env: environment })
    : spawn(process.execPath, [CLI, ...args], { env: environment, cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (input !== undefined) child.stdin.end(input);
  else if (!pty) child.stdin.end();
  onSpawn?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      seen.push(stdout, stderr);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

const read = (path) => {
  const text = readFileSync(path, 'utf8');
  seen.push(text);
  return text;
};
const lines = (path) => read(path).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const T = (subject) => ({ subject, instructions: `About ${subject}.` });
const agentPath = (id) => `/api/v1/agents/${encodeURIComponent(id)}`;
const touched = (log, id) => log.filter((e) => e.path === agentPath(id) || e.path.startsWith(`${agentPath(id)}/`));

async function fresh(agents) {
  await emu.admin.reset('empty');
  await emu.admin.clearFaults();
  await emu.admin.setLatency(0);
  for (const a of agents) await emu.admin.createAgent(a);
  await emu.admin.clearRequests();
}

const drafts = (prefix, n) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${String(i).padStart(2, '0')}`, name: `${prefix} ${i}`, trainings: [T(`t${i}`)] }));

test('--help for every command (exit 0), and a bare `talkover` prints the overview (exit 2)', async () => {
  for (const cmd of ['agents', 'cleanup', 'delete-agent', 'delete-training']) {
    const r = await talkover([cmd, '--help'], { env: { TALKOVER_TOKEN: undefined } });
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`^talkover ${cmd} `), cmd);
  }
  const main = await talkover(['--help']);
  assert.equal(main.code, 0);
  for (const cmd of ['agents', 'cleanup', 'delete-agent', 'delete-training']) assert.ok(main.stdout.includes(cmd));
  assert.equal((await talkover([])).code, 2);
});

test('usage and configuration errors exit 2 with a one-line reason, before any request', async () => {
  await fresh([{ id: 'keep-1', name: 'Keep' }]);
  const cases = [
    [['agents'], { TALKOVER_TOKEN: undefined }, /TALKOVER_TOKEN is not set/],
    [['cleanup', 'keep-1', '--yes'], { TALKOVER_TOKEN: '' }, /TALKOVER_TOKEN is not set/],
    [['agents', '--token', 'talq_x'], {}, /Unknown option '--token'/],
    [['agents', '--bogus'], {}, /Unknown option '--bogus'/],
    [['frobnicate'], {}, /unknown command 'frobnicate'/],
    [['constructor'], {}, /unknown command 'constructor'/],
    [['__proto__'], {}, /unknown command '__proto__'/],
    [['agents', '--status', 'archived'], {}, /--status must be draft or published/],
    [['agents', '--older-than', 'soon'], {}, /--older-than must look like/],
    [['cleanup', '--concurrency', '0', 'keep-1'], {}, /--concurrency must be an integer from 1 to 64/],
    [['cleanup', '--concurrency', '2.5', 'keep-1'], {}, /--concurrency must be/],
    [['cleanup', 'keep-1', '--status', 'draft'], {}, /ids or filters, not both/],
    [['cleanup', 'keep-1', '--no-backup', '--backup-file', 'b.ndjson'], {}, /do not go together/],
    [['cleanup', 'keep-1', '--resume', 'no-such-report.ndjson'], {}, /--resume: cannot read/],
    [['delete-agent'], {}, /expected 1 argument, got 0/],
    [['delete-training', 'keep-1'], {}, /expected 2 arguments, got 1/],
    [['agents', '--base-url', 'http://example.com'], {}, /baseUrl/],
    [['agents', '--status'], {}, /argument missing/],
    // The token pasted where a command or a flag goes is not echoed.
    [[emu.token], {}, /unknown command '\[redacted\]'/],
    [['agents', `--${emu.token}`], {}, /Unknown option '--\[redacted\]'/],
  ];
  for (const [args, env, reason] of cases) {
    const r = await talkover(args, { env });
    const ctx = `${args.join(' ')} -> ${r.code} ${r.stderr}`;
    assert.equal(r.code, 2, ctx);
    assert.match(r.stderr, /^talkover: [^\n]+\n$/, `one line: ${ctx}`);
    assert.match(r.stderr, reason, ctx);
    assert.ok(!r.stderr.includes(emu.token), ctx);
    assert.equal(r.stdout, '', ctx);
  }
  assert.deepEqual(await emu.admin.requests(), [], 'nothing was sent');
  // A delete without --yes when stdin is not a terminal: refused, nothing sent.
  for (const args of [['cleanup', 'keep-1'], ['cleanup', '--status', 'draft'], ['delete-agent', 'keep-1'], ['delete-training', 'keep-1', 'x']]) {
    const r = await talkover(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^talkover: refusing to delete without --yes: stdin is not a terminal\n$/);
  }
  assert.deepEqual(await emu.admin.requests(), []);
  assert.ok(await emu.admin.agent('keep-1'));
});

test('agents: every page, the filters, the table and --json agree with the emulator', async () => {
  const old = '2025-01-01T00:00:00Z';
  const agents = [
    ...drafts('ls', 105), // more than one page of 100
    { id: 'ls-pub', name: 'Published One', current_status: 'published', created_at: old },
    { id: 'ls-sand', name: 'Sandbox One', is_sandbox: true, created_at: old, trainings: [T('a'), T('b')] },
    { id: 'ls-sand-new', name: 'Sandbox New', is_sandbox: true },
  ];
  await fresh(agents);
  const ids = async (...args) => {
    const r = await talkover(['agents', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).map((a) => a.id).sort();
  };
  assert.equal((await ids()).length, 108);
  assert.deepEqual(await ids('--status', 'published'), ['ls-pub']);
  assert.deepEqual(await ids('--sandbox'), ['ls-sand', 'ls-sand-new']);
  assert.deepEqual(await ids('--sandbox', '--older-than', '30d'), ['ls-sand']);
  assert.deepEqual(await ids('--older-than', '52w', '--status', 'draft'), ['ls-sand']);
  assert.deepEqual(await ids('--search', 'Sandbox'), ['ls-sand', 'ls-sand-new']);
  const table = await talkover(['agents', '--sandbox', '--older-than', '30d']);
  assert.equal(table.code, 0);
  const [head, row, ...rest] = table.stdout.trimEnd().split('\n');
  assert.match(head, /^NAME +ID +STATUS +SANDBOX +TRAININGS +CREATED$/);
  assert.match(row, /^Sandbox One +ls-sand +draft +yes +2 +2025-01-01$/);
  assert.deepEqual(rest, []);
  assert.equal(table.stderr, '1 agent\n');
});

test('cleanup --dry-run: the plan matches the emulator and changes nothing; --report-file holds it', async () => {
  await fresh([
    ...drafts('dry', 2),
    { id: 'dry-pub', name: 'Dry Published', current_status: 'published' },
    { id: 'dry-busy', name: 'Dry Busy', current_status: 'published', active_calls: 1 },
  ]);
  const before = await emu.admin.state();
  const report = join(dir, 'dry.ndjson');
  const r = await talkover(['cleanup', '--search', 'Dry', '--dry-run', '--unpublish', '--report-file', report]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Plan: 3 to delete, 1 skipped, 0 failed to read\.$/m);
  assert.match(r.stdout, /delete \(unpublish first\) +dry-pub +Dry Published/);
  assert.match(r.stdout, /skipped \(AGENT_HAS_ACTIVE_CALLS: [^)]*\) +dry-busy/);
  const plan = Object.fromEntries(lines(report).map((l) => [l.agentId, [l.outcome, l.reason]]));
  assert.deepEqual(plan, {
    'dry-00': ['planned', null],
    'dry-01': ['planned', null],
    'dry-pub': ['planned', 'UNPUBLISH_FIRST'],
    'dry-busy': ['skipped', 'AGENT_HAS_ACTIVE_CALLS'],
  });
  assert.deepEqual((await emu.admin.requests()).filter((e) => e.method !== 'GET'), []);
  assert.deepEqual(await emu.admin.state(), before);
  const json = await talkover(['cleanup', 'dry-00', '--dry-run', '--json']);
  assert.deepEqual(JSON.parse(json.stdout).planned, 1);
});

test('cleanup --yes: each backup line is on disk before its DELETE reaches the emulator; report, exit codes, --json', async () => {
  const agents = [...drafts('bk', 4), { id: 'bk-pub', name: 'BK Published', current_status: 'published', trainings: [T('p')] }];
  await fresh(agents);
  // Each DELETE is held 200 ms at the emulator, which logs it on arrival: a backup written after
  // the DELETE was sent (let alone answered) would be missing when the DELETE shows up.
  for (const a of agents) await emu.admin.fault('DELETE', agentPath(a.id), [{ kind: 'pass', delay_ms: 200 }]);
  const backup = join(dir, 'bk-backup.ndjson');
  const report = join(dir, 'bk-report.ndjson');
  const checked = new Set();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for (const e of (await emu.admin.requests()).filter((x) => x.method === 'DELETE')) {
        const id = decodeURIComponent(e.path.split('/').pop());
        if (checked.has(id)) continue;
        const saved = existsSync(backup) ? readFileSync(backup, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).agent.id) : [];
        assert.ok(saved.includes(id), `backup of ${id} on disk when its DELETE arrived`);
        checked.add(id);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const r = await talkover(['cleanup', '--search', 'bk', '--yes', '--unpublish', '--concurrency', '2', '--backup-file', backup, '--report-file', report]);
  watching = false;
  await watch;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([...checked].sort(), agents.map((a) => a.id).sort(), 'every DELETE was checked');
  assert.match(r.stdout, /Deleted 5, skipped 0, failed 0\./);
  const saved = lines(backup);
  assert.deepEqual(saved.map((b) => b.agent.id).sort(), agents.map((a) => a.id).sort());
  assert.deepEqual(saved.find((b) => b.agent.id === 'bk-pub').trainings.map((t) => t.subject), ['p']);
  assert.deepEqual(Object.keys(saved[0]).sort(), ['agent', 'trainings']);
  const results = lines(report);
  assert.equal(results.length, 5);
  for (const l of results) assert.deepEqual([l.outcome, l.error], ['deleted', null]);
  assert.equal(results.find((l) => l.agentId === 'bk-pub').unpublished, true);
  assert.deepEqual((await emu.admin.state()).agents, []);
  // Plain progress when stderr is not a terminal: one line per agent, no carriage returns.
  assert.equal(r.stderr.split('\n').filter((l) => /^\[\d\/5\] bk-[\w-]+ (unpublished and )?deleted$/.test(l)).length, 5);
  assert.equal(r.stderr.includes('\r'), false);

  // A failure: exit 1, the error code and message, --json is one document.
  await fresh([...drafts('fx', 2)]);
  await emu.admin.fault('DELETE', agentPath('fx-01'), [{ kind: 'status', status: 422, body: { message: `upstream said ${emu.token}` } }]);
  const failed = await talkover(['cleanup', 'fx-00', 'fx-01', '--yes', '--json', '--no-backup'], { env: {} });
  assert.equal(failed.code, 1, failed.stderr);
  const doc = JSON.parse(failed.stdout);
  assert.deepEqual([doc.deleted, doc.failed, doc.interrupted, doc.backupFile], [1, 1, false, null]);
  const bad = doc.results.find((x) => x.agentId === 'fx-01');
  assert.deepEqual([bad.outcome, bad.error.code, bad.error.status], ['failed', 'VALIDATION_ERROR', 422]);
  assert.match(failed.stderr, /^\[\d\/2\] fx-01 failed \(VALIDATION_ERROR: upstream said \[redacted\] \(HTTP 422\)\)$/m);
});

test('a report that cannot be written (a full disk) stops the run; every result still shows; exit 1', async () => {
  await fresh(drafts('full', 6));
  const r = await talkover(['cleanup', '--search', 'full', '--yes', '--no-backup', '--concurrency', '2', '--report-file', '/dev/full']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^talkover: the report could not be written \(ENOSPC[^\n]*, so the run stopped/m);
  const left = new Set((await emu.admin.state()).agents.map((a) => a.id));
  const gone = drafts('full', 6).map((a) => a.id).filter((id) => !left.has(id));
  assert.ok(gone.length >= 1 && gone.length < 6, `stopped early: ${gone}`);
  // Each deleted agent is on stderr and in the summary; the rest are skipped, nothing lost.
  for (const id of gone) assert.match(r.stderr, new RegExp(`^\\[\\d/6\\] ${id} deleted$`, 'm'));
  assert.match(r.stdout, new RegExp(`^Deleted ${gone.length}, skipped ${6 - gone.length}, failed 0\\.$`, 'm'));
});

test('Ctrl-C mid-run: exit 130, report and backup consistent; --resume finishes and touches nothing settled', async () => {
  const agents = drafts('int', 10);
  await fresh(agents);
  for (const a of agents) await emu.admin.fault('DELETE', agentPath(a.id), [{ kind: 'pass', delay_ms: 250 }]);
  const backup = join(dir, 'int-backup.ndjson');
  const report = join(dir, 'int-report.ndjson');
  const ids = agents.map((a) => a.id);
  let sent = false;
  const r = await talkover(['cleanup', ...ids, '--yes', '--concurrency', '2', '--backup-file', backup, '--report-file', report], {
    onSpawn: async (child) => {
      for (;;) {
        const deletes = (await emu.admin.requests()).filter((e) => e.method === 'DELETE').length;
        if (deletes >= 3) break;
        await new Promise((res) => setTimeout(res, 10));
      }
      sent = child.kill('SIGINT');
    },
  });
  assert.ok(sent);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /Interrupted: letting what was sent finish/);
  assert.match(r.stdout, /^Interrupted\. Deleted \d+, skipped \d+, failed 0\.$/m);
  const state = new Set((await emu.admin.state()).agents.map((a) => a.id));
  const results = lines(report);
  assert.deepEqual(results.map((l) => l.agentId).sort(), ids, 'one line per agent');
  const deleted = results.filter((l) => l.outcome === 'deleted').map((l) => l.agentId);
  assert.ok(deleted.length >= 3 && deleted.length < 10, `deleted ${deleted.length}`);
  for (const l of results) {
    assert.equal(state.has(l.agentId), l.outcome !== 'deleted', `${l.agentId} ${l.outcome} agrees with the emulator`);
    if (l.outcome !== 'deleted') assert.deepEqual([l.outcome, l.reason], ['skipped', 'ABORTED']);
  }
  const saved = lines(backup).map((b) => b.agent.id);
  for (const id of deleted) assert.ok(saved.includes(id), `backup of deleted ${id}`);
  assert.ok(read(backup).endsWith('\n'), 'complete lines only');

  await emu.admin.clearFaults();
  await emu.admin.clearRequests();
  const report2 = join(dir, 'int-report-2.ndjson');
  const again = await talkover(['cleanup', ...ids, '--yes', '--resume', report, '--backup-file', backup, '--report-file', report2]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`Resuming from .*: ${deleted.length} agent\\(s\\) already deleted, ${10 - deleted.length} to go`));
  const log = await emu.admin.requests();
  for (const id of deleted) assert.deepEqual(touched(log, id), [], `settled ${id} untouched`);
  assert.deepEqual((await emu.admin.state()).agents, []);
  const final = lines(report2);
  assert.deepEqual(final.map((l) => l.agentId).sort(), ids);
  assert.ok(final.every((l) => l.outcome === 'deleted'));
  assert.deepEqual([...new Set(lines(backup).map((b) => b.agent.id))].sort(), ids, 'the backup file covers every agent');
});

test('a terminal: the progress bar on stderr, and the confirmation prompt (n keeps, y deletes)', async () => {
  await fresh(drafts('tty', 3));
  const bar = await talkover(['cleanup', '--search', 'tty', '--yes', '--no-backup'], { pty: true });
  assert.equal(bar.code, 0, bar.stdout);
  // `script` merges the pty's stdout and stderr into its own stdout.
  assert.match(bar.stdout, /\r\x1b\[2K\[#{24}\] 3\/3 {2}deleted 3 {2}skipped 0 {2}failed 0 {2}[\d.]+\/s {2}ETA 0s/);
  assert.match(bar.stdout, /\r\x1b\[2K\[-{24}\] 0\/3 /);
  assert.equal(/\[\d\/3\] tty-/.test(bar.stdout), false, 'no plain lines on a terminal');
  assert.deepEqual((await emu.admin.state()).agents, []);

  await fresh(drafts('ask', 1));
  const no = await talkover(['delete-agent', 'ask-00'], { pty: true, input: 'n\n' });
  assert.equal(no.code, 130);
  assert.match(no.stdout, /Delete agent ask-00\? \[y\/N\]/);
  assert.match(no.stdout, /Nothing deleted\./);
  assert.ok(await emu.admin.agent('ask-00'));
  const yes = await talkover(['cleanup', 'ask-00', '--no-backup'], { pty: true, input: 'y\n' });
  assert.equal(yes.code, 0, yes.stdout);
  assert.match(yes.stdout, /Delete 1 agent\? \[y\/N\]/);
  assert.equal(await emu.admin.agent('ask-00'), null);
});

test('text from the server cannot drive the terminal: its control characters are dropped', async () => {
  const split = `${emu.token.slice(0, 6)}\x1b[0m${emu.token.slice(6)}`;
  await fresh([{ id: 'esc-1', name: `evil\x1b]52;c;aGk=\x07 \x1b[2J\r${split}`, current_status: 'draft' }]);
  for (const args of [['agents'], ['cleanup', '--search', 'evil', '--dry-run']]) {
    const r = await talkover(args);
    assert.equal(r.code, 0, r.stderr);
    for (const text of [r.stdout, r.stderr]) {
      assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `${args.join(' ')}: ${JSON.stringify(text)}`);
      assert.ok(!text.includes(emu.token), args.join(' '));
    }
    // What is left of an escape is plain text; the token it split stays split, as on screen.
    assert.match(r.stdout, /evil\]52;c;aGk= \[2Jtalq_/, args.join(' '));
  }
});

test('delete-agent and delete-training (--republish, --json) do what they say', async () => {
  await fresh([
    { id: 'one', name: 'One' },
    { id: 'pub', name: 'Pub', current_status: 'published', trainings: [{ id: 'tr-1', ...T('x') }, { id: 'tr-2', ...T('y') }] },
  ]);
  // --base-url in place of TALKOVER_BASE_URL.
  const a = await talkover(['delete-agent', 'one', '--yes', '--base-url', emu.url], { env: { TALKOVER_BASE_URL: undefined } });
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^Agent deleted successfully \[request [^\]]+\]\n$/);
  assert.equal(await emu.admin.agent('one'), null);
  const again = await talkover(['delete-agent', 'one', '--yes']);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'talkover: AGENT_NOT_FOUND: Agent not found (HTTP 404)\n');
  const t = await talkover(['delete-training', 'pub', 'tr-1', '--yes', '--republish', '--json']);
  assert.equal(t.code, 0, t.stderr);
  const result = JSON.parse(t.stdout);
  assert.deepEqual([result.success, result.republished], [true, true]);
  const pub = await emu.admin.agent('pub');
  assert.deepEqual([pub.current_status, pub.trainings], ['published', ['tr-2']]);
  const plain = await talkover(['delete-training', 'pub', 'tr-2', '-y']);
  assert.equal(plain.code, 0);
  assert.equal((await emu.admin.agent('pub')).current_status, 'draft');
});

test('against a server that echoes the token in every header and body field, no output or file holds it', async () => {
  const hostile = await startHostile();
  try {
    // Tokens whose JSON-escaped and percent-encoded forms differ from them.
    for (const [k, token] of HOSTILE_TOKENS.entries()) {
      const outputs = [];
      const at = async (mode, args) => {
        const r = await talkover(args, { env: { TALKOVER_TOKEN: token, TALKOVER_BASE_URL: `${hostile.url}/${mode}` } });
        outputs.push(r.stdout, r.stderr);
        return r;
      };
      const backup = join(dir, `echo-backup-${k}.ndjson`);
      const report = join(dir, `echo-report-${k}.ndjson`);
      assert.equal((await at('echo', ['agents'])).code, 0);
      await at('echo', ['agents', '--json']);
      await at('echo', ['cleanup', '--dry-run', '--json']);
      const run = await at('echo', ['cleanup', '--yes', '--unpublish', '--backup-file', backup, '--report-file', report]);
      assert.equal(run.code, 0, run.stderr);
      outputs.push(read(backup), read(report));
      await at('echo', ['delete-agent', 'a', '--yes', '--json']);
      await at('echo', ['delete-training', 'a', 't', '--republish', '--yes']);
      // The republish fails, echoing the token: its error line and republishError.
      await at('republish', ['delete-training', 'a', 't', '--republish', '--yes']);
      await at('republish', ['delete-training', 'a', 't', '--republish', '--yes', '--json']);
      for (const mode of ['echo401', 'echo404', 'echo422', 'echo500', 'echohtml', 'flaky']) {
        await at(mode, ['delete-agent', 'a', '--yes', '--json']);
        await at(mode, ['cleanup', 'a', 'b', '--yes', '--json']);
      }
      assert.match(outputs.join('\n'), /\[redacted\]/, 'the server echoed nothing');
      for (const text of outputs) assert.equal(leakedForm(text, token), null, `${token}: ${text.slice(0, 300)}`);
    }
  } finally {
    await hostile.stop();
  }
});

test('no token in any output, file or error of this file', () => {
  assert.ok(seen.length > 40);
  for (const text of seen) assert.equal(text.includes(emu.token), false, text.slice(0, 200));
});

// What no end-to-end run can show: the client redacts every response before the command line
// sees it, so the command line's own patterns (the JSON-escaped form of a token holding `"` or
// `\` above all) are checked here, on text that never passed through the client.
test('the output cleaner removes every form of each hostile token, the JSON-escaped one included', async () => {
  const { clean, hideToken } = await import('../../src/cli/output.mjs');
  for (const token of HOSTILE_TOKENS) {
    hideToken(token);
    const json = JSON.stringify({ token, upper: token.toUpperCase(), nested: [`Bearer ${token}`] });
    const percent = [...token].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    for (const text of [json, `${token} ${percent} ${encodeURIComponent(token)}`]) {
      const cleaned = clean(text);
      assert.equal(leakedForm(cleaned, token), null, `${token} left in ${cleaned}`);
      assert.equal(cleaned.toLowerCase().includes(percent.toLowerCase()), false, `${token} left percent-encoded in ${cleaned}`);
      assert.match(cleaned, /\[redacted\]/);
    }
  }
});
