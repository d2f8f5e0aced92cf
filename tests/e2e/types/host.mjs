// host.mjs: JavaScript host for the `types` world (world.wit).
//
//   node host.mjs JSDIR NAME
//
// Implements the imported `fns` and `world-bump` with the operations documented in world.wit,
// records what each import receives, calls every export and checks (1) what the guest passed to
// the import, (2) what the export returned, and (3) that the guest's malloc heap is back at its
// baseline after the call and its post-return (ownership: no leak, no double free).
import { Checks, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'types'] = process.argv.slice(2);
const t = new Checks();
const enc = new TextEncoder();
const bytes = (s) => enc.encode(s).length;

// ---- the operations (F), on jco's JavaScript view of each type
const wrapU8 = (x) => x & 0xff, wrapS8 = (x) => (x << 24) >> 24;
const wrapU16 = (x) => x & 0xffff, wrapS16 = (x) => (x << 16) >> 16;
const wrapU32 = (x) => x >>> 0, wrapS32 = (x) => x | 0;
const wrapU64 = (x) => BigInt.asUintN(64, x), wrapS64 = (x) => BigInt.asIntN(64, x);
const f32 = Math.fround;
const nextChar = (c) => {
  const v = c.codePointAt(0);
  return String.fromCodePoint(v === 0xd7ff ? 0xe000 : v === 0x10ffff ? 0 : v + 1);
};
const revCp = (s) => [...s].reverse().join('');
const rotate = (p) => ({ x: wrapS32(-p.y), y: p.x });
const bits = (obj, names) => names.reduce((b, n, i) => (obj[n] ? b | (1 << i) : b), 0) >>> 0;
const fromBits = (b, names) => Object.fromEntries(names.map((n, i) => [n, !!((b >>> i) & 1)]));
const SMALL = ['read', 'write', 'exec'];
const MEDIUM = Array.from({ length: 12 }, (_, i) => `m${i}`);
const LARGE = Array.from({ length: 20 }, (_, i) => `l${i}`);
const COLORS = ['red', 'green', 'blue', 'alpha'];
const FULL = Array.from({ length: 32 }, (_, i) => `f${i}`);
const BIG = Array.from({ length: 300 }, (_, i) => `e${i}`);

