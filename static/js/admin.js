// The admin's own behaviour, after Django's (templates/admin/base_site.html).
(function () {
  "use strict";

  const FIELDS = "input:not([type=hidden]), select, textarea";

  // A field of a tabular inline has its column header as its only label:
  // give it that name, so that it is read out (WCAG 1.3.1, 4.1.2).
  function labelTabularFields(root) {
    for (const table of root.querySelectorAll(".tabular table")) {
      const headers = {};
      for (const header of table.querySelectorAll("thead th[class*='column-']")) {
        const column = [...header.classList].find((name) => name.startsWith("column-"));
        headers[column.slice("column-".length)] = header.textContent.trim();
      }
      const lastHeader = table.querySelector("thead tr th:last-child");
      for (const cell of table.querySelectorAll("tbody td.delete")) {
        label(cell, lastHeader ? lastHeader.textContent.trim() : "");
      }
      for (const cell of table.querySelectorAll("tbody td[class*='field-']")) {
        const field = [...cell.classList].find((name) => name.startsWith("field-"));
        if (field) label(cell, headers[field.slice("field-".length)]);
      }
    }
  }

  function label(cell, text) {
    if (!text) return;
    for (const input of cell.querySelectorAll(FIELDS)) {
      if ((input.labels && input.labels.length) || input.hasAttribute("aria-label")) continue;
      input.setAttribute("aria-label", text);
    }
  }

  // A table that scrolls sideways on a phone, with nothing to focus inside
  // (a read-only inline), can be scrolled with the keyboard (WCAG 2.1.1).
  function focusableScrollRegions() {
    for (const region of document.querySelectorAll(".inline-group, .results, .module")) {
      if (region.scrollWidth <= region.clientWidth) continue;
      if (region.querySelector("a[href], button, [tabindex], " + FIELDS)) continue;
      region.tabIndex = 0;
      region.setAttribute("role", "region");
      const heading = region.querySelector("h2, caption");
      if (heading) region.setAttribute("aria-label", heading.textContent.trim());
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTabularFields(document);
    focusableScrollRegions();
  });
  window.addEventListener("resize", focusableScrollRegions);
  document.addEventListener("formset:added", function (event) {
    labelTabularFields(event.target.closest(".inline-group") || document);
  });
})();
