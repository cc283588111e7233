/**
 * Front-end code and styles made ready to serve: ES modules bundled into one minified script, CSS
 * minified. esbuild does both (it is already the launcher's bundler), synchronously, so the assets
 * stage stays a plain function of its folder.
 */
import { buildSync, transformSync } from 'esbuild';

/** Browsers the reader's side supports: the last years of evergreen browsers and iOS Safari 14. */
const TARGET: readonly string[] = ['es2019', 'chrome90', 'firefox90', 'safari14'];

/** One minified classic script (an IIFE, so it runs with `defer` and never leaks names) from an entry module. */
export function bundleScript(entry: string): Buffer {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: [...TARGET],
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

export function minifyCss(css: Buffer): Buffer {
  return Buffer.from(transformSync(css.toString('utf8'), { loader: 'css', minify: true, target: [...TARGET], logLevel: 'silent' }).code);
}
