// The toolbar badge marks pages already tracked, with their stage. Lookups are
// cached per URL and debounced per tab, so browsing never turns into a request storm.
import { action } from "./browser.js";
const TTL_MS = 60_000;
const DEBOUNCE_MS = 300;
const cache = new Map();   // url -> {posting|null, at}
const timers = new Map();  // tabId -> timeout

export const STAGE_BADGE = Object.freeze({
  saved: ["SAVE", "#6b7280"], applied: ["APPL", "#2563eb"], screening: ["SCRN", "#0891b2"],
  interviewing: ["INTV", "#7c3aed"], offer: ["OFFR", "#16a34a"], accepted: ["YES", "#15803d"],
  rejected: ["NO", "#b91c1c"], withdrawn: ["WD", "#92400e"], ghosted: ["GHST", "#475569"],
});

export function cached(url) {
  const hit = cache.get(url);
  return hit && Date.now() - hit.at < TTL_MS ? hit : null;
}

export function remember(url, posting) {
  cache.set(url, { posting: posting || null, at: Date.now() });
  if (cache.size > 500) cache.delete(cache.keys().next().value);
}

export function forgetAll() {
  cache.clear();
}

export async function show(tabId, posting) {
  try {
    if (!posting) {
      await action.setBadgeText({ tabId, text: "" });
      await action.setTitle({ tabId, title: "jobloop: clip this job" });
      return;
    }
    const [text, color] = STAGE_BADGE[posting.stage] || ["✓", "#374151"];
    await action.setBadgeBackgroundColor({ tabId, color });
    await action.setBadgeText({ tabId, text });
    await action.setTitle({ tabId, title: `jobloop: tracked — ${posting.stage}${posting.title ? ` · ${posting.title}` : ""}` });
  } catch {
    // The tab closed meanwhile: nothing to mark.
  }
}

export async function showNote(tabId, text, title, color = "#b45309") {
  try {
    await action.setBadgeBackgroundColor({ tabId, color });
    await action.setBadgeText({ tabId, text });
    await action.setTitle({ tabId, title });
  } catch { /* tab gone */ }
}

// Debounced: a tab that fires several updates while loading costs one lookup.
export function schedule(tabId, url, lookup) {
  clearTimeout(timers.get(tabId));
  timers.set(tabId, setTimeout(async () => {
    timers.delete(tabId);
    if (!url || !/^https?:/i.test(url)) return;
    const hit = cached(url);
    if (hit) return show(tabId, hit.posting);
    try {
      const posting = await lookup(url);
      remember(url, posting);
      await show(tabId, posting);
    } catch {
      // Server down or not paired: leave the badge alone rather than flash errors while browsing.
    }
  }, DEBOUNCE_MS));
}
