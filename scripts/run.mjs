#!/usr/bin/env node
/**
 * Runs one of the project's TypeScript entry points (build.ts, scripts/dev.ts, scripts/deploy.ts,
 * bench/run-build.ts) from an esbuild bundle kept in node_modules/.cache/runbook-smith/, rebuilt
 * only when a source file is newer than it.
 *
 *   node scripts/run.mjs build.ts --destination build
 *
 * Why: tsx's loader hooks cost every run a start-up delay that the bundle does not pay; the source
 * map is a file of its own and pure-JavaScript dependencies made of many ES module files are inlined
 * (INLINE) because Node pays per file loaded (docs/decisions.md#run-bundle). The rest
 * stay in node_modules: md4w finds its .wasm beside its own file, @metalsmith/in-place loads
 * jstransformers by name, and handlebars is shared with jstransformer-handlebars.
 * The entry point must export `main(argv): Promise<number>` (the exit code).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const cacheDir = path.join(root, 'node_modules', '.cache', 'runbook-smith');
const out = path.join(cacheDir, `${entry.replace(/[^a-z0-9]+/gi, '_')}.mjs`);

/** Newest modification time of the sources a bundle is made from. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else if (/\.(ts|mts|mjs|js|json)$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  // The entry file itself (not its folder: bench/ holds generated corpora), and the source folders.
  // node_modules/.package-lock.json: npm rewrites it on every install, and inlined dependencies
  // must not outlive an update of node_modules. assets/js: the search tokenizer there is bundled too
  // (lib/search/tokenize.ts), and an edit of it alone left the index built with the old one.
  for (const p of [entry, 'build.ts', 'lib', 'plugins', 'scripts', 'assets/js', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json']) visit(path.join(root, p));
  return newest;
}

// Dependencies inlined into the bundle; everything else in package.json is loaded from node_modules.
/** @type {ReadonlySet<string>} */
const INLINE = new Set(['zod', 'htmlparser2', 'domhandler', 'domutils', 'entities', 'github-slugger', 'highlight.js', 'marked', 'js-yaml', 'gray-matter']);

const built = fs.statSync(out, { throwIfNoEntry: false });
if (!built || built.mtimeMs < newestSource()) {
  const { build } = await import('esbuild');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies ?? {})].filter((d) => !INLINE.has(d)).flatMap((d) => [d, `${d}/*`]);
  fs.mkdirSync(cacheDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(root, entry)],
    outfile: out,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // The inlined CommonJS packages (gray-matter, js-yaml) call require() for Node's own modules.
    banner: { js: "import { createRequire as __rsCreateRequire } from 'node:module'; const require = __rsCreateRequire(import.meta.url);" },
    sourcemap: 'external', // written beside the bundle; not parsed unless node runs with --enable-source-maps
    logLevel: 'error',
  });
  // Each file written under a temporary name, then renamed: a concurrent run never loads half a bundle.
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
}

const mod = await import(pathToFileURL(out).href);
process.exitCode = await mod.main(args);
