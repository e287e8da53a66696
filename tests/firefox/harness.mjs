// Firefox ESR with the jobloop extension, driven by Puppeteer over WebDriver BiDi
// (see ../shared/TESTING.md, "Firefox"). Used by scenarios.mjs; run from
// tests/test_extension_firefox.py, which serves the pages and the jobloop server.
//
// What it takes, and why:
// - Debian's firefox-esr (Puppeteer downloads no browser: PUPPETEER_SKIP_DOWNLOAD=1).
// - --remote-allow-system-access: since Firefox 153 WebDriver may open moz-extension://
//   pages only with it.
// - extensions.webextensions.uuids: fixes the extension's UUID, so its pages are at
//   moz-extension://<UUID>/… and the server sees that origin.
// - A dead proxy for everything but loopback: the browser makes no lookups beyond
//   127.0.0.1 (Firefox has no --host-resolver-rules).
import puppeteer from "puppeteer";
import { createInterface } from "node:readline";

export const GECKO_ID = "jobloop@jobloop.local";
export const UUID = "6a0c3c1e-3f1d-4c55-9a4b-2f7d0f1b9e01";
export const BASE = `moz-extension://${UUID}`;
const FIREFOX = process.env.JOBLOOP_FIREFOX || "/usr/bin/firefox-esr";

export async function launch(extensionDir) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }),
      "network.proxy.type": 1,
      "network.proxy.http": "127.0.0.1",
      "network.proxy.http_port": 9,
      "network.proxy.ssl": "127.0.0.1",
      "network.proxy.ssl_port": 9,
      "network.proxy.socks_remote_dns": true,
      "network.proxy.no_proxies_on": "localhost, 127.0.0.1, [::1]",
      "network.proxy.allow_hijacking_localhost": false,
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
    },
  });
  const id = await browser.installExtension(extensionDir);
  if (id !== GECKO_ID) throw new Error(`installed ${id}, expected ${GECKO_ID}`);
  return browser;
}

// page.goto on a moz-extension:// page loads it but never reports "loaded": start the
// navigation without waiting for it (its timeout is ignored), then poll until the new
// document has the element. A wait that races the navigation fails ("Waiting failed",
// the old document went away): that is retried too.
export async function openExtensionPage(browser, path, selector = "body", timeout = 10000) {
  const page = await browser.newPage();
  const target = `${BASE}/${path}`;
  page.goto(target, { waitUntil: "domcontentloaded", timeout: 3000 }).catch(() => { /* see above */ });
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      const ready = await page.evaluate((url, sel) => location.href === url && document.querySelector(sel) !== null, target, selector);
      if (ready) return page;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${target} did not show ${selector} within ${timeout} ms${last ? ` (${last.message})` : ""}`);
}

// The test host (pytest) answers requests like "start-server" on stdin, one JSON line each.
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
export async function host(request) {
  process.stdout.write(JSON.stringify({ host: request }) + "\n");
  const { value, done } = await lines.next();
  if (done) throw new Error(`the test host went away during ${request}`);
  return JSON.parse(value);
}

export function report(result) {
  process.stdout.write(JSON.stringify({ result }) + "\n");
}
