// @ts-check
// A real nginx in front of a running Easel (not a spec file), for the tests
// of networks that refuse WebSocket upgrades.
//
// The configuration is the one docs/operations.md gives operators (its
// ```nginx block under "### nginx"), so the docs are what is tested: the
// test puts its own listen address in place of the TLS lines, its Easel in
// place of the upstream servers and a temporary access log in place of
// /var/log, and keeps every other line. Flavours:
//   - 'websocket': the docs' configuration as it is;
//   - 'no-upgrade': without its two lines that pass the Upgrade and
//     Connection headers, so a WebSocket handshake reaches Easel as a plain
//     GET and fails, as behind proxies that refuse upgrades.
// `buffering: 'on-gzip'` puts `gzip on; gzip_types text/event-stream;` in
// place of `proxy_buffering off;`: a proxy that buffers and compresses
// event streams, where gzip holds each event until nginx flushes, which it
// does on every read only for unbuffered responses: Easel's
// `X-Accel-Buffering: no` must make the stream one (without that header
// the first event waits ~10 s).
//
// nginx runs as a foreground process of the test's own (daemon off, one
// process, so no user switch even as root) with every path under a
// temporary prefix; never the system service.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
// Killed when the test runner exits, with the Easel servers.
const { liveChildren: live } = require('./fixtures');

const START_TIMEOUT_MS = 10_000;
const DOCS = path.resolve(__dirname, '../docs/operations.md');

/** The nginx binary: $NGINX, else Debian's /usr/sbin/nginx, else PATH's. */
function nginxBinary() {
  if (process.env.NGINX) return process.env.NGINX;
  if (fs.existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  return 'nginx';
}

/** The ```nginx block of docs/operations.md's "### nginx" section. */
function docsNginxConfig() {
  const text = fs.readFileSync(DOCS, 'utf8');
  const at = text.indexOf('\n### nginx\n');
  if (at < 0) throw new Error(`${DOCS}: no "### nginx" section`);
  const m = text.slice(at).match(/\n```nginx\n([\s\S]*?)\n```\n/);
  if (!m) throw new Error(`${DOCS}: no \`\`\`nginx block in the "### nginx" section`);
  return m[1];
}

/**
 * Replaces exactly `count` lines matching `re` (whole lines) with `by`
 * (null removes them); throws when the docs no longer have them, so a
 * change there cannot quietly untest the docs.
 * @param {string[]} lines
 * @param {RegExp} re
 * @param {string | null} by
 * @param {number} [count]
 */
function replaceLines(lines, re, by, count = 1) {
  const hits = lines.filter((l) => re.test(l)).length;
  if (hits !== count) {
    throw new Error(`docs/operations.md's nginx config: expected ${count} line(s) matching ${re}, found ${hits}`);
  }
  const out = [];
  for (const l of lines) {
    if (!re.test(l)) out.push(l);
    else if (by !== null) out.push(l.replace(/\S.*$/, by));
  }
  return out;
}

/**
 * Drops the top-level blocks (a line `name … {` at column 0 up to the next
 * `}` at column 0) whose text matches `re`; expects exactly `count`.
 * @param {string[]} lines
 * @param {RegExp} re
 * @param {number} count
 */
function dropBlocks(lines, re, count) {
  const out = [];
  let dropped = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^\S.*\{\s*$/.test(lines[i])) {
      let end = i;
      while (end < lines.length && lines[end] !== '}') end++;
      const block = lines.slice(i, end + 1);
      if (re.test(block.join('\n'))) {
        dropped++;
        i = end;
        if (lines[i + 1] === '') i++;
        continue;
      }
    }
    out.push(lines[i]);
  }
  if (dropped !== count) {
    throw new Error(`docs/operations.md's nginx config: expected ${count} block(s) matching ${re}, found ${dropped}`);
  }
  return out;
}

/**
 * The docs' configuration made runnable here: the http-level part.
 * @param {{listen: number, upstream: string, prefix: string, flavour: 'websocket' | 'no-upgrade', buffering: 'off' | 'on-gzip'}} o
 */
function httpConfig(o) {
  let lines = docsNginxConfig().split('\n');
  // The port-80 server only redirects to https.
  lines = dropBlocks(lines, /^\s*listen 80;/m, 1);
  lines = replaceLines(lines, /^\s*listen 443 ssl;$/, `listen 127.0.0.1:${o.listen};`);
  lines = replaceLines(lines, /^\s*ssl_certificate(_key)? /, null, 2);
  lines = replaceLines(lines, /^\s*access_log \S+ easel;$/, `access_log ${path.join(o.prefix, 'access.log')} easel;`);
  lines = replaceLines(lines, /^\s*server \d+\.\d+\.\d+\.\d+:\d+ /, null, 3);
  lines = replaceLines(lines, /^\s*least_conn;/, `least_conn;\n    server ${o.upstream};`);
  if (o.flavour === 'no-upgrade') {
    lines = replaceLines(lines, /^\s*proxy_set_header Upgrade \$http_upgrade;$/, null);
    lines = replaceLines(lines, /^\s*proxy_set_header Connection \$connection_upgrade;$/, null);
  }
  if (o.buffering === 'on-gzip') {
    lines = replaceLines(lines, /^\s*proxy_buffering off;$/, 'gzip on; gzip_types text/event-stream;');
  }
  return lines.join('\n');
}

