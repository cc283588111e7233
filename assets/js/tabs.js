/** Environment tabs ({{env-command}}): one choice for every tab group on the page, remembered as rs-env. */
import { alertEnv } from './alert-params.js';
import { $all, doc, root, store } from './dom.js';

export function initTabs() {
  const groups = $all('[data-env-tabs]');
  if (!groups.length) return;
  const envIds = function () {
    return $all('[role="tab"]', groups[0]).map(function (t) {
      return t.getAttribute('data-env');
    });
  };
  const currentEnv = function () {
    const chosen = root.getAttribute('data-env');
    const ids = envIds();
    return chosen && ids.indexOf(chosen) >= 0 ? chosen : ids[0];
  };
  const syncTabs = function (env) {
    groups.forEach(function (group) {
      $all('[role="tab"]', group).forEach(function (tab) {
        const on = tab.getAttribute('data-env') === env;
        tab.setAttribute('aria-selected', String(on));
        tab.tabIndex = on ? 0 : -1;
      });
    });
  };
  const selectEnv = function (env) {
    root.setAttribute('data-env', env); // the <style> from the layout shows the matching panels
    store('rs-env', env);
    syncTabs(env);
  };
  // Opened from an alert (?env=prod): show that environment without changing the remembered choice.
  const fromAlert = alertEnv(envIds());
  if (fromAlert) root.setAttribute('data-env', fromAlert);
  syncTabs(currentEnv());
  groups.forEach(function (group) {
    const list = group.querySelector('[role="tablist"]');
    if (!list) return;
    list.addEventListener('click', function (event) {
      const tab = event.target.closest('[role="tab"]');
      if (!tab) return;
      // Keep the clicked tab where it is on screen while other groups above it change height.
      const before = tab.getBoundingClientRect().top;
      selectEnv(tab.getAttribute('data-env'));
      const after = tab.getBoundingClientRect().top;
      if (after !== before) window.scrollBy(0, after - before);
    });
    list.addEventListener('keydown', function (event) {
      const tabs = $all('[role="tab"]', list);
      const i = tabs.indexOf(doc.activeElement);
      if (i < 0) return;
      let next = -1;
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (i + 1) % tabs.length;
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = (i - 1 + tabs.length) % tabs.length;
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = tabs.length - 1;
      if (next < 0) return;
      event.preventDefault();
      selectEnv(tabs[next].getAttribute('data-env'));
      tabs[next].focus();
    });
  });
}
