// Suggestions under the partner field of each application card (a WAI-ARIA combobox).
// Without this script the form still works: the server answers an unknown name with its own
// "did you mean" list.
(function () {
  "use strict";

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var choice = document.getElementById(input.dataset.choice);
    var active = -1;
    var timer = null;
    var asked = 0;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
    }

    function pick(option) {
      input.value = option.dataset.name;
      choice.value = option.dataset.id;
      close();
      input.focus();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.id = result.id;
        option.dataset.name = result.name;
        option.textContent = result.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = result.detail;
        option.appendChild(meta);
        // mousedown, not click: it comes before the input's blur closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(option);
        });
        list.appendChild(option);
      });
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < 2) return close();
      var ticket = ++asked;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (ticket === asked) show(data.results); // an older, slower answer is dropped
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      choice.value = ""; // the typed text decides again until a suggestion is picked
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(options()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();
