// What jobloop already knows about this clip, shown in the preview before the save button:
// the company's history ("you were here before"), the fit of the skills asked, a target
// company, and the same job tracked from another site (with "attach this address").
// All of it comes with the preview (POST /api/parse): no extra round trip.

function line(text, className) {
  return Object.assign(document.createElement("p"), { textContent: text, className: className || "" });
}

function link(text, href) {
  return Object.assign(document.createElement("a"), { textContent: text, href, target: "_blank", rel: "noopener" });
}

// preview: the /api/parse answer. onAttach(sameJob): the user says this page is that posting.
export function render(doc, preview, onAttach) {
  const box = doc.getElementById("clip-context");
  const parts = [];
  const history = preview.history;
  if (history && history.lines && history.lines.length) {
    const section = Object.assign(doc.createElement("div"), { id: "history", className: "history" });
    const head = line("You were here before: ", "history-head");
    head.append(link(history.company, history.company_url));
    section.append(head, ...history.lines.slice(0, 2).map((text) => line(text, "history-line")));
    parts.push(section);
  }
  if (preview.target) {
    const t = preview.target;
    parts.push(line(`${t.company} is one of your target companies (${t.priority_label} priority)${t.why ? `: ${t.why}` : "."}`, "target"));
    parts[parts.length - 1].id = "target";
  }
  if (preview.fit) {
    const fit = line(preview.fit.text, "fit");
    fit.id = "fit";
    parts.push(fit);
  }
  if (preview.same_job) {
    const job = preview.same_job;
    const section = Object.assign(doc.createElement("div"), { id: "same-job", className: "same-job" });
    const text = line(`This looks like the job you track from ${job.site || "another site"}: `);
    text.append(link(job.title || job.url, job.tracker_url), ` (${job.stage}).`);
    const button = Object.assign(doc.createElement("button"), {
      type: "button", id: "attach-url", className: "secondary",
      textContent: "Attach this address to it instead of saving a second posting",
    });
    button.addEventListener("click", () => onAttach(job, button));
    section.append(text, button);
    parts.push(section);
  }
  box.replaceChildren(...parts);
  box.hidden = parts.length === 0;
}
