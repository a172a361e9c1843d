// The configuration editor checks the YAML while the admin types: a debounced POST to
// /admin/config/check (the save's own validation), whose problems are shown with their line.
// Without this script the save still checks and shows the change to confirm.
(function () {
  "use strict";
  var editor = document.getElementById("document");
  var out = document.getElementById("config-check");
  var form = editor && editor.form;
  if (!editor || !out || !form) return;
  var token = form.querySelector('input[name="csrf_token"]').value;
  var timer = null;
  var asked = 0;

  function show(state, text) {
    out.setAttribute("data-state", state);
    out.className = state === "invalid" || state === "warning" ? "meta " + state : "meta";
    out.textContent = text;
    editor.setAttribute("aria-invalid", state === "invalid" ? "true" : "false");
  }

  function check() {
    var mine = ++asked;
    show("checking", out.dataset.checking);
    fetch("/admin/config/check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ document: editor.value }),
    })
      .then(function (answer) {
        if (!answer.ok) throw new Error(String(answer.status));
        return answer.json();
      })
      .then(function (result) {
        if (mine !== asked) return; // a newer check is on its way
        if (result.valid && result.warnings.length)
          return show("warning", [out.dataset.valid].concat(result.warnings).join("\n"));
        if (result.valid) return show("valid", out.dataset.valid);
        // each message names its line already ("the configuration, line 3 (…): …")
        show(
          "invalid",
          result.problems
            .map(function (p) {
              return p.message;
            })
            .join("\n")
        );
      })
      .catch(function () {
        if (mine === asked) show("unreachable", out.dataset.unreachable);
      });
  }

  editor.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
