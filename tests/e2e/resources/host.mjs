// host.mjs: JavaScript host for the `resources` world (world.wit).
//
//   node host.mjs JSDIR NAME
//
// Implements the imported `counter` resource (jco calls [Symbol.dispose] on the host object when
// the guest drops its own handle), uses the guest's `int-stack` (a class in JavaScript; dropping
// the handle with [Symbol.dispose] runs the guest's destructor), and checks values, drop counts
// on both sides, and the guest's heap.
import { Checks, instantiate, show } from '../lib/host.mjs';

const [dir, name = 'resources'] = process.argv.slice(2);
const t = new Checks();

// ---- the host's counter
let nextId = 1;
const live = new Set();        // ids of host counters not yet dropped or given back
let disposed = 0;              // drops the guest made (jco calls [Symbol.dispose])
let hostTaken = 0;             // counters whose ownership came back to the host (merge, give-back)
class Counter {
  constructor(start) { this.id = nextId++; this.value = start | 0; live.add(this.id); }
  get() { this.check(); return this.value; }
  add(n) { this.check(); this.value = (this.value + n) | 0; }
  label() { this.check(); return `counter(${this.value})`; }
  static makePair(a, b) { return [new Counter(a), new Counter(b)]; }
  static merge(a, b) {
    a.check(); b.check();
    const m = new Counter(a.value + b.value);
    a.release();               // we own `a` now: drop it
    return m;
  }
  check() { if (!live.has(this.id)) throw new Error(`counter ${this.id} used after drop`); }
  release() { this.check(); live.delete(this.id); hostTaken++; }
  [Symbol.dispose]() { this.check(); live.delete(this.id); disposed++; }
}
const hostRes = {
  Counter,
  total: (cs) => cs.reduce((s, c) => (s + c.get()) | 0, 0),
  giveBack: (cs) => { for (const c of cs) c.release(); return cs.length; },
  maybeCounter: (n) => (n >= 0 ? new Counter(n) : undefined),
};

// ---- the world-level token
let tokenDrops = 0;
class Token {
  constructor(n) { this.n = n; }
  value() { return this.n; }
  [Symbol.dispose]() { tokenDrops++; }
}

let root;
try {
  root = await instantiate(dir, name, {
    'test:resources/host-res@0.1.0': hostRes,
    token: { default: Token },
    'make-token': { default: (n) => new Token(n * 10) },
  });
  t.check('instantiate', typeof root?.guestRes?.IntStack === 'function');
} catch (e) {
  t.check('instantiate', false, String(e?.stack ?? e));
  t.done();
  process.exit();
}
const g = root.guestRes;
const { IntStack } = g;
const heap0 = root.heapBytes();

function step(label, fn) { return t.run(label, fn); }

// ---- exported resource: constructor, methods, statics, destructor
let s = step('new int-stack', () => new IntStack('först'));
t.eq('live after constructor', g.live(), 1);
step('push', () => { s.push(1); s.push(-2); s.push(2147483647); });
t.eq('len', s.len(), 3);
t.eq('name', s.name(), 'först');
t.eq('items', s.items(), Int32Array.of(1, -2, 2147483647));
t.eq('pop', s.pop(), 2147483647);
t.eq('peek (static, borrow)', IntStack.peek(s), -2);
t.eq('items after pop', s.items(), Int32Array.of(1, -2));
const empty = step('new empty', () => new IntStack(''));
t.eq('pop on empty', empty.pop(), undefined);
t.eq('peek on empty', IntStack.peek(empty), undefined);
t.eq('items of empty', empty.items(), new Int32Array(0));
t.eq('name of empty', empty.name(), '');
const d0 = g.dropped();
step('drop empty', () => empty[Symbol.dispose]());
t.eq('destructor ran', g.dropped(), d0 + 1);
t.eq('live after drop', g.live(), 1);

