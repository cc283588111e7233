/**
 * Lines of a page's front-matter entries (`alerts:` items, `aliases:` items) for problems, with each
 * page's front matter indexed once and each alert's position found in a map: looking either up
 * again for every alert made 16,000 alerts take minutes (issue 12, docs/decisions.md#front-matter-lines).
 */
import type { Page } from '../core/page.ts';
import { YamlLines } from '../core/yaml-errors.ts';

export class FrontMatterLines {
  private readonly yaml = new Map<Page, YamlLines>();
  private readonly alertIndex = new Map<Page, Map<string, number>>();

  /** The file line of a key path in the page's front matter (`['aliases', 3]`). */
  lineOf(page: Page, keyPath: readonly PropertyKey[]): number {
    let lines = this.yaml.get(page);
    if (!lines) this.yaml.set(page, (lines = new YamlLines(page.frontMatter ?? '')));
    return lines.lineOf(keyPath, 2);
  }

  /** The file line of an alert in the page's `alerts:` list (its first mention). */
  alertLine(page: Page, alert: string): number {
    let index = this.alertIndex.get(page);
    if (!index) {
      index = new Map();
      for (const [i, a] of (page.alerts ?? []).entries()) if (!index.has(a)) index.set(a, i);
      this.alertIndex.set(page, index);
    }
    return this.lineOf(page, ['alerts', index.get(alert) ?? -1]);
  }
}
