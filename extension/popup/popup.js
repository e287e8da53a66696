// The popup: preview and save the page in the target tab, or, on a page already
// tracked, record what happened. It is never blank: #message always says something.
import { ext } from "../lib/browser.js";
import { ERR, makeClient } from "../lib/api.js";
import { loadSettings } from "../lib/settings.js";
import { readTab } from "../lib/page.js";
import { MSG } from "../lib/messages.js";
import * as form from "./form.js";
import * as context from "./context.js";

const OUTCOMES = ["applied", "screening", "interviewing", "offer", "accepted", "rejected", "withdrawn", "ghosted"];
const $ = (id) => document.getElementById(id);
const state = { api: null, tab: null, page: null, pageHash: null, draft: null, shown: null, posting: null };

function say(text, kind = "info") {
  const el = $("message");
  el.textContent = text;
  el.className = kind;
}

function show(id, visible = true) {
  $(id).hidden = !visible;
}

const send = (type, data = {}) => ext.runtime.sendMessage({ type, ...data });

// ?tab=<id> picks the page to read (tests open popup.html as a tab of its own).
async function targetTab() {
  const param = new URLSearchParams(location.search).get("tab");
  if (param) return ext.tabs.get(Number(param));
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new Error("No active tab to read.");
  return tab;
}

// ---- the retry queue in the footer ---------------------------------------------

async function refreshQueue() {
  const status = await send(MSG.QUEUE_STATUS);
  if (!status || status.error) return;
  const n = status.waiting;
  show("queue-status", n > 0);
  $("queue-count").textContent = n === 1 ? "1 clip waiting to be sent." : `${n} clips waiting to be sent.`;
  if (status.paused) $("queue-count").textContent += ` Paused: ${status.paused}`;
  const list = $("failed");
  list.replaceChildren(...status.failed.map((f) => {
    const li = document.createElement("li");
    li.textContent = `Not saved: ${f.title || f.url} — ${f.error} `;
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = "Discard";
    discard.addEventListener("click", async () => { await send(MSG.DISCARD_FAILED, { id: f.id }); refreshQueue(); });
    li.append(discard);
    return li;
  }));
  show("failed", status.failed.length > 0);
}

$("retry").addEventListener("click", async () => {
  say("Sending waiting clips…");
  const result = await send(MSG.FLUSH_QUEUE);
  await refreshQueue();
  if (result.sent) say(`${result.sent} waiting clip${result.sent === 1 ? "" : "s"} saved.`, "ok");
  else if (result.error) say(`Still waiting: ${result.error}`, "error");
  else say("Nothing was waiting.", "info");
});

// ---- a tracked posting ---------------------------------------------------------

function eventText(event) {
  const when = String(event.at || "").slice(0, 10);
  if (event.kind === "stage") {
    const move = event.from_stage && event.from_stage !== event.to_stage ? `${event.from_stage} → ${event.to_stage}` : event.to_stage;
    return `${when} · ${move}${event.note ? ` (${event.note})` : ""}`;
  }
  return `${when} · ${event.kind}${event.note ? `: ${event.note}` : ""}`;
}

function renderTracked(posting) {
  state.posting = posting;
  show("preview", false);
  show("tracked", true);
  $("tracked-title").textContent = posting.title || posting.url;
  $("tracked-company").textContent = [posting.company, (posting.locations || []).join(", ")].filter(Boolean).join(" · ");
  $("tracked-stage").textContent = posting.stage;
  if (!$("applied-on").value) $("applied-on").value = today();
  $("applied-on").max = today();
  $("tracker-link").href = posting.tracker_url || `${state.api.settings.serverUrl}/postings/${posting.id}`;
  for (const button of $("outcomes").children) {
    button.setAttribute("aria-pressed", String(button.dataset.stage === posting.stage));
  }
  // Newest first, whatever order the server sends.
  const events = [...(posting.events || [])]
    .sort((a, b) => String(b.at).localeCompare(String(a.at)) || b.id - a.id)
    .slice(0, 5);
  $("events").replaceChildren(...events.map((e) => {
    const li = document.createElement("li");
    li.textContent = eventText(e);
    return li;
  }));
  if (!events.length) $("events").replaceChildren(Object.assign(document.createElement("li"), { textContent: "No events yet." }));
  send(MSG.REFRESH_BADGE, { tabId: state.tab.id, url: state.page ? state.page.url : posting.url, posting });
  loadContacts();
}

