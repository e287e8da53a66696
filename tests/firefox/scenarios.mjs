// The extension's end-to-end scenarios in Firefox ESR:
//   JOBLOOP_EXTENSION_DIR=<unpacked Firefox build> node tests/firefox/scenarios.mjs <scenario>…
// The host (tests/test_extension_firefox.py) answers on stdin: {"new": name} gets a fresh
// server for that scenario ({serverUrl, token, pagesUrl}); "start-server" starts it.
// The same scenarios as tests/test_extension_browser.py runs in Chromium, through the
// same seam: popup/popup.html?tab=<id> opened as a page. Exit code 0 means it passed;
// Each scenario's outcome is one {"result": {scenario, ok, error?}} line on stdout.
import assert from "node:assert/strict";
import { host, launch, openExtensionPage, report } from "./harness.mjs";

const cfg = {}; // this scenario's server, token and pages (from the host)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(path, { method = "GET", body } = {}) {
  const res = await fetch(cfg.serverUrl + path, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { Authorization: `Bearer ${cfg.token}`, "Content-Type": "application/json" },
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(data)}`);
  return data;
}
const postingsFor = async (url) => (await api(`/api/postings?url=${encodeURIComponent(url)}`)).postings;

async function waitFor(page, fn, arg, what, timeout = 10000) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 100 }, arg);
  } catch (err) {
    const message = await page.evaluate(() => document.getElementById("message")?.textContent
      ?? document.getElementById("status")?.textContent ?? "").catch(() => "");
    throw new Error(`timed out waiting for ${what} (page says: ${JSON.stringify(message)})`);
  }
}
const text = (page, selector) => page.$eval(selector, (el) => el.textContent);
const value = (page, selector) => page.$eval(selector, (el) => el.value);
const hidden = (page, selector) => page.$eval(selector, (el) => el.hidden || el.closest("[hidden]") !== null);

class Session {
  constructor(browser) {
    this.browser = browser;
  }

  // An extension page to call extension APIs from (storage, tabs, the badge).
  async helper() {
    if (!this._helper) this._helper = await openExtensionPage(this.browser, "options/options.html", "#server-url");
    return this._helper;
  }

  async setSettings(serverUrl, token) {
    const page = await this.helper();
    await page.evaluate((settings) => browser.storage.local.set({ settings }), { serverUrl, token });
  }

  async storedSettings() {
    return (await this.helper()).evaluate(async () => (await browser.storage.local.get("settings")).settings ?? null);
  }

  async openJobTab(url) {
    const page = await this.browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    const helper = await this.helper();
    const tab = await helper.evaluate(async (u) => (await browser.tabs.query({})).find((t) => t.url === u)?.id ?? null, url);
    assert.notEqual(tab, null, `no tab for ${url}`);
    return { page, tab };
  }

  async popup(tab) {
    const popup = await openExtensionPage(this.browser, `popup/popup.html?tab=${tab}`, "#message");
    await waitFor(popup, () => document.getElementById("message").textContent !== "Reading this page…", undefined, "the popup to read the page");
    return popup;
  }

  async badge(tab) {
    return (await this.helper()).evaluate((tabId) => browser.action.getBadgeText({ tabId }), tab);
  }

  async waitBadge(tab, expected) {
    let got;
    for (let i = 0; i < 80; i++) {
      got = await this.badge(tab);
      if (got === expected) return;
      await sleep(100);
    }
    assert.equal(got, expected, "badge text");
  }

  // A message to the background, as the popup and the options page send them.
  async send(message) {
    return (await this.helper()).evaluate((m) => browser.runtime.sendMessage(m), message);
  }

  async newTabAt(prefix) {
    for (let i = 0; i < 100; i++) {
      for (const page of await this.browser.pages()) if (page.url().startsWith(prefix)) return page;
      await sleep(100);
    }
    throw new Error(`no tab opened at ${prefix}`);
  }
}

const scenarios = {
  async "paste-pairing"(s) {
    const options = await openExtensionPage(s.browser, "options/options.html", "#server-url");
    await waitFor(options, () => document.getElementById("status").textContent.includes("not paired"), undefined, "the unpaired note");
    await options.click("#paste summary");
    const attempt = async (url, token, button) => {
      await options.$eval("#server-url", (el, v) => { el.value = v; }, url);
      await options.$eval("#token", (el, v) => { el.value = v; }, token);
      await options.$eval("#status", (el) => { el.textContent = ""; });
      await options.click(button);
      await waitFor(options, () => { const t = document.getElementById("status").textContent; return t && !t.startsWith("Testing"); }, undefined, "a test result");
      return text(options, "#status");
    };
    const bare = cfg.serverUrl.replace("http://", "");
    const wrong = await attempt(bare, "not-the-right-token-123", "#test");
    assert.match(wrong, /refused this token/);
    assert.ok(!wrong.includes("`"), "plain text");
    const saved = await attempt(bare, cfg.token, "#save");
    assert.match(saved, /^Saved\. Connected to jobloop/);
    assert.deepEqual(await s.storedSettings(), { serverUrl: cfg.serverUrl, token: cfg.token });
  },

  async "one-click-pairing"(s) {
    const options = await openExtensionPage(s.browser, "options/options.html", "#server-url");
    await options.$eval("#server-url", (el, v) => { el.value = v; }, cfg.serverUrl.replace("http://", ""));
    await options.click("#pair");
    const tracker = await s.newTabAt(`${cfg.serverUrl}/pair/`);
    await tracker.waitForSelector("#pair-confirm");
    const code = await text(tracker, "#pair-code");
    await waitFor(options, (c) => document.getElementById("status").textContent.includes(c), code, "the pairing code in the options page");
    await sleep(1200);
    assert.equal(await s.storedSettings(), null, "no token before the user confirms");
    await tracker.click("#pair-confirm");
    await tracker.waitForSelector("#pair-done");
    await waitFor(options, () => document.getElementById("status").className === "ok", undefined, "Paired");
    assert.equal(await text(options, "#status"), `Paired with jobloop at ${cfg.serverUrl}. You can clip job postings now.`);
    assert.deepEqual(await s.storedSettings(), { serverUrl: cfg.serverUrl, token: cfg.token });
    const settings = await s.browser.newPage();
    await settings.goto(`${cfg.serverUrl}/settings`);
    assert.match((await text(settings, "#browsers")).replace(/\s+/g, " "), /Firefox: paired/);
  },

  async "unpaired-popup"(s) {
    const { tab } = await s.openJobTab(`${cfg.pagesUrl}/jobs/data-analyst`);
    const popup = await s.popup(tab);
    assert.equal(await text(popup, "#message"), "This browser is not paired with jobloop yet.");
    assert.equal(await hidden(popup, "#pair"), false);
    assert.equal(await hidden(popup, "#preview"), true);
  },

  async "preview-save"(s) {
    await s.setSettings(cfg.serverUrl, cfg.token);
    const url = `${cfg.pagesUrl}/jobs/platform-engineer`;
    const { tab } = await s.openJobTab(url);
    const popup = await s.popup(tab);
    await popup.waitForSelector("#preview:not([hidden])");
    assert.equal(await value(popup, "#f-title"), "Platform Engineer");
    assert.equal(await value(popup, "#f-location"), "Sunnyvale, CA\nSan Francisco, CA");
    await popup.$eval("#f-title", (el) => { el.value = "Senior Platform Engineer"; });
    await popup.select("#f-stage", "applied");
    await popup.click("#save");
    await popup.waitForSelector("#tracked:not([hidden])");
    assert.match(await text(popup, "#message"), /Saved to jobloop/);
    const [posting] = await postingsFor(url);
    assert.equal(posting.title, "Senior Platform Engineer");
    assert.deepEqual(posting.locations, ["Sunnyvale, CA", "San Francisco, CA"]);
    assert.deepEqual(posting.user_edited, ["title"]);
    assert.equal(posting.stage, "applied");
    await s.waitBadge(tab, "APPL");
  },

  async outcomes(s) {
    await s.setSettings(cfg.serverUrl, cfg.token);
    const url = `${cfg.pagesUrl}/jobs/data-analyst`;
    const { id } = await api("/api/captures", { method: "POST", body: { url, html: "<title>Data Analyst</title><h1>Data Analyst</h1>" } });
    const { tab } = await s.openJobTab(url);
    const popup = await s.popup(tab);
    await popup.waitForSelector("#tracked:not([hidden])");
    assert.match(await text(popup, "#message"), /Already tracked/);
    for (const stage of ["applied", "interviewing"]) {
      await popup.click(`#outcomes button[data-stage=${stage}]`);
      await waitFor(popup, (st) => document.getElementById("tracked-stage").textContent === st, stage, `stage ${stage}`);
      assert.equal((await api(`/api/postings/${id}`)).stage, stage);
    }
    await s.waitBadge(tab, "INTV");
    await popup.$eval("#note-text", (el) => { el.value = "Second round on Monday"; });
    await popup.click("#note-form button");
    await waitFor(popup, () => document.getElementById("message").textContent === "Note added.", undefined, "the note");
  },

  async "badge-clip"(s) {
    await s.setSettings(cfg.serverUrl, cfg.token);
    const tracked = `${cfg.pagesUrl}/jobs/data-analyst`;
    await api("/api/captures", { method: "POST", body: { url: tracked, html: "<h1>Data Analyst</h1>", stage: "applied" } });
    const { tab } = await s.openJobTab(tracked);
    await s.waitBadge(tab, "APPL"); // from the tab's load, no popup involved
    const other = await s.openJobTab(`${cfg.pagesUrl}/jobs/platform-engineer`);
    // What the context menu item and the keyboard command run.
    const result = await s.send({ type: "jobloop/clip-tab", tabId: other.tab });
    assert.equal(result.ok, true, JSON.stringify(result));
    await s.waitBadge(other.tab, "SAVE");
  },

  async queue(s) {
    await s.setSettings(cfg.serverUrl, cfg.token); // the server is not started yet
    const url = `${cfg.pagesUrl}/jobs/platform-engineer`;
    const { tab } = await s.openJobTab(url);
    let popup = await s.popup(tab);
    assert.match(await text(popup, "#message"), /No jobloop server answers at/);
    await popup.click("#save");
    await popup.waitForSelector("#queue-status:not([hidden])");
    assert.match(await text(popup, "#message"), /Waiting for jobloop — will save when it is back \(1 waiting\)/);
    assert.equal(await hidden(popup, "#preview"), true);
    await s.waitBadge(tab, "WAIT");
    popup = await s.popup(tab);
    assert.equal(await text(popup, "#message"), "Waiting for jobloop — will save when it is back.");
    await host("start-server");
    await popup.click("#retry-page");
    await popup.waitForSelector("#tracked:not([hidden])");
    assert.equal((await postingsFor(url)).length, 1);
    assert.equal((await s.send({ type: "jobloop/queue-status" })).waiting, 0);
    await s.waitBadge(tab, "SAVE");
  },

  async "not-a-posting"(s) {
    await s.setSettings(cfg.serverUrl, cfg.token);
    const url = `${cfg.pagesUrl}/blog/interview-tips`;
    const { tab } = await s.openJobTab(url);
    const popup = await s.popup(tab);
    await popup.waitForSelector("#preview:not([hidden])");
    assert.match(await text(popup, "#message"), /does not look like a job posting/);
    assert.equal((await popup.$eval("body", (b) => b.innerText)).split("does not look like a job posting").length, 2, "said once");
    await popup.$eval("#f-company", (el) => { el.value = "The Career Blog"; });
    await popup.click("#save");
    await popup.waitForSelector("#tracked:not([hidden])");
    const [posting] = await postingsFor(url);
    assert.equal(posting.is_posting, false);
    assert.equal(posting.company, "The Career Blog");
  },

  // A page the user visits (on another loopback port, the closest a page gets) cannot
  // start or redeem a pairing, nor read the tracker's settings page with the token.
  async "web-page-no-token"(s) {
    const page = await s.browser.newPage();
    await page.goto(`${cfg.pagesUrl}/jobs/data-analyst`);
    const results = await page.evaluate(async (server) => {
      const out = {};
      const attempt = async (name, path, init) => {
        try {
          const res = await fetch(server + path, init);
          out[name] = `read ${res.status} ${(await res.text()).slice(0, 200)}`;
        } catch { out[name] = "blocked"; }
      };
      const json = { method: "POST", headers: { "Content-Type": "application/json" } };
      await attempt("start", "/api/pairings", { ...json, body: JSON.stringify({ challenge: "a".repeat(64) }) });
      await attempt("redeem", "/api/pairings/redeem", { ...json, body: JSON.stringify({ id: "x", secret: "y".repeat(20) }) });
      await attempt("settings", "/settings", {});
      return out;
    }, cfg.serverUrl);
    assert.deepEqual(results, { start: "blocked", redeem: "blocked", settings: "blocked" });
  },

  async recruiter(s) {
    await s.setSettings(cfg.serverUrl, cfg.token);
    const url = `${cfg.pagesUrl}/jobs/data-analyst`;
    const { id } = await api("/api/captures", { method: "POST", body: { url, html: "<h1>Data Analyst</h1>" } });
    const { tab } = await s.openJobTab(url);
    const popup = await s.popup(tab);
    await waitFor(popup, () => document.getElementById("contacts").textContent === "Nobody linked yet.", undefined, "the empty contact list");
    await popup.$eval("#c-name", (el) => { el.value = "Dana Recruiter"; });
    await popup.$eval("#c-email", (el) => { el.value = "dana-at-example"; });
    await popup.click("#c-attach");
    await waitFor(popup, () => document.getElementById("contact-status").className === "error", undefined, "the refusal");
    assert.match(await text(popup, "#contact-status"), /one address like name@example.com/i);
    await popup.$eval("#c-email", (el) => { el.value = "dana@example.test"; });
    await popup.click("#c-attach");
    await waitFor(popup, () => document.getElementById("contact-status").className === "ok", undefined, "the contact");
    const { contacts } = await api(`/api/postings/${id}/contacts`);
    assert.deepEqual(contacts.map((c) => c.email), ["dana@example.test"]);
  },
};

// One Firefox for all the scenarios asked for (it takes ~8 s to start here); each
// scenario gets a fresh jobloop server and data dir from the host, and a clean extension.
async function reset(session) {
  const helper = await session.helper();
  await helper.evaluate(async () => {
    await browser.storage.local.clear();
    await browser.alarms.clearAll();
  });
  for (const page of await session.browser.pages()) if (page !== helper) await page.close().catch(() => {});
}

const names = process.argv.slice(2);
const unknown = names.filter((n) => !scenarios[n]);
if (unknown.length || !names.length) {
  console.error(`unknown scenario(s) ${unknown.join(", ")}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
const browser = await launch(process.env.JOBLOOP_EXTENSION_DIR);
const session = new Session(browser);
try {
  for (const name of names) {
    Object.assign(cfg, await host({ new: name }));
    try {
      await reset(session);
      await scenarios[name](session);
      report({ scenario: name, ok: true });
    } catch (err) {
      report({ scenario: name, ok: false, error: err && err.stack ? err.stack : String(err) });
    }
  }
} finally {
  await browser.close().catch(() => {});
}
process.exit(0);
