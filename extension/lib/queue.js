// Never lose a clip: captures that could not reach the server wait in
// ext.storage.local and are retried (ext.alarms) until they land. The server
// is idempotent by canonical URL, so a capture that lands twice is still one posting.
//
// What happens on each kind of failure:
//   network / timeout / 5xx   -> stays queued, retried by the alarm
//   401 or no token           -> stays queued, retries paused until the settings change
//   other 4xx                 -> moved to `failed` with the server's message (no endless loop);
//                                the user sees it in the popup and can discard it
import { ext } from "./browser.js";
import { ALARM_RETRY } from "./messages.js";
import { ERR } from "./api.js";

const Q = "queue", FAILED = "queueFailed", PAUSED = "queuePaused";
const MAX_WAITING = 200;

// One writer at a time inside this worker: enqueue and flush both read-modify-write.
let chain = Promise.resolve();
function locked(fn) {
  const run = chain.then(fn, fn);
  chain = run.catch(() => {});
  return run;
}

async function read() {
  const data = await ext.storage.local.get([Q, FAILED, PAUSED]);
  return { waiting: data[Q] || [], failed: data[FAILED] || [], paused: data[PAUSED] || "" };
}

export async function status() {
  const { waiting, failed, paused } = await read();
  return {
    waiting: waiting.length,
    lastError: waiting.length ? waiting[0].lastError || "" : "",
    urls: waiting.map((w) => w.capture.url), // the popup of a queued page says it waits
    failed: failed.map(({ id, url, title, error }) => ({ id, url, title, error })),
    paused,
  };
}

export function enqueue(capture, reason = "") {
  return locked(async () => {
    const { waiting } = await read();
    if (waiting.length >= MAX_WAITING) throw new Error(`${MAX_WAITING} clips are already waiting; start the jobloop server so they can land.`);
    const item = {
      id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      capture, queuedAt: new Date().toISOString(), attempts: 0, lastError: reason,
    };
    waiting.push(item);
    await ext.storage.local.set({ [Q]: waiting });
    await scheduleRetry();
    return waiting.length;
  });
}

export async function scheduleRetry() {
  // 30 s is the shortest alarm Chrome allows; then once a minute.
  const existing = await ext.alarms.get(ALARM_RETRY);
  if (!existing) ext.alarms.create(ALARM_RETRY, { delayInMinutes: 0.5, periodInMinutes: 1 });
}

export function unpause() {
  return ext.storage.local.remove(PAUSED);
}

export function discardFailed(id) {
  return locked(async () => {
    const { failed } = await read();
    const left = failed.filter((f) => f.id !== id);
    await ext.storage.local.set({ [FAILED]: left });
    return left.length;
  });
}

// Send what waits, oldest first. `api` is a client from lib/api.js.
export function flush(api, { onLanded } = {}) {
  return locked(async () => {
    let { waiting, failed, paused } = await read();
    let sent = 0, error = "";
    if (paused) return { sent, waiting: waiting.length, failed: failed.length, error: paused };
    const done = new Set();
    for (const item of waiting) {
      try {
        const posting = await api.capture(item.capture);
        done.add(item.id);
        sent += 1;
        // Persist each landing at once: if the worker dies now, the item is not resent.
        await ext.storage.local.set({ [Q]: waiting.filter((w) => !done.has(w.id)) });
        if (onLanded) await onLanded(item, posting);
      } catch (err) {
        item.attempts += 1;
        item.lastError = err.message;
        error = err.message;
        if (err.kind === ERR.UNAUTHORIZED || err.kind === ERR.NOT_PAIRED) {
          paused = err.message;
          break;
        }
        if (err.kind === ERR.CLIENT || err.kind === ERR.NOT_JOBLOOP) {
          done.add(item.id);
          failed.push({ id: item.id, url: item.capture.url, title: item.capture.title || "", error: err.message, capture: item.capture });
          continue;
        }
        break; // network, timeout, 5xx: the server is away; the rest would fail the same way
      }
    }
    waiting = waiting.filter((w) => !done.has(w.id));
    const update = { [Q]: waiting, [FAILED]: failed };
    if (paused) update[PAUSED] = paused;
    await ext.storage.local.set(update);
    if (waiting.length && !paused) await scheduleRetry();
    else await ext.alarms.clear(ALARM_RETRY);
    return { sent, waiting: waiting.length, failed: failed.length, error };
  });
}
