// The work-search log's Print button (a script, since the page's CSP allows no inline handlers).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
