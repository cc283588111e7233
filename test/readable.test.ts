/** lib/markdown/readable.ts on strings: the reading aids the markdown stage puts into every page (issue 16). */
import { describe, expect, it } from 'vitest';
import { breakIdentifier, readableHtml } from '../lib/markdown/readable.ts';

describe('reading aids', () => {
  it('breaks identifiers only after . _ - / and before a CamelCase hump', () => {
    expect(breakIdentifier('aws.ops.signin_failures.high')).toBe('aws.<wbr>ops.<wbr>signin_<wbr>failures.<wbr>high');
    expect(breakIdentifier('ArchiveWorker.runNow')).toBe('Archive<wbr>Worker.<wbr>run<wbr>Now');
    expect(breakIdentifier('/var/log/nsqd--verbose')).toBe('/<wbr>var/<wbr>log/<wbr>nsqd--<wbr>verbose');
    // Entities stay whole; an acronym run (HTTPServer) has no lower-to-upper change inside it.
    expect(breakIdentifier('a&amp;b.c')).toBe('a&amp;b.<wbr>c');
    expect(breakIdentifier('HTTPS')).toBe('HTTPS');
  });

  it('long inline code gets break points; code blocks and short code are left alone', () => {
    const html = '<p><code>nsq.channel.depth.high</code> <code>a.b</code></p>\n<pre><code>x.y.z.long.name.here</code></pre>\n<pre><code class="language-sh">a.b.c.d.e.f.g.h</code></pre>';
    expect(readableHtml(html)).toBe('<p><code>nsq.<wbr>channel.<wbr>depth.<wbr>high</code> <code>a.b</code></p>\n<pre><code>x.y.z.long.name.here</code></pre>\n<pre><code class="language-sh">a.b.c.d.e.f.g.h</code></pre>');
  });

  it('puts each Markdown table in a scroll box of its own, once, and leaves tables with attributes alone', () => {
    const html = '<table>\n<tr><td>1</td></tr>\n</table>\n<p>x</p>\n<table>\n<tr><td>2</td></tr>\n</table>\n<table class="table--cards"><tr><td>3</td></tr></table>';
    expect(readableHtml(html)).toBe(
      '<div class="table-wrap"><table>\n<tr><td>1</td></tr>\n</table></div>\n<p>x</p>\n<div class="table-wrap"><table>\n<tr><td>2</td></tr>\n</table></div>\n<table class="table--cards"><tr><td>3</td></tr></table>',
    );
  });

  it('names task-list checkboxes and turns empty header cells into plain cells (axe: label, empty-table-header)', () => {
    expect(readableHtml('<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" checked disabled>done</li>')).toBe(
      '<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" checked disabled aria-label="done">done</li>',
    );
    expect(readableHtml('<input type="checkbox" class="task-list-item-checkbox" disabled>')).toBe('<input type="checkbox" class="task-list-item-checkbox" disabled aria-label="to do">');
    expect(readableHtml('<tr>\n<th></th>\n<th>a</th>\n</tr>')).toBe('<tr>\n<td></td>\n<th>a</th>\n</tr>');
  });
});
