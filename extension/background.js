// Service worker (Chrome) / event page (Firefox; lib/browser.js says why both): the
// context menu and the keyboard shortcut that clip without the popup, the badge, the
// retry queue, and one-click pairing.
import { ext } from "./lib/browser.js";
import { ALARM_RETRY, COMMAND_CLIP, MENU_CLIP, MSG } from "./lib/messages.js";
import { client } from "./lib/api.js";
import { SETTINGS_KEY, loadSettings } from "./lib/settings.js";
import { readTab } from "./lib/page.js";
import * as queue from "./lib/queue.js";
import * as badge from "./lib/badge.js";
import { startPairing } from "./lib/pairing.js";

ext.runtime.onInstalled.addListener(() => {
  ext.contextMenus.removeAll(() => {
    ext.contextMenus.create({ id: MENU_CLIP, title: "Clip this job", contexts: ["page", "selection"] });
  });
});

// Clip a tab without the popup. The badge confirms: the stage when it landed,
// "WAIT" when it was queued, "!" with the reason in the tooltip when it was refused.
async function clipTab(tabId, extra = {}) {
  let page;
  try {
    page = await readTab(tabId);
  } catch (err) {
    await badge.showNote(tabId, "!", `jobloop: ${err.message}`, "#b91c1c");
    return { ok: false, error: err.message };
  }
  const capture = { url: page.url, html: page.html, title: page.title, ...extra };
  if (page.selection && !capture.selection) capture.selection = page.selection;
  const api = await client();
  try {
    const posting = await api.capture(capture);
    badge.remember(page.url, posting);
    await badge.show(tabId, posting);
    return { ok: true, posting };
  } catch (err) {
    if (err.retryable) {
      const waiting = await queue.enqueue(capture, err.message);
      await badge.showNote(tabId, "WAIT", `jobloop: queued (${waiting} waiting) — ${err.message}`);
      return { ok: true, queued: waiting, error: err.message };
    }
    await badge.showNote(tabId, "!", `jobloop: ${err.message}`, "#b91c1c");
    return { ok: false, error: err.message };
  }
}

async function flushQueue() {
  const api = await client();
  return queue.flush(api, {
    onLanded: async (item, posting) => {
      badge.remember(item.capture.url, posting);
      const tabs = await ext.tabs.query({});
      for (const tab of tabs) if (tab.url === item.capture.url) await badge.show(tab.id, posting);
    },
  });
}

ext.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_CLIP && tab && tab.id !== undefined) clipTab(tab.id);
});

ext.commands.onCommand.addListener(async (command, tab) => {
  if (command !== COMMAND_CLIP) return;
  const target = tab || (await ext.tabs.query({ active: true, currentWindow: true }))[0];
  if (target) clipTab(target.id);
});

ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM_RETRY) flushQueue();
});

ext.runtime.onStartup.addListener(() => { flushQueue(); });

// Badge lookups only on tab activation and load completion (debounced, cached).
// tab.url is only visible for pages we may see: loopback hosts, tabs the user
// invoked us on, or everywhere once the optional "tabs" permission is granted.
async function refreshBadge(tabId, url) {
  const { urls } = await queue.status();
  if (url && urls.includes(url)) return badge.showNote(tabId, "WAIT", "jobloop: waiting for the server — will save when it is back");
  const settings = await loadSettings();
  if (!settings.token || !url || url.startsWith(settings.serverUrl)) return;
  const api = await client();
  badge.schedule(tabId, url, api.lookup);
}

ext.tabs.onActivated.addListener(async ({ tabId }) => {
  try {
    const tab = await ext.tabs.get(tabId);
    refreshBadge(tabId, tab.url);
  } catch { /* closed */ }
});

ext.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (info.status === "complete") refreshBadge(tabId, tab.url);
});

// New settings: the token may now work, the cache may be another server's.
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && changes[SETTINGS_KEY]) {
    badge.forgetAll();
    queue.unpause().then(flushQueue);
  }
});

const handlers = {
  [MSG.CLIP_TAB]: (msg) => clipTab(msg.tabId, msg.extra || {}),
  [MSG.ENQUEUE]: async (msg) => {
    const queued = await queue.enqueue(msg.capture, msg.reason || "");
    if (msg.tabId !== undefined) await badge.showNote(msg.tabId, "WAIT", `jobloop: waiting for the server (${queued} waiting) — ${msg.reason || ""}`);
    return { queued };
  },
  [MSG.FLUSH_QUEUE]: async () => { await queue.unpause(); return flushQueue(); },
  [MSG.QUEUE_STATUS]: () => queue.status(),
  [MSG.PAIR]: (msg) => startPairing(msg.serverUrl),
  [MSG.DISCARD_FAILED]: async (msg) => ({ failed: await queue.discardFailed(msg.id) }),
  [MSG.REFRESH_BADGE]: async (msg) => {
    if (msg.posting !== undefined) {
      badge.remember(msg.url, msg.posting);
      await badge.show(msg.tabId, msg.posting);
    } else {
      await refreshBadge(msg.tabId, msg.url);
    }
    return {};
  },
};

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && handlers[msg.type];
  if (!handler) return false;
  Promise.resolve()
    .then(() => handler(msg))
    .then(sendResponse, (err) => sendResponse({ ok: false, error: String((err && err.message) || err) }));
  return true; // answer asynchronously
});

// For tests and debugging from the worker console.
self.jobloop = { clipTab, flushQueue, queue, badge };
