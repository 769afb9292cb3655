// A request nobody waits for any more is cancelled, its connection closed (Node): after a
// timeout or the caller's abort, waiting for headers or in the middle of a body, by both of the
// ways the Node entry sends: straight to undici's dispatcher when the global fetch is Node's own
// (cancelled through the `abort` undici hands the request: see src/js/node-exchange.js), and a
// custom fetch (through the signal). A request left running would hold its connection until
// undici's own 300 s timeouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { TalkoverClient } from 'talkover-client';

const TOKEN = 'talq_cancel_test_0123456789';

// A server that never finishes an answer: per connection, the time it closed (null while open).
// `/headers/...` gets nothing back; `/body/...` gets headers and half a body.
let server;
let port;
const sockets = new Map();
before(async () => {
  server = net.createServer((socket) => {
    const entry = { path: null, closedAt: null };
    sockets.set(socket, entry);
    socket.on('close', () => {
      entry.closedAt = performance.now();
    });
    socket.on('error', () => {});
    socket.once('data', (data) => {
      entry.path = data.toString('latin1').split(' ')[1];
      if (entry.path.startsWith('/api/v1/agents/body')) {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});
after(async () => {
  for (const socket of sockets.keys()) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** The connection that carried the request for `agentId`, once the server has read it. */
async function connectionOf(agentId) {
  for (let i = 0; i < 400; i++) {
    for (const entry of sockets.values()) if (entry.path === `/api/v1/agents/${agentId}`) return entry;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`the server never saw the request for ${agentId}`);
}

/** Resolves when the connection has closed, or fails after 3 s. */
async function closed(entry, label) {
  for (let i = 0; i < 600 && entry.closedAt === null; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.notEqual(entry.closedAt, null, `${label}: the connection is still open 3 s after the call ended`);
}

const ways = {
  'the global fetch': undefined,
  'a custom fetch': (url, init) => fetch(url, init),
};

let n = 0;
for (const [way, fetchFn] of Object.entries(ways)) {
  for (const stall of ['headers', 'body']) {
    test(`${way}: a timeout while waiting for the ${stall} closes the connection`, async () => {
      const client = new TalkoverClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 250, maxRetries: 0, fetch: fetchFn });
      const agentId = `${stall}-${++n}`;
      await assert.rejects(client.getAgent(agentId), (e) => e.code === 'TIMEOUT');
      await closed(await connectionOf(agentId), `${way}, ${stall}`);
    });

    test(`${way}: an abort while waiting for the ${stall} closes the connection`, async () => {
      const client = new TalkoverClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 60_000, maxRetries: 0, fetch: fetchFn });
      const agentId = `${stall}-${++n}`;
      const controller = new AbortController();
      const call = client.getAgent(agentId, { signal: controller.signal });
      const entry = await connectionOf(agentId);
      // Let the half body reach the client before the abort.
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await assert.rejects(call, (e) => e.code === 'ABORTED');
      await closed(entry, `${way}, ${stall}`);
    });
  }
}
