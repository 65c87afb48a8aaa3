// @ts-check
// A "host page" on an origin of its own: another site that uses Easel
// across origins (CORS, embedded boards). A tiny node http server on
// 127.0.0.1 and a free port, reached as http://localhost:<port>, so its
// origin differs from the server's (http://127.0.0.1:<port>) by host and
// port. It serves one HTML page, the test's, at `/`; anything else is 404.
const http = require('node:http');

/**
 * @typedef {{port: number, origin: string, url: string, requests: string[], close: () => Promise<void>}} HostPage
 */

/**
 * Starts a host page server. Start it before Easel: its origin is what
 * `--origins` names.
 * @param {string} html the page served at `/`
 * @returns {Promise<HostPage>}
 */
async function startHostPage(html) {
  /** Every request line it answered, for failure messages. */
  const requests = /** @type {string[]} */ ([]);
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const origin = `http://localhost:${port}`;
  return {
    port,
    origin,
    url: `${origin}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        // Keep-alive connections of a closed browser context would hold
        // close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startHostPage };
