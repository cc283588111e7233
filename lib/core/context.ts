/**
 * Everything one build owns: its fixed configuration (paths, site.yml, base path, its own
 * Handlebars instance, the code shield, the date it compares review dates against) and the state of
 * its current run (problems, caches), which is a new object for every run. Created once per build
 * and handed to each plugin factory, so two builds in one process never share state.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import yaml from 'js-yaml';
import type { YamlError } from './yaml-errors.ts';
import type { PartialSource } from '../templates/partial-sources.ts';
import { baseOfUrl, normaliseBase } from '../urls/base.ts';
import { Diagnostics } from './diagnostics.ts';
import type { ReleaseWriter } from '../io/write.ts';
import { siteConfigSchema, type SiteConfig } from './schema.ts';
import type { RenderCache } from '../io/render-cache.ts';
import { CodeShield } from '../markdown/shield.ts';
import { describeZodIssue, lineOfKey, yamlErrorHint, yamlErrorPosition, YamlLines } from './yaml-errors.ts';

export interface BuildOptions {
  /** Project root: where site.yml, partials/, layouts/ and assets/ live. */
  root: string;
  /** Markdown tree, relative to root or absolute. */
  source?: string;
  /** Output directory, relative to root or absolute. */
  destination?: string;
  /** The date "now" for review checks; defaults to SOURCE_DATE_EPOCH, then the clock. */
  now?: Date;
  /** Dev server: skip work only the published site needs. */
  dev?: boolean;
  /** Folder of layouts; default `<root>/layouts`. */
  layouts?: string;
  /** The site's public URL, in place of site.yml's `url` (`--url`): its path becomes the base path. */
  url?: string;
  /** The base path (`--base-path /previews/pr-12/`), in place of the path of the site's `url`. */
  base?: string;
  /** An earlier release to compare URLs with (`--previous <dir or URL>`); default: the destination. */
  previous?: string;
  /** Alert rule files, in place of site.yml's `alert_rules` (`--alert-rules <glob>`). */
  alertRules?: string[];
  /** `--strict`: an alert with no runbook is an error, not a warning. */
  strict?: boolean;
}

export interface BuildContext {
  root: string;
  source: string;
  destination: string;
  partialsDir: string;
  layoutsDir: string;
  assetsDir: string;
  site: SiteConfig;
  /**
   * Where on its host the site lives, `/` or `/infra-runbooks/` (always with both slashes): every
   * URL the build generates starts with it (lib/urls/base.ts). Layouts see it as `site.base`, plugins
   * here and as the `base` metadata.
   */
  base: string;
  hbs: typeof Handlebars;
  shield: CodeShield;
  now: Date;
  dev: boolean;
  /** Set when the build writes a site: stages may hand finished files to it early (layout does). */
  writer?: ReleaseWriter;
  /** Issue 15: the release to compare URLs with, the alert rules to check, and how strictly. */
  alertLinks: { previous?: string; alertRules?: string[]; strict: boolean; summary?: string };
  /** The current run's state; startRun() replaces it with a new one, nothing changes it during a run. */
  readonly run: RunState;
  /** Starts a new run (the dev server, for each update): fresh problems and caches unless given. */
  startRun(init?: Partial<RunState>): RunState;
  /**
   * Runs `fn` synchronously under a run state of its own, then puts the current one back: the dev
   * server lays out a page when it is first asked for, possibly while an update awaits mid-run.
   */
  aside<T>(init: Partial<RunState>, fn: (run: RunState) => T): T;
  /** The current run's fields (`ctx.run.diagnostics`...), read by the stages each time they run. */
  readonly diagnostics: Diagnostics;
  readonly incremental: boolean;
  readonly renderCache?: RenderCache;
  readonly cache: RunCache;
  readonly adoption: Adoption;
}

/** Values computed once per run and shared between stages (the partials read from disk). */
export interface RunCache {
  partials?: readonly PartialSource[];
}

/** What one run of the stages owns: a build's single run, or one dev-server update. */
export interface RunState {
  /** Problems found in this run. */
  readonly diagnostics: Diagnostics;
  /**
   * True when the dev server re-runs the page-local stages on a few changed pages: stages that need
   * the whole site (the link index, navigation) use what the last full run left in the metadata.
   */
  readonly incremental: boolean;
  /** Pages rendered by earlier builds (lib/io/render-cache.ts); absent when the run goes without it. */
  readonly renderCache?: RenderCache;
  readonly cache: RunCache;
  /** What the run understood of other tools' conventions, for `npm run check`'s adoption summary. */
  readonly adoption: Adoption;
}

