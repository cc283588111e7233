/**
 * The include graph of the partials: which partial includes which, the loops, and how deep each
 * partial's chain of includes goes. Walked with an explicit stack, never by recursion: a chain of
 * 10,000 partials overflowed the call stack of the recursive walk, and a page rendering a
 * 2,000-deep chain overflowed Handlebars' (reported as a loop; issue 12). Chains deeper than
 * MAX_PARTIAL_DEPTH are a problem of their own.
 */
import type { Include } from './handlebars-includes.ts';

/** How many partials deep includes may go: far beyond what a runbook needs, far below Node's stack. */
export const MAX_PARTIAL_DEPTH = 100;

export interface Cycle {
  /** The partial whose include closes the loop, and that include. */
  from: string;
  include: Include;
  /** The partials of the loop in order, the first repeated at the end. */
  names: string[];
}

export interface PartialGraph {
  cycles: Cycle[];
  /** Partials that are part of a loop or include one. */
  looping: Set<string>;
  /** Longest chain of includes from each partial (1: includes none), loops cut; and the next partial on it. */
  depth: Map<string, { depth: number; next?: Include }>;
}

/** Loops (each reported once) and chain depths, in one depth-first walk over `order`. */
export function analyseGraph(graph: ReadonlyMap<string, readonly Include[]>, order: readonly string[]): PartialGraph {
  const state = new Map<string, 'open' | 'done'>();
  const onStack = new Map<string, number>();
  const cycles: Cycle[] = [];
  const reported = new Set<string>();
  const looping = new Set<string>();
  const depth = new Map<string, { depth: number; next?: Include }>();
  for (const root of order) {
    if (state.has(root)) continue;
    const stack: { name: string; i: number }[] = [{ name: root, i: 0 }];
    state.set(root, 'open');
    onStack.set(root, 0);
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      const includes = graph.get(frame.name) ?? [];
      if (frame.i < includes.length) {
        const inc = includes[frame.i++]!;
        if (!graph.has(inc.name)) continue;
        const s = state.get(inc.name);
        if (s === 'open') {
          const names = [...stack.slice(onStack.get(inc.name)).map((f) => f.name), inc.name];
          for (const n of names) looping.add(n);
          const key = [...new Set(names)].sort().join('>');
          if (!reported.has(key)) {
            reported.add(key);
            cycles.push({ from: frame.name, include: inc, names });
          }
        } else if (s === undefined) {
          state.set(inc.name, 'open');
          onStack.set(inc.name, stack.length);
          stack.push({ name: inc.name, i: 0 });
        }
        continue;
      }
      // All includes walked: the chain below this partial is known.
      let best: { depth: number; next?: Include } = { depth: 1 };
      for (const inc of includes) {
        if (looping.has(inc.name)) looping.add(frame.name);
        const below = depth.get(inc.name);
        if (below && below.depth + 1 > best.depth) best = { depth: below.depth + 1, next: inc };
      }
      depth.set(frame.name, best);
      state.set(frame.name, 'done');
      onStack.delete(frame.name);
      stack.pop();
    }
  }
  return { cycles, looping, depth };
}

/** The names along the deepest chain from `start` (at most `limit` + 1 of them). */
export function chainFrom(g: PartialGraph, start: string, limit: number): string[] {
  const out = [start];
  for (let at = g.depth.get(start)?.next; at && out.length <= limit; at = g.depth.get(at.name)?.next) out.push(at.name);
  return out;
}

/** Every partial's fixed-name includes; a partial that does not parse includes nothing (the partials stage reports it). */
export function includeGraph(found: readonly { name: string; text: string }[], includesOf: (text: string) => Include[]): Map<string, Include[]> {
  const graph = new Map<string, Include[]>();
  for (const p of found) {
    try {
      graph.set(p.name, includesOf(p.text));
    } catch {
      graph.set(p.name, []);
    }
  }
  return graph;
}