const big = Int32Array.from({ length: 5000 }, (_, i) => i * 3 - 7000);
const fl = step('from-list (static)', () => IntStack.fromList('big', big));
t.eq('from-list items', fl.items(), big);
t.eq('from-list len', fl.len(), 5000);
step('absorb (own param)', () => s.absorb(fl));
t.eq('absorb destroyed the other', g.dropped(), d0 + 2);
t.eq('absorb items', s.items(), Int32Array.from([1, -2, ...big]));
t.check('absorbed handle is gone', (() => { try { fl.len(); return false; } catch { return true; } })(), 'a moved handle still works');

// ---- imported resource through an exported one
const c = new Counter(41);
step('push-counter (borrow of a host counter)', () => s.pushCounter(c));
t.eq('push-counter pushed the value', s.pop(), 41);
t.check('counter still alive after a borrow', live.has(c.id));
const sum = [...s.items()].reduce((a, x) => a + x, 0) | 0;
const tc = step('to-counter (own of an imported resource in a result)', () => s.toCounter());
t.check('to-counter gave a host Counter', tc instanceof Counter, show(tc));
t.eq('to-counter value', tc?.get(), sum);

// consume: the guest gets an own counter and drops it
const disposed0 = disposed;
const cc = new Counter(-9);
t.eq('consume returns the value', g.consume(cc), -9);
t.eq('consume dropped it (host saw [Symbol.dispose])', disposed, disposed0 + 1);
t.check('consumed counter is dead', !live.has(cc.id));

// exercise: the guest drives the host's counters on its own
for (const seed of [3, -20]) {
  const live0 = new Set(live), disp0 = disposed, taken0 = hostTaken;
  const got = step(`exercise(${seed})`, () => g.exercise(seed));
  const want = [seed, seed + 5, seed * 2, 7, seed * 2 + 7, (seed + 5) + 7 + (seed * 2 + 7),
    `counter(${seed + 5})`.length, seed >= 0 ? seed : -1, -1, 2];
  t.eq(`exercise(${seed}) values`, got, Int32Array.from(want));
  t.eq(`exercise(${seed}) leaves no host counter alive`, [...live].filter((id) => !live0.has(id)), []);
  // drops by the guest: c1, m, the maybe-counter (when some); moves to the host: a (merge), b and 100 (give-back)
  t.eq(`exercise(${seed}) guest drops`, disposed - disp0, seed >= 0 ? 3 : 2);
  t.eq(`exercise(${seed}) ownership moves`, hostTaken - taken0, 3);
}

// lists of own handles, both directions
const parts = step('split (list<own> result)', () => g.split(IntStack.fromList('p', Int32Array.of(10, 20, 30))));
t.eq('split gave 3 stacks', parts?.length, 3);
t.eq('split names', parts?.map((p) => p.name()), ['p[0]', 'p[1]', 'p[2]']);
t.eq('split items', parts?.map((p) => [...p.items()]), [[10], [20], [30]]);
const dl = g.dropped();
t.eq('lengths (list<own> param)', g.lengths([...parts, IntStack.fromList('q', Int32Array.of(1, 2))]), Uint32Array.of(1, 1, 1, 2));
t.eq('lengths destroyed all (split source + 4)', g.dropped(), dl + 4);
t.eq('lengths of nothing', g.lengths([]), new Uint32Array(0));

const a = IntStack.fromList('a', Int32Array.of(5, 5)), b = IntStack.fromList('b', Int32Array.of(11));
const dla = g.dropped();
const win = step('larger (two own params, own result)', () => g.larger(a, b));
t.eq('larger picked b', win?.name(), 'b');
t.eq('larger destroyed a', g.dropped(), dla + 1);
const win2 = g.larger(win, IntStack.fromList('c', Int32Array.of(11)));
t.eq('larger keeps the first on a tie', win2.name(), 'b');

