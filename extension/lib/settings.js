// Stored settings (ext.storage.local), validated on every read: a bad or
// missing value falls back to the default instead of breaking every request.
import { ext } from "./browser.js";

export const DEFAULT_SERVER = "http://127.0.0.1:8765";
const KEY = "settings";

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

// What people type: "localhost:19100", "127.0.0.1:8765", "[::1]:8765", with or without
// "http://", a trailing slash, just a port, or just the host (port 8765). Returns {url} (an origin like
// http://localhost:19100) or {problem} (a sentence that says what to type instead).
export function parseServer(value) {
  let text = typeof value === "string" ? value.trim() : "";
  if (!text) return { url: DEFAULT_SERVER };
  if (/^\d{1,5}$/.test(text)) text = `127.0.0.1:${text}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url;
  try { url = new URL(text); } catch {
    return { problem: `"${value.trim()}" is not an address. Type one like 127.0.0.1:8765 or localhost:8765.` };
  }
  if (url.protocol !== "http:") return { problem: `jobloop answers on plain http on this computer: type http://${url.host || "127.0.0.1:8765"} or just ${url.host || "127.0.0.1:8765"}.` };
  if (!LOOPBACK.includes(url.hostname)) {
    return { problem: `${url.hostname} is not this computer. The extension only talks to a jobloop server on 127.0.0.1, localhost or [::1].` };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    return { problem: `Type only the address and port, like ${url.host}, without a path.` };
  }
  // "localhost" alone means jobloop's default port, not http's port 80.
  if (!url.port && !/:\d+\/?$/.test(text)) url.port = "8765";
  return { url: url.origin };
}

// A stored address, checked on every read: null when it is missing or not one we accept.
export function validServerUrl(value) {
  return typeof value === "string" && value.trim() ? parseServer(value).url || null : null;
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
  const stored = await ext.storage.local.get(KEY);
  return normalize(stored[KEY]);
}

// Store a server address and a token the caller has already checked with parseServer
// and validToken.
export async function saveSettings({ serverUrl, token }) {
  const settings = { serverUrl, token };
  await ext.storage.local.set({ [KEY]: settings });
  return settings;
}

export const SETTINGS_KEY = KEY;
