// Reaches the repository's test support from the throwaway consumer project.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.TALKOVER_ROOT;
if (!root) throw new Error('TALKOVER_ROOT is not set (run through scripts/test.mjs)');

export const ROOT = root.endsWith('/') ? root : `${root}/`;
export const { startEmulator } = await import(pathToFileURL(`${ROOT}tests/support/emulator.mjs`).href);
export const { startWorker } = await import(pathToFileURL(`${ROOT}tests/support/workerd.mjs`).href);

/** The README's fenced block tagged `tag` (```js tag), dedented when it sits in a list item. */
export function readmeBlock(tag) {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const m = readme.match(new RegExp('```\\w+ ' + tag.replace(/\./g, '\\.') + '\\n([\\s\\S]*?)^ *```', 'm'));
  if (!m) throw new Error(`README has no ${tag} block`);
  const lines = m[1].split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.search(/\S/)));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Headless Debian Chromium through playwright-core (the repository's copy). */
export async function launchChromium() {
  const { createRequire } = await import('node:module');
  const { chromium } = createRequire(`${ROOT}package.json`)('playwright-core');
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

/** What the README's Node quick start prints, line by line. */
export const NODE_QUICK_START_LINES = [/^Agent training deleted successfully$/m, /^Agent deleted successfully req_\d+$/m, /^AGENT_NOT_FOUND 404 Agent not found$/m];

/**
 * Runs the README's Node quick start as written (only the emulator's address swapped in) with
 * `cmd ...args`, against a fresh demo emulator, without TALKOVER_TOKEN; resolves to its output.
 */
export async function runNodeQuickStart(cmd, args = [], env = {}) {
  const emulator = await startEmulator();
  try {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const file = `quickstart-node-${basename(cmd)}.mjs`;
    writeFileSync(`${here}${file}`, readmeBlock('quickstart-node').replaceAll('http://127.0.0.1:8787', emulator.url));
    const { TALKOVER_TOKEN, ...inherited } = process.env;
    void TALKOVER_TOKEN;
    return execFileSync(cmd, [...args, file], { cwd: here, encoding: 'utf8', env: { ...inherited, ...env } });
  } finally {
    await emulator.stop();
  }
}
