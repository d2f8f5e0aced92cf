// host.mjs: a fake VTX host (vtx:api 5.0.0, world `vtx-plugin`) for the "relay" plugin (guest.c).
//
//   node host.mjs JSDIR NAME
//
// Fakes vtx-vfs (buffers are host objects; jco calls [Symbol.dispose] when the plugin drops one),
// vtx-ffmpeg, vtx-context, vtx-event-bus and vtx-http-client, records every call, and checks the
// plugin's answers, what it sent, that every buffer it made or got was returned or dropped, and
// (through GET /debug) that its heap is unchanged by every call.
import { Checks, debugHeap, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'vtx5'] = process.argv.slice(2);
const t = new Checks();
const enc = new TextEncoder(), dec = new TextDecoder();

// ---- vtx-vfs
let nextBuf = 1;
const liveBufs = new Map();
class Buffer {
  constructor(bytes) { this.id = nextBuf++; this.bytes = Uint8Array.from(bytes); liveBufs.set(this.id, this); }
  size() { return BigInt(this.bytes.length); }
  read(offset, max) {
    const o = Number(offset), m = Number(max);
    return this.bytes.slice(Math.min(o, this.bytes.length), Math.min(o + m, this.bytes.length));
  }
  write(data) { const b = new Uint8Array(this.bytes.length + data.length); b.set(this.bytes); b.set(data, this.bytes.length); this.bytes = b; return BigInt(data.length); }
  [Symbol.dispose]() { if (!liveBufs.delete(this.id)) throw new Error(`buffer ${this.id} dropped twice`); }
}
const objects = [
  { uri: 'vfs://media/a.mp4', size: 1234567890123n, lastModified: -5n, etag: '"abc"' },
  { uri: 'vfs://media/b.mkv', size: 0n, lastModified: undefined, etag: undefined },
  { uri: 'vfs://media/ü.txt', size: 3n, lastModified: 1700000000n, etag: undefined },
];
const calls = [];
const rec = (fn, impl) => (...args) => { calls.push({ fn, args }); return impl(...args); };
const fail = (payload) => { throw { payload }; };
const vfs = {
  Buffer,
  createMemoryBuffer: (data) => new Buffer(data),
  openUri: rec('openUri', (uri) => fail(`no ${uri}`)),
  head: rec('head', (uri) => objects.find((o) => o.uri === uri) ?? fail(`not found: ${uri}`)),
  listObjects: rec('listObjects', (prefix) => (prefix === 'bad' ? fail('denied') : objects.filter((o) => o.uri.startsWith(prefix)))),
  readRange: rec('readRange', (uri, offset, len) => (uri !== 'vfs://data' ? fail('nope')
    : Uint8Array.from({ length: Number(len) }, (_, i) => (Number(offset) + i) & 255))),
};
const ffmpeg = {
  execute: rec('ffmpeg', (p) => (p.inputId === 'broken' ? fail('unsupported codec') : new Buffer(enc.encode(`${p.profile}:${p.inputId}`)))),
};
let currentUser;
const context = { getCurrentUser: rec('getCurrentUser', () => currentUser) };
const eventBus = {
  publishEvent: rec('publish', (topic, payload) => (topic.includes('forbidden') ? fail(`cannot publish to ${topic}`) : undefined)),
};
const httpClient = {
  request: rec('request', (req) => {
    const sent = req.body ? dec.decode(req.body.bytes) : undefined;
    if (req.body) req.body[Symbol.dispose]();                 // the host consumed the request body
    if (req.url.startsWith('bad:')) fail(`cannot reach ${req.url}`);
    return { status: sent === undefined ? 200 : 201, headers: [['content-type', 'text/plain']],
      body: req.url.endsWith('/empty') ? undefined : new Buffer(enc.encode(`${req.method} ${req.url} ${sent ?? '-'}`)) };
  }),
};

