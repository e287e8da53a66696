// Stored settings (chrome.storage.local), validated on every read: a bad or
// missing value falls back to the default instead of breaking every request.
export const DEFAULT_SERVER = "http://127.0.0.1:8765";
const KEY = "settings";

// Only a loopback jobloop server: the host permissions cover nothing else.
export function validServerUrl(value) {
  if (typeof value !== "string") return null;
  let url;
  try { url = new URL(value.trim()); } catch { return null; }
  if (url.protocol !== "http:") return null;
  if (!["127.0.0.1", "localhost"].includes(url.hostname)) return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== "/" && url.pathname !== "") return null;
  return url.origin;
}

// Tokens are URL-safe base64 from `jobloop token`; anything else cannot be one.
export function validToken(value) {
  if (typeof value !== "string") return "";
  const token = value.trim();
  return /^[A-Za-z0-9_\-.~+/=]{8,200}$/.test(token) ? token : "";
}

export function normalize(raw) {
  const data = raw && typeof raw === "object" ? raw : {};
  return {
    serverUrl: validServerUrl(data.serverUrl) || DEFAULT_SERVER,
    token: validToken(data.token),
  };
}

export async function loadSettings() {
  const stored = await chrome.storage.local.get(KEY);
  return normalize(stored[KEY]);
}

// Returns {settings, problems}: problems lists the values that were refused.
export async function saveSettings({ serverUrl, token }) {
  const problems = [];
  const url = validServerUrl(serverUrl);
  if (!url) problems.push(`"${serverUrl}" is not a loopback http address like ${DEFAULT_SERVER}; using ${DEFAULT_SERVER}`);
  const tok = validToken(token);
  if (token && !tok) problems.push("the token has characters a jobloop token never has; paste the output of `jobloop token`");
  const settings = { serverUrl: url || DEFAULT_SERVER, token: tok };
  await chrome.storage.local.set({ [KEY]: settings });
  return { settings, problems };
}

export const SETTINGS_KEY = KEY;
