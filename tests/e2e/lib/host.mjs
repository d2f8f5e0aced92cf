// host.mjs: what every end-to-end host script shares.
//
//   const t = new Checks();
//   const root = await instantiate(jsDir, name, { 'test:x/host@0.1.0': impl, ... });
//   t.eq('label', got, want);  ...  t.done();   // prints "N passed, M failed", sets the exit code
//
// instantiate() loads the module that `jco transpile --instantiation async` wrote, supplies
// jco's own preview2-shim for every wasi:* import (a wasi-libc guest built as a reactor and
// wrapped with the preview1 adapter imports wasi:cli, wasi:io, wasi:filesystem, ...), and gives
// every interface import under both spellings: jco 1.35's generated code looks imports up
// without the version ('test:x/host') while its .d.ts names them with it.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { depPath } from './deps.mjs';

async function wasiImports() {
  const req = createRequire(depPath('@bytecodealliance/jco'));
  const shim = await import(pathToFileURL(req.resolve('@bytecodealliance/preview2-shim')).href);
  const kebab = (s) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const out = {};
  for (const [pkg, ifaces] of Object.entries(shim)) {
    for (const [iface, impl] of Object.entries(ifaces)) {
      if (iface.startsWith('_') || typeof impl !== 'object') continue;
      out[`wasi:${pkg}/${kebab(iface)}`] = impl;
    }
  }
  return out;
}

/** Instantiates DIR/NAME.js with the given imports; returns the component's exports. */
export async function instantiate(dir, name, imports) {
  dir = resolve(dir);
  const mod = await import(pathToFileURL(join(dir, `${name}.js`)).href);
  const all = { ...(await wasiImports()) };
  for (const [k, v] of Object.entries(imports)) {
    all[k] = v;
    const at = k.indexOf('@');
    if (at > 0) all[k.slice(0, at)] = v;
  }
  return mod.instantiate(async (p) => WebAssembly.compile(await readFile(join(dir, p))), all);
}

/** Renders a value for failure messages: BigInt, typed arrays, undefined, -0, NaN, Map. */
export function show(v) {
  const seen = (x) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (x === undefined) return '<undefined>';
    if (Object.is(x, -0)) return '-0';
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (ArrayBuffer.isView(x)) {
      const a = [...x].map((e) => (typeof e === 'bigint' ? `${e}n` : e));
      return `${x.constructor.name}(${x.length})[${a.length > 12 ? a.slice(0, 12).join(',') + ',...' : a.join(',')}]`;
    }
    return x;
  };
  const s = JSON.stringify(v, (k, x) => seen(x));
  if (s === undefined) return String(seen(v));
  return s.length > 400 ? s.slice(0, 400) + '...' : s;
}

/** Deep equality for component values: typed arrays by element, BigInt, NaN equals NaN, -0 != 0. */
export function same(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (a === b && a !== 0);
  if (typeof a !== typeof b) return false;
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined), kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!same(a[k], b[k])) return false;
  return true;
}

/** A VTX plugin's heap in bytes, from its answer to GET /debug ("ok heap=<n>"). `Buffer` is the
 * host's buffer class; the buffer the answer came in is dropped from `live` (id -> buffer). */
export function debugHeap(root, Buffer, live) {
  const r = root.handle({ method: 'GET', path: '/debug', query: '' });
  const text = r.body instanceof Buffer ? new TextDecoder().decode(r.body.bytes) : '';
  if (r.body instanceof Buffer) live.delete(r.body.id);
  const m = /^ok heap=(-?\d+)$/.exec(text);
  if (!m) throw new Error(`GET /debug answered ${r.status} ${show(text)}`);
  return Number(m[1]);
}

export class Checks {
  constructor() { this.passed = 0; this.failed = 0; this.quiet = !!process.env.E2E_QUIET; }
  check(label, ok, detail = '') {
    if (ok) { this.passed++; if (!this.quiet) console.log(`ok   ${label}`); }
    else { this.failed++; console.log(`FAIL ${label}${detail ? `\n     ${detail}` : ''}`); }
    return ok;
  }
  eq(label, got, want) { return this.check(label, same(got, want), `got  ${show(got)}\n     want ${show(want)}`); }
  /** Runs fn; a throw is a failure of `label` (and of nothing else). */
  run(label, fn) {
    try { return fn(); } catch (e) { this.check(label, false, `threw: ${e?.stack ?? e}`); return undefined; }
  }
  /** Expects fn to throw a jco ComponentError whose payload equals `want`. */
  throws(label, fn, want) {
    try { const r = fn(); return this.check(label, false, `returned ${show(r)}, want error ${show(want)}`); }
    catch (e) { return this.eq(label, e?.payload, want); }
  }
  done() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}
