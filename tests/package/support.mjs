// Reaches the repository's test support from the throwaway consumer project.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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
