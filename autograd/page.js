// The step-through page of autograd (autograd/page.py writes it). Everything was computed in
// Python and sits in the JSON block #ag-data; this script only replays it. It never parses
// HTML: every text goes in through textContent.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ag-data").textContent);
  var steps = data.steps;
  var svg = document.querySelector("#ag-graph svg");
  var el = function (id) { return document.getElementById(id); };
  var slider = el("ag-slider");
  var shown = 0;        // how many steps are done
  var explained = null; // the box whose explanation is open

  // --- the boxes: their grad text, and halos behind them for the highlights ---------------

  var SVGNS = "http://www.w3.org/2000/svg";
  var boxes = {};  // id -> {g: the box's <g>, grad: the <text> of its grad}

  function gradText(g, widest) {
    // Graphviz laid the box out with its widest grad written in: the last text that reads so.
    var texts = g.getElementsByTagName("text");
    for (var i = texts.length - 1; i >= 0; i--) {
      if (texts[i].textContent === widest) { return texts[i]; }
    }
    return null;
  }

  function addHalos(g) {  // behind everything else in the box
    var box = g.getBBox();
    [["ag-ring", 8], ["ag-halo", 4]].forEach(function (kind) {
      var rect = document.createElementNS(SVGNS, "rect");
      var pad = kind[1];
      rect.setAttribute("x", String(box.x - pad));
      rect.setAttribute("y", String(box.y - pad));
      rect.setAttribute("width", String(box.width + 2 * pad));
      rect.setAttribute("height", String(box.height + 2 * pad));
      rect.setAttribute("rx", String(6 + pad));
      rect.setAttribute("class", kind[0]);
      g.insertBefore(rect, g.firstChild);
    });
  }

  Object.keys(data.widest).forEach(function (id) {
    var g = document.getElementById(id);
    if (!g) { return; }
    var grad = gradText(g, data.widest[id]);
    if (grad) {  // right-aligned where the widest number ends, then empty until a step sets it
      var right = parseFloat(grad.getAttribute("x")) + grad.getComputedTextLength();
      grad.setAttribute("text-anchor", "end");
      grad.setAttribute("x", String(right));
      grad.classList.add("ag-grad");
      grad.textContent = "";
    }
    addHalos(g);
    var tip = g.querySelector("title");
    if (tip) { tip.textContent = data.names[id] || ""; }  // the name the steps' texts use
    boxes[id] = { g: g, grad: grad };
    if (data.explain[id]) {  // a button: the mouse, or Tab to it and Enter (or Space)
      g.classList.add("ag-clickable");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", (data.names[id] || id) + ": explain its gradient");
      g.addEventListener("click", function () { toggleExplain(id); });
      g.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") { return; }
        e.preventDefault();
        e.stopPropagation();
        toggleExplain(id);
      });
    }
  });
  Array.prototype.forEach.call(svg.querySelectorAll("g.edge > title"), function (t) {
    t.parentNode.removeChild(t);  // "n3->n5" says nothing to a reader
  });

  function write(target, text) {  // one block per line: a long line wraps with an indent
    while (target.firstChild) { target.removeChild(target.firstChild); }
    text.split("\n").forEach(function (line) {
      var div = document.createElement("div");
      div.className = "ag-line";
      div.textContent = line;
      target.appendChild(div);
    });
  }

  function mark(ids, cls) {
    ids.forEach(function (id) {
      var node = document.getElementById(id);
      if (node) { node.classList.add(cls); }
    });
  }

  function unmark(cls) {
    Array.prototype.forEach.call(svg.querySelectorAll("." + cls), function (node) {
      node.classList.remove(cls);
    });
  }

  // --- stepping ------------------------------------------------------------------------------

  var intro = steps.length
    ? "Before the first step: no gradients yet.\n\n" + steps.length + " steps, one per node " +
      "that has operands, in the order backward() visits them. Each step takes the node's " +
      "grad (upstream)\nand adds local derivative × upstream into the grad of each operand.\n\n" +
      "Press → or Next to take the first step."
    : "The root is a leaf: backward() only sets its grad to 1; there are no steps.";

  function go(k) {
    k = Math.max(0, Math.min(steps.length, k));
    shown = k;
    var grads = {};
    var i;
    for (i = 0; i < k - 1; i++) {
      steps[i].set.forEach(function (pair) { grads[pair[0]] = pair[1]; });
    }
    var changed = [];  // the boxes whose grad this step changes
    if (k > 0) {
      steps[k - 1].set.forEach(function (pair) {
        if (grads[pair[0]] !== pair[1]) { changed.push(pair[0]); }
        grads[pair[0]] = pair[1];
      });
    }
    Object.keys(boxes).forEach(function (id) {
      var text = grads[id] === undefined ? "" : grads[id];
      var grad = boxes[id].grad;
      if (grad && grad.textContent !== text) { grad.textContent = text; }
    });
    ["ag-current", "ag-to", "ag-feeds", "ag-changed"].forEach(unmark);
    var step = k > 0 ? steps[k - 1] : null;
    if (step) {
      if (step.box) { mark([step.box], "ag-current"); }
      mark(step.to, "ag-to");
      mark(step.edges, "ag-feeds");
      mark(changed, "ag-changed");
      reveal(step.box ? [step.box].concat(step.to) : step.to);
    } else {
      reveal([data.root]);
    }
    var text = step ? (step.note ? step.note + "\n" : "") + step.text : intro;
    if (k === steps.length && data.summary) { text += "\n\n" + data.summary; }
    write(el("ag-step"), text);
    el("ag-counter").textContent = "step " + k + " of " + steps.length;
    slider.value = String(k);
    el("ag-start").disabled = el("ag-back").disabled = k === 0;
    el("ag-end").disabled = el("ag-next").disabled = k === steps.length;
  }

  // --- keeping the step in view, zoom ------------------------------------------------------

  var main = el("ag-graph");

  function reveal(ids) {  // scroll the graph so that these boxes are in view, centred
    var view = main.getBoundingClientRect();
    var r = null;
    ids.forEach(function (id) {
      var node = document.getElementById(id);
      if (!node) { return; }
      var b = node.getBoundingClientRect();
      r = r ? { left: Math.min(r.left, b.left), right: Math.max(r.right, b.right),
                top: Math.min(r.top, b.top), bottom: Math.max(r.bottom, b.bottom) } : b;
    });
    if (!r) { return; }
    var m = 16;
    if (r.left >= view.left + m && r.right <= view.right - m && r.top >= view.top + m &&
        r.bottom <= view.bottom - m) { return; }
    main.scrollLeft += (r.left + r.right - view.left - view.right) / 2;
    main.scrollTop += (r.top + r.bottom - view.top - view.bottom) / 2;
  }

  var natural = svg.getBoundingClientRect();
  var zoom = 1;

  function setZoom(z) {
    zoom = Math.max(0.1, Math.min(3, z));
    svg.style.width = natural.width * zoom + "px";
    svg.style.height = natural.height * zoom + "px";
    el("ag-zoom").textContent = Math.round(zoom * 100) + "%";
  }

  var READABLE = 0.75;  // below this the boxes' 10-point text is too small to read

  function fit() {  // the whole graph; or, when that would be unreadable, its width
    var style = getComputedStyle(main);
    var w = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var h = main.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    var whole = Math.min(1, w / natural.width, h / natural.height);
    setZoom(whole >= READABLE ? whole : Math.max(READABLE, Math.min(1, w / natural.width)));
  }

  // --- explanations --------------------------------------------------------------------------

  function toggleExplain(id) {
    unmark("ag-path");
    unmark("ag-picked");
    var panel = el("ag-explain-panel");
    if (id === null || id === explained) {
      explained = null;
      panel.hidden = true;
      return;
    }
    explained = id;
    var about = data.explain[id];
    mark(about.boxes, "ag-path");
    mark(about.edges, "ag-path");
    mark([id], "ag-picked");
    write(el("ag-explain"), about.text + (data.explainNote ? "\n\n" + data.explainNote : ""));
    panel.hidden = false;
  }

  // --- controls ------------------------------------------------------------------------------

  el("ag-start").addEventListener("click", function () { go(0); });
  el("ag-back").addEventListener("click", function () { go(shown - 1); });
  el("ag-next").addEventListener("click", function () { go(shown + 1); });
  el("ag-end").addEventListener("click", function () { go(steps.length); });
  el("ag-explain-close").addEventListener("click", function () { toggleExplain(null); });
  el("ag-zoom-out").addEventListener("click", function () { setZoom(zoom / 1.25); });
  el("ag-zoom-in").addEventListener("click", function () { setZoom(zoom * 1.25); });
  el("ag-zoom").addEventListener("click", function () { setZoom(1); });
  el("ag-fit").addEventListener("click", fit);
  slider.addEventListener("input", function () { go(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var keys = {
      ArrowRight: function () { go(shown + 1); },
      ArrowLeft: function () { go(shown - 1); },
      Home: function () { go(0); },
      End: function () { go(steps.length); },
      Escape: function () { toggleExplain(null); }
    };
    if (!keys[e.key]) { return; }
    e.preventDefault();  // the slider and the page do not also move
    keys[e.key]();
  });

  var legend = el("ag-legend");  // a narrow window keeps its room for the graph
  if (legend && window.matchMedia && window.matchMedia("(max-width: 700px)").matches) {
    legend.open = false;
  }

  go(0);
}());
