// The one client for the jobloop server, used by the popup, the options page and
// the background worker. Every failure becomes an ApiError whose `kind` says what
// to tell the user: the server is not running, the token is wrong, it is not jobloop…
import { loadSettings } from "./settings.js";

export const ERR = Object.freeze({
  NETWORK: "network",          // nothing answers: server not running (or wrong port)
  TIMEOUT: "timeout",
  NOT_PAIRED: "not_paired",    // no token stored yet
  UNAUTHORIZED: "unauthorized",// 401: wrong token
  NOT_JOBLOOP: "not_jobloop",  // something answers, but not a jobloop server
  CLIENT: "client",            // another 4xx: the request itself is refused; retrying won't help
  SERVER: "server",            // 5xx: worth retrying later
});

export class ApiError extends Error {
  constructor(kind, message, { status = 0, code = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
  // Worth queueing and trying again later (vs. a refusal the user must fix).
  get retryable() {
    return [ERR.NETWORK, ERR.TIMEOUT, ERR.SERVER].includes(this.kind);
  }
}

const TIMEOUT_MS = 20000;

// "jobloop serve" listens on 8765; another port has to be asked for.
export function portHint(serverUrl) {
  const port = new URL(serverUrl).port;
  return port && port !== "8765" ? ` --port ${port}` : "";
}

async function request(settings, method, path, { body, auth = true, timeout = TIMEOUT_MS } = {}) {
  if (auth && !settings.token) {
    throw new ApiError(ERR.NOT_PAIRED, "This browser is not paired with jobloop yet.");
  }
  const headers = { Accept: "application/json" };
  if (auth) headers.Authorization = `Bearer ${settings.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(settings.serverUrl + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, credentials: "omit", cache: "no-store",
    });
  } catch (err) {
    if (controller.signal.aborted) {
      throw new ApiError(ERR.TIMEOUT, `The jobloop server at ${settings.serverUrl} did not answer within ${timeout / 1000} s.`);
    }
    throw new ApiError(ERR.NETWORK, `No jobloop server answers at ${settings.serverUrl}. Start it with: jobloop serve${portHint(settings.serverUrl)}.`);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const text = await response.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = undefined; }
  if (response.ok) {
    if (data === undefined) {
      throw new ApiError(ERR.NOT_JOBLOOP, `${settings.serverUrl} answered, but not with JSON: is it really jobloop?`, { status: response.status });
    }
    return data;
  }
  const apiMessage = data && data.error && data.error.message;
  const code = (data && data.error && data.error.code) || "";
  if (response.status === 401) {
    throw new ApiError(ERR.UNAUTHORIZED, `The jobloop server at ${settings.serverUrl} refused this browser's token: pair again.`, { status: 401, code });
  }
  if (!apiMessage) {
    // A jobloop server always answers errors as {"error": {...}}.
    throw new ApiError(ERR.NOT_JOBLOOP, `${settings.serverUrl} answered HTTP ${response.status}, not like a jobloop server.`, { status: response.status });
  }
  const kind = response.status >= 500 ? ERR.SERVER : ERR.CLIENT;
  throw new ApiError(kind, `jobloop: ${apiMessage} (HTTP ${response.status})`, { status: response.status, code });
}

export function makeClient(settings) {
  return {
    settings,
    health: () => request(settings, "GET", "/api/health", { auth: false, timeout: 5000 }),
    // One-click pairing (lib/pairing.js): ask with the hash of a secret, redeem with the secret.
    startPairing: (challenge) => request(settings, "POST", "/api/pairings", { body: { challenge }, auth: false, timeout: 5000 }),
    redeemPairing: (id, secret) => request(settings, "POST", "/api/pairings/redeem", { body: { id, secret }, auth: false, timeout: 5000 }),
    parse: (url, html) => request(settings, "POST", "/api/parse", { body: { url, html } }),
    // body: {url, html, title?, selection?, stage?, note?, fields?}
    capture: (body) => request(settings, "POST", "/api/captures", { body }),
    // The save after a preview: the preview's page_hash instead of the page, so the server
    // reuses what it read then. Only when it no longer holds that preview (409 page_needed:
    // too old, server restarted) is the page sent, once.
    captureAfterPreview: async (body, pageHash, html) => {
      const rest = { ...body };
      delete rest.html;
      if (pageHash) {
        try {
          return await request(settings, "POST", "/api/captures", { body: { ...rest, page_hash: pageHash } });
        } catch (err) {
          if (!(err instanceof ApiError) || err.code !== "page_needed") throw err;
        }
      }
      return request(settings, "POST", "/api/captures", { body: { ...rest, html } });
    },
    lookup: async (url) => {
      const data = await request(settings, "GET", `/api/postings?limit=1&url=${encodeURIComponent(url)}`);
      return (data.postings && data.postings[0]) || null;
    },
    posting: (id) => request(settings, "GET", `/api/postings/${encodeURIComponent(id)}`),
    // The same job seen on another site: keep this address with the tracked posting.
    attachUrl: (id, url) => request(settings, "POST", `/api/postings/${encodeURIComponent(id)}/urls`, { body: { url } }),
    // at: an ISO time to back-date the change (the day the user applied), or omitted for now.
    setStage: (id, stage, at) => request(settings, "POST", `/api/postings/${encodeURIComponent(id)}/events`, { body: at ? { kind: "stage", stage, at } : { kind: "stage", stage } }),
    // The day the user applied ("YYYY-MM-DD", their local day; omitted: today). Moves the
    // posting's applied event if it has one (and the check-in made from it), else records it.
    setApplied: (id, day) => request(settings, "PUT", `/api/postings/${encodeURIComponent(id)}/applied`, { body: day ? { on: day } : {} }),
    addNote: (id, note) => request(settings, "POST", `/api/postings/${encodeURIComponent(id)}/events`, { body: { kind: "note", note } }),
    // The recruiter section: contacts linked to a posting, and attaching one.
    // body: {name, email?, role?}; the server links an existing contact (same email,
    // or same name at the company) instead of making a duplicate.
    postingContacts: async (id) => (await request(settings, "GET", `/api/postings/${encodeURIComponent(id)}/contacts`)).contacts || [],
    attachContact: (id, body) => request(settings, "POST", `/api/postings/${encodeURIComponent(id)}/contacts`, { body }),
    // SENT-WITH: the document versions sent most recently ([{id, label}]), and noting one
    // as sent with a posting. An older server without documents answers [] and nothing shows.
    recentDocuments: async () => {
      try {
        return (await request(settings, "GET", "/api/documents/recent", { timeout: 5000 })).documents || [];
      } catch {
        return [];
      }
    },
    sendWith: (id, versionId) => request(settings, "POST", `/api/postings/${encodeURIComponent(id)}/documents`, { body: { version_id: versionId } }),
    // FOLLOWUPS-DUE: how many follow-ups are due now (GET /api/followups/summary).
    // Optional decoration: an older server without it answers null, and the popup shows nothing.
    followupsDue: async () => {
      try {
        const data = await request(settings, "GET", "/api/followups/summary", { timeout: 5000 });
        return typeof data.due === "number" ? data.due : null;
      } catch {
        return null;
      }
    },
  };
}

export async function client() {
  return makeClient(await loadSettings());
}

// "Test connection" on the options page: one sentence that says exactly what is wrong.
export async function testConnection(settings) {
  const api = makeClient(settings);
  let health;
  try {
    health = await api.health();
  } catch (err) {
    if (err.kind === ERR.NETWORK || err.kind === ERR.TIMEOUT) return { ok: false, kind: err.kind, message: err.message };
    return { ok: false, kind: ERR.NOT_JOBLOOP, message: `${settings.serverUrl} answers, but it is not a jobloop server (GET /api/health failed: ${err.message}).` };
  }
  if (!health || health.app !== "jobloop") {
    return { ok: false, kind: ERR.NOT_JOBLOOP, message: `${settings.serverUrl} answers, but it is not a jobloop server.` };
  }
  if (!settings.token) {
    return { ok: false, kind: ERR.NOT_PAIRED, message: `jobloop ${health.version || ""} is running at ${settings.serverUrl}, but this browser is not paired yet: click Pair with jobloop.` };
  }
  try {
    await request(settings, "GET", "/api/postings?limit=1");
  } catch (err) {
    return { ok: false, kind: err.kind, message: err.message };
  }
  return { ok: true, kind: "ok", message: `Connected to jobloop ${health.version || ""} at ${settings.serverUrl}. The token works.` };
}