const F = {
  notBool: (x) => !x,
  decS8: (x) => wrapS8(x - 1),
  incU16: (x) => wrapU16(x + 1),
  incU64: (x) => wrapU64(x + 1n),
  halfF32: (x) => f32(x / 2),
  halfF64: (x) => x / 2,
  nextChar,
  scalars: (a, b, c, d, e, f, g, h, i, j, k, l) => [wrapU8(a + 1), wrapS8(b + 1), wrapU16(c + 1), wrapS16(d + 1),
    wrapU32(e + 1), wrapS32(f + 1), wrapU64(g + 1n), wrapS64(h + 1n), f32(i * 2), j * 2, !k, nextChar(l)],
  revAppend: (s) => revCp(s) + '¡',
  bumpBytes: (b) => Uint8Array.from(b).reverse().map((x) => (x + 1) & 0xff),
  rotate: (ps) => ps.map(rotate),
  nested: (xss) => xss.slice().reverse().map((xs) => xs.map((s) => s + '+')),
  incS64s: (xs) => BigInt64Array.from(xs, (x) => wrapS64(x + 1n)),
  negF32s: (xs) => Float32Array.from(xs, (x) => -x),
  optU32: (x) => (x === undefined ? 0 : x % 2 === 0 ? x + 1 : undefined),
  optString: (x) => (x === undefined ? '∅' : bytes(x) < 4 ? x + '?' : undefined),
  // option<option<u8>>: the outer option is {tag, val}, the inner one undefined | number
  optOpt: (x) => (x.tag === 'none' ? { tag: 'some', val: undefined }
    : x.val === undefined ? { tag: 'some', val: 0 }
    : x.val === 255 ? { tag: 'none' } : { tag: 'some', val: x.val + 1 }),
  maybe: (p) => (p === undefined ? { x: 0, y: 0 } : { x: p.y, y: wrapS32(p.x + 1) }),
  statusOf: (s) => (s.tag === 'ok' ? (s.val < 1000 ? { tag: 'ok', val: s.val * 3 } : { tag: 'err', val: `big ${s.val}` })
    : { tag: 'ok', val: bytes(s.val) }),
  transform: (m) => ({
    a: wrapU8(m.a + 1), b: wrapS8(m.b + 1), c: wrapU16(m.c + 1), d: wrapS16(m.d + 1), e: wrapU32(m.e + 1),
    f: wrapS32(m.f + 1), g: wrapU64(m.g + 1n), h: wrapS64(m.h + 1n), fl: f32(m.fl * 2), db: m.db * 2,
    yes: !m.yes, ch: nextChar(m.ch), name: m.name + '*', tags: m.tags.slice().reverse(), at: rotate(m.at),
  }),
  nextShape: (s) => {
    switch (s.tag) {
      case 'nothing': return { tag: 'circle', val: 1.5 };
      case 'circle': return { tag: 'square', val: s.val * 2 };
      case 'square': return { tag: 'count', val: wrapU64(BigInt(Math.trunc(s.val))) };
      case 'count': return { tag: 'label', val: String(s.val) };
      case 'label': return { tag: 'at', val: { x: bytes(s.val), y: -bytes(s.val) } };
      case 'at': return { tag: 'pair', val: [s.val.x & 255, f32(s.val.y)] };
      case 'pair': return { tag: 'nothing' };
    }
    throw new Error(`bad shape ${show(s)}`);
  },
  nextColor: (c) => COLORS[(COLORS.indexOf(c) + 1) % 4],
  flipSmall: (f) => { const x = ~bits(f, SMALL) & 7; return fromBits(((x << 1) | (x >> 2)) & 7, SMALL); },
  flipMedium: (f) => fromBits(~bits(f, MEDIUM) & 0xfff, MEDIUM),
  flipLarge: (f) => fromBits(~bits(f, LARGE) & 0xfffff, LARGE),
  flipFull: (f) => fromBits(~bits(f, FULL) >>> 0, FULL),
  switch: (k) => ({ if: wrapU32(k.if + 1), default: k.default + '?', switch: !k.switch, static: wrapS8(k.static - 1), int: k.int * -2 }),
  nextBig: (e) => BIG[(BIG.indexOf(e) + 7) % 300],
  bag: (shapes, names, deep) => [
    shapes.map((x) => F.nextShape(x)),
    names.map((n) => (n === undefined ? '?' : bytes(n) < 6 ? n + '!' : undefined)),
    deep === undefined ? { tag: 'ok', val: [] }
      : deep.tag === 'err' ? undefined
      : deep.val.length < 2 ? { tag: 'ok', val: [...deep.val, 'x'] }
      : { tag: 'err', val: [deep.val.length, deep.val.join(',')] },
  ],
};

// ---- the imports: F, or the documented host behaviour; every call is recorded
const calls = [];
const rec = (fn, impl) => (...args) => { calls.push({ fn, args }); return impl(...args); };
const fail = (payload) => { throw { payload }; };   // an inline result's error, for jco
const fns = {};
for (const [k, f] of Object.entries(F)) fns[k] = rec(k, f);
Object.assign(fns, {
  join: rec('join', (parts, sep) => parts.join(sep)),
  checkedDiv: rec('checkedDiv', (a, b) => (b === 0 ? fail('division by zero')
    : a === -0x80000000 && b === -1 ? fail('overflow') : Math.trunc(a / b))),
  resOkOnly: rec('resOkOnly', (x) => (x % 2 === 0 ? x : fail(undefined))),
  resErrOnly: rec('resErrOnly', (s) => (s.includes('x') ? fail(`bad: ${s}`) : undefined)),
  resEmpty: rec('resEmpty', (x) => (x ? undefined : fail(undefined))),
  swap: rec('swap', ([s, n, b]) => [b, n, s]),
  sumIds: rec('sumIds', (xs) => xs.reduce((a, x) => wrapU64(a + x), 0n)),
  many: rec('many', (a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14) => ({
    total: a1 + a2 + a3 + Number(a4) + a5 + a6 + Number(a13) + a14 + (a7 ? 1 : 0),
    text: a9 + a8 + String(a10.length),
    count: wrapU32(a10.reduce((s, x) => s + x, 0) + a11.x + a11.y + (a12 ?? 0)),
  })),
});
const worldBump = rec('worldBump', (c) => ({ n: wrapU32(c.n * 10), label: c.label + '@host' }));

