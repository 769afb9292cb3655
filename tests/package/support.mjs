// Reaches the repository's test support from the throwaway consumer project.
import { pathToFileURL } from 'node:url';

const root = process.env.TALKOVER_ROOT;
if (!root) throw new Error('TALKOVER_ROOT is not set (run through scripts/test.mjs)');

export const ROOT = root.endsWith('/') ? root : `${root}/`;
export const { startEmulator } = await import(pathToFileURL(`${ROOT}tests/support/emulator.mjs`).href);
export const { startWorker } = await import(pathToFileURL(`${ROOT}tests/support/workerd.mjs`).href);
