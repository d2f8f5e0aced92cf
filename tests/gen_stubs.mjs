#!/usr/bin/env node
// gen_stubs.mjs <dir> <base> [legacy|standard32]: writes <dir>/<base>_stubs.c, a guest that
// implements every export of a `witc gen c` header with a stub returning zeroed values, and
// that calls every imported function and resource helper once behind a never-true flag, so
// the linked core module has every core import and export the world needs. Used by
// gen_validate.sh to let the reference toolchain (componentEmbed + componentNew) check
// every core name and signature the generated glue declares.
import { readFileSync, writeFileSync } from 'node:fs';

const [dir, base, mangling = 'legacy'] = process.argv.slice(2);
if (!base) {
  console.error('usage: gen_stubs.mjs DIR BASE [legacy|standard32]');
  process.exit(2);
}
const h = readFileSync(`${dir}/${base}.h`, 'utf8');
const section = (from, to) => {
  const a = h.indexOf(from), b = h.indexOf(to, a + 1);
  return a < 0 ? '' : h.slice(a, b < 0 ? undefined : b);
};
const imports = section('/* ======== imported functions', '/* ======== exported functions');
const exports = section('/* ======== exported functions', '/* ======== helpers');
const helpers = section('/* ======== helpers', '#ifdef __cplusplus\n}');
const protoRe = /^([A-Za-z_][\w ]*?\**) ?([A-Za-z_]\w*)\((.*)\);$/gm;
const protos = (text) => [...text.matchAll(protoRe)].map((m) => ({ ret: m[1].trim(), name: m[2], params: m[3] }));

function callWithZeros(p, out) {
  const args = [];
  const params = p.params === 'void' || p.params === '' ? [] : p.params.split(', ');
  params.forEach((decl, i) => {
    const m = /^(const )?(.*?)\s*(\*?)\s*([A-Za-z_]\w*)$/.exec(decl.trim());
    const type = m[2].trim();
    out.push(`    ${type} a${i}; __builtin_memset(&a${i}, 0, sizeof a${i});`);
    args.push(m[3] ? `&a${i}` : `a${i}`);
  });
  out.push(`    ${p.name}(${args.join(', ')});`);
}

const out = [`/* Stubs for ${base}.h, written by tests/gen_stubs.mjs. */`, `#include "${base}.h"`, ''];
for (const m of h.matchAll(/^typedef struct (exports_\w+_t) \1;$/gm)) out.push(`struct ${m[1]} { int unused; };`);
out.push('static volatile int witc_never;', 'static void witc_touch(void) {', '  if (!witc_never) return;');
for (const p of protos(imports)) {
  out.push('  {');
  callWithZeros(p, out);
  out.push('  }');
}
for (const p of protos(helpers)) {
  if (!/_(drop_own|drop_borrow|new|rep)$/.test(p.name) && !/_borrow_\w+$/.test(p.name)) continue;
  out.push('  {');
  callWithZeros(p, out);
  out.push('  }');
}
out.push('}', '');
for (const p of protos(exports)) {
  const params = p.params === 'void' ? '' : p.params;
  const names = params ? params.split(', ').map((d) => /([A-Za-z_]\w*)$/.exec(d)[1]) : [];
  out.push(`${p.ret} ${p.name}(${params || 'void'}) {`, '  witc_touch();');
  for (const n of names) out.push(`  (void)${n};`);
  if (p.ret !== 'void') out.push(`  ${p.ret} r;`, '  __builtin_memset(&r, 0, sizeof r);', '  return r;');
  out.push('}', '');
}
const init = mangling === 'standard32' ? 'cm32p2_initialize' : '_initialize';
out.push(`__attribute__((export_name("${init}"))) void witc_initialize(void) { witc_touch(); }`, '');
writeFileSync(`${dir}/${base}_stubs.c`, out.join('\n'));