/**
 * The whole nginx.conf for a test around `config` (httpConfig's).
 * @param {{prefix: string, flavour: string, buffering: string, config: string}} o
 */
function nginxConf(o) {
  const p = (/** @type {string} */ name) => path.join(o.prefix, name);
  return `# nginx for an Easel e2e test (${o.flavour}, buffering ${o.buffering}), from docs/operations.md
daemon off;
master_process off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} info;
events {
    worker_connections 256;
}
http {
    client_body_temp_path ${p('client_body')};
    proxy_temp_path ${p('proxy')};
    fastcgi_temp_path ${p('fastcgi')};
    uwsgi_temp_path ${p('uwsgi')};
    scgi_temp_path ${p('scgi')};
    access_log ${p('access-other.log')};

# ---- docs/operations.md ----
${o.config}
# ---- end of docs/operations.md ----
}
`;
}

/** A port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(addr.port));
    });
  });
}

/** One nginx process in front of one Easel. */
class NginxProxy {
  /**
   * @param {string} upstreamURL the Easel behind it, http://127.0.0.1:PORT
   * @param {{flavour?: 'websocket' | 'no-upgrade', buffering?: 'off' | 'on-gzip'}} [opts]
   */
  constructor(upstreamURL, opts = {}) {
    this.upstream = new URL(upstreamURL).host;
    this.flavour = opts.flavour || 'websocket';
    this.buffering = opts.buffering || 'off';
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'easel-nginx-'));
    this.port = 0;
    /** @type {import('node:child_process').ChildProcess | null} */
    this.child = null;
    /** @type {string[]} */
    this.output = [];
  }

  get baseURL() {
    return `http://127.0.0.1:${this.port}`;
  }

  get confPath() {
    return path.join(this.prefix, 'nginx.conf');
  }

  /** The access log (capability ids redacted by the docs' log_format). */
  accessLog() {
    return readIfThere(path.join(this.prefix, 'access.log'));
  }

  /** Configuration, output and logs, for reports. */
  log() {
    return [
      `--- ${this.confPath} ---`,
      readIfThere(this.confPath),
      '--- nginx output ---',
      this.output.join('\n'),
      '--- error.log ---',
      readIfThere(path.join(this.prefix, 'error.log')),
      '--- access.log ---',
      this.accessLog(),
    ].join('\n');
  }

  /**
   * Starts nginx on a free port and waits until /healthz answers 200
   * through it; a port taken meanwhile is retried with another.
   */
  async start() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      const config = httpConfig({ listen: this.port, upstream: this.upstream, prefix: this.prefix, flavour: this.flavour, buffering: this.buffering });
      fs.writeFileSync(this.confPath, nginxConf({ prefix: this.prefix, flavour: this.flavour, buffering: this.buffering, config }));
      const result = await this._spawn(deadline);
      if (result === 'ok') return;
      if (result === 'busy' && attempt < 5 && Date.now() < deadline) continue;
      throw new Error(`nginx did not start (${result})\n${this.log()}`);
    }
  }

  /**
   * @param {number} deadline
   * @returns {Promise<string>} 'ok', 'busy' (port taken) or why not
   */
  async _spawn(deadline) {
    const bin = nginxBinary();
    const args = ['-p', this.prefix, '-c', this.confPath, '-e', path.join(this.prefix, 'error.log')];
    this.output.push(`$ ${bin} ${args.join(' ')}`);
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    let exited = false;
    let spawnError = '';
    child.once('error', (err) => {
      spawnError = `could not run ${bin}: ${err.message} (scripts/test-deps.sh installs nginx)`;
    });
    child.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      this.output.push(`exited code=${code} signal=${signal}`);
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (d) => this.output.push(String(d).trimEnd()));
    }
    let last = '';
    while (Date.now() < deadline) {
      if (spawnError) return spawnError;
      if (exited) {
        return /address already in use/i.test(this.log()) ? 'busy' : 'nginx exited';
      }
      try {
        const res = await fetch(`${this.baseURL}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return 'ok';
        last = `GET /healthz through nginx: status ${res.status}`;
      } catch (err) {
        last = String(/** @type {any} */ (err).cause || err);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    return `no 200 from /healthz through nginx within ${START_TIMEOUT_MS / 1000} s (last: ${last})`;
  }

  /** Stops nginx (SIGTERM: fast shutdown, then SIGKILL after 5 s). */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  /** Stops nginx and removes its prefix. */
  async dispose() {
    await this.stop();
    fs.rmSync(this.prefix, { recursive: true, force: true });
  }
}

/** @param {string} file */
function readIfThere(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '(none)';
  }
}

module.exports = { NginxProxy, docsNginxConfig, nginxBinary };
