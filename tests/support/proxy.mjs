// A forward proxy for the headless Chromium of the wasm-bindgen-test layer (scripts/test.mjs):
// every request goes to its origin on a connection of its own. wasm-bindgen-test-runner's server
// (rouille) now and then leaves a request that came on a reused connection unanswered, so the
// page never loads and no test starts; through this proxy no connection to it is reused.
// Usage: node tests/support/proxy.mjs <port>; prints `ready` once it listens.
import { createServer, request } from 'node:http';

const port = Number(process.argv[2]);

createServer((req, res) => {
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const headers = { ...req.headers, connection: 'close' };
  delete headers['proxy-connection'];
  const upstream = request(
    { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers, agent: false },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}).listen(port, '127.0.0.1', () => console.log('ready'));
