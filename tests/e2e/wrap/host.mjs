// host.mjs: JavaScript host for the `wrap` world (world.wit, guest.c): the host implements the
// imported `ctr`; the guest exports its own `ctr`, each wrapping one of the host's.
//
//   node host.mjs JSDIR NAME
import { Checks, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'wrap'] = process.argv.slice(2);
const t = new Checks();

const live = new Set();
let disposed = 0, released = 0, nextId = 1;
class Ctr {
  constructor(start) { this.id = nextId++; this.v = start >>> 0; live.add(this.id); }
  check() { if (!live.has(this.id)) throw new Error(`host ctr ${this.id} used after drop`); }
  inc(by) { this.check(); this.v = (this.v + by) >>> 0; }
  get() { this.check(); return this.v; }
  static merge(a, b) { a.check(); b.check(); const m = new Ctr(a.v + b.v); live.delete(a.id); released++; return m; }
  [Symbol.dispose]() { this.check(); live.delete(this.id); disposed++; }
}
const api = {
  Ctr,
  total: (cs) => cs.reduce((s, c) => (s + c.get()) >>> 0, 0),
  range: (n) => Array.from({ length: n }, (_, i) => new Ctr(i)),
  drain: (cs) => cs.reduce((s, c) => { const v = c.get(); live.delete(c.id); released++; return (s + v) >>> 0; }, 0),
};

let root;
try {
  root = await instantiate(dir, name, { 'test:wrap/api@0.1.0': api });
  t.check('instantiate', typeof root?.api?.Ctr === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.done();
  process.exit();
}
const G = root.api;
const heap0 = root.heapBytes();

const c = t.run('new ctr(5)', () => new G.Ctr(5));
t.eq('get wraps the host ctr(10)', c.get(), 10);
t.run('inc(3)', () => c.inc(3));
t.eq('get after inc: host 14 + 1 inc', c.get(), 15);
const d = new G.Ctr(1);
d.inc(0);
t.eq('second ctr: host 3 + 1 inc', d.get(), 4);
t.eq('host ctrs alive', live.size, 2);
const m = t.run('merge(own, borrow)', () => G.Ctr.merge(c, d));
t.eq('merged: host 17 + 2 incs', m?.get(), 19);
t.eq('merge moved the first inner to the host', [released, disposed], [1, 0]);
t.check('the consumed wrapper is gone', (() => { try { c.get(); return false; } catch { return true; } })());
t.eq('total(list<borrow>)', t.run('total', () => G.total([m, d])), 17 + 3 + 2 + 1);
t.eq('total of nothing', G.total([]), 0);
const r = t.run('range(3)', () => G.range(3));
t.eq('range values', r?.map((x) => x.get()), [0, 1, 2]);
t.eq('range of nothing', G.range(0), []);
t.eq('host ctrs alive', live.size, 5);
// jco 1.35 lifts a list of own handles of an exported resource with one shared closure
// variable, so [Symbol.dispose] on the elements drops the wrong handles: give them back instead
r[0].inc(6);
t.eq('drain(list<own>) consumed the wrappers', t.run('drain', () => G.drain(r)), 0 + 7 + 1 + 2 + 1);
t.eq('drain moved the inners to the host', [live.size, released], [2, 4]);
for (const x of [m, d]) x[Symbol.dispose]();
t.eq('every other inner dropped by the destructors', [live.size, disposed], [0, 2]);
t.eq('guest heap back to its start', root.heapBytes(), heap0);
t.done();