let root;
try {
  root = await instantiate(dir, name, {
    'vtx:api/vtx-vfs@1.2.6': vfs,
    'vtx:api/vtx-sql@1.2.6': { execute: () => fail('no sql'), queryJson: () => fail('no sql') },
    'vtx:api/vtx-ffmpeg@1.2.6': ffmpeg,
    'vtx:api/vtx-context@1.2.6': context,
    'vtx:api/vtx-event-bus@1.2.6': eventBus,
    'vtx:api/vtx-http-client@1.2.6': httpClient,
    'vtx:api/vtx-auth-types@1.2.6': {},
    'vtx:api/vtx-types@1.2.6': {},
    'vtx:api/vtx-events@1.2.6': {},
  });
  t.check('instantiate', typeof root?.handle === 'function' && typeof root?.handleEvent === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.done();
  process.exit();
}

/** The guest's heap in bytes, from GET /debug. */
function heap() {
  return debugHeap(root, Buffer, liveBufs);
}
t.run('warm-up', () => heap());
const heap0 = t.run('heap', () => heap());
/** Runs fn; checks the plugin's heap and that no buffer made during it stayed alive except `keep`. */
function guarded(label, fn, keep = () => []) {
  const h = heap(), before = new Set(liveBufs.keys());
  calls.length = 0;
  const r = t.run(label, fn);
  const kept = new Set(keep(r));
  t.eq(`${label}: buffers`, [...liveBufs.keys()].filter((id) => !before.has(id) && !kept.has(id)), []);
  for (const id of kept) liveBufs.delete(id);
  t.eq(`${label}: heap`, heap(), h);
  return r;
}

// ---- load time
t.eq('get-manifest', guarded('get-manifest', () => root.getManifest()),
  { id: 'relay', name: 'Relay', version: '5.0.0-test', description: 'Forwards events and fetches.', entrypoint: '/relay' });
t.eq('get-migrations', guarded('get-migrations', () => root.getMigrations()), ['CREATE TABLE relayed (id TEXT PRIMARY KEY, topic TEXT)']);
t.eq('get-resources', guarded('get-resources', () => root.getResources()), ['relayed']);
t.eq('get-capabilities', guarded('get-capabilities', () => root.getCapabilities()), {
  subscriptions: ['video.*', 'user.login'], permissions: ['sql:write', 'vfs:read'],
  http: [
    { scheme: 'https', host: 'api.example.com', port: 443, path: '/v1/', methods: ['GET', 'POST'], allowHeaders: undefined,
      maxRequestBytes: 65536n, maxResponseBytes: undefined, followRedirects: false, redirectPolicy: undefined },
    { scheme: 'http', host: 'localhost', port: undefined, path: undefined, methods: undefined, allowHeaders: ['x-trace'],
      maxRequestBytes: undefined, maxResponseBytes: 2n ** 40n, followRedirects: true, redirectPolicy: 'same-host' },
  ],
});

// ---- requests
function request(method, path, query, want) {
  const label = `${method} ${path}${query ? '?' + query : ''}`;
  const resp = guarded(label, () => root.handle({ method, path, query }), (r) => (r?.body instanceof Buffer ? [r.body.id] : []));
  if (!resp) return;
  t.eq(`${label}: status`, resp.status, want.status);
  if (want.body === undefined) t.eq(`${label}: no body`, resp.body, undefined);
  else if (!(resp.body instanceof Buffer)) t.check(`${label}: body`, false, `not a host buffer: ${show(resp.body)}`);
  else if (want.body instanceof Uint8Array) t.eq(`${label}: body bytes`, resp.body.bytes, want.body);
  else t.eq(`${label}: body`, dec.decode(resp.body.bytes), want.body);
  if (want.calls) t.eq(`${label}: calls`, calls.map((c) => [c.fn, ...c.args]), want.calls);
}
const hr = (method, url, body) => ['request', { method, url, headers: [['accept', '*/*'], ['x-plugin', 'relay']], body }];

request('GET', '/meta', 'uri=vfs://media/a.mp4', { status: 200, body: 'uri=vfs://media/a.mp4 size=1234567890123 modified=-5 etag="abc"', calls: [['head', 'vfs://media/a.mp4']] });
request('GET', '/meta', 'uri=vfs://media/b.mkv', { status: 200, body: 'uri=vfs://media/b.mkv size=0 modified=none etag=none' });
request('GET', '/meta', 'uri=vfs://nothing', { status: 404, body: 'not found: vfs://nothing' });
request('GET', '/list', 'prefix=vfs://media/', { status: 200, body: '3;vfs://media/a.mp4:1234567890123;vfs://media/b.mkv:0;vfs://media/ü.txt:3', calls: [['listObjects', 'vfs://media/']] });
request('GET', '/list', 'prefix=vfs://none', { status: 200, body: '0' });
request('GET', '/list', 'prefix=bad', { status: 500, body: 'denied' });
request('GET', '/range', 'uri=vfs://data&offset=250&len=10', { status: 200, body: Uint8Array.from({ length: 10 }, (_, i) => (250 + i) & 255), calls: [['readRange', 'vfs://data', 250n, 10n]] });
request('GET', '/range', 'uri=vfs://data&offset=0&len=0', { status: 200, body: new Uint8Array(0) });
request('GET', '/range', 'uri=vfs://other&offset=1&len=1', { status: 416 });
request('POST', '/buf', 'text=héllo', { status: 201, body: 'wrote=5 size=11 read=héllo more' });
request('POST', '/buf', '', { status: 201, body: 'wrote=5 size=5 read= more' });
request('POST', '/fetch', 'url=https://x.test/a', { status: 200, body: 'GET https://x.test/a -', calls: [hr('GET', 'https://x.test/a', undefined)] });
{
  // the request body is a buffer the plugin made: the host sees it, and it moves to the host
  const label = 'POST /fetch?url=https://x.test/b&body=payload ✓';
  const r = guarded(label, () => root.handle({ method: 'POST', path: '/fetch', query: 'url=https://x.test/b&body=payload%20%E2%9C%93' }), (x) => (x?.body ? [x.body.id] : []));
  t.eq(`${label}: status`, r?.status, 201);
  t.eq(`${label}: body`, r?.body ? dec.decode(r.body.bytes) : r?.body, 'POST https://x.test/b payload ✓');
  t.check(`${label}: request body was a buffer`, calls[0]?.args[0]?.body instanceof Buffer, show(calls[0]?.args[0]));
}
request('POST', '/fetch', 'url=https://x.test/empty', { status: 200 });
request('POST', '/fetch', 'url=bad://host&body=x', { status: 502, body: 'cannot reach bad://host' });
request('POST', '/transcode', 'input=vid-42', { status: 202, body: 'h264-720p:vid-42',
  calls: [['ffmpeg', { profile: 'h264-720p', inputId: 'vid-42', options: [{ key: 'crf', value: '23' }, { key: 'an', value: undefined }, { key: 'preset', value: 'fast' }] }]] });
request('POST', '/transcode', 'input=broken', { status: 500, body: 'unsupported codec' });
request('POST', '/publish', 'topic=a.b&payload=%7B%7D', { status: 204, calls: [['publish', 'a.b', '{}']] });
request('POST', '/publish', 'topic=forbidden.x&payload=', { status: 500, body: 'cannot publish to forbidden.x' });
currentUser = undefined;
request('GET', '/whoami', '', { status: 401, calls: [['getCurrentUser']] });
currentUser = { userId: 'id-7', username: 'zoë', groups: ['a', 'b c'] };
request('GET', '/whoami', '', { status: 200, body: 'user=id-7:zoë groups=a,b c' });
currentUser = { userId: 'id-8', username: 'x', groups: [] };
request('GET', '/whoami', '', { status: 200, body: 'user=id-8:x groups=' });
request('GET', '/nowhere', '', { status: 404, calls: [] });

// ---- handle-event: vtx-event is 18 flat values, so the export takes its parameters in memory
function event(label, ev, want, wantCalls) {
  let got, err;
  guarded(`handle-event ${label}`, () => { try { got = root.handleEvent(ev); } catch (e) { err = e; } });
  if (typeof want === 'string') t.eq(`handle-event ${label}: error`, err?.payload ?? `returned ${show(got)}`, want);
  else t.check(`handle-event ${label}: ok`, err === undefined && got === undefined, `threw ${show(err?.payload ?? err?.message)}`);
  t.eq(`handle-event ${label}: calls`, calls.map((c) => [c.fn, ...c.args]), wantCalls);
}
const ev = (over) => ({ id: 'ev-1', topic: 'video.ready', source: 'transcoder', payload: '{"id":3}',
  context: { userId: 'u1', username: 'ann', requestId: 'r-9' }, occurredAt: 1700000000123n, ...over });
event('video.ready', ev(), undefined, [['publish', 'relay.video.ready', '{"id":3}|ann|1700000000123|r-9']]);
event('anonymous', ev({ context: { userId: undefined, username: undefined, requestId: undefined }, occurredAt: 2n ** 64n - 1n }), undefined,
  [['publish', 'relay.video.ready', '{"id":3}|anon|18446744073709551615|-']]);
event('publish fails', ev({ topic: 'video.forbidden' }), 'cannot publish to relay.video.forbidden', [['publish', 'relay.video.forbidden', '{"id":3}|ann|1700000000123|r-9']]);
event('ignored', ev({ topic: 'user.login', source: 'auth' }), 'ignored: user.login from auth', []);

// ---- authenticate
function auth(label, headers, want, user) {
  currentUser = user;
  let got, err;
  guarded(`authenticate ${label}`, () => { try { got = root.authenticate(headers); } catch (e) { err = e; } });
  if (typeof want === 'number') t.eq(`authenticate ${label}`, err?.payload ?? `returned ${show(got)}`, want);
  else if (err) t.check(`authenticate ${label}`, false, `threw ${err?.payload ?? err}`);
  else t.eq(`authenticate ${label}`, got, want);
}
auth('token', [['Authorization', 'Bearer secret-bob']], { userId: 'u-bob', username: 'bob', groups: ['users'], metadata: '{"source":"token"}' });
auth('bad token', [['authorization', 'Bearer nope']], 403);
auth('no header, no user', [], 401, undefined);
auth('no header, context user', [['accept', '*/*']], { userId: 'id-9', username: 'çé', groups: ['g1', 'g2', ''], metadata: '{"source":"context"}' },
  { userId: 'id-9', username: 'çé', groups: ['g1', 'g2', ''] });

t.eq('heap after every test', heap(), heap0);
t.eq('no buffer left alive', [...liveBufs.keys()], []);
t.done();
