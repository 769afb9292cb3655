// A trivial HTTP server for the retell-sdk comparison: answers every request with a small
// JSON body, like a successful delete. Runs in its own process so that its CPU time is not
// counted in the client's. Prints its URL on stdout.
import { createServer } from 'node:http';

const body = Buffer.from('{"success":true,"message":"Agent deleted successfully"}');
let n = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': `req_${++n}` });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
