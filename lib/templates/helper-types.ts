/** The shape of a content helper: one file per helper in plugins/helpers/, registered by the templates stage. */
import type { HelperDelegate } from 'handlebars';
import type { BuildContext } from '../core/context.ts';
import { RunbookSmithError } from '../core/errors.ts';
import type { HtmlStash } from '../markdown/shield.ts';

export interface ContentHelper {
  name: string;
  /** One line for error hints and the README: how to call it. */
  usage: string;
  /** How many values it takes in quotes (more is a mistake reported at the call, not ignored). */
  maxArgs: number;
  create(ctx: BuildContext): HelperDelegate;
}

/** An error a helper raises about how it was called; the templates stage adds file and line. */
export class HelperUsageError extends RunbookSmithError {
  constructor(
    message: string,
    readonly hint: string,
    readonly loc?: hbs.AST.SourceLocation,
  ) {
    super(message);
    this.name = 'HelperUsageError';
  }
}

/** The `options` object Handlebars passes as a helper's last argument. */
export type HelperOptions = Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation; name?: string };

/**
 * The stash of the page being templated, where a helper holds back its HTML: in-place renders each
 * page with the page's fields as the root context, and the templates stage gives every page it
 * templates a stash (Page.htmlStash).
 */
export function pageStash(options: HelperOptions): HtmlStash {
  const stash = (options.data?.root as { htmlStash?: HtmlStash } | undefined)?.htmlStash;
  if (!stash) throw new RunbookSmithError('a helper ran outside the templates stage: the page has no HTML stash');
  return stash;
}
