// Every difference between Chrome and Firefox the extension meets, in one place.
// The rest of the code imports `ext` (never the `chrome` or `browser` global) and the
// helpers below, so a Firefox-only break has one file to look in.
//
// - Namespace: Firefox has `browser.*` (promise-based) and a `chrome.*` alias; Chrome
//   has only `chrome.*`, which returns promises too in Manifest V3. Prefer `browser`.
// - Background: Chrome runs background.js as a service worker (manifest
//   "background.service_worker"), Firefox as an event page ("background.scripts"). The
//   source manifest names both; scripts/package-extension keeps only the browser's own.
//   Neither keeps state between wake-ups, so the queue and settings live in storage.
// - Toolbar button: Manifest V3 calls it `action` in both; a Firefox build of the
//   Manifest V2 era only has `browserAction`. badge.js uses `action` from here.
// - permissions.request: Firefox grants it only while handling the user's click, so the
//   call must come before any `await` in the handler (options.js does so for "tabs").
// - The toolbar popup as a page: the tests open popup.html?tab=<id> in both browsers;
//   chrome.action.openPopup() from a test exists in Chrome only.
export const ext = globalThis.browser ?? globalThis.chrome;

export const action = ext.action ?? ext.browserAction;

// Ask for an optional permission. Call it synchronously from the click handler (see above).
export function requestPermission(permissions) {
  return ext.permissions.request({ permissions });
}