export interface Adoption {
  /** `tool\0field` -> pages that set it. */
  fields: Map<string, number>;
  /** Pages left out of the site, and why. */
  leftOut: { source: string; why: string }[];
  /** Pages built but not listed, and why. */
  unlisted: { source: string; why: string }[];
  /** Where the navigation order and labels came from besides front matter (mkdocs.yml, _category_.json). */
  navFiles: string[];
}

export function createContext(options: BuildOptions): BuildContext {
  const root = path.resolve(options.root);
  const source = path.resolve(root, options.source ?? 'src');
  const destination = path.resolve(root, options.destination ?? 'build');
  const diagnostics = new Diagnostics(root, source);
  const site = loadSiteConfig(root, diagnostics);
  if (options.url !== undefined) site.url = options.url;
  const newRun = (init: Partial<RunState> = {}): RunState =>
    Object.freeze({
      diagnostics: init.diagnostics ?? new Diagnostics(root, source),
      incremental: init.incremental ?? false,
      renderCache: init.renderCache,
      cache: init.cache ?? {},
      adoption: init.adoption ?? { fields: new Map(), leftOut: [], unlisted: [], navFiles: [] },
    });
  let run = newRun({ diagnostics });
  return {
    root,
    source,
    destination,
    partialsDir: path.join(root, 'partials'),
    layoutsDir: path.resolve(root, options.layouts ?? 'layouts'),
    assetsDir: path.join(root, 'assets'),
    site,
    base: options.base !== undefined ? basePathOption(options.base) : baseOfUrl(site.url),
    hbs: Handlebars.create(),
    shield: new CodeShield(),
    now: options.now ?? buildDate(),
    dev: options.dev ?? false,
    alertLinks: { previous: options.previous, alertRules: options.alertRules, strict: options.strict ?? false },
    get run() {
      return run;
    },
    startRun(init) {
      run = newRun(init);
      return run;
    },
    aside(init, fn) {
      const current = run;
      run = newRun(init);
      try {
        return fn(run);
      } finally {
        run = current;
      }
    },
    get diagnostics() {
      return run.diagnostics;
    },
    get incremental() {
      return run.incremental;
    },
    get renderCache() {
      return run.renderCache;
    },
    get cache() {
      return run.cache;
    },
    get adoption() {
      return run.adoption;
    },
  };
}

/** A base path given as an option: the caller (build.ts's command line) has checked it already. */
function basePathOption(value: string): string {
  const r = normaliseBase(value);
  if ('error' in r) throw new Error(r.error);
  return r.base;
}

/** SOURCE_DATE_EPOCH (seconds) when set, so builds of the same input are reproducible. */
export function buildDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

/** Reads and validates site.yml. A missing file gives the defaults; a broken one is reported. */
export function loadSiteConfig(root: string, diagnostics: Diagnostics): SiteConfig {
  const file = path.join(root, 'site.yml');
  const shown = 'site.yml';
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return siteConfigSchema.parse({ title: 'Runbooks' });
  }
  let data: unknown;
  try {
    // safeLoad: js-yaml 3's `load` builds JavaScript functions and regular expressions from
    // `!!js/function` and `!!js/regexp` tags. (gray-matter, for front matter, uses safeLoad too.)
    data = yaml.safeLoad(text) ?? {};
  } catch (err) {
    const e = err as YamlError;
    const at = yamlErrorPosition(text, e);
    diagnostics.reportFile(shown, {
      code: 'site/yaml',
      line: at.line,
      column: at.column,
      message: `site.yml is not valid YAML: ${e.reason ?? e.message}`,
      hint: yamlErrorHint(e, 'Check the indentation and that every "key: value" pair is on its own line.'),
      cause: err,
    });
    return siteConfigSchema.parse({ title: 'Runbooks' });
  }
  const parsed = siteConfigSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = new YamlLines(text);
  for (const issue of parsed.error.issues) {
    const d = describeZodIssue(issue);
    diagnostics.reportFile(shown, {
      code: 'site/schema',
      line: lineOfKey(lines, issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path, 1),
      message: `site.yml: ${d.message}`,
      hint: d.hint,
    });
  }
  return siteConfigSchema.parse({ title: 'Runbooks' });
}
