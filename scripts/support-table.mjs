// Checks the README's support table against the package layer's run (the passed tests that
// tests/support/record-passes.mjs wrote to build/package-passes.jsonl): every row names a test
// that passed in this run, every runtime or bundler test has a row, and the Node.js version
// the table names is the one that ran. Exits 1 with the differences otherwise.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Test files whose every test is one runtime or bundler, so each needs its own row. */
const ONE_ROW_PER_TEST = ['bundlers.test.mjs', 'runtimes.test.mjs'];

function tableRows(readme) {
  const table = readme.split('<!-- support-table -->')[1]?.split('<!-- /support-table -->')[0] ?? '';
  return table.split('\n').filter(Boolean).slice(2).map((line) => {
    const m = line.match(/^\| (.+?) \| .+? \| `([\w.-]+)`: (.+) \|$/);
    return m ? { where: m[1], file: m[2], name: m[3] } : { bad: line };
  });
}

const readme = readFileSync(`${root}README.md`, 'utf8');
const passes = readFileSync(`${root}build/package-passes.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const key = (t) => `${t.file}: ${t.name}`;
const passed = new Set(passes.map(key));
const rows = tableRows(readme);
const listed = new Set(rows.map(key));
const problems = [
  ...(rows.length ? [] : ['the README has no support table']),
  ...rows.filter((r) => r.bad).map((r) => `not a table row: ${r.bad}`),
  ...rows.filter((r) => !r.bad && !passed.has(key(r))).map((r) => `row "${r.where}" names a test that did not pass: ${key(r)}`),
  ...passes.filter((t) => ONE_ROW_PER_TEST.includes(t.file) && !listed.has(key(t))).map((t) => `no row for ${key(t)}`),
  ...rows.filter((r) => /^Node\.js \d+/.test(r.where) && !r.where.startsWith(`Node.js ${process.versions.node.split('.')[0]},`)).map((r) => `row "${r.where}" but this is Node.js ${process.version}`),
];
for (const p of problems) console.log(`support table: ${p}`);
console.log(`support table: ${rows.length} rows, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
