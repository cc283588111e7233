/**
 * Syntax other tools run that this site cannot: Hugo shortcodes, Docusaurus MDX (imports, JSX
 * components) and MkDocs snippets. Hugo's `ref` and `relref` become plain link targets, checked
 * like any other link by the links stage; everything else is a problem at its line, naming what
 * was written and what to write instead. Runs on the Markdown before the templates stage, where
 * `{{< ... >}}` would otherwise be read as a (broken) Handlebars expression.
 * Fenced code and `code spans` are left alone: a page may show these as examples.
 */
import { FenceScan } from './fences.ts';


export interface ForeignProblem {
  /** 1-based line within the text given. */
  line: number;
  column: number;
  message: string;
  hint: string;
}

export interface ForeignResult {
  text: string;
  problems: ForeignProblem[];
  /** Hugo ref/relref shortcodes turned into links. */
  refs: number;
  /** The page has a ```mermaid block. */
  diagram: boolean;
}

const SHORTCODE = /\{\{([<%])\s*(\/?)\s*([\w./-]+)(.*?)\s*[>%]\}\}/g;
const MDX_IMPORT = /^(import\s+[\w{}\s,*]+\s+from\s+['"][^'"]+['"]|import\s+['"][^'"]+['"]|export\s+(const|default|function|let)\b)/;
const JSX = /<([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)(?=[\s/>])/g;
const SNIPPET = /^\s*;?-{1,2}8<-{1,2}(\s|$)/;

/** What to write instead of a Hugo shortcode, by name. */
function shortcodeHint(name: string): string {
  switch (name) {
    case 'hint':
    case 'notice':
    case 'alert':
    case 'admonition':
    case 'callout':
    case 'note':
    case 'warning':
    case 'tip':
    case 'info':
      return 'Write a GitHub alert instead: a line "> [!NOTE]" (or [!WARNING], [!CAUTION]), then the text on lines starting with "> ".';
    case 'figure':
    case 'img':
    case 'image':
      return 'Write the image in Markdown: ![What it shows](picture.png), with the file beside the page.';
    case 'param':
    case 'site':
      return 'Write the value itself: pages here have no site parameters.';
    case 'tabs':
    case 'tab':
      return 'Write each variant under its own heading; for a command per environment use {{env-command ...}} (see the editing guide).';
    case 'highlight':
    case 'code':
      return 'Use a fenced code block: ``` then the language name, the code, and ``` on its own line.';
    case 'details':
    case 'expand':
    case 'columns':
    case 'section':
      return 'Write plain Markdown (a heading and its text); for a box use a GitHub alert, "> [!NOTE]".';
    case 'mermaid':
      return 'Use a ```mermaid code block: it is drawn as a diagram.';
    case 'youtube':
    case 'vimeo':
    case 'gist':
    case 'tweet':
    case 'x':
    case 'instagram':
      return 'Link to it instead: [Title](https://...).';
    default:
      return 'Hugo shortcodes only run in Hugo: write the Markdown it stands for (a link, an image, a GitHub alert "> [!NOTE]").';
  }
}

/**
 * Converts and checks one page's Markdown. `resolveRef` turns a Hugo ref argument ("x.md",
 * "/docs/x.md#a") into a link target relative to the page, or undefined to keep it as written.
 */
export function adoptForeignSyntax(markdown: string, resolveRef: (target: string) => string | undefined): ForeignResult {
  const result: ForeignResult = { text: markdown, problems: [], refs: 0, diagram: false };
  if (!/\{\{[<%]|import |export |<[A-Z]|8<|```\s*mermaid|~~~\s*mermaid/.test(markdown)) return result;
  const lines = markdown.split('\n');
  // Looked up once per component name (a test per tag on a long page was quadratic).
  const components = new Map<string, boolean>();
  const usedAsComponent = (name: string) => {
    let used = components.get(name);
    if (used === undefined) {
      const n = name.replace(/\./g, '\\.');
      used = new RegExp(`</${n}>|<${n}\\b[^>]*/>`).test(markdown);
      components.set(name, used);
    }
    return used;
  };
  const fences = new FenceScan();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const kind = fences.step(line);
    if (kind === 'open' && fences.language.toLowerCase() === 'mermaid') result.diagram = true;
    if (kind !== 'text') continue;
    const problem = (column: number, message: string, hint: string) => result.problems.push({ line: i + 1, column, message, hint });
    if (MDX_IMPORT.test(line)) {
      problem(1, `this is a Docusaurus MDX line (\`${line.trim().slice(0, 60)}\`): MDX does not run here`, 'Delete the line; write what the imported component showed as Markdown.');
      continue;
    }
    if (SNIPPET.test(line)) {
      problem(line.indexOf('8<') - 1, `this is an MkDocs snippet include (\`${line.trim()}\`): snippets are not included here`, 'Copy the text into the page, or make it a partial in partials/ and write {{> name}} (see the editing guide).');
      continue;
    }
    // Outside code spans only: split the line into code and text.
    lines[i] = line.replace(/(`+)[\s\S]*?\1|[^`]+|`+/g, (part) => {
      if (part.startsWith('`')) return part;
      let text = part.replace(SHORTCODE, (whole, _delim: string, closing: string, name: string, args: string, offset: number) => {
        const column = line.indexOf(whole) + 1 || offset + 1;
        if (!closing && (name === 'ref' || name === 'relref')) {
          const target = /^\s*(?:path=)?["']?([^"'\s]*)["']?/.exec(args)?.[1] ?? '';
          if (!target) {
            problem(column, `the Hugo \`${name}\` shortcode here names no page`, `Write the page's file name: {{< ${name} "page.md" >}}, or a Markdown link [text](page.md).`);
            return '';
          }
          result.refs++;
          return resolveRef(target) ?? target;
        }
        if (!closing) problem(column, `the Hugo shortcode \`${name}\` (\`${whole.length > 60 ? `${whole.slice(0, 57)}...` : whole}\`) does not run here`, shortcodeHint(name));
        return '';
      });
      text = text.replace(JSX, (whole, name: string) => {
        // Only a component used as one (closed, or self-closing): `List<String>` in prose is not MDX.
        if (!usedAsComponent(name)) return whole;
        problem(line.indexOf(whole) + 1, `<${name}> is a Docusaurus MDX (JSX) component: it does not run here`, name === 'Tabs' || name === 'TabItem' ? 'Write each tab as its own heading and text; for a command per environment use {{env-command ...}} (see the editing guide).' : 'Write what it shows as Markdown (a GitHub alert "> [!NOTE]" for a box, a link, a list), and delete the tag.');
        return whole;
      });
      return text;
    });
  }
  result.text = lines.join('\n');
  return result;
}
