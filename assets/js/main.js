/**
 * Runbook Smith: the reader's side, one module a feature, bundled and minified into
 * /assets/site.<hash>.js by the assets stage (plugins/assets.ts). No framework; loaded with `defer`.
 */
import { initAlertParams } from './alert-params.js';
import { initCopy } from './copy.js';
import { initMenu } from './menu.js';
import { initOffline } from './offline.js';
import { initSearch } from './search.js';
import { initTables } from './tables.js';
import { initTabs } from './tabs.js';
import { initTheme } from './theme.js';
import { initToc } from './toc.js';

// Order matters only where features share elements: tabs before copy (copy wraps every <pre>,
// including those in tab panels), tables after copy (it checks <pre> widths once they are wrapped).
initTheme();
initTabs();
initAlertParams();
initCopy();
initTables();
initMenu();
initToc();
initSearch();
initOffline();