async function loadTracked(posting, message, kind = "info") {
  try {
    renderTracked(await state.api.posting(posting.id));
  } catch (err) {
    renderTracked(posting); // still show what we have, without events
    return say(`Tracked, but its history could not be loaded: ${err.message}`, "error");
  }
  say(message, kind);
}

// The local calendar day, as <input type=date> shows it.
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// The Applied button's date: today means now (none sent); an earlier day is sent as the
// user's local day, and the server dates it at that day's local noon.
function appliedOn(day) {
  if (!day || day === today()) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error("Pick the day you applied, or clear the date for today.");
  if (day > today()) throw new Error("The day you applied cannot be in the future.");
  return day;
}

for (const stage of OUTCOMES) {
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.stage = stage;
  button.textContent = stage;
  button.addEventListener("click", async () => {
    if (!state.posting) return;
    // Applied with a date also corrects the day of an application already recorded.
    if (stage === state.posting.stage && stage !== "applied") return say(`Already ${stage}.`);
    let day;
    try {
      day = stage === "applied" ? appliedOn($("applied-on").value) : undefined;
    } catch (err) {
      return say(err.message, "error");
    }
    say(`Marking as ${stage}…`);
    try {
      if (stage === "applied") await state.api.setApplied(state.posting.id, day);
      else await state.api.setStage(state.posting.id, stage);
      await loadTracked(state.posting, `Marked as ${stage}.`, "ok");
    } catch (err) {
      say(`Could not mark as ${stage}: ${err.message}`, "error");
    }
  });
  $("outcomes").append(button);
}

$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const note = $("note-text").value.trim();
  if (!note) return say("Write the note first.", "error");
  try {
    await state.api.addNote(state.posting.id, note);
    $("note-text").value = "";
    await loadTracked(state.posting, "Note added.", "ok");
  } catch (err) {
    say(`The note was not saved: ${err.message}`, "error");
  }
});

// ---- the recruiter section ---------------------------------------------------------

function contactStatus(text, kind = "info") {
  const el = $("contact-status");
  el.textContent = text;
  el.className = text ? kind : "";
}

function contactText(contact) {
  return [contact.name, contact.role && `(${contact.role})`, contact.email && `· ${contact.email}`].filter(Boolean).join(" ");
}

function renderContacts(contacts) {
  const list = $("contacts");
  if (!contacts.length) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "Nobody linked yet.", className: "muted" }));
    return;
  }
  list.replaceChildren(...contacts.map((c) => Object.assign(document.createElement("li"), { textContent: contactText(c) })));
}

// A decoration of the tracked view: if it fails, say so in the list, not over the main message.
async function loadContacts() {
  if (!state.posting) return;
  try {
    renderContacts(await state.api.postingContacts(state.posting.id));
  } catch (err) {
    $("contacts").replaceChildren(Object.assign(document.createElement("li"), { textContent: `Could not load contacts: ${err.message}` }));
  }
}

// The form is `novalidate`: the name is checked here and the email by the server, so
// every refusal is said in words in #contact-status and what was typed stays put.
$("contact-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!state.posting) return;
  const name = $("c-name").value.trim();
  if (!name) {
    contactStatus("Type the recruiter's name first.", "error");
    $("c-name").focus();
    return;
  }
  const body = { name };
  const email = $("c-email").value.trim();
  const role = $("c-role").value.trim();
  if (email) body.email = email;
  if (role) body.role = role;
  $("c-attach").disabled = true;
  contactStatus("Attaching…");
  try {
    const contact = await state.api.attachContact(state.posting.id, body);
    $("c-name").value = "";
    $("c-email").value = "";
    $("c-role").value = "Recruiter";
    $("c-name").focus(); // keyboard users can type the next one straight away
    await loadContacts();
    contactStatus(`${contact.name} is linked to this posting.`, "ok");
  } catch (err) {
    contactStatus(`Not attached: ${err.message}`, "error");
  } finally {
    $("c-attach").disabled = false;
  }
});

