// A stand-in for your webhook service: listens on 127.0.0.1:8080 (or the port given), answers
// 200, and prints what reached it: the verdict headers hookguard added and the body's size.
// Usage: node host-examples/envoy/upstream.mjs [port]
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8080);
createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; });
  req.on('end', () => {
    const event = req.headers['x-hookguard-event'] ?? '-';
    const verdict = req.headers['x-hookguard-verdict'] ?? '-';
    console.log(`upstream: ${req.method} ${req.url} event=${event} verdict=${verdict} ${size} bytes`);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('received\n');
  });
}).listen(port, '127.0.0.1', () => console.log(`upstream: listening on 127.0.0.1:${port}`));