let root;
try {
  root = await instantiate(dir, name, {
    'test:types/defs@0.1.0': {},
    'test:types/fns@0.1.0': fns,
    'world-bump': { default: worldBump },
  });
  t.check('instantiate', typeof root?.fns?.notBool === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.eq('heap after every test', root.heapBytes(), start);
t.done();
  process.exit();
}
const api = root.fns;

// Warm up once (lazy initialisation in libc or the adapter); each call's heap check compares the
// guest's heap after the call with the heap before it, so a leak fails only the leaking call.
api.notBool(true);
const start = root.heapBytes();
t.check('heap-bytes is a bigint', typeof start === 'bigint', show(start));
function heapCheck(label, before) {
  const heap = root.heapBytes();
  t.check(`${label}: heap`, heap === before, `guest heap ${heap} bytes after the call, ${before} before (${heap > before ? 'leak' : 'freed too much'})`);
}

/** Calls export fn with args; checks the import saw `wantImport` (if given), the answer, the heap. */
function call(label, fn, args, opts = {}) {
  const { want, wantImport, importFn = fn, throws } = opts;
  calls.length = 0;
  const before = root.heapBytes();
  let got, threw;
  try { got = api[fn](...args); } catch (e) { threw = e; }
  if (Object.hasOwn(opts, 'throws')) {
    if (threw === undefined) t.check(`${label}: error`, false, `returned ${show(got)}, want error ${show(throws)}`);
    else t.eq(`${label}: error`, threw.payload, throws);
  } else if (threw !== undefined) {
    t.check(`${label}: result`, false, `threw: ${threw?.stack ?? threw}`);
  } else {
    t.eq(`${label}: result`, got, want);
  }
  if (wantImport !== undefined) {
    const seen = calls.filter((c) => c.fn === importFn).map((c) => c.args);
    t.eq(`${label}: import args`, seen.length === 1 ? seen[0] : seen, wantImport);
  }
  heapCheck(label, before);
}
/** An F-shaped function: export(x) = F(host(F(x))). */
function fcall(label, fn, ...args) {
  const once = F[fn](...args);
  const fx = Array.isArray(once) && args.length > 1 ? once : [once];
  call(label, fn, args, { want: F[fn](...[F[fn](...fx)].flatMap((v) => (args.length > 1 ? v : [v]))), wantImport: fx });
}

// ---- scalars
for (const x of [true, false]) fcall(`not-bool(${x})`, 'notBool', x);
for (const x of [0, 1, -128, 127, -1]) fcall(`dec-s8(${x})`, 'decS8', x);
for (const x of [0, 65535, 65534, 12345]) fcall(`inc-u16(${x})`, 'incU16', x);
for (const x of [0n, 2n ** 64n - 1n, 2n ** 64n - 2n, 2n ** 63n]) fcall(`inc-u64(${x})`, 'incU64', x);
for (const x of [1, -3.5, f32(0.1), 0, -0, Infinity, f32(3.4e38)]) fcall(`half-f32(${x})`, 'halfF32', x);
for (const x of [1, -3.5, 0.1, -0, 1e308, 5e-324]) fcall(`half-f64(${x})`, 'halfF64', x);
for (const c of ['a', 'é', '\u{d7fe}', '\u{d7ff}', '🦀', '\u{10ffff}', '\u{10fffe}', '\0']) fcall(`next-char(U+${c.codePointAt(0).toString(16)})`, 'nextChar', c);
fcall('scalars(small)', 'scalars', 1, -2, 3, -4, 5, -6, 7n, -8n, 1.5, -2.25, true, 'x');
fcall('scalars(edges)', 'scalars', 255, 127, 65535, 32767, 0xffffffff, 0x7fffffff, 2n ** 64n - 1n, 2n ** 63n - 1n,
  f32(-1e-3), 1e300, false, '\u{10ffff}');
fcall('scalars(mins)', 'scalars', 0, -128, 0, -32768, 0, -0x80000000, 0n, -(2n ** 63n), 0, -0, true, '\u{d7ff}');

// ---- strings
for (const s of ['', 'abc', 'nul\0byte', 'héllo wörld', '日本語テキスト', '🦀 crab 🦀', 'a'.repeat(100000) + 'é'])
  fcall(`rev-append(${JSON.stringify(s.slice(0, 16))}${s.length > 16 ? '...' : ''})`, 'revAppend', s);
for (const [parts, sep] of [[['a', 'b', 'c'], ', '], [[], '-'], [[''], ''], [['ü', '', '🦀', 'x'.repeat(5000)], '→']]) {
  const rev = parts.slice().reverse();
  call(`join(${parts.length} parts, ${JSON.stringify(sep)})`, 'join', [parts, sep],
    { want: `<${rev.join(sep + sep)}>`, wantImport: [rev, sep + sep] });
}

// ---- lists
const prng = (n, seed) => { const out = new Uint8Array(n); let x = seed >>> 0; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; } return out; };
for (const b of [new Uint8Array(0), Uint8Array.of(0, 255, 7), prng(1 << 20, 5)]) fcall(`bump-bytes(${b.length} bytes)`, 'bumpBytes', b);
for (const ps of [[], [{ x: 1, y: 2 }], [{ x: -0x80000000, y: -0x80000000 }, { x: 0x7fffffff, y: -1 }],
  Array.from({ length: 10000 }, (_, i) => ({ x: i, y: -3 * i }))]) fcall(`rotate(${ps.length} points)`, 'rotate', ps);
