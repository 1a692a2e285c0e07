/* global process */
// A stand-in for a nest-app instance in the gateway latency bench: answers its readiness and every /api request at
// once (200, a small JSON body), so that what the bench measures is the gateway's own cost and nothing upstream.
import { createServer } from 'node:http';

const port = Number(process.env.STUB_PORT);
const body = JSON.stringify({ items: [], nextCursor: null });
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`stub upstream listening on ${port}\n`));
