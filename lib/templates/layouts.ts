/** Layout files: Handlebars templates in layouts/, named `<name>.hbs` or `<name>.html`. */
import fs from 'node:fs';
import path from 'node:path';

const EXTENSION = /\.(hbs|html)$/;

/** A layout's name as a page writes it (`wide`, `wide.html`) without the extension. */
export function layoutName(written: string): string {
  return written.replace(EXTENSION, '');
}

/** Names of the layouts in a folder (file names without extension), sorted. */
export function listLayouts(dir: string): string[] {
  try {
    return [...new Set(fs.readdirSync(dir).filter((f) => EXTENSION.test(f)).map(layoutName))].sort();
  } catch {
    return [];
  }
}

/** The file of a layout: `<name>.hbs`, else `<name>.html`; the `.hbs` path when neither exists. */
export function layoutFile(dir: string, written: string): string {
  const name = layoutName(written);
  const html = path.join(dir, `${name}.html`);
  const hbs = path.join(dir, `${name}.hbs`);
  return !fs.existsSync(hbs) && fs.existsSync(html) ? html : hbs;
}
