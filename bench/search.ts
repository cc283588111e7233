/**
 * Search speed alone (also part of `npm run bench`):
 *
 *   npx tsx bench/search.ts [--sizes 1000,10000]
 *
 * Measures the working tree (no snapshot): see bench/lib/search-speed.ts.
 */
import { ensureCorpus } from './lib/corpus.ts';
import { ROOT } from './lib/paths.ts';
import { measureSearch, printSearch } from './lib/search-speed.ts';

const i = process.argv.indexOf('--sizes');
const sizes = (i > 0 ? process.argv[i + 1]! : '1000,10000').split(',').map(Number);
for (const n of sizes) printSearch(await measureSearch(ROOT, ensureCorpus(n)));
