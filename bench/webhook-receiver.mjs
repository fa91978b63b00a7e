#!/usr/bin/env node
// A webhook receiver for benchmarks: answers every request with 200 at once and prints its URL
// on its first stdout line. Runs until it is sent SIGTERM.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}/hooks\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