// borrows in a list, an option of a borrow, own handles in a record and in options in a list
{
  const x = IntStack.fromList('x', Int32Array.of(1, 2, 3)), y = IntStack.fromList('y', Int32Array.of(-10));
  t.eq('sum-all (list<borrow<int-stack>>)', t.run('sum-all', () => g.sumAll([x, y, x])), 2n * 6n - 10n);
  t.eq('sum-all of nothing', g.sumAll([]), 0n);
  t.eq('sum-all left the stacks alive', [x.len(), y.len()], [3, 1]);
  const c9 = new Counter(9);
  t.eq('peek-counter(none)', g.peekCounter(undefined), -1);
  t.eq('peek-counter(some)', g.peekCounter(c9), 9);
  t.check('peek-counter left the counter alive', live.has(c9.id));
  c9[Symbol.dispose]();
  // borrows by value, in a list and in an option: the guest reports the handle numbers it got;
  // the glue ends every borrow when the export returns (the guest drops none, and must not), so
  // the same call again is given the same numbers (jco reuses freed table slots), and a borrow
  // ended twice would trap
  const ca = new Counter(1), cb = new Counter(2), cc2 = new Counter(3), co = new Counter(4);
  const nums = (r) => Array.from(r ?? []).slice(0, -1).sort((x, y) => x - y);
  const r1 = t.run('borrow-handles', () => g.borrowHandles(ca, [cb, cc2], co));
  const r2 = t.run('borrow-handles again', () => g.borrowHandles(ca, [cb, cc2], co));
  t.eq('borrow-handles sums', [r1?.[4], r2?.[4]], [10, 10]);
  t.eq('borrow-handles: 4 distinct handles', new Set(nums(r1)).size, 4);
  t.eq('borrow-handles: every borrow was ended (same handles again)', nums(r2), nums(r1));
  const r3 = t.run('borrow-handles, one', () => g.borrowHandles(cb, [], undefined));
  t.eq('borrow-handles, one: a reused handle and the value', [nums(r1).includes(r3?.[0]), r3?.[1]], [true, 2]);
  t.check('borrow-handles left the counters alive', [ca, cb, cc2, co].every((x) => live.has(x.id)));
  for (const x of [ca, cb, cc2, co]) x[Symbol.dispose]();
  const h = t.run('make-holder', () => g.makeHolder(5, 'tägged'));
  t.check('make-holder gave a host Counter', h?.c instanceof Counter, show(h));
  t.eq('make-holder value', [h?.c?.get(), h?.tag], [5, 'tägged']);
  h?.c?.[Symbol.dispose]();
  const d1 = disposed;
  const c4 = new Counter(4);
  t.eq('open-holder', t.run('open-holder', () => g.openHolder({ c: c4, tag: 'ab' })), 6);
  t.eq('open-holder dropped the counter', [disposed - d1, live.has(c4.id)], [1, false]);
  const dd = g.dropped();
  const e = new IntStack('e');
  t.eq('firsts (list<option<own>>)', t.run('firsts', () => g.firsts([x, undefined, e, y])), [3, undefined, undefined, -10]);
  t.eq('firsts destroyed the stacks', g.dropped(), dd + 3);
  t.eq('firsts of nothing', g.firsts([]), []);
}

// world-level resource, functions and types
t.eq('double-token (world-level borrow)', t.run('double-token', () => root.doubleToken(new Token(21))), 42);
{
  const d0 = tokenDrops;
  const nt = t.run('next-token', () => root.nextToken(4));
  t.check('next-token gave a host Token', nt instanceof Token, show(nt));
  t.eq('next-token value', nt?.value(), 41);
  t.eq('next-token dropped the made token', tokenDrops - d0, 1);
}

// ---- drop everything: destructors and heap
step('drop the rest', () => { s[Symbol.dispose](); win2[Symbol.dispose](); });
t.eq('no int-stack alive', g.live(), 0);
t.eq('every stack destroyed', g.dropped(), 14);
tc && tc[Symbol.dispose]?.();
c[Symbol.dispose]();
t.eq('guest heap back to its start', root.heapBytes(), heap0);
t.eq('no host counter alive', [...live], []);

t.done();