// ---- the preview form ------------------------------------------------------------

function renderPreview(draft) {
  state.draft = draft;
  show("tracked", false);
  show("preview", true);
  // What the form shows is remembered: only what the user changes from it is theirs.
  state.shown = form.fill(document, draft, state.page ? state.page.title : "");
  // A textarea as tall as its list, so every location is seen without scrolling.
  $("f-location").rows = Math.min(Math.max((draft.locations || []).length, 2), 8);
  $("f-title").focus();
  fillSentWith();
}

// SENT-WITH: the documents sent last, offered first ("CV v3"); empty when there are none.
async function fillSentWith() {
  const versions = await state.api.recentDocuments();
  const select = $("f-sent-with");
  select.replaceChildren(new Option("—", ""), ...versions.map((v) => new Option(v.label, String(v.id))));
  select.disabled = versions.length === 0;
}

$("preview").addEventListener("submit", async (event) => {
  event.preventDefault();
  let fields;
  try {
    fields = form.changes(state.shown, form.read(document));
  } catch (err) {
    return say(err.message, "error");
  }
  const recruiter = { name: $("f-recruiter-name").value.trim(), email: $("f-recruiter-email").value.trim() };
  if (recruiter.email && !recruiter.name) return say("Type the recruiter's name too, or clear their email.", "error");
  const page = state.page;
  const capture = { url: page.url, html: page.html, title: page.title, stage: $("f-stage").value };
  if (page.selection) capture.selection = page.selection;
  const note = $("f-note").value.trim();
  if (note) capture.note = note;
  if (Object.keys(fields).length) capture.fields = fields;
  $("save").disabled = true;
  say("Saving…");
  try {
    // After a preview the server still holds the page: send its hash, not the page again.
    const posting = await state.api.captureAfterPreview(capture, state.pageHash, page.html);
    const sentWith = $("f-sent-with").value;
    let saved = "Saved to jobloop.";
    let kind = "ok";
    if (sentWith) {
      try {
        const sent = await state.api.sendWith(posting.id, Number(sentWith));
        saved = `Saved to jobloop, sent with ${sent.version.label}.`;
      } catch (err) {
        [saved, kind] = [`Saved to jobloop, but the document was not noted: ${err.message}`, "warn"];
      }
    }
    await loadTracked(posting, saved, kind);
    // The recruiter goes through the tracked view's form, so a refusal shows there
    // with the name and email still typed in.
    if (recruiter.name) {
      $("c-name").value = recruiter.name;
      $("c-email").value = recruiter.email;
      $("contact-form").requestSubmit();
    }
  } catch (err) {
    if (err.retryable || err.kind === ERR.NOT_PAIRED || err.kind === ERR.UNAUTHORIZED) {
      const { queued, error } = await send(MSG.ENQUEUE, { capture, reason: err.message, tabId: state.tab.id });
      if (error) return say(`${err.message} And the clip could not be kept for later: ${error}`, "error");
      const lost = recruiter.name ? ` The recruiter (${recruiter.name}) is not kept: attach them from this popup once the page is saved.` : "";
      show("preview", false); // saved once: a second click would queue it twice
      showQueued(`${err.message} Waiting for jobloop — will save when it is back (${queued} waiting).${lost}`);
      await refreshQueue();
    } else {
      say(`Not saved: ${err.message}`, "error");
    }
  } finally {
    $("save").disabled = false;
  }
});

// ---- start -----------------------------------------------------------------------

