// TypeScript: the declarations as a user meets them (package name, exports `types`), checked
// with tsc --noEmit, from an ES module and from a CommonJS (.cts) file; a deliberately wrong
// file must fail, so the check cannot pass vacuously.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from './support.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = `${here}types`;
mkdirSync(dir, { recursive: true });
writeFileSync(
  `${dir}/tsconfig.json`,
  JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], skipLibCheck: false, types: [] } }),
);

const good = `
import { TalkoverClient, TalkoverError, isTalkoverError, type ErrorCode, type DeleteResult, type CleanupReport, type Agent } from 'talkover-client';

const client = new TalkoverClient({ token: 'talq_x', baseUrl: 'http://127.0.0.1:8787', timeoutMs: 5000, maxRetries: 2, fetch: globalThis.fetch });
async function main(): Promise<void> {
  const controller = new AbortController();
  const r: DeleteResult = await client.deleteAgent('id', { signal: controller.signal });
  const ok: true = r.success;
  const again: boolean = r.alreadyDeleted;
  const t = await client.deleteTraining('a', 't', { republish: true });
  const republished: boolean | undefined = t.republished;
  const page = await client.listAgents({ page: 1, perPage: 50, status: 'draft', search: 'x' });
  const last: number = page.meta.last_page;
  for await (const agent of client.agents({ status: 'published' })) {
    const status: string = agent.current_status;
    void status;
  }
  const a: Agent = await client.getAgent('a');
  const trainings = await client.listTrainings(a.id);
  const subject: string = trainings[0].subject;
  const report: CleanupReport = await client.cleanupAgents(['a', 'b'], {
    unpublish: true, backup: true, concurrency: 4, dryRun: true, signal: controller.signal,
    onProgress: ({ agentId, step, done, total }) => void [agentId, step, done, total],
  });
  const outcome: 'deleted' | 'skipped' | 'failed' | 'planned' = report.results[0].outcome;
  void [ok, again, republished, last, subject, outcome, await client.publishAgent('a'), await client.unpublishAgent('a')];
}
try { void main(); } catch (err) {
  if (isTalkoverError(err)) {
    const code: ErrorCode = err.code;
    const status: number | null = err.status;
    const retry: number | null = err.retryAfterMs;
    void [code, status, retry, err.requestId, err.retryable, err.details, err.message];
  }
  if (err instanceof TalkoverError && err.code === 'AGENT_HAS_ACTIVE_CALLS') void err;
}
`;
const bad = `
import { TalkoverClient, type ErrorCode } from 'talkover-client';
const client = new TalkoverClient({ token: 'talq_x' });
client.deleteAgent(42);
const code: ErrorCode = 'NOT_A_CODE';
new TalkoverClient({ baseUrl: 'x' });
void code;
`;

function tsc(source) {
  writeFileSync(`${dir}/check.ts`, source);
  return spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${dir}/tsconfig.json`], { encoding: 'utf8' });
}

test('the declarations type-check a realistic use of the package', () => {
  const r = tsc(good);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('a CommonJS TypeScript file (node16, the require condition) gets CommonJS declarations', () => {
  const cjs = `${here}types-cjs`;
  mkdirSync(cjs, { recursive: true });
  const options = { strict: true, noEmit: true, target: 'es2022', module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: [] };
  writeFileSync(`${cjs}/tsconfig.json`, JSON.stringify({ compilerOptions: options, files: ['check.cts'] }));
  writeFileSync(`${cjs}/check.cts`, `import { TalkoverClient, isTalkoverError } from 'talkover-client';
const client: TalkoverClient = new TalkoverClient({ token: 'talq_x' });
void [client.deleteAgent('id'), isTalkoverError];
`);
  const r = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${cjs}/tsconfig.json`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('wrong uses are type errors', () => {
  const r = tsc(bad);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /TS2345/); // 42 is not a string
  assert.match(r.stdout, /TS2322/); // not an ErrorCode
  assert.match(r.stdout, /token/); // token is required
});
