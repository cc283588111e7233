/**
 * No module-level mutable state (issue 14): a module variable outlives the build that filled it, so
 * a second build in the same process (the dev server, a test) would see the first one's data.
 * Every source file is parsed with the TypeScript compiler and its top-level declarations checked:
 * no `let`/`var`, and no `const` holding a new Map/Set/WeakMap/WeakSet/Array or an array/object
 * literal unless it is read-only by declaration (`as const`, `Object.freeze(...)`, or a
 * `Readonly*`/`readonly T[]` type annotation, a JSDoc `@type` in JavaScript). Per-build data belongs to the function or context that owns it.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

const SCANNED = ['build.ts', 'lib', 'plugins', 'scripts', 'assets/js'] as const;
const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;
const DECLARATION = /\.d\.(?:ts|mts|cts)$/;
const MUTABLE_CLASSES: ReadonlySet<string> = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

function sourceFiles(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((entry) => {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) return sourceFiles(child);
      return SOURCE.test(entry.name) && !DECLARATION.test(entry.name) ? [child] : [];
    })
    .sort();
}

function scriptKind(file: string): ts.ScriptKind {
  return /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/** True when the type annotation says the value cannot be changed through this name. */
function readonlyType(type: ts.TypeNode | undefined): boolean {
  if (!type) return false;
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) return true;
  return ts.isTypeReferenceNode(type) && /^Readonly/.test(type.typeName.getText());
}

/** What mutable value an initialiser makes, or undefined when it is none (or read-only by declaration). */
function mutableInitialiser(init: ts.Expression): string | undefined {
  let node = init;
  for (;;) {
    if (ts.isAsExpression(node) && ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const') return undefined;
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) || ts.isTypeAssertionExpression(node)) {
      node = node.expression;
    } else break;
  }
  if (ts.isArrayLiteralExpression(node)) return 'an array literal';
  if (ts.isObjectLiteralExpression(node)) return 'an object literal';
  if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && MUTABLE_CLASSES.has(node.expression.text)) {
    return `${ts.isNewExpression(node) ? 'new ' : ''}${node.expression.text}()`;
  }
  // Object.freeze makes an object or array read-only, but not a Map's or Set's entries.
  if (ts.isCallExpression(node) && node.expression.getText() === 'Object.freeze' && node.arguments[0]) {
    const inner = mutableInitialiser(node.arguments[0]);
    return inner && /Map|Set/.test(inner) ? `Object.freeze(${inner}) (freezing does not stop set()/add())` : undefined;
  }
  return undefined;
}

/** `file:line: what` for each top-level declaration that holds mutable state. */
export function findModuleState(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    const keyword = list.flags & ts.NodeFlags.Let ? 'let' : isConst ? 'const' : 'var';
    for (const decl of list.declarations) {
      const name = decl.name.getText(source);
      if (!isConst) {
        found.push(`${at(decl)}: top-level \`${keyword} ${name}\` is module-level mutable state; move it into the function or per-build context that owns it`);
        continue;
      }
      // In a JavaScript file the annotation is a JSDoc `@type` (the minifier strips it from bundles).
      if (!decl.initializer || readonlyType(decl.type ?? ts.getJSDocType(decl))) continue;
      const what = mutableInitialiser(decl.initializer);
      if (what) {
        found.push(
          `${at(decl)}: top-level \`const ${name}\` holds ${what}, which code can change; declare it read-only ` +
            '(`as const`, `Object.freeze(...)`, or a Readonly*/ReadonlySet/ReadonlyMap type) or move it into its owner',
        );
      }
    }
  }
  return found;
}

describe('module-level mutable state', () => {
  it('no source file under lib/, plugins/, scripts/, assets/js/ or build.ts has any', () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) => findModuleState(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('flags a top-level let, var, new Map() and mutable literals, naming file:line', () => {
    const text = [
      'import x from "y";', //                                1
      'let count = 0;', //                                    2
      'const cache = new Map<string, number>();', //          3
      'export const seen: Set<string> = new Set();', //       4
      'var legacy = 1;', //                                   5
      'const list = ["a", "b"];', //                          6
      'const table = { a: 1 } satisfies Record<string, number>;', // 7
      'const frozenMap = Object.freeze(new WeakMap());', //   8
      'const typed = [] as string[];', //                     9
    ].join('\n');
    const found = findModuleState('lib/bad.ts', text);
    expect(found.map((line) => line.split(': ')[0])).toEqual([
      'lib/bad.ts:2', 'lib/bad.ts:3', 'lib/bad.ts:4', 'lib/bad.ts:5', 'lib/bad.ts:6', 'lib/bad.ts:7', 'lib/bad.ts:8', 'lib/bad.ts:9',
    ]);
    expect(found[0]).toContain('`let count`');
    expect(found[1]).toContain('`const cache` holds new Map()');
    expect(findModuleState('assets/js/bad.js', 'let open = false;\nexport function f() {}\n')).toEqual([
      'assets/js/bad.js:1: top-level `let open` is module-level mutable state; move it into the function or per-build context that owns it',
    ]);
  });

  it('accepts read-only tables, scalars, functions and state inside functions', () => {
    const text = [
      'const KINDS = ["a", "b"] as const;',
      'const NAMES: ReadonlySet<string> = new Set(["x"]);',
      'const BY_ID: ReadonlyMap<string, number> = new Map([["a", 1]]);',
      'const LIST: readonly string[] = ["a"];',
      'const ARR: ReadonlyArray<string> = ["a"];',
      'const OPTS: Readonly<Record<string, number>> = { a: 1 };',
      'const FROZEN = Object.freeze({ a: 1 });',
      'const TABLE = { a: 1 } as const satisfies Record<string, number>;',
      'const LIMIT = 10;',
      'const RE = /x/g.source;',
      'declare const GLOBAL: string[];',
      'export function build() { let n = 0; const seen = new Set(); for (var i = 0; i < 2; i++) n++; return seen.size + n; }',
    ].join('\n');
    expect(findModuleState('lib/good.ts', text)).toEqual([]);
    const js = '/** @type {ReadonlySet<string>} */\nconst STOP = new Set(["a"]);\n/** @type {readonly string[]} */\nconst ORDER = ["x"];\n';
    expect(findModuleState('assets/js/good.js', js)).toEqual([]);
    expect(findModuleState('assets/js/bad.js', '/** @type {Set<string>} */\nconst STOP = new Set(["a"]);\n')).toHaveLength(1);
  });
});
