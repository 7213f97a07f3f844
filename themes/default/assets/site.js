/* Sandbox Atlas: progressive enhancement only.  Pages are complete
 * without this script: diagrams show as Mermaid source and the matrix
 * shows every row. */
(function () {
  "use strict";

  function renderDiagrams() {
    var blocks = document.querySelectorAll("code.language-mermaid");
    if (!blocks.length) return;
    if (typeof window.mermaid === "undefined") {
      /* mermaid.min.js is a deferred script after this one: it runs
       * before the load event. */
      if (document.readyState !== "complete") window.addEventListener("load", renderDiagrams);
      return;
    }
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

  /* The home page's requirements wizard.  Without script the section
   * shows only the link to the step-by-step chooser (recommend/); with
   * it, the six selects appear and the answer is read from the API:
   * api/recommendations.json (fetched once, on the first change) with
   * api/frameworks.json for names and api/scenarios.json for the
   * nearest preset.  Text goes in through textContent only. */
  function wizard() {
    var section = document.getElementById("wizard");
    var form = document.getElementById("wizard-form");
    var out = document.getElementById("wizard-result");
    if (!section || !form || !out || typeof window.fetch !== "function" ||
        typeof window.Promise === "undefined") return;
    var root = section.getAttribute("data-root") || "";
    var selects = form.querySelectorAll("select");
    var loading = null, data = null, seq = 0;
    /* Tie-break order of site_nearest() in site/site.c. */
    var NEAR_ORDER = ["trust", "use-case", "infra", "budget", "latency", "scale"];

    function getJSON(path) {
      return window.fetch(root + path, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
    }

    function load() {
      if (loading) return loading;
      loading = Promise.all([getJSON("api/recommendations.json"),
        getJSON("api/frameworks.json"), getJSON("api/scenarios.json")]).then(function (res) {
        var d = { dims: [], combos: {}, fw: {}, scenarios: res[2].scenarios || [] };
        var i, j, c, key;
        for (i = 0; i < res[0].dimensions.length; i++) d.dims.push(res[0].dimensions[i].name);
        for (i = 0; i < res[0].combinations.length; i++) {
          c = res[0].combinations[i];
          key = [];
          for (j = 0; j < d.dims.length; j++) key.push(c.requirements[d.dims[j]]);
          d.combos[key.join("/")] = c;
        }
        for (i = 0; i < res[1].frameworks.length; i++) d.fw[res[1].frameworks[i].slug] = res[1].frameworks[i];
        data = d;
        return d;
      }, function (e) {
        loading = null; /* let the next change try again */
        throw e;
      });
      return loading;
    }

    function el(tag, attrs, text) {
      var n = document.createElement(tag), k;
      for (k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) n.setAttribute(k, attrs[k]);
      if (text !== undefined && text !== null) n.textContent = String(text);
      return n;
    }
    function add(parent) {
      for (var i = 1; i < arguments.length; i++) {
        var c = arguments[i];
        parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
      return parent;
    }
    function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }

    function selection() {
      var req = {}, n = 0;
      for (var i = 0; i < selects.length; i++) {
        req[selects[i].name] = selects[i].value;
        if (selects[i].value) n++;
      }
      return { req: req, chosen: n };
    }

    function fwName(slug, fallbackName) {
      var f = data.fw[slug];
      return f && f.name ? f.name : (fallbackName || slug);
    }
    function fwLink(slug, name) {
      return el("a", { href: root + "frameworks/" + slug + "/index.html" }, fwName(slug, name));
    }
    function verdict(id, slug, none) {
      var dd = el("dd", { id: id, "data-slug": slug || "" });
      if (!slug) return add(dd, none);
      add(dd, fwLink(slug));
      var f = data.fw[slug], cls = f && f.criteria && f.criteria.isolation && f.criteria.isolation["class"];
      if (cls) add(dd, " ", el("span", { "class": "badge" }, cls));
      return dd;
    }

    /* The preset sharing most tokens; ties: trust, use case, infra,
     * budget, latency, scale, then the smaller slug. */
    function nearest(req) {
      var best = null, bs = -1, bk = -1, i, j, k, s, sr, score, key;
      for (i = 0; i < data.scenarios.length; i++) {
        s = data.scenarios[i];
        sr = s.requirements || {};
        score = 0;
        for (k in sr) if (Object.prototype.hasOwnProperty.call(sr, k) && sr[k] === req[k]) score++;
        key = 0;
        for (j = 0; j < NEAR_ORDER.length; j++) key = key * 2 + (sr[NEAR_ORDER[j]] === req[NEAR_ORDER[j]] ? 1 : 0);
        if (score > bs || (score === bs && (key > bk || (key === bk && s.slug < best.slug)))) {
          best = s; bs = score; bk = key;
        }
      }
      return best;
    }

    function render(req, c) {
      var frag = document.createDocumentFragment(), i, j;
      var dims = data.dims, path = [], cmd = "sandbox-atlas guide";
      for (i = 0; i < dims.length; i++) {
        path.push(req[dims[i]]);
        cmd += " --" + dims[i] + " " + req[dims[i]];
      }
      cmd += " -o guide";

      add(frag, el("h3", {}, "Recommended sandbox"));
      add(frag, add(el("dl", { "class": "verdict" }),
        el("dt", {}, "Primary"), verdict("wizard-primary", c.primary, "none: no sandbox meets every requirement"),
        el("dt", {}, "Fallback"), verdict("wizard-fallback", c.fallback, "none")));
      if (c.notes && c.notes.length) {
        var notes = el("ul", { "class": "notes", id: "wizard-notes" });
        for (i = 0; i < c.notes.length; i++) add(notes, el("li", {}, c.notes[i]));
        add(frag, notes);
      }

      add(frag, el("h4", {}, "Top candidates"));
      var ol = el("ol", { "class": "candidates", id: "wizard-top" });
      for (i = 0; i < c.top.length; i++) {
        var t = c.top[i];
        var li = add(el("li", { "data-slug": t.slug }), fwLink(t.slug, t.name),
          ": score " + Number(t.score).toFixed(1) + ", " + (t.eligible ? "eligible" : "not eligible"));
        var ul = el("ul");
        for (j = 0; j < (t.reasons || []).length; j++) add(ul, el("li", {}, t.reasons[j]));
        add(ol, add(li, ul));
      }
      add(frag, ol);

      var near = nearest(req);
      if (near) {
        add(frag, el("h4", {}, "Nearest preset"));
        add(frag, add(el("p", { id: "wizard-nearest", "data-slug": near.slug }),
          el("a", { href: root + "scenarios/" + near.slug + "/index.html" }, near.title),
          ": its full selection guide and config bundle (",
          el("a", { href: root + "bundles/" + near.slug + ".tar.gz", download: "" }, "tar.gz"), ", ",
          el("a", { href: root + "bundles/" + near.slug + ".zip", download: "" }, "zip"), ")."));
      }

      add(frag, el("h4", {}, "A guide for exactly these requirements"));
      add(frag, add(el("pre"), el("code", { id: "wizard-command" }, cmd)));
      add(frag, add(el("p"), el("a", { id: "wizard-permalink",
        href: root + "recommend/" + path.join("/") + "/index.html" }, "Permalink to this answer"),
        " (the same answer as a page of its own, no script needed)"));
      return frag;
    }

    function status(text, cls) {
      clear(out);
      out.removeAttribute("data-requirements");
      add(out, el("p", { "class": "wizard-status" + (cls ? " " + cls : "") }, text));
    }

    function update() {
      var sel = selection(), mine = ++seq;
      load().then(function () {
        if (mine !== seq) return;
        if (sel.chosen < selects.length) {
          status(sel.chosen + " of " + selects.length + " chosen: choose the rest to see the answer.");
          return;
        }
        var key = [];
        for (var i = 0; i < data.dims.length; i++) key.push(sel.req[data.dims[i]]);
        var c = data.combos[key.join("/")];
        if (!c) { status("No recommendation is published for this combination.", "is-error"); return; }
        clear(out);
        out.appendChild(render(sel.req, c));
        out.setAttribute("data-requirements", key.join("/"));
      }, function (e) {
        if (mine !== seq) return;
        status("Could not load the recommendations (" + e.message + "). The step-by-step chooser above works without them.", "is-error");
      });
      if (!data && mine === seq) status("Loading the recommendations…");
    }

    form.hidden = false;
    form.addEventListener("change", update);
    /* Selects the browser restored (back button) still need an answer. */
    if (selection().chosen > 0) update();
  }

  function start() {
    matrixFilters();
    wizard();
    renderDiagrams();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
