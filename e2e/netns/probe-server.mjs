// A trivial server for the topology checks (runs in the shared namespace): answers with the addresses
// the connection used, so a test can tell which path a request took. Plain Node.
import { createServer } from 'node:http';

const port = Number(process.env.PROBE_PORT ?? 8080);
createServer((req, res) => {
  const body = JSON.stringify({ localAddress: req.socket.localAddress, remoteAddress: req.socket.remoteAddress });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}).listen(port, '0.0.0.0', () => console.log(`probe listening on 0.0.0.0:${port}`));
