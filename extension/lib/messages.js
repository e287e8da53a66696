// Message names exchanged between the popup, the options page and the background
// worker. One place, so a typo is a missing export instead of a silent no-op.
export const MSG = Object.freeze({
  CLIP_TAB: "jobloop/clip-tab",          // {tabId, stage?, note?, fields?} -> {ok, posting?|queued?, error?}
  ENQUEUE: "jobloop/enqueue",            // {capture} -> {queued: n}
  FLUSH_QUEUE: "jobloop/flush-queue",    // {} -> {sent, waiting, failed, error?}
  QUEUE_STATUS: "jobloop/queue-status",  // {} -> {waiting, failed: [...], paused?}
  DISCARD_FAILED: "jobloop/discard-failed", // {id} -> {failed: n}
  REFRESH_BADGE: "jobloop/refresh-badge",   // {tabId, url, posting?} -> {}
  PAIR: "jobloop/pair",                     // {serverUrl} -> {ok, code?, message}; progress in storage "pairing"
});

// Names of the alarm, context menu item and command (the last must match manifest.json).
export const ALARM_RETRY = "jobloop-retry-queue";
export const MENU_CLIP = "jobloop-clip";
export const COMMAND_CLIP = "clip-page";
