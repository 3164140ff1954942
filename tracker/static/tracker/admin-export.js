// "Select all" on django-import-export's export page: the library wires it with an inline
// onchange attribute, which the Content-Security-Policy blocks, so its own function is bound
// here instead. Deferred, so the form is parsed and the library's script has run.
for (const toggle of document.querySelectorAll("input.select-toggle")) {
  toggle.addEventListener("change", onSelectToggleChange);
}
