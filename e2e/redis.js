// @ts-check
// A minimal Redis client for the multi-node fixture (not a spec file): just
// enough RESP to check that Redis answers and to delete a test's keys
// afterwards, so the e2e tests need no npm package for Redis.
//
// The tests never flush a database: every test runs its nodes under a key
// prefix of its own (`--redis-prefix`) and deletes exactly the keys under it.
const net = require('node:net');

/**
 * @param {string} url redis://[[user]:password@]host[:port][/db]
 */
function parseRedisURL(url) {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw new Error(`only redis:// URLs are supported here, got ${url}`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`bad database number in ${url}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    user: decodeURIComponent(u.username || ''),
    password: decodeURIComponent(u.password || ''),
  };
}

/**
 * Parses one RESP value from buf at offset; null when incomplete.
 * @param {Buffer} buf
 * @param {number} off
 * @returns {{value: any, next: number} | null}
 */
function parseReply(buf, off) {
  const eol = buf.indexOf('\r\n', off);
  if (eol < 0) return null;
  const kind = String.fromCharCode(buf[off]);
  const line = buf.toString('utf8', off + 1, eol);
  const after = eol + 2;
  switch (kind) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new Error(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      if (buf.length < after + n + 2) return null;
      return { value: buf.toString('utf8', after, after + n), next: after + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      const items = [];
      let at = after;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(kind)}`);
  }
}

/** @param {string[]} args */
function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/**
 * Runs commands one after the other on one connection (AUTH and SELECT
 * first) and resolves with their replies. A Redis error reply rejects.
 * @param {string} url
 * @param {string[][]} commands
 * @param {number} [timeoutMs]
 * @returns {Promise<any[]>}
 */
function redisCommands(url, commands, timeoutMs = 5000) {
  const o = parseRedisURL(url);
  const all = [];
  if (o.password) all.push(o.user ? ['AUTH', o.user, o.password] : ['AUTH', o.password]);
  if (o.db) all.push(['SELECT', String(o.db)]);
  const skip = all.length;
  all.push(...commands);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: o.host, port: o.port });
    let buf = Buffer.alloc(0);
    const replies = [];
    let next = 0;
    const fail = (/** @type {Error} */ err) => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`redis at ${o.host}:${o.port}: no answer within ${timeoutMs} ms`)));
    sock.on('error', (err) => fail(new Error(`redis at ${o.host}:${o.port}: ${err.message}`)));
    sock.on('connect', () => sock.write(encodeCommand(all[next++])));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed;
      while ((parsed = parseReply(buf, 0))) {
        buf = buf.subarray(parsed.next);
        if (parsed.value instanceof Error) {
          fail(new Error(`redis ${all[replies.length][0]}: ${parsed.value.message}`));
          return;
        }
        replies.push(parsed.value);
        if (next < all.length) {
          sock.write(encodeCommand(all[next++]));
        } else {
          sock.end();
          resolve(replies.slice(skip));
          return;
        }
      }
    });
  });
}

/**
 * Throws a readable error when Redis does not answer PING.
 * @param {string} url
 */
async function redisPing(url) {
  const [pong] = await redisCommands(url, [['PING']]);
  if (pong !== 'PONG') throw new Error(`redis PING answered ${JSON.stringify(pong)}`);
}

/**
 * Every key under prefix (SCAN, so Redis is never blocked).
 * @param {string} url
 * @param {string} prefix
 * @returns {Promise<string[]>}
 */
async function redisKeys(url, prefix) {
  const pattern = prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`) + '*';
  const keys = [];
  let cursor = '0';
  do {
    const [[nextCursor, batch]] = await redisCommands(url, [['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']]);
    cursor = nextCursor;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/**
 * Deletes every key under prefix; resolves with how many there were.
 * @param {string} url
 * @param {string} prefix
 */
async function redisDeletePrefix(url, prefix) {
  if (!prefix) throw new Error('refusing to delete keys without a prefix');
  const keys = await redisKeys(url, prefix);
  for (let i = 0; i < keys.length; i += 500) {
    await redisCommands(url, [['DEL', ...keys.slice(i, i + 500)]]);
  }
  return keys.length;
}

module.exports = { parseRedisURL, redisCommands, redisPing, redisKeys, redisDeletePrefix };
