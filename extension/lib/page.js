// Read a tab's rendered page, only when the user asked (popup, menu, shortcut):
// activeTab grants access to that one tab for that one gesture.
import { ext } from "./browser.js";

// Runs inside the page. Must be self-contained: it is serialized by executeScript.
function snapshotPage() {
  const selection = String(window.getSelection ? window.getSelection() : "").trim();
  return {
    url: location.href,
    title: document.title || "",
    html: document.documentElement ? document.documentElement.outerHTML : "",
    selection: selection.slice(0, 20000),
  };
}

export async function readTab(tabId) {
  let results;
  try {
    results = await ext.scripting.executeScript({ target: { tabId }, func: snapshotPage });
  } catch (err) {
    throw new Error(explain(err));
  }
  const page = results && results[0] && results[0].result;
  if (!page || !page.html) throw new Error("The page gave nothing to read (it may still be loading). Try again in a moment.");
  if (!/^https?:/i.test(page.url)) throw new Error("Only web pages (http or https) can be clipped.");
  return page;
}

function explain(err) {
  const text = String((err && err.message) || err);
  if (/cannot access|cannot be scripted|extensions gallery|chrome:\/\/|about:|permission/i.test(text)) {
    return "The browser does not let extensions read this page (browser pages, the web store, PDF viewers). Open the job page itself and try again.";
  }
  if (/no tab with id/i.test(text)) return "That tab is gone: open the job page and try again.";
  return `Could not read this page: ${text}`;
}
