import { DEFAULT_SERVER, loadSettings, saveSettings } from "../lib/settings.js";
import { testConnection } from "../lib/api.js";

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
  $("watch-tabs").checked = await chrome.permissions.contains({ permissions: ["tabs"] });
}

async function save() {
  const { settings, problems } = await saveSettings({ serverUrl: $("server-url").value || DEFAULT_SERVER, token: $("token").value });
  $("server-url").value = settings.serverUrl;
  $("token").value = settings.token;
  return { settings, problems };
}

async function test(prefix = "") {
  say(`${prefix}Testing the connection…`);
  const result = await testConnection(await loadSettings());
  say(prefix + result.message, result.ok ? "ok" : "error");
  return result;
}

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { problems } = await save();
  if (problems.length) {
    say(`Saved, but: ${problems.join("; ")}.`, "error");
    return;
  }
  await test("Saved. ");
});

$("test").addEventListener("click", async () => {
  // Test what is on screen, not what was saved before: save first.
  const { problems } = await save();
  if (problems.length) return say(`Not tested: ${problems.join("; ")}.`, "error");
  await test();
});

$("watch-tabs").addEventListener("change", async (event) => {
  if (event.target.checked) {
    const granted = await chrome.permissions.request({ permissions: ["tabs"] });
    event.target.checked = granted;
    if (!granted) say("Permission not granted: pages are marked when you open the popup or clip them.", "info");
  } else {
    await chrome.permissions.remove({ permissions: ["tabs"] });
  }
});

fill().catch((err) => say(`Could not read the settings: ${err.message}`, "error"));
