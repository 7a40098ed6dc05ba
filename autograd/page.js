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
  var limit = steps.length;  // how far the steps go (in practice: as far as answered)
  var afterGo = null;   // what practice mode adds to a step shown

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
    k = Math.max(0, Math.min(limit, k));
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
    var code = el("ag-code");  // the step in the generated code (what autograd.compile runs)
    code.hidden = !(step && step.code && step.code.length);
    write(code, code.hidden ? "" : step.code.join("\n"));
    el("ag-counter").textContent = "step " + k + " of " + steps.length;
    slider.value = String(k);
    el("ag-start").disabled = el("ag-back").disabled = k === 0;
    el("ag-end").disabled = el("ag-next").disabled = k === limit;
    if (afterGo) { afterGo(k); }
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

  var locked = null;  // in practice mode, why the explanations are closed (they hold answers)

  function toggleExplain(id) {
    unmark("ag-path");
    unmark("ag-picked");
    var panel = el("ag-explain-panel");
    if (id !== null && locked) {
      explained = null;
      write(el("ag-explain"), locked);
      panel.hidden = false;
      return;
    }
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
  el("ag-end").addEventListener("click", function () { go(limit); });
  el("ag-explain-close").addEventListener("click", function () { toggleExplain(null); });
  el("ag-zoom-out").addEventListener("click", function () { setZoom(zoom / 1.25); });
  el("ag-zoom-in").addEventListener("click", function () { setZoom(zoom * 1.25); });
  el("ag-zoom").addEventListener("click", function () { setZoom(1); });
  el("ag-fit").addEventListener("click", fit);
  slider.addEventListener("input", function () { go(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.target && e.target.id === "ag-answer") { return; }  // typing: the keys are the field's
    var keys = {
      ArrowRight: function () { go(shown + 1); },
      ArrowLeft: function () { go(shown - 1); },
      Home: function () { go(0); },
      End: function () { go(limit); },
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

  if (data.practice) {
    practise(data.practice);
  } else {
    go(0);
  }

  // --- practice mode: the learner computes each gradient, the page checks it -----------------
  // Python wrote the questions, their numbers, tolerances, hints and every message
  // (autograd/page_questions.py); this part grades as its check() does and shows the result.

  function practise(p) {
    var questions = p.questions;
    var at = 0;        // the question asked
    var tries = 0;     // wrong answers to it so far
    var right = 0;     // questions right at the first try
    var answered = []; // [box, grad text] of the questions of this step answered so far
    var full = new RegExp("^(?:" + p.pattern + ")$");
    var input = el("ag-answer");

    function fill(key, values) {
      var text = p.messages[key];
      Object.keys(values).forEach(function (name) {
        text = text.split("{" + name + "}").join(values[name]);
      });
      return text;
    }

    function reading(given) {  // the number in an answer, or the message that says why not
      var text = given.trim().replace(/[\u2212\u2013]/g, "-");
      var length = Array.from(text).length;
      var shown = "'" + (length <= 30 ? text : Array.from(text).slice(0, 29).join("") + "\u2026") +
        "'";
      if (!text) { return fill("empty", {}); }
      if (length > p.most) { return fill("long", { n: length.toLocaleString("en-US") }); }
      if (text.indexOf(",") >= 0 && full.test(text.replace(",", "."))) {
        return fill("comma", { text: shown });
      }
      if (["nan", "inf", "infinity"].indexOf(text.toLowerCase().replace(/^[+-]+/, "")) >= 0) {
        return fill("word", { text: shown });
      }
      if (!full.test(text)) { return fill("other", { text: shown }); }
      var x = Number(text);
      return isFinite(x) ? x : fill("huge", { text: shown });
    }

    function scoreText() {
      el("ag-score").textContent = "· " + right + " of " + questions.length +
        " right at the first try";
    }

    function hint(text, box) {  // the hint beside the node (below it in a narrow window)
      var bubble = el("ag-hint");
      var node = box ? document.getElementById(box) : null;
      if (!text || !node) { bubble.hidden = true; return; }
      write(bubble, text);
      bubble.hidden = false;
      var view = main.getBoundingClientRect();
      var b = node.getBoundingClientRect();
      var x0 = main.scrollLeft - view.left - main.clientLeft;
      var y0 = main.scrollTop - view.top - main.clientTop;
      var room = main.clientWidth;
      bubble.style.left = bubble.style.top = "0px";  // measured where nothing squeezes it
      bubble.style.width = "";
      bubble.style.maxWidth = Math.max(160, Math.min(360, room - 16)) + "px";
      var width = bubble.offsetWidth;
      bubble.style.width = width + "px";
      var left = b.right + x0 + 10;
      var top = b.top + y0;
      if (b.right + 10 + width > view.left + room) {  // no room on the right: below the box
        left = Math.max(main.scrollLeft + 4, Math.min(b.left + x0,
                                                      main.scrollLeft + room - width - 4));
        top = b.bottom + y0 + 8;
      }
      bubble.style.left = left + "px";
      bubble.style.top = top + "px";
      var r = bubble.getBoundingClientRect();  // the box and its hint in view, if they fit
      var high = Math.min(r.top, b.top);
      var low = Math.max(r.bottom, b.bottom);
      if (high < view.top || low > view.bottom) {
        main.scrollTop += low - high <= view.height - 16 ? high - view.top - 8 : b.top - view.top - 8;
      }
    }

    function ask() {
      var q = questions[at];
      hint("", null);
      if (!q) { finish(); return; }
      var where = q.step ? "step " + q.step + " of " + steps.length : "after the backward pass";
      write(el("ag-question"), "Question " + (at + 1) + " of " + questions.length + " (" +
        where + ")\n" + q.text);
      el("ag-asks").textContent = q.asks + " =";
      limit = q.step ? q.step - 1 : steps.length;
      go(limit);
      scoreText();
    }

    afterGo = function (k) {  // at the question's step: its node, the operand, the answers so far
      var q = questions[at];
      if (!q || k !== limit) { return; }
      ["ag-current", "ag-to", "ag-feeds"].forEach(unmark);  // the grads just set stay green
      if (q.node) { mark([q.node], "ag-current"); }
      if (q.operand && q.operand !== q.node) {
        mark([q.operand], "ag-to");
        mark((q.step ? steps[q.step - 1].edges : []).filter(function (id) {
          return id.split("-")[0] === q.operand;
        }), "ag-feeds");
      }
      answered.forEach(function (pair) {
        var box = boxes[pair[0]];
        if (box && box.grad) { box.grad.textContent = pair[1]; }
        mark([pair[0]], "ag-changed");
      });
      reveal([q.node, q.operand].filter(Boolean));
    };

    function say(text) { write(el("ag-feedback"), text); }

    function next(message) {
      var q = questions[at];
      at += 1;
      tries = 0;
      answered = q.set && questions[at] && questions[at].step === q.step
        ? answered.concat([q.set]) : [];
      say(message);
      ask();
    }

    function check() {
      var q = questions[at];
      if (!q) { return; }
      var x = reading(input.value);
      if (typeof x === "string") { say(x); hint("", null); return; }
      var gap = Math.abs(x - q.answer);
      if (gap <= q.tolerance) {
        right += tries === 0 ? 1 : 0;
        input.value = "";
        next(fill("right", { asks: q.asks, worked: q.worked }));
        return;
      }
      if (gap <= q.near) { say(fill("near", { asks: q.asks })); hint("", null); return; }
      tries += 1;
      var why = "";
      q.mistakes.some(function (m) {
        if (Math.abs(x - m[0]) <= m[1]) { why = m[2]; return true; }
        return false;
      });
      var level = Math.min(tries, q.hints.length);
      var text = fill("hint", { k: String(level), n: String(q.hints.length),
                                hint: q.hints[level - 1] });
      var head = fill("wrong", { asks: q.asks }) + (why ? " " + why : "");
      hint(text, q.node || q.operand);
      say(head + "\n" + (el("ag-hint").hidden ? text : "(Hint " + level + " of " +
        q.hints.length + " beside the node.)"));
      input.select();
    }

    function finish() {
      limit = steps.length;
      locked = null;
      document.body.classList.remove("ag-practising");
      el("ag-answer-row").hidden = true;
      write(el("ag-question"), "Done: " + right + " of " + questions.length + " right at the " +
        "first try. Every step is open now (← → Home End), and so are the explanations.");
      go(steps.length);
      scoreText();
    }

    locked = "The explanations open when the practice is done: they show the answers.";
    intro = "Before the first step: no gradients yet.\n\nAnswer each question (Your turn): " +
      "a step plays when every gradient it sends is answered, and then you can go back and " +
      "forth over the steps played.";
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); check(); }
    });
    el("ag-check").addEventListener("click", check);
    el("ag-reveal").addEventListener("click", function () {
      var q = questions[at];
      if (!q) { return; }
      input.value = "";
      next(fill("revealed", { asks: q.asks, worked: q.worked }));
    });
    document.body.classList.add("ag-practising");
    ask();
    if (window.self === window.top) { input.focus(); }
  }
}());
