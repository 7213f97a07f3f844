/* Sandbox Atlas: progressive enhancement only.  Pages are complete
 * without this script: diagrams show as Mermaid source and the matrix
 * shows every row. */
(function () {
  "use strict";

  function renderDiagrams() {
    var blocks = document.querySelectorAll("code.language-mermaid");
    if (!blocks.length || typeof window.mermaid === "undefined") return;
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", suppressErrorRendering: true });
    blocks.forEach(function (code, i) {
      var src = code.textContent;
      var pre = code.parentNode;
      window.mermaid.render("atlas-diagram-" + i, src).then(function (out) {
        var fig = document.createElement("div");
        fig.className = "diagram-rendered";
        fig.setAttribute("role", "img");
        fig.setAttribute("aria-label", "Architecture diagram");
        fig.innerHTML = out.svg; /* Mermaid output at securityLevel strict */
        pre.parentNode.insertBefore(fig, pre);
        pre.hidden = true;
      }, function () { /* keep the source visible on a parse error */ });
    });
  }

  function matrixFilters() {
    var form = document.getElementById("matrix-filters");
    var table = document.getElementById("matrix");
    if (!form || !table) return;
    form.hidden = false;
    var rows = table.tBodies[0].rows;
    var selects = form.querySelectorAll("select");
    var count = document.getElementById("matrix-count");
    function apply() {
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = true;
        for (var j = 0; j < selects.length; j++) {
          var el = selects[j];
          if (!el.value) continue;
          if (rows[i].getAttribute("data-" + el.name) !== el.value) ok = false;
        }
        rows[i].hidden = !ok;
        if (ok) shown++;
      }
      count.textContent = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("change", apply);
    apply();
  }

  function start() {
    matrixFilters();
    renderDiagrams();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
