// The preview form: a parsed draft shown as editable fields, and back again.
// Round trip is identity: what the parser produced, shown here and saved without a
// change, is stored exactly. So the form never re-derives a value from its text
// (no splitting on commas); it remembers what it showed, and only a field whose
// text the user changed is sent as a hand edit (`fields`), which the server keeps.
// Plain functions over a document, so the tests run this very code over every page.

export const MAX_LOCATIONS = 50;       // the API's limit on a hand-edited list (api/schemas.py)
export const MAX_LOCATION_CHARS = 255;

export class FormError extends Error {}

// Field id -> how it is read. Locations: one per line in a textarea.
const INPUTS = ["f-title", "f-company", "f-location", "f-remote", "f-salary-min", "f-salary-max", "f-salary-currency", "f-salary-period"];

// Fill the form from a draft. `pageTitle` stands in for a missing title, as the
// server does when it stores the capture. Returns what the form now shows (read
// back from the inputs, so any normalisation by the browser is part of it).
export function fill(doc, draft, pageTitle = "") {
  const salary = draft.salary || {};
  const set = (id, value) => { doc.getElementById(id).value = value ?? ""; };
  set("f-title", draft.title || pageTitle || "");
  set("f-company", draft.company);
  set("f-location", (draft.locations || []).join("\n"));
  set("f-remote", draft.remote);
  set("f-salary-min", salary.min);
  set("f-salary-max", salary.max);
  set("f-salary-currency", salary.currency);
  set("f-salary-period", salary.period);
  return read(doc);
}

export function read(doc) {
  return Object.fromEntries(INPUTS.map((id) => [id, doc.getElementById(id).value]));
}

export const locationsFrom = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);

const numberOrNull = (text) => (text.trim() === "" ? null : Number(text.trim().replace(/[\s,]/g, "")));

// The hand edits: only fields whose text differs from what fill() showed.
// Throws FormError with a sentence for the user when a changed value cannot be sent.
export function changes(shown, now) {
  const fields = {};
  const changed = (id) => now[id] !== shown[id];
  const text = (id) => now[id].trim();
  if (changed("f-title")) fields.title = text("f-title") || null;
  if (changed("f-company")) fields.company = text("f-company") || null;
  if (changed("f-location") && locationsFrom(now["f-location"]).join("\n") !== locationsFrom(shown["f-location"]).join("\n")) {
    const locations = locationsFrom(now["f-location"]);
    if (locations.length > MAX_LOCATIONS) throw new FormError(`At most ${MAX_LOCATIONS} locations, one per line (there are ${locations.length}).`);
    const long = locations.find((l) => l.length > MAX_LOCATION_CHARS);
    if (long) throw new FormError(`A location is at most ${MAX_LOCATION_CHARS} characters: "${long.slice(0, 40)}…" is longer.`);
    fields.locations = locations;
  }
  if (changed("f-remote")) fields.remote = now["f-remote"] || null;
  for (const [id, key] of [["f-salary-min", "salary_min"], ["f-salary-max", "salary_max"]]) {
    if (!changed(id)) continue;
    const value = numberOrNull(now[id]);
    if (value !== null && (!Number.isFinite(value) || value < 0)) throw new FormError(`"${now[id]}" is not an amount.`);
    fields[key] = value;
  }
  if (changed("f-salary-currency")) {
    const currency = text("f-salary-currency").toUpperCase();
    if (currency && !/^[A-Z]{3}$/.test(currency)) throw new FormError("The currency is a three-letter code, like EUR or USD.");
    fields.salary_currency = currency || null;
  }
  if (changed("f-salary-period")) fields.salary_period = now["f-salary-period"] || null;
  return fields;
}
