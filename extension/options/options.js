// The options page: pair in one click (lib/pairing.js, run by the background worker),
// or paste the token. Every message says what was tried and what to do on this page;
// nothing says "Saved." unless the save and the connection both worked.
import { ext, requestPermission } from "../lib/browser.js";
import { loadSettings, parseServer, saveSettings, validToken } from "../lib/settings.js";
import { ERR, portHint, testConnection } from "../lib/api.js";
import { MSG } from "../lib/messages.js";
import { PAIRING_KEY } from "../lib/pairing.js";

const $ = (id) => document.getElementById(id);

function say(text, kind = "info") {
  const el = $("status");
  el.textContent = text;
  el.className = kind;
}

async function fill() {
  const settings = await loadSettings();
  $("server-url").value = settings.serverUrl;
  $("token").value = settings.token;
  $("watch-tabs").checked = await ext.permissions.contains({ permissions: ["tabs"] });
  if (!settings.token) say("This browser is not paired yet: start jobloop, then click Pair with jobloop.");
}

// The address on screen, or a sentence about what is wrong with it.
function serverOnScreen() {
  const { url, problem } = parseServer($("server-url").value);
  if (url) $("server-url").value = url; // show the address that will be tried
  return { url, problem };
}

// The test result, said for this page: what was tried, and what to do here.
function explain(result, serverUrl) {
  if (result.ok) return result.message;
  if (result.kind === ERR.UNAUTHORIZED) {
    return `The jobloop server at ${serverUrl} refused this token. Click Pair with jobloop above, or copy the token from the tracker's Settings page (${serverUrl}/settings) and paste it in the Token field.`;
  }
  if (result.kind === ERR.NETWORK || result.kind === ERR.TIMEOUT) return notRunning(serverUrl, "Test connection");
  return result.message;
}

function notRunning(serverUrl, button) {
  return `No jobloop server answers at ${serverUrl}. Start it with: jobloop serve${portHint(serverUrl)}, then click ${button}. If it runs on another port, type that address above.`;
}

async function check(serverUrl, token) {
  say(`Testing the connection to ${serverUrl}…`);
  const result = await testConnection({ serverUrl, token });
  return { ...result, text: explain(result, serverUrl) };
}

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { url, problem } = serverOnScreen();
  if (problem) return say(`Not saved: ${problem}`, "error");
  const typed = $("token").value.trim();
  const token = validToken(typed);
  if (typed && !token) return say("Not saved: that is not a jobloop token (it has characters a token never has). Copy it again from the tracker's Settings page.", "error");
  if (!token) return say("Not saved: the Token field is empty. Paste the token, or click Pair with jobloop.", "error");
  const result = await check(url, token);
  await saveSettings({ serverUrl: url, token });
  if (result.ok) say(`Saved. ${result.text}`, "ok");
  else say(`${result.text} The address and token are saved anyway; clips wait until the server answers.`, "error");
});

$("test").addEventListener("click", async () => {
  const { url, problem } = serverOnScreen();
  if (problem) return say(`Not tested: ${problem}`, "error");
  const result = await check(url, validToken($("token").value));
  say(result.text, result.ok ? "ok" : "error");
});

$("pair").addEventListener("click", async () => {
  const { url, problem } = serverOnScreen();
  if (problem) return say(problem, "error");
  say(`Looking for jobloop at ${url}…`);
  const result = await ext.runtime.sendMessage({ type: MSG.PAIR, serverUrl: url });
  if (!result) return say("The extension's background did not answer. Reload the extension and try again.", "error");
  if (result.ok) return say(result.message, "info");
  say(result.kind === ERR.NETWORK || result.kind === ERR.TIMEOUT ? notRunning(url, "Pair with jobloop again") : result.message, "error");
});

// Pairing finishes in the background while this page is open: show how it went.
ext.storage.onChanged.addListener(async (changes, area) => {
  if (area !== "local" || !changes[PAIRING_KEY]) return;
  const state = changes[PAIRING_KEY].newValue;
  if (!state) return;
  if (state.state === "paired") {
    const settings = await loadSettings();
    $("server-url").value = settings.serverUrl;
    $("token").value = settings.token;
    say(state.message, "ok");
  } else if (state.state === "failed") {
    say(state.message, "error");
  }
});

$("watch-tabs").addEventListener("change", async (event) => {
  if (event.target.checked) {
    const granted = await requestPermission(["tabs"]); // first, before any await: Firefox wants the click
    event.target.checked = granted;
    if (!granted) say("Permission not granted: pages are marked when you open the popup or clip them.", "info");
  } else {
    await ext.permissions.remove({ permissions: ["tabs"] });
  }
});

fill().catch((err) => say(`Could not read the settings: ${err.message}`, "error"));
