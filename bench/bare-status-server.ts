// The baseline for the API-overhead figure: a bare node:http server answering every GET with the exact bytes
// the GPU server's models.status returned, on 127.0.0.1 at a free port (told to the parent over IPC).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

process.once('message', (message: { body: string }) => {
  const body = Buffer.from(message.body);
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
});
process.on('disconnect', () => process.exit(0));
