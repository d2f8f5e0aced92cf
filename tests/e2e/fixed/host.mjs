// host.mjs: JavaScript host for the `fixed` world (fixed-length lists; world.wit).
//
//   node host.mjs JSDIR NAME
//
// jco shows list<T, N> as a plain Array of N elements in both directions.
import { Checks, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'fixed'] = process.argv.slice(2);
const t = new Checks();

const F = {
  bytes4: (x) => x.slice().reverse().map((b) => (b + 1) & 255),
  points: (ps) => ps.slice().reverse().map((p) => ({ x: p.y, y: p.x })),
  strings: (ss) => [ss[1], ss[2], ss[0]].map((s) => s + '·'),
  transpose: (m) => [[m[0][0], m[1][0]], [m[0][1], m[1][1]]],
  shade: (r) => ({ c: [r.c[2], r.c[0], r.c[1]], name: [...r.name].reverse().join('') }),
  big: (x) => x.slice().reverse().map((b) => (b + 1) & 255),
};
const calls = [];
const rec = (fn, impl) => (...args) => { calls.push({ fn, args }); return impl(...args); };
const fns = {};
for (const [k, f] of Object.entries(F)) fns[k] = rec(k, f);
fns.sum = rec('sum', (x) => BigInt(x.reduce((a, v) => a + v, 0)));
fns.maybe = rec('maybe', (x) => x);

let root;
try {
  root = await instantiate(dir, name, { 'test:fixed/fns@0.1.0': fns });
  t.check('instantiate', typeof root?.fns?.bytes4 === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.done();
  process.exit();
}
const api = root.fns;
const heap0 = root.heapBytes();

function call(label, fn, args, want, wantImport) {
  calls.length = 0;
  const before = root.heapBytes();
  const got = t.run(label, () => api[fn](...args));
  t.eq(`${label}: result`, got, want);
  t.eq(`${label}: import args`, calls.filter((c) => c.fn === fn).map((c) => c.args), [wantImport]);
  const after = root.heapBytes();
  t.check(`${label}: heap`, after === before, `guest heap ${after} after, ${before} before`);
}
const fcall = (label, fn, x) => call(label, fn, [x], F[fn](F[fn](F[fn](x))), [F[fn](x)]);

for (const x of [[1, 2, 3, 4], [255, 0, 128, 254]]) fcall(`bytes4(${show(x)})`, 'bytes4', x);
for (const ps of [[{ x: 1, y: 2 }, { x: 3, y: 4 }], [{ x: -0x80000000, y: 0x7fffffff }, { x: 0, y: -1 }]]) fcall(`points(${show(ps)})`, 'points', ps);
for (const ss of [['a', 'b', 'c'], ['', 'ü', '🦀'.repeat(1000)]]) fcall(`strings(${show(ss).slice(0, 40)})`, 'strings', ss);
for (const m of [[[1, 2], [3, 4]], [[-32768, 32767], [-1, 0]]]) fcall(`transpose(${show(m)})`, 'transpose', m);
for (const x of [Array.from({ length: 20 }, (_, i) => i), Array.from({ length: 20 }, () => 0xfffffffe)]) {
  const plus = x.map((v) => (v + 1) >>> 0);
  call(`sum(${x[0]}...)`, 'sum', [x], BigInt.asUintN(64, BigInt(plus.reduce((a, v) => a + v, 0)) * 2n), [plus]);
}
for (const r of [{ c: [1, 2, 3], name: 'abc' }, { c: [0, 255, 9], name: '' }]) fcall(`shade(${show(r)})`, 'shade', r);
call('maybe(none)', 'maybe', [undefined], undefined, [undefined]);
call('maybe(some)', 'maybe', [[1.5, -0]], [-1.5, 0], [[-1.5, 0]]);
// 100,000 bytes each way (larger than the guest's 64 KiB stack), twice
for (const seed of [7, 200]) {
  const x = Array.from({ length: 100000 }, (_, i) => (i * 31 + seed) & 255);
  fcall(`big(100000 bytes, seed ${seed})`, 'big', x);
}
t.eq('heap after every test', root.heapBytes(), heap0);
t.done();
