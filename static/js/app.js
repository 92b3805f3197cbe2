/* Behaviour shared by every page, bound from data- attributes: the Content-Security-Policy
   allows no inline script or event handler (onclick=…) in the HTML. */
(function () {
  "use strict";

  // <button data-action="print">: print the page (the print views' toolbar).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-action='print']");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // A link to a page's form (#step-feedback, from a notification): open that <details>.
  function openLinkedDetails() {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openLinkedDetails);

  // <table class="table-cards">: below 576 px each row is a card and each cell shows its
  // column's name (liaison.css, td[data-label]::before). The names come from the table's own
  // header, so they cannot drift from it; a cell's own data-label wins.
  function labelCardCells() {
    document.querySelectorAll("table.table-cards").forEach(function (table) {
      const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) return;
      const names = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        // A sort link's arrow (the dashboard's ▲ ▼) is not part of the name.
        const name = cell.textContent.replace(/[▲▼]/g, "").trim();
        for (let i = 0; i < cell.colSpan; i++) names.push(name);
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          let column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (cell.colSpan === 1 && names[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan;
          });
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", labelCardCells);
  document.addEventListener("DOMContentLoaded", openLinkedDetails);
})();
