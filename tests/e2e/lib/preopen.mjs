// preopen.mjs: the file-access fix for jco 1.35.0's bundled wasm-tools.
//
// jco's wasm-tools functions (componentEmbed with witPath, `jco embed --wit`, `jco types`) are
// wasm code that reads host files through WASI, served by @bytecodealliance/preview2-shim 0.26.x.
// That shim starts with no preopened directory, so every path lookup fails with
// "No such file or directory (os error 44)" (or a Rust panic on `Os { code: 44 }`).
// The wasm is instantiated against the shim copy nested under jco-transpile's own node_modules,
// not the top-level one, so the preopen has to be set on that copy: resolve the shim from
// jco-transpile's wasm-tools entry point and map the guest's "/" to the host's "/".
//
// Import this module before calling componentEmbed, or preload it for the jco command line:
//   node --import tests/e2e/lib/preopen.mjs tests/e2e/node_modules/@bytecodealliance/jco/dist/jco.js ...
// Paths handed to the tools must be canonical (realpath): the shim refuses absolute symlinks.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { depPath } from './deps.mjs';

const fromTranspile = createRequire(depPath('@bytecodealliance/jco-transpile/wasm-tools'));
const shimFs = await import(pathToFileURL(fromTranspile.resolve('@bytecodealliance/preview2-shim/filesystem')).href);
shimFs._setPreopens({ '/': '/' });