$("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());

// ---- not paired: one action, pairing in place ---------------------------------------

function showUnpaired(text) {
  show("preview", false);
  show("tracked", false);
  show("unpaired", true);
  say(text, "warn");
}

$("pair").addEventListener("click", async () => {
  say(`Looking for jobloop at ${state.api.settings.serverUrl}…`);
  // The background worker does the pairing: this popup closes when the tracker's tab opens.
  const result = await send(MSG.PAIR, { serverUrl: state.api.settings.serverUrl });
  if (result && result.ok) return say(result.message, "info");
  say(`${result ? result.message : "The extension's background did not answer."} If it runs on another port, set its address in Options.`, "error");
});

// ---- this page waits in the queue ----------------------------------------------------

function showQueued(text) {
  show("preview", false);
  show("tracked", false);
  show("queued", true);
  say(text, "warn");
}

$("retry-page").addEventListener("click", async () => {
  say("Sending waiting clips…");
  const result = await send(MSG.FLUSH_QUEUE);
  await refreshQueue();
  const status = await send(MSG.QUEUE_STATUS);
  if (state.page && !(status.urls || []).includes(state.page.url)) {
    show("queued", false);
    return start(); // landed: show it as tracked
  }
  say(`Still waiting for jobloop — will save when it is back. ${result.error || ""}`.trim(), "warn");
});

// ---- start -----------------------------------------------------------------------

async function start() {
  const settings = await loadSettings();
  state.api = makeClient(settings);
  refreshQueue().catch(() => {});
  state.tab = await targetTab();
  try {
    state.page = await readTab(state.tab.id);
    performance.mark("jobloop-page-read"); // bench/popup_bench.py: how long reading the tab took
  } catch (err) {
    return say(err.message, "error");
  }
  const waiting = await send(MSG.QUEUE_STATUS);
  if (waiting && (waiting.urls || []).includes(state.page.url)) {
    return showQueued("Waiting for jobloop — will save when it is back.");
  }
  if (!settings.token) return showUnpaired("This browser is not paired with jobloop yet.");
  let preview;
  try {
    preview = await state.api.parse(state.page.url, state.page.html);
    performance.mark("jobloop-preview-answered"); // and the server's answer
    state.pageHash = preview.page_hash || null;
  } catch (err) {
    if (err.kind === ERR.UNAUTHORIZED) return showUnpaired(err.message);
    if (err.kind === ERR.CLIENT) return say(err.message, "error");
    // No preview without the server, but the clip can still be kept for later.
    renderPreview(fallbackDraft(state.page));
    return say(`${err.message} You can still save: the clip waits until it can be sent.`, "error");
  }
  state.api.followupsDue().then((count) => {
    if (count) {
      $("followups-due").textContent = `${count} follow-up${count === 1 ? "" : "s"} due`;
      $("followups-due").href = `${settings.serverUrl}/`;
      show("followups-due", true);
    }
  });
  if (preview.posting) {
    await loadTracked(preview.posting, `Already tracked: ${preview.posting.stage}.`);
  } else {
    renderPreview(preview.draft);
    context.render(document, preview, attachToTracked);
    // When the preview was on screen, from the popup's opening: bench/popup_bench.py reads it.
    performance.mark("jobloop-preview-shown");
    // One warning, in the message line (it used to be said twice, there and above the form).
    const draft = preview.draft;
    if (draft.is_posting === false) {
      say(`This page does not look like a job posting${draft.reason ? ` (${draft.reason})` : ""}. You can still save it by hand.`, "warn");
    } else {
      say("Check the details, then save.");
    }
  }
}

// The same job tracked from another site: keep this address with it, no second posting.
async function attachToTracked(job, button) {
  button.disabled = true;
  say("Attaching this address…");
  try {
    const posting = await state.api.attachUrl(job.id, state.page.url);
    await loadTracked(posting, `Attached to ${posting.title || "the tracked posting"}: it now has this address too.`, "ok");
  } catch (err) {
    say(`Not attached: ${err.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

function fallbackDraft(page) {
  return { is_posting: true, title: page.title, company: null, locations: [], remote: null, salary: null };
}

window.addEventListener("unhandledrejection", (event) => say(`Something went wrong: ${event.reason && event.reason.message || event.reason}`, "error"));
start().catch((err) => say(`Something went wrong: ${err.message}`, "error"));
