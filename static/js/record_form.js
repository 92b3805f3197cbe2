/* The record sheet: find any union by typing, and add or remove problem rows.
   Plain JavaScript, no library; the page works without it (own units only, one problem row). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer;
    return function (...args) { clearTimeout(timer); timer = setTimeout(() => fn.apply(this, args), ms); };
  }

  document.querySelectorAll(".union-picker").forEach(function (picker) {
    const input = picker.querySelector(".union-search");
    const results = picker.querySelector(".union-results");
    const select = picker.querySelector("select");
    const url = picker.dataset.searchUrl;

    function choose(item) {
      let option = select.querySelector('option[value="' + item.id + '"]');
      if (!option) {
        option = new Option(item.name + "（" + item.street + "）", item.id);
        select.appendChild(option);
      }
      select.value = String(item.id);
      results.replaceChildren();
      input.value = "";
    }

    input.addEventListener("input", debounce(function () {
      const term = input.value.trim();
      if (!term) { results.replaceChildren(); return; }
      fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
        .then((response) => response.json())
        .then(function (data) {
          results.replaceChildren(...data.results.map(function (item) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "list-group-item list-group-item-action";
            button.textContent = item.name + "（" + item.street + "）";
            button.addEventListener("click", () => choose(item));
            return button;
          }));
        });
    }, 250));
  });

  /* A refused sheet: the summary of every error is read out first; each of its links moves
     the focus to the field itself (not only the scroll position). */
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  const addButton = document.getElementById("add-problem");
  if (addButton) {
    const total = document.getElementById("id_problems-TOTAL_FORMS");
    const template = document.getElementById("problem-template");
    const list = document.getElementById("problem-list");
    // The server takes at most MAX_NUM_FORMS problem rows (records.forms.PROBLEMS_PER_SHEET).
    const max = parseInt(document.getElementById("id_problems-MAX_NUM_FORMS").value, 10);
    const sync = () => { addButton.disabled = parseInt(total.value, 10) >= max; };
    sync();
    addButton.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (index >= max) return;
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      sync();
      list.lastElementChild.querySelector("textarea, input, select").focus();
    });
  }

  /* Show the transfer fields only for a problem that needs transfer. */
  function syncResolution(row) {
    const checked = row.querySelector('input[name$="-resolution"]:checked');
    const transfer = checked && checked.value === "transfer";
    row.querySelectorAll(".only-transfer").forEach((el) => el.classList.toggle("d-none", !transfer));
    row.querySelectorAll(".only-on-spot").forEach((el) => el.classList.toggle("d-none", transfer));
  }
  document.addEventListener("change", function (event) {
    const row = event.target.closest(".problem-row");
    if (row && event.target.name && event.target.name.endsWith("-resolution")) syncResolution(row);
  });
  document.querySelectorAll(".problem-row").forEach(syncResolution);
})();
