// One-click pairing, run by the background worker (the popup closes as soon as the
// tracker's tab opens, the options page may be closed too).
//
// 1. Make a secret here; send only its SHA-256 to POST /api/pairings.
// 2. Open the tracker's pairing page: the user confirms there (a CSRF-protected form
//    on the loopback tracker; no web page can confirm for them).
// 3. Redeem with the secret until the user has confirmed: the server hands the token
//    over once, and only to an extension origin holding the secret.
// Progress is kept in storage ("pairing") so the options page and the popup can show it.
import { ext } from "./browser.js";
import { makeClient } from "./api.js";
import { saveSettings } from "./settings.js";

export const PAIRING_KEY = "pairing";
const POLL_MS = 1000;
const GIVE_UP_MS = 10 * 60 * 1000; // the server forgets a pairing after ten minutes too

let current = null; // one pairing at a time: a new click replaces the old one

const setState = (state) => ext.storage.local.set({ [PAIRING_KEY]: { ...state, at: Date.now() } });

function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({ "+": "-", "/": "_", "=": "" })[c]);
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Returns {ok, code?, message}: the answer to the click. The rest happens in the background.
export async function startPairing(serverUrl) {
  const api = makeClient({ serverUrl, token: "" });
  try {
    const health = await api.health();
    if (!health || health.app !== "jobloop") throw new Error(`${serverUrl} answers, but it is not a jobloop server.`);
  } catch (err) {
    const message = err.kind === "network" || err.kind === "timeout" ? err.message : `${serverUrl} answers, but it is not a jobloop server.`;
    await setState({ state: "failed", serverUrl, message });
    return { ok: false, kind: err.kind || "not_jobloop", message };
  }
  const secret = randomSecret();
  let started;
  try {
    started = await api.startPairing(await sha256Hex(secret));
  } catch (err) {
    const message = `The jobloop server at ${serverUrl} did not start the pairing: ${err.message}`;
    await setState({ state: "failed", serverUrl, message });
    return { ok: false, message };
  }
  const mine = (current = { id: started.id });
  const message = `Confirm on the jobloop page that just opened (it shows the code ${started.code}).`;
  await setState({ state: "waiting", serverUrl, code: started.code, message });
  await ext.tabs.create({ url: started.confirm_url });
  poll(api, mine, started.id, secret, serverUrl, Date.now());
  return { ok: true, code: started.code, message };
}

async function poll(api, mine, id, secret, serverUrl, since) {
  while (current === mine) {
    // Reading storage is also what keeps a Chrome service worker awake while it waits.
    const { [PAIRING_KEY]: state } = await ext.storage.local.get(PAIRING_KEY);
    if (!state || state.state !== "waiting") return;
    if (Date.now() - since > GIVE_UP_MS) {
      return setState({ state: "failed", serverUrl, message: "The pairing was not confirmed within ten minutes. Click Pair with jobloop to try again." });
    }
    try {
      const result = await api.redeemPairing(id, secret);
      if (result.status === "paired" && result.token) {
        await saveSettings({ serverUrl, token: result.token });
        return setState({ state: "paired", serverUrl, message: `Paired with jobloop at ${serverUrl}. You can clip job postings now.` });
      }
    } catch (err) {
      if (err.kind === "client") {
        return setState({ state: "failed", serverUrl, message: `${err.message}` });
      }
      // Server restarting or busy: keep trying until the time is up.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
