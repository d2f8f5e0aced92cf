#!/usr/bin/env node
// build.mjs: core module -> component -> JavaScript, with the wasm-tools and transpiler that
// jco 1.35.0 bundles (wit-component 0.259).
//
//   node build.mjs CORE.wasm WIT WORLD OUTDIR [--adapter reactor|command|none] [--name NAME]
//
// 1. componentEmbed({binary, witPath, world})  = `wasm-tools component embed WIT CORE --world W`
// 2. componentNew(embedded, adapters)          = `wasm-tools component new --adapt ...`, which
//    validates every core import and export (names, signatures, memory, realloc) against the
//    world and validates the resulting component
// 3. componentWit(component)                   = the world the component really has
// 4. transpile(component, {instantiation: 'async'}) into OUTDIR/js (+ package.json type=module)
// Writes OUTDIR/component.wasm and OUTDIR/component.wit. The preview1 *reactor* adapter is the
// default: a wasi-libc reactor imports wasi_snapshot_preview1, which the adapter maps to WASI 0.2.
// Exit: 0 ok, 2 usage, 3 embed failed, 4 component-new failed, 5 transpile failed.
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import './preopen.mjs';
import { depURL } from './deps.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const adapterKind = opt('--adapter', 'reactor');
const name = opt('--name', 'component');
const [coreP, witP, world, outDir] = args;
if (!outDir) {
  console.error('usage: build.mjs CORE.wasm WIT WORLD OUTDIR [--adapter reactor|command|none] [--name NAME]');
  process.exit(2);
}

const jco = await import(depURL('@bytecodealliance/jco'));
const errText = (e) => (typeof e?.payload === 'string' ? e.payload
  : e instanceof WebAssembly.RuntimeError ? `wasm trap inside the bundled wasm-tools (a Rust panic): ${e.message}`
  : e?.message ?? String(e));
function fail(code, stage, e) { console.error(`${stage} FAILED: ${errText(e)}`); process.exit(code); }

const adapters = [];
if (adapterKind !== 'none') {
  const url = adapterKind === 'command' ? jco.preview1AdapterCommandPath() : jco.preview1AdapterReactorPath();
  adapters.push(['wasi_snapshot_preview1', readFileSync(fileURLToPath(url))]);
}

let embedded, component, wit;
try {
  embedded = await jco.componentEmbed({ binary: readFileSync(coreP), witPath: realpathSync(witP), world });
} catch (e) { fail(3, 'EMBED', e); }
try {
  component = await jco.componentNew(embedded, adapters);
  wit = await jco.componentWit(component);
} catch (e) { fail(4, 'COMPONENT-NEW', e); }
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'component.wasm'), component);
writeFileSync(join(outDir, 'component.wit'), wit);

let out;
try {
  out = await jco.transpile(component, { name, instantiation: 'async', quiet: true });
} catch (e) { fail(5, 'TRANSPILE', e); }
const jsDir = join(outDir, 'js');
for (const [file, bytes] of Object.entries(out.files)) {
  const p = join(jsDir, file);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
}
writeFileSync(join(jsDir, 'package.json'), '{"type":"module"}\n');
console.log(`component ${component.length} bytes (core ${readFileSync(coreP).length}); js in ${jsDir}`);
