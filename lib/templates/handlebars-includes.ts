/** Which partials a parsed template includes by a fixed name (`{{> name}}`), and where. */
export interface Include {
  name: string;
  line: number;
  column: number;
}

/** The partial names a template includes by a fixed name, with their positions. */
export function staticIncludes(program: hbs.AST.Program): Include[] {
  const out: Include[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; name?: { type?: string; original?: string }; loc?: hbs.AST.SourceLocation };
    if ((n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') && n.name?.type === 'PathExpression' && n.name.original) {
      out.push({ name: n.name.original, line: n.loc?.start.line ?? 1, column: (n.loc?.start.column ?? 0) + 1 });
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object' && (value as { type?: string }).type) walk(value);
    }
  };
  walk(program);
  return out;
}
