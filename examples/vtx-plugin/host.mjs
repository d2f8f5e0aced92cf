#!/usr/bin/env node
// host.mjs: runs the guestbook plugin (plugin.c) once, the way a VTX host does, and prints
// what came back.
//
//   node examples/vtx-plugin/host.mjs JSDIR [NAME]
//
// JSDIR is what `jco transpile --instantiation async` wrote for the component (NAME.js,
// default "plugin"; scripts/demo.sh uses tests/e2e/lib/build.mjs for it). The imports the
// plugin calls are faked here in JavaScript, in the manner of tests/e2e/vtx/host.mjs:
// `sql` is an in-memory guestbook table, `stream-io` serves two registered files and
// in-memory buffers. Load time first (get-manifest, get-resources, get-migrations), then a
// few requests through `handle`, then `authenticate`. Every line shows the call, what the
// plugin answered and which imports it called meanwhile.
// Exit 0 when every answer is the expected one, 1 otherwise.
import { instantiate } from '../../tests/e2e/lib/host.mjs';

const [dir, name = 'plugin'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node host.mjs JSDIR [NAME]');
  process.exit(2);
}
const dec = new TextDecoder();
const calls = []; // the imports the plugin called during the current export call
let problems = 0;

// ---- stream-io: buffers are host objects; jco calls [Symbol.dispose] when the plugin drops one
const live = new Set();
class Buffer {
  constructor(bytes, label) { this.bytes = Uint8Array.from(bytes); this.label = label; live.add(this); }
  size() { calls.push('buffer.size'); return BigInt(this.bytes.length); }
  read(offset, max) {
    calls.push('buffer.read');
    const o = Number(offset);
    return this.bytes.slice(o, o + Number(max));
  }
  [Symbol.dispose]() { calls.push('buffer drop'); live.delete(this); }
}
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(2040)]);
const files = new Map([
  ['7c1e-cat-png', png],
  ['91aa-notes-txt', new TextEncoder().encode('not a picture\n')],
]);
const streamIo = {
  Buffer,
  openFile(uuid) {
    calls.push('stream-io.open-file');
    if (!files.has(uuid)) throw { payload: `unknown file ${uuid}` }; // result err
    return new Buffer(files.get(uuid), 'file');
  },
  createMemoryBuffer(data) {
    calls.push('stream-io.create-memory-buffer');
    return new Buffer(data, 'memory');
  },
};

// ---- sql: the guestbook table
const rows = [{ id: 1, name: 'Grace', message: 'First!' }];
const arg = (v) => (v.tag === 'null-val' ? null : v.val);
const sql = {
  execute(statement, params) {
    calls.push('sql.execute');
    if (!/^INSERT INTO guestbook/.test(statement)) throw { payload: `unexpected statement: ${statement}` };
    const [n, m] = params.map(arg);
    rows.push({ id: rows.length + 1, name: n, message: m });
    return 1n;
  },
  queryJson(statement, params) {
    calls.push('sql.query-json');
    if (!/^SELECT .* FROM guestbook/.test(statement)) throw { payload: `unexpected statement: ${statement}` };
    const limit = Number(arg(params[0]));
    return JSON.stringify(rows.slice().reverse().slice(0, limit));
  },
};

let plugin;
try {
  plugin = await instantiate(dir, name, {
    'vtx:api/stream-io@1.2.6': streamIo,
    'vtx:api/sql@1.2.6': sql,
    'vtx:api/auth-types@1.2.6': {},
    'vtx:api/types@1.2.6': {},
  });
} catch (e) {
  console.error(`could not instantiate the component in ${dir}: ${e?.stack ?? e}`);
  process.exit(1);
}

// ---- printing
const short = (s, n = 78) => (s.length > n ? s.slice(0, n - 3) + '...' : s);
const quote = (s) => JSON.stringify(s);
function show(call, fn, want) {
  calls.length = 0;
  let text, ok;
  try {
    const r = fn();
    [text, ok] = want(r);
  } catch (e) {
    const p = e?.payload;
    [text, ok] = p !== undefined ? want(undefined, p) : [`threw ${e?.message ?? e}`, false];
  }
  if (!ok) problems++;
  console.log(`${ok ? ' ' : '!'} ${call}`);
  console.log(`    -> ${text}`);
  if (calls.length) console.log(`       (the plugin called ${[...new Set(calls)].join(', ')})`);
}

/** The body of a response: the text of a memory buffer, or the size of a file. */
function body(resp) {
  const b = resp.body;
  if (b === undefined) return 'no body';
  if (!(b instanceof Buffer)) return `body is not a host buffer: ${b}`;
  live.delete(b); // the host takes the buffer over
  return b.label === 'file' ? `body: the opened file itself (${b.bytes.length} bytes, handle moved to the host)`
    : `body: ${short(dec.decode(b.bytes), 64)}`;
}
const request = (method, path, query, status) => show(
  `handle(${method} ${path}${query ? '?' + query : ''})`,
  () => plugin.handle({ method, path, query }),
  (r) => [`${r.status} ${body(r)}`, r.status === status],
);

console.log('at load time, as vtx-core does:');
show('get-manifest()', () => plugin.getManifest(),
  (m) => [`${m.id} ${m.version}, ${quote(m.name)}: ${m.description} (entrypoint ${m.entrypoint})`, m.id === 'guestbook']);
show('get-resources()', () => plugin.getResources(), (r) => [quote(r), r.length === 1 && r[0] === 'guestbook']);
show('get-migrations()', () => plugin.getMigrations(),
  (m) => [`${m.length} SQL scripts: ${m.map((s) => short(s, 36)).join(' | ')}`, m.length === 2]);

console.log('per request:');
request('POST', '/guestbook', 'name=Ada&message=Hello%2C+world+%E2%9C%93', 201);
request('GET', '/guestbook', 'limit=2', 200);
request('GET', '/guestbook/attachments/7c1e-cat-png', '', 200);
request('GET', '/guestbook/attachments/91aa-notes-txt', '', 415);
request('GET', '/guestbook/attachments/0000', '', 404);

console.log('from the auth middleware:');
show('authenticate([authorization: Bearer guest-ada])',
  () => plugin.authenticate([['Accept', '*/*'], ['Authorization', 'Bearer guest-ada']]),
  (u, err) => (err !== undefined ? [`err ${err}`, false]
    : [`ok: user ${quote(u.userId)} (${u.username}), groups ${quote(u.groups)}, metadata ${u.metadata}`, u.username === 'ada']));
show('authenticate([])', () => plugin.authenticate([]),
  (u, err) => (err !== undefined ? [`err ${err} (no Authorization header)`, err === 401] : ['ok?!', false]));

if (live.size) {
  problems++;
  console.log(`! ${live.size} host buffer(s) the plugin never dropped or returned`);
}
console.log(problems ? `${problems} unexpected answer(s) (marked !)` : 'every answer as expected; every buffer the plugin opened was dropped or returned');
process.exitCode = problems ? 1 : 0;
