// host.mjs: a fake VTX host for the "notes" plugin (notes.h) in the vtx:api 2.2.1 `plugin` world.
//
//   node host.mjs JSDIR NAME
//
// Fakes `sql` (an in-memory notes table; every statement and parameter list is recorded) and
// `stream-io` (buffers are host objects; jco calls [Symbol.dispose] when the plugin drops one),
// calls every export like vtx-core does (get-manifest, get-resources, get-migrations at load
// time, then handle per request, authenticate), and checks the answers, the SQL the plugin
// sent, and that every buffer the plugin opened was either returned or dropped.
import { Checks, debugHeap, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'vtx'] = process.argv.slice(2);
const t = new Checks();
const enc = new TextEncoder(), dec = new TextDecoder();

// ---- stream-io
let nextBuf = 1;
const liveBufs = new Map();   // id -> Buffer the plugin may still hold
let dropped = 0;
class Buffer {
  constructor(bytes) { this.id = nextBuf++; this.bytes = Uint8Array.from(bytes); liveBufs.set(this.id, this); }
  size() { return BigInt(this.bytes.length); }
  read(offset, max) {
    const o = Number(offset), m = Number(max);
    return this.bytes.slice(Math.min(o, this.bytes.length), Math.min(o + m, this.bytes.length));
  }
  [Symbol.dispose]() { if (!liveBufs.delete(this.id)) throw new Error(`buffer ${this.id} dropped twice`); dropped++; }
}
const prng = (n, seed) => { const out = new Uint8Array(n); let x = seed >>> 0; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; } return out; };
const files = new Map([['3f2a-uuid', prng(100000, 9)], ['empty', new Uint8Array(0)], ['tiny', Uint8Array.of(0xde, 0xad)]]);
const streamIo = {
  Buffer,
  openFile: (uuid) => {
    if (!files.has(uuid)) throw { payload: `no such file: ${uuid}` };
    return new Buffer(files.get(uuid));
  },
  createMemoryBuffer: (data) => new Buffer(data),
};

// ---- sql: a notes table
const SQL_SEARCH = 'SELECT id, body FROM notes WHERE body LIKE ?1 ORDER BY id';
const SQL_INSERT = 'INSERT INTO notes (body, score, length, extra) VALUES (?1, ?2, ?3, ?4)';
const SQL_DELETE = 'DELETE FROM notes WHERE id = ?1';
const statements = [];
let rows = [], nextRow = 1;
const sql = {
  execute: (stmt, params) => {
    statements.push({ fn: 'execute', stmt, params });
    if (stmt === SQL_INSERT) {
      if (params[0]?.val === 'fail') throw { payload: 'constraint failed: notes.body' };
      rows.push({ id: nextRow++, body: params[0].val, score: params[1].val });
      return 1n;
    }
    if (stmt === SQL_DELETE) {
      const before = rows.length;
      rows = rows.filter((r) => BigInt(r.id) !== params[0].val);
      return BigInt(before - rows.length);
    }
    throw { payload: `unexpected statement: ${stmt}` };
  },
  queryJson: (stmt, params) => {
    statements.push({ fn: 'queryJson', stmt, params });
    if (stmt !== SQL_SEARCH) throw { payload: `unexpected statement: ${stmt}` };
    const like = params[0].val;
    if (like.includes('DROP')) throw { payload: 'not authorized' };
    const needle = like.slice(1, -1);
    return JSON.stringify(rows.filter((r) => r.body.includes(needle)).map((r) => ({ id: r.id, body: r.body })));
  },
};

