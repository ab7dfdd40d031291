// check.html's script: builds the page from its JSON data, checks each value as it is typed with the rule of
// `python -m mlp_core check`, saves the answers as the JSON that `check` and `grade` read. No network, ever.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mlp-data").textContent);

  // ---- The rule of mlp_core/check.py, to the last bit --------------------------------------------------------
  // An entry written with n decimals is right when |value - exact| <= 10.0 ** -n * (1 + 1e-9); Python computed
  // those bounds (data.tolerance[n]), and both sides parse numbers and subtract in IEEE doubles.
  var NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
  var MINUS = /[\u2212\u2012\u2013\u2014\ufe63\uff0d]/g;

  // The typed text as a JSON number with the same digits and decimals (what Python's Decimal reads), or null.
  function normalize(text) {
    var t = String(text).trim().replace(/[\s\u00a0\u202f]+/g, "").replace(MINUS, "-");
    if ((t.match(/,/g) || []).length === 1 && t.indexOf(".") < 0) t = t.replace(",", ".");  // a decimal comma
    var m = NUMBER.exec(t);
    if (!m || !(m[2] || m[3])) return null;
    var out = (m[1] === "-" ? "-" : "") + (m[2].replace(/^0+(?=\d)/, "") || "0");
    if (m[3]) out += "." + m[3];
    if (m[4] !== undefined) out += "e" + m[4];
    return out;
  }

  // Decimals of a normalized number as check.py counts them: max(0, -Decimal(text).as_tuple().exponent).
  function decimals(number) {
    var m = NUMBER.exec(number);
    var fraction = m[3] ? m[3].length : 0;
    var exponent = m[4] === undefined ? 0 : parseInt(m[4], 10);
    return Math.max(0, fraction - exponent);
  }

  function entryOk(number, exact) {
    var n = decimals(number);
    var bound = n < data.tolerance.length ? data.tolerance[n] : 0;
    return Math.abs(Number(number) - exact) <= bound;
  }

  window.mlpCheck = {normalize: normalize, decimals: decimals, entryOk: entryOk};

  // ---- Building the page ---------------------------------------------------------------------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function math(latex, display) {
    var node = el(display ? "div" : "span", {"class": display ? "math display" : "math"});
    try {
      katex.render(latex, node, {displayMode: !!display, throwOnError: false, output: "html"});
    } catch (e) {
      node.textContent = latex;
    }
    return node;
  }

  function shapeText(shape) {
    return shape.length ? shape.join(" \u00d7 ") : "a number";
  }

  var symbols = {}, steps = [], byName = {};
  data.steps.forEach(function (s) { symbols[s.name] = s.symbol; });

  var header = el("header", {"class": "top"}, [
    el("h1", {text: "One iteration of backpropagation"}),
    el("p", {"class": "who", text: data.name ? data.name + " \u00b7 " + data.id : data.id})
  ]);

  var given = el("div", {"class": "given"});
  data.steps.filter(function (s) { return s.latex; }).forEach(function (s) {
    given.appendChild(el("div", {"class": "scroll"}, [math(s.latex, true)]));
  });
  given.appendChild(el("div", {"class": "scroll"}, [math(data.constants, true)]));
  var network = el("section", {"class": "card network"}, [
    el("h2", {text: "Your numbers"}),
    given,
    el("p", {"class": "settings", text: "Settings: " + data.settings + "."})
  ]);

  var list = el("ol", {"class": "steps"});
  var intro = el("section", {"class": "intro"}, [
    el("h2", {text: "Compute, in this order"}),
    el("p", {text: "Type each value with the decimals you worked with: an entry is right when it is within one " +
                   "unit of its last decimal (0.4541 and 0.45 both fit 0.45414264). Your answers stay in this " +
                   "browser; Save answers writes them to a file to hand in."})
  ]);

  data.steps.filter(function (s) { return s.formula; }).forEach(function (s, index) {
    var rows = s.shape.length === 2 ? s.shape[0] : 1;
    var columns = s.shape.length === 2 ? s.shape[1] : (s.shape.length === 1 ? s.shape[0] : 1);
    var inputs = [], grid = el("table", {"class": s.shape.length ? "grid matrix" : "grid"});
    for (var r = 0; r < rows; r++) {
      var tr = el("tr");
      for (var c = 0; c < columns; c++) {
        var label = s.name + (s.shape.length ? ", row " + (r + 1) + ", column " + (c + 1) : "");
        var input = el("input", {"type": "text", "autocomplete": "off", "spellcheck": "false",
                                 "autocapitalize": "off", "aria-label": label, "data-step": s.name,
                                 "data-entry": String(r * columns + c)});
        inputs.push(input);
        tr.appendChild(el("td", {}, [input]));
      }
      grid.appendChild(tr);
    }
    var status = el("p", {"class": "status", "aria-live": "polite"});
    var hint = el("div", {"class": "hint"});
    hint.hidden = true;
    var item = el("li", {"class": "card step", "id": "step-" + s.name, "data-status": "empty"}, [
      el("div", {"class": "head"}, [
        el("span", {"class": "number", text: String(index + 1)}),
        el("div", {"class": "scroll formula"}, [math("\\displaystyle " + s.formula, false)]),
        el("span", {"class": "shape", text: shapeText(s.shape)})
      ]),
      el("div", {"class": "scroll"}, [grid]),
      status, hint
    ]);
    var step = {spec: s, inputs: inputs, item: item, status: status, hint: hint, state: "empty"};
    steps.push(step);
    byName[s.name] = step;
    list.appendChild(item);
  });

  var progress = el("span", {"class": "progress"});
  var message = el("span", {"class": "message", "aria-live": "polite"});
  var save = el("button", {"type": "button", "class": "primary", text: "Save answers"});
  var load = el("button", {"type": "button", text: "Load answers\u2026"});
  var file = el("input", {"type": "file", "accept": ".json,application/json", "hidden": "hidden"});
  var bar = el("footer", {"class": "bar"}, [el("div", {"class": "bar-inner"}, [progress, message, load, save, file])]);

  document.body.appendChild(el("main", {}, [header, network, intro, list]));
  document.body.appendChild(bar);

  // ---- Checking ------------------------------------------------------------------------------------------------
  var STATUS_TEXT = {right: "\u2713 Right", wrong: "\u2717 Not right", invalid: "\u2717 Not a number",
                     partial: "Keep going: every entry so far is right", empty: ""};

  function evaluate(step) {
    var filled = 0, bad = 0, invalid = 0;
    step.inputs.forEach(function (input, i) {
      var text = input.value.trim(), cell = "";
      if (text) {
        var number = normalize(text);
        filled++;
        if (number === null) { invalid++; cell = "invalid"; }
        else if (entryOk(number, step.spec.value[i])) cell = "right";
        else { bad++; cell = "wrong"; }
      }
      input.className = cell;
      input.setAttribute("aria-invalid", cell === "wrong" || cell === "invalid" ? "true" : "false");
    });
    step.state = invalid ? "invalid" : bad ? "wrong" : filled === 0 ? "empty" :
                 filled === step.inputs.length ? "right" : "partial";
  }

  function inputStatus(name) {
    if (!byName[name]) return ["given", "given above"];
    var state = byName[name].state;
    if (state === "right") return ["right", "\u2713 your value is right"];
    if (state === "wrong" || state === "invalid") return ["wrong", "\u2717 your value is not right"];
    return ["open", "not entered yet"];
  }

  function showHint(step) {
    var spec = step.spec;
    step.hint.textContent = "";
    if (!data.hints || (step.state !== "wrong" && step.state !== "invalid")) {
      step.hint.hidden = true;
      return;
    }
    var items = el("ul", {"class": "inputs"});
    var doubtful = [];
    spec.inputs.forEach(function (name) {
      var st = inputStatus(name);
      if (st[0] === "wrong") doubtful.push(name);
      items.appendChild(el("li", {"class": st[0]}, [math(symbols[name] || name, false),
                                                     el("span", {text: " \u2014 " + st[1]})]));
    });
    var advice = doubtful.length ? "Fix the inputs marked \u2717 first: this value is computed from them." :
        "Your inputs are right: redo this step's arithmetic.";
    step.hint.appendChild(el("p", {text: "How it is computed:"}));
    step.hint.appendChild(el("div", {"class": "scroll"}, [math(spec.formula, true)]));
    step.hint.appendChild(el("p", {text: "It depends on:"}));
    step.hint.appendChild(items);
    step.hint.appendChild(el("p", {"class": "advice", text: advice}));
    step.hint.hidden = false;
  }

  function refresh() {
    steps.forEach(evaluate);
    var right = 0;
    steps.forEach(function (step) {
      step.item.setAttribute("data-status", step.state);
      step.status.textContent = STATUS_TEXT[step.state];
      if (step.state === "right") right++;
      showHint(step);
    });
    progress.textContent = right + " of " + steps.length + " right";
  }

  // ---- Keeping, saving and loading answers ------------------------------------------------------------------
  function typed() {
    var out = {};
    steps.forEach(function (step) {
      var texts = step.inputs.map(function (input) { return input.value; });
      if (texts.some(function (t) { return t.trim(); })) out[step.spec.name] = texts;
    });
    return out;
  }

  function fill(answers) {
    steps.forEach(function (step) {
      var texts = answers[step.spec.name];
      if (!Array.isArray(texts)) return;
      step.inputs.forEach(function (input, i) { input.value = texts[i] === undefined ? "" : texts[i]; });
    });
    refresh();
  }

  function remember() {
    try { window.localStorage.setItem(data.storage, JSON.stringify(typed())); } catch (e) { /* not kept */ }
  }

  // A value in the shape the trace has it, numbers written as typed: {"z1": [[-1.41, 0.91, -0.05]], "loss": 0.3}.
  function nested(numbers, shape) {
    if (!shape.length) return numbers[0];
    if (shape.length === 1) return "[" + numbers.join(", ") + "]";
    var rows = [];
    for (var r = 0; r < shape[0]; r++) rows.push("[" + numbers.slice(r * shape[1], (r + 1) * shape[1]).join(", ") + "]");
    return "[" + rows.join(", ") + "]";
  }

  function answersJson() {
    var lines = [], skipped = [];
    steps.forEach(function (step) {
      var numbers = step.inputs.map(function (input) { return normalize(input.value); });
      var touched = step.inputs.some(function (input) { return input.value.trim(); });
      if (numbers.every(function (n) { return n !== null; })) {
        lines.push("  " + JSON.stringify(step.spec.name) + ": " + nested(numbers, step.spec.shape));
      } else if (touched) {
        skipped.push(step.spec.name);
      }
    });
    return {text: "{\n" + lines.join(",\n") + "\n}\n", count: lines.length, skipped: skipped};
  }

  save.addEventListener("click", function () {
    var answers = answersJson();
    if (!answers.count) {
      message.textContent = "Nothing to save yet: type a value first.";
      return;
    }
    var link = el("a", {"href": URL.createObjectURL(new Blob([answers.text], {type: "application/json"})),
                        "download": data.id + ".json"});
    document.body.appendChild(link);
    link.click();
    link.remove();
    message.textContent = "Saved " + answers.count + (answers.count === 1 ? " value" : " values") + " to " +
        data.id + ".json" + (answers.skipped.length ? " (not saved, incomplete: " + answers.skipped.join(", ") + ")" : "");
  });

  load.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    if (!file.files.length) return;
    var reader = new FileReader();
    reader.onload = function () {
      var parsed;
      try {
        // Numbers keep their written digits (0.50 stays 0.50) where the browser gives the source text.
        parsed = JSON.parse(String(reader.result), function (key, value, context) {
          return typeof value === "number" ? (context && context.source ? context.source : String(value)) : value;
        });
      } catch (e) {
        message.textContent = file.files[0].name + " is not valid JSON.";
        return;
      }
      var answers = {};
      Object.keys(parsed || {}).forEach(function (name) {
        var flat = [].concat.apply([], [].concat(parsed[name]).map(function (v) { return [].concat(v); }));
        answers[name] = flat.map(String);
      });
      fill(answers);
      remember();
      message.textContent = "Loaded " + Object.keys(answers).length + " values from " + file.files[0].name + ".";
      file.value = "";
    };
    reader.readAsText(file.files[0]);
  });

  list.addEventListener("input", function () { refresh(); remember(); });
  list.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    var all = [].slice.call(list.querySelectorAll("input"));
    var next = all[all.indexOf(event.target) + 1];
    if (next) next.focus();
    event.preventDefault();
  });

  var kept = null;
  try { kept = JSON.parse(window.localStorage.getItem(data.storage) || "null"); } catch (e) { kept = null; }
  if (kept) fill(kept); else refresh();
})();
