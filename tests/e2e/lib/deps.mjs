// deps.mjs: where the end-to-end tests find their npm packages.
//
// tests/e2e/package.json + package-lock.json pin @bytecodealliance/jco 1.35.0; `npm ci` in
// tests/e2e installs it into tests/e2e/node_modules (tests/e2e.sh does that on first use).
// Node's ES-module loader ignores NODE_PATH, so packages are resolved with createRequire from
// tests/e2e/package.json and imported by absolute file URL.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const E2E_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

if (!existsSync(join(E2E_DIR, 'node_modules', '@bytecodealliance', 'jco', 'package.json'))) {
  console.error(`e2e: @bytecodealliance/jco is not installed: run (cd ${E2E_DIR} && npm ci)`);
  process.exit(2);
}

const req = createRequire(join(E2E_DIR, 'package.json'));

/** Absolute path of a package's entry point, resolved from tests/e2e. */
export function depPath(spec) { return req.resolve(spec); }

/** file: URL of a package's entry point, for import(). */
export function depURL(spec) { return pathToFileURL(req.resolve(spec)).href; }