for (const xss of [[], [[]], [['a'], [], ['b', 'ç', '']], Array.from({ length: 300 }, (_, i) => Array.from({ length: i % 7 }, (_, j) => `${i}.${j}✓`))])
  fcall(`nested(${xss.length} lists)`, 'nested', xss);
for (const xs of [new BigInt64Array(0), BigInt64Array.of(-1n, 2n ** 63n - 1n, -(2n ** 63n), 0n)]) fcall(`inc-s64s(${xs.length})`, 'incS64s', xs);
for (const xs of [new Float32Array(0), Float32Array.of(1.5, -0, 0, Infinity, f32(0.1)), new Float32Array(50000).map((_, i) => f32(i / 7))])
  fcall(`neg-f32s(${xs.length})`, 'negF32s', xs);

// ---- options
for (const x of [undefined, 0, 1, 2, 0xfffffffe, 0xffffffff]) fcall(`opt-u32(${x})`, 'optU32', x);
for (const x of [undefined, '', 'a', 'ab', 'abc', 'abcd', '∅', 'é']) fcall(`opt-string(${JSON.stringify(x)})`, 'optString', x);
for (const x of [{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 0 }, { tag: 'some', val: 253 }, { tag: 'some', val: 254 }, { tag: 'some', val: 255 }])
  fcall(`opt-opt(${show(x)})`, 'optOpt', x);
for (const p of [undefined, { x: 1, y: 2 }, { x: 0x7fffffff, y: -5 }]) fcall(`maybe(${show(p)})`, 'maybe', p);

