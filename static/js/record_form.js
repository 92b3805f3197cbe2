/* The record sheet: find any union by typing, the dates and the proposed days, the cadre's last
   texts, the error summary, problem rows. Plain JavaScript, no library; the page works
   without it (own units only, no proposal, one problem row). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer;
    return function (...args) { clearTimeout(timer); timer = setTimeout(() => fn.apply(this, args), ms); };
  }

  document.querySelectorAll(".union-picker").forEach(function (picker) {
    const input = picker.querySelector(".union-search");
    const results = picker.querySelector(".union-results");
    const chips = picker.querySelector(".union-chips");
    const url = picker.dataset.searchUrl;

    /* A union found by the search joins the chips, chosen. */
    function choose(item) {
      let radio = chips.querySelector('input[value="' + item.id + '"]');
      if (!radio) {
        radio = document.createElement("input");
        radio.type = "radio";
        radio.className = "btn-check";
        radio.name = picker.dataset.name;
        radio.value = String(item.id);
        radio.id = picker.dataset.id + "_" + chips.querySelectorAll("input").length;
        const label = document.createElement("label");
        label.className = "btn btn-outline-primary union-chip";
        label.htmlFor = radio.id;
        label.textContent = item.name + "（" + item.street + "）";
        chips.append(radio, label);
      }
      radio.checked = true;
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

  /* The dates and the days. The end date follows the start date until the cadre changes it
     (a one-day contact gives one date). The days are proposed from the span's working days,
     capped so that no date holds more than 1 day with what the cadre already filed on it
     (the data comes with the page: records.sheets.selectors.days_planner); a phone or WeChat
     contact is proposed 0. Once the cadre types days, they stay; filing checks them again. */
  const start = document.getElementById("id_start_date");
  const end = document.getElementById("id_end_date");
  const days = document.getElementById("id_days");
  const plannerData = document.getElementById("days-planner");
  if (start && end && days && plannerData) {
    const planner = JSON.parse(plannerData.textContent);
    const rest = new Set(planner.rest);
    const work = new Set(planner.work);
    let endFollows = !end.value || end.value === start.value;
    let proposed = days.value === "" ? "" : null; // null: the cadre's own number, kept

    const parse = (value) => {
      const [y, m, d] = value.split("-").map(Number);
      return new Date(Date.UTC(y, m - 1, d));
    };
    const iso = (date) => date.toISOString().slice(0, 10);
    const isWorking = function (key, date) {
      if (planner.all_days || work.has(key)) return true;
      const weekday = date.getUTCDay();
      return weekday !== 0 && weekday !== 6 && !rest.has(key);
    };

    function proposal() {
      if (!start.value) return "";
      const last = end.value || start.value;
      if (last < start.value) return "";
      const remote = document.querySelector('input[name="contact_form"][value="remote"]:checked');
      if (remote) return "0";
      let working = 0;
      let room = 1;
      for (let date = parse(start.value); iso(date) <= last; date.setUTCDate(date.getUTCDate() + 1)) {
        const key = iso(date);
        if (!isWorking(key, date)) continue;
        working += 1;
        room = Math.min(room, Math.max(0, 1 - (planner.filed[key] || 0)));
        if (working > 366) return "";
      }
      // Spread evenly over the working days, in half-day steps, at most 1 a date.
      const most = Math.floor(working * room * 2 + 1e-9) / 2;
      return String(Math.min(working, most));
    }

    function propose() {
      if (proposed === null) return;
      proposed = proposal();
      days.value = proposed;
    }

    start.addEventListener("input", function () {
      if (endFollows) end.value = start.value;
      propose();
    });
    end.addEventListener("input", function () {
      endFollows = false;
      propose();
    });
    days.addEventListener("input", function () {
      proposed = days.value === "" ? "" : null;
    });
    document.querySelectorAll('input[name="contact_form"]').forEach(function (radio) {
      radio.addEventListener("change", propose);
    });
    propose();
  }

  /* A chip of the cadre's last entries fills its text box: the text itself when the box is
     empty, on a new line after what is there otherwise. */
  document.addEventListener("click", function (event) {
    const chip = event.target.closest(".recent-text");
    if (!chip) return;
    const box = document.getElementById(chip.closest(".recent-texts").dataset.for);
    const text = chip.dataset.text;
    if (box.value.includes(text)) return;
    box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n" + text : text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  /* Integrity: one tap answers "declined" to the three questions (shown only with script). */
  const allDeclined = document.getElementById("integrity-all-declined");
  if (allDeclined) {
    allDeclined.classList.remove("d-none");
    allDeclined.addEventListener("click", function () {
      ["transport_accepted", "gifts_accepted", "banquet_accepted"].forEach(function (name) {
        const radio = document.querySelector('input[name="' + name + '"][value="False"]');
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      });
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
      syncResolution(list.lastElementChild);
      // The cursor in its description: the first thing to type (hidden inputs come first).
      list.lastElementChild.querySelector("textarea").focus();
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
