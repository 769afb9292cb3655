// Throwaway user projects for the bundler tests: each is a folder of this consumer project
// with its own package.json, the app in src/ (app/*.js and the shared scenario), and
// node_modules pointing at the consumer's, where the installed tarball lives. The bundlers are
// the repository's devDependencies, linked in (with their bins), so `npx <tool>` finds them
// locally and never downloads (npm_config_yes=false makes a miss fail instead).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './support.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const TOOLS = ['vite', 'webpack', 'webpack-cli', 'rollup', '@rollup/plugin-node-resolve', 'esbuild'];
const BINS = ['vite', 'webpack', 'rollup', 'esbuild'];

function link(target, path) {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/** Links the bundlers into the consumer's node_modules (idempotent). */
export function linkTools() {
  for (const tool of TOOLS) link(join(ROOT, 'node_modules', tool), join(here, 'node_modules', tool));
  for (const bin of BINS) link(join(ROOT, 'node_modules', '.bin', bin), join(here, 'node_modules', '.bin', bin));
}

/**
 * A fresh project folder named `name` holding the app and `files` ({ path: text }). With
 * `project: false` it is a plain folder of the consumer project instead (no package.json, no
 * node_modules link), for a dev server that serves only files inside its project.
 */
export function makeApp(name, files = {}, { project = true } = {}) {
  const dir = join(here, 'apps', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const f of readdirSync(join(here, 'app'))) cpSync(join(here, 'app', f), join(dir, 'src', f));
  cpSync(join(here, 'scenario.mjs'), join(dir, 'src', 'scenario.mjs'));
  if (project) {
    symlinkSync(join(here, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }));
  }
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

/** Runs a README shell block in `dir`, line by line, stopping at the first failure. */
export function shell(dir, script) {
  const env = { ...process.env, npm_config_yes: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };
  const r = spawnSync('sh', ['-e', '-c', script], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script}\nexited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