// ---- results
for (const [a, b] of [[7, 2], [-7, 2], [5, 0], [-0x40000000, -1], [-0x80000000, -1], [0x40000000, 1]]) {
  const a2 = wrapS32(a * 2);
  const label = `checked-div(${a}, ${b})`;
  if (b === 0) call(label, 'checkedDiv', [a, b], { throws: 'guest: division by zero', wantImport: [a2, b] });
  else if (a2 === -0x80000000 && b === -1) call(label, 'checkedDiv', [a, b], { throws: 'guest: overflow', wantImport: [a2, b] });
  else call(label, 'checkedDiv', [a, b], { want: wrapS32(Math.trunc(a2 / b) + 1), wantImport: [a2, b] });
}
for (const x of [1, 2, 0xffffffff, 0x7fffffff]) {
  const y = wrapU32(x + 1);
  if (y % 2 === 0) call(`res-ok-only(${x})`, 'resOkOnly', [x], { want: wrapU32(y * 2), wantImport: [y] });
  else call(`res-ok-only(${x})`, 'resOkOnly', [x], { throws: undefined, wantImport: [y] });
}
for (const s of ['fine', 'box', '', 'ünïcödé x 🦀']) {
  const arg = s + '!';
  if (arg.includes('x')) call(`res-err-only(${JSON.stringify(s)})`, 'resErrOnly', [s], { throws: revCp(`bad: ${arg}`), wantImport: [arg] });
  else call(`res-err-only(${JSON.stringify(s)})`, 'resErrOnly', [s], { want: undefined, wantImport: [arg] });
}
call('res-empty(false)', 'resEmpty', [false], { want: undefined, wantImport: [true] });
call('res-empty(true)', 'resEmpty', [true], { throws: undefined, wantImport: [false] });
for (const s of [{ tag: 'ok', val: 5 }, { tag: 'ok', val: 400 }, { tag: 'ok', val: 999 }, { tag: 'ok', val: 5000 }, { tag: 'err', val: 'héllo' }, { tag: 'err', val: '' }])
  fcall(`status-of(${show(s)})`, 'statusOf', s);

// ---- aggregates
for (const [s, n, b] of [['ab', 1, true], ['', 0xffffffff, false], ['日本', 7, false]])
  call(`swap(${JSON.stringify(s)}, ${n}, ${b})`, 'swap', [[s, n, b]],
    { want: [b, wrapU32(wrapU32(n + 1) * 2), s + s], wantImport: [[s, wrapU32(n + 1), !b]] });
const mixed = (over = {}) => ({
  a: 200, b: -100, c: 60000, d: -30000, e: 4000000000, f: -2000000000, g: 2n ** 64n - 1n, h: -(2n ** 62n),
  fl: 1.25, db: -1e-10, yes: true, ch: 'ß', name: 'näme', tags: ['t1', 'tü2', ''], at: { x: 3, y: -4 }, ...over,
});
fcall('transform(mixed)', 'transform', mixed());
fcall('transform(empty strings and lists)', 'transform', mixed({ name: '', tags: [], ch: '\u{10ffff}', yes: false }));
fcall('transform(big)', 'transform', mixed({ name: 'n'.repeat(70000), tags: Array.from({ length: 2000 }, (_, i) => `tag${i}`) }));
for (const s of [{ tag: 'nothing' }, { tag: 'circle', val: 2.5 }, { tag: 'square', val: 9.75 }, { tag: 'count', val: 2n ** 64n - 1n },
  { tag: 'label', val: 'ünï' }, { tag: 'at', val: { x: 300, y: -7 } }, { tag: 'pair', val: [9, 0.5] }])
  fcall(`next-shape(${s.tag})`, 'nextShape', s);
for (const c of COLORS) fcall(`next-color(${c})`, 'nextColor', c);
for (const f of [{}, { read: true }, { write: true, exec: true }, { read: true, write: true, exec: true }]) fcall(`flip-small(${show(f)})`, 'flipSmall', f);
for (const b of [0, 1, 0x800, 0xfff, 0x5a5]) fcall(`flip-medium(0x${b.toString(16)})`, 'flipMedium', fromBits(b, MEDIUM));
for (const b of [0, 1, 0x80000, 0xfffff, 0xa5a5a]) fcall(`flip-large(0x${b.toString(16)})`, 'flipLarge', fromBits(b, LARGE));
for (const b of [0, 1, 0x80000000, 0xffffffff, 0x7fffffff, 0xdeadbeef]) fcall(`flip-full(0x${b.toString(16)})`, 'flipFull', fromBits(b, FULL));
for (const k of [{ if: 1, default: 'dé', switch: true, static: -128, int: 0.5 }, { if: 0xffffffff, default: '', switch: false, static: 0, int: -0 }])
  fcall(`switch(${show(k)})`, 'switch', k);
