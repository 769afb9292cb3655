// Starts a real talkover-emulator process on a free loopback port for one test file, and wraps
// its admin API (/__emulator). Every JS test layer uses this; see emulator/README.md.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EMULATOR_BIN = `${ROOT}target/release/talkover-emulator`;
export const DEMO_TOKEN = 'talq_demo_4f8a2c9e71b34d0a';
export const OTHER_TOKEN = 'talq_other_93b1d7e05c2a4f68';

/** Builds the emulator once (release) if the binary is missing. */
export function ensureEmulatorBuilt() {
  if (!existsSync(EMULATOR_BIN)) {
    execFileSync('cargo', ['build', '--release', '-q', '-p', 'talkover-emulator'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/**
 * Starts the emulator. Options: seed ('demo' | 'empty' | number), staticDir, latencyMs,
 * adminOrigins (loopback page origins allowed to call the admin API cross-origin, e.g. a browser
 * test runner's; without one, the admin API refuses every cross-origin request), staticCsp
 * ('strict' by default; 'off' for test pages with inline script).
 * Resolves to { url, token, otherToken, admin, stop }.
 */
export async function startEmulator({ seed = 'demo', staticDir, latencyMs, adminOrigins = [], staticCsp } = {}) {
  ensureEmulatorBuilt();
  const args = ['--port', '0', '--seed', String(seed), '--quiet'];
  if (staticDir) args.push('--static', staticDir);
  if (latencyMs) args.push('--latency-ms', String(latencyMs));
  for (const origin of adminOrigins) args.push('--admin-origin', origin);
  if (staticCsp) args.push('--static-csp', staticCsp);
  const child = spawn(EMULATOR_BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('emulator did not print its URL within 10 s')), 10_000);
    lines.on('line', (line) => {
      const m = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited early (${code})`)));
  });
  const admin = adminClient(url);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, token: DEMO_TOKEN, otherToken: OTHER_TOKEN, admin, stop, process: child };
}

/** A loopback port that was free a moment ago (for a server started later, by another process). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The admin API of an emulator at `url`. */
export function adminClient(url) {
  const call = async (method, path, body) => {
    const res = await fetch(`${url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    reset: (seed = 'demo') => call('POST', '/reset', { seed }),
    state: () => call('GET', '/state'),
    agent: async (id) => (await call('GET', '/state')).agents.find((a) => a.id === id) ?? null,
    createAgent: (fields) => call('POST', '/agents', fields),
    setActiveCalls: (id, count) => call('POST', `/agents/${encodeURIComponent(id)}/active-calls`, { count }),
    requests: async () => (await call('GET', '/requests')).requests,
    clearRequests: () => call('DELETE', '/requests'),
    stats: () => call('GET', '/stats'),
    setLatency: (ms) => call('PUT', '/latency', { ms }),
    fault: (method, path, responses) => call('POST', '/faults', { method, path, responses }),
    clearFaults: () => call('DELETE', '/faults'),
  };
}