let root;
try {
  root = await instantiate(dir, name, {
    'vtx:api/stream-io@1.2.6': streamIo,
    'vtx:api/sql@1.2.6': sql,
    'vtx:api/auth-types@1.2.6': {},
    'vtx:api/types@1.2.6': {},
  });
  t.check('instantiate', typeof root?.handle === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.done();
  process.exit();
}

// ---- load time
t.eq('get-manifest', t.run('get-manifest', () => root.getManifest()), {
  id: 'notes', name: 'Notes ✎', version: '1.4.2', description: 'Keeps short notes in a table; files by UUID.', entrypoint: '/notes',
});
t.eq('get-resources', t.run('get-resources', () => root.getResources()), ['notes']);
t.eq('get-migrations', t.run('get-migrations', () => root.getMigrations()), [
  'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, score REAL, length INTEGER, extra BLOB)',
  'CREATE INDEX notes_body ON notes (body)',
  "ALTER TABLE notes ADD COLUMN created TEXT DEFAULT ''",
]);

// ---- requests
/** The guest's heap in bytes, from GET /debug ("ok heap=<n>"). */
function heap() {
  return debugHeap(root, Buffer, liveBufs);
}
t.run('GET /debug (warm-up: stdio and the WASI adapter allocate once)', () => heap());
const heap0 = t.run('GET /debug', () => heap());

/** Sends a request; checks status, body text (or bytes, or none), the SQL sent, buffers, heap. */
function request(method, path, query, want) {
  const label = `${method} ${path}${query ? '?' + query : ''}`;
  const heapBefore = heap();
  statements.length = 0;
  const before = new Set(liveBufs.keys());
  const resp = t.run(label, () => root.handle({ method, path, query }));
  if (!resp) return;
  t.eq(`${label}: status`, resp.status, want.status);
  const body = resp.body;
  if (want.body === undefined) t.eq(`${label}: no body`, body, undefined);
  else if (!(body instanceof Buffer)) t.check(`${label}: body`, false, `not a host buffer: ${show(body)}`);
  else if (want.body instanceof Uint8Array) t.eq(`${label}: body bytes`, body.bytes, want.body);
  else t.eq(`${label}: body`, dec.decode(body.bytes), want.body);
  if (want.sql) t.eq(`${label}: sql`, statements, want.sql);
  // every buffer created during the request is the body or was dropped by the plugin
  const leaked = [...liveBufs.keys()].filter((id) => !before.has(id) && id !== body?.id);
  t.eq(`${label}: buffers dropped`, leaked, []);
  if (body instanceof Buffer) liveBufs.delete(body.id);   // the host is done with the body
  const heapAfter = heap();
  t.check(`${label}: heap`, heapAfter === heapBefore, `guest heap ${heapAfter} after, ${heapBefore} before`);
}
const text = (val) => ({ tag: 'text', val });
const integer = (val) => ({ tag: 'integer', val });
const real = (val) => ({ tag: 'real', val });
const NULL = { tag: 'null-val' };
const search = (like) => [{ fn: 'queryJson', stmt: SQL_SEARCH, params: [text(like)] }];
const insert = (body, score) => [{ fn: 'execute', stmt: SQL_INSERT, params: [text(body), real(score), integer(BigInt(enc.encode(body).length)), NULL] }];

request('GET', '/notes', '', { status: 200, body: '[]', sql: search('%%') });
request('POST', '/notes', 'body=hello+world&score=2.5', { status: 201, body: 'inserted 1', sql: insert('hello world', 2.5) });
request('POST', '/notes', 'score=-1e3&body=caf%C3%A9%20%E2%98%95', { status: 201, body: 'inserted 1', sql: insert('café ☕', -1000) });
request('POST', '/notes', 'body=', { status: 201, body: 'inserted 1', sql: insert('', 0) });
request('POST', '/notes', 'body=fail', { status: 500, body: 'error: constraint failed: notes.body', sql: insert('fail', 0) });
request('POST', '/notes', 'score=1', { status: 400, sql: [] });
request('GET', '/notes', 'q=caf%C3%A9', { status: 200, body: JSON.stringify([{ id: 2, body: 'café ☕' }]), sql: search('%café%') });
request('GET', '/notes', 'x=1&q=o', { status: 200, body: JSON.stringify([{ id: 1, body: 'hello world' }]), sql: search('%o%') });
request('GET', '/notes', 'q=DROP', { status: 500, body: 'error: not authorized', sql: search('%DROP%') });
request('DELETE', '/notes/2', '', { status: 204, sql: [{ fn: 'execute', stmt: SQL_DELETE, params: [integer(2n)] }] });
request('DELETE', '/notes/2', '', { status: 404, sql: [{ fn: 'execute', stmt: SQL_DELETE, params: [integer(2n)] }] });
request('DELETE', '/notes/-9223372036854775808', '', { status: 404, sql: [{ fn: 'execute', stmt: SQL_DELETE, params: [integer(-(2n ** 63n))] }] });
request('DELETE', '/notes/abc', '', { status: 400, sql: [] });
request('GET', '/notes', 'q=', { status: 200, body: JSON.stringify([{ id: 1, body: 'hello world' }, { id: 3, body: '' }]), sql: search('%%') });

request('GET', '/files/3f2a-uuid', '', { status: 200, body: files.get('3f2a-uuid') });
request('GET', '/files/empty', '', { status: 200, body: new Uint8Array(0) });
request('GET', '/files/nope', '', { status: 404, body: 'no such file: nope' });
const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
request('GET', '/files/3f2a-uuid/head', '', { status: 200, body: `size=100000 head=${hex(files.get('3f2a-uuid').slice(0, 4))}` });
request('GET', '/files/3f2a-uuid/head', 'n=32', { status: 200, body: `size=100000 head=${hex(files.get('3f2a-uuid').slice(0, 32))}` });
request('GET', '/files/tiny/head', 'n=10', { status: 200, body: 'size=2 head=dead' });
request('GET', '/files/empty/head', '', { status: 200, body: 'size=0 head=' });
request('GET', '/files/gone/head', '', { status: 404 });
request('GET', '/files/a/b', '', { status: 404 });
request('PUT', '/notes', '', { status: 404, sql: [] });
request('GET', '/ünïcode/路径', 'q=✓', { status: 404, sql: [] });

// ---- authenticate (the inline result: ok is the value, err throws with the u16 as payload)
function auth(label, headers, want) {
  let got, err;
  const heapBefore = heap();
  try { got = root.authenticate(headers); } catch (e) { err = e; }
  const heapAfter = heap();
  t.check(`authenticate ${label}: heap`, heapAfter === heapBefore, `guest heap ${heapAfter} after, ${heapBefore} before`);
  if (typeof want === 'number') t.eq(`authenticate ${label}`, err?.payload ?? `returned ${show(got)}`, want);
  else if (err) t.check(`authenticate ${label}`, false, `threw ${err?.payload ?? err}`);
  else t.eq(`authenticate ${label}`, got, want);
}
auth('no headers', [], 401);
auth('no authorization', [['accept', '*/*']], 401);
auth('basic', [['Authorization', 'Basic dXNlcg==']], 403);
auth('wrong token', [['authorization', 'Bearer public-alice']], 403);
auth('empty user', [['authorization', 'Bearer secret-']], 403);
auth('alice', [['Accept', 'x'], ['AUTHORIZATION', 'Bearer secret-alice']],
  { userId: 'u-alice', username: 'alice', groups: ['users'], metadata: '{"token_length":12}' });
auth('root with groups', [['x-group', 'ops'], ['Authorization', 'Bearer secret-root'], ['X-Group', 'dév'], ['authorization', 'ignored']],
  { userId: 'u-root', username: 'root', groups: ['users', 'admins', 'ops', 'dév'], metadata: '{"token_length":11}' });
auth('unicode user', [['authorization', 'Bearer secret-zoë']],
  { userId: 'u-zoë', username: 'zoë', groups: ['users'], metadata: '{"token_length":11}' });
auth('many headers', Array.from({ length: 500 }, (_, i) => [`x-h${i}`, 'v'.repeat(i)]).concat([['authorization', 'Bearer secret-bob']]),
  { userId: 'u-bob', username: 'bob', groups: ['users'], metadata: '{"token_length":10}' });

for (const [label, fn] of [['get-manifest', () => root.getManifest()], ['get-migrations', () => root.getMigrations()],
  ['get-resources', () => root.getResources()]]) {
  const before = heap();
  t.run(label, fn);
  t.eq(`${label}: heap`, heap(), before);
}
t.eq('heap after every test', heap(), heap0);
t.eq('buffers: none left alive', [...liveBufs.keys()], []);
t.check('buffers: the plugin dropped the ones it opened', dropped > 0, `dropped ${dropped}`);
t.done();