for (const e of ['e0', 'e1', 'e255', 'e256', 'e292', 'e299']) fcall(`next-big(${e})`, 'nextBig', e);
{
  const shapes = [{ tag: 'label', val: 'héllo' }, { tag: 'nothing' }, { tag: 'count', val: 42n }, { tag: 'square', val: 2.5 },
    { tag: 'circle', val: 0.25 }, { tag: 'at', val: { x: 1000, y: -1 } }, { tag: 'pair', val: [1, 2] }];
  fcall('bag(empty)', 'bag', [], [], undefined);
  fcall('bag(some of each)', 'bag', shapes, ['ab', undefined, 'long name', ''], { tag: 'ok', val: ['a'] });
  fcall('bag(err)', 'bag', [shapes[0]], [undefined], { tag: 'err', val: [3, 'x,y'] });
  fcall('bag(ok with 3)', 'bag', [], ['ü'], { tag: 'ok', val: ['p', 'q', 'r'] });
  fcall('bag(ok empty)', 'bag', [], [], { tag: 'ok', val: [] });
  fcall('bag(large)', 'bag', Array.from({ length: 700 }, (_, i) => shapes[i % shapes.length]),
    Array.from({ length: 500 }, (_, i) => (i % 3 ? `n${i}` : undefined)), { tag: 'ok', val: ['only'] });
}
for (const xs of [new BigUint64Array(0), BigUint64Array.of(1n, 2n, 3n), BigUint64Array.of(2n ** 63n, 2n ** 63n + 1n, 5n)]) {
  const doubled = BigUint64Array.from(xs, (x) => wrapU64(x * 2n));
  call(`sum-ids(${xs.length})`, 'sumIds', [xs], { want: wrapU64(doubled.reduce((a, x) => a + x, 0n) + 1n), wantImport: [doubled] });
}
{
  const args = [250, -300, 70000, -(2n ** 40n), 1.5, 2.25, true, 'é', 'txt', Uint8Array.of(1, 2, 3), { x: 10, y: 20 }, 4, 2n ** 53n, -5];
  const [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14] = args;
  const seen = [wrapU8(a1 + 1), wrapS16(a2 + 1), wrapU32(a3 + 1), wrapS64(a4 + 1n), a5, a6, a7, a8, a9 + '#',
    Uint8Array.from(a10).reverse(), rotate(a11), F.optU32(a12), wrapU64(a13 + 1n), wrapS8(a14 + 1)];
  const sum = fns.many(...seen);
  calls.length = 0;
  call('many(18 flat params)', 'many', args, { want: { ...sum, count: wrapU32(sum.count + 1000) }, wantImport: seen });
  const args2 = [255, 32767, 0xffffffff, 2n ** 63n - 1n, -0.5, 0, false, '🦀', '', new Uint8Array(0), { x: -1, y: -1 }, undefined, 2n ** 64n - 1n, 127];
  const [b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14] = args2;
  const seen2 = [wrapU8(b1 + 1), wrapS16(b2 + 1), wrapU32(b3 + 1), wrapS64(b4 + 1n), b5, b6, b7, b8, b9 + '#',
    new Uint8Array(0), rotate(b11), F.optU32(b12), wrapU64(b13 + 1n), wrapS8(b14 + 1)];
  const sum2 = fns.many(...seen2);
  calls.length = 0;
  call('many(wrapping, empty)', 'many', args2, { want: { ...sum2, count: wrapU32(sum2.count + 1000) }, wantImport: seen2 });
}

// ---- world level
for (const c of [{ n: 1, label: 'x' }, { n: 0xffffffff, label: '' }, { n: 7, label: 'wörld' }]) {
  calls.length = 0;
  const before = root.heapBytes();
  let got;
  t.run(`world-ping(${show(c)})`, () => { got = root.worldPing(c); });
  const arg = { n: wrapU32(c.n + 1), label: c.label };
  t.eq(`world-ping(${show(c)}): import args`, calls.filter((x) => x.fn === 'worldBump').map((x) => x.args), [[arg]]);
  t.eq(`world-ping(${show(c)}): result`, got, { n: wrapU32(wrapU32(arg.n * 10) + 2), label: c.label + '@host' });
  heapCheck(`world-ping(${show(c)})`, before);
}

t.eq('heap after every test', root.heapBytes(), start);
t.done();
