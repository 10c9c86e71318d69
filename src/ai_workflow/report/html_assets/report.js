/* ai-workflow run report: draws the page from the JSON in #report-data (no network). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var SEVERITIES = ["error", "warning", "info"];
  var STATUS_COLOUR = {
    passed: "#1a7f37", warning: "#bf8700", failed: "#cf222e", skipped: "#8c959f",
    reused: "#0969da", not_run: "#b6bcc3", interrupted: "#82071e"
  };
  var LIGHT = { not_run: true };
  var PAGE_SIZE = 100;
  var stepById = {};
  data.steps.forEach(function (s) { stepById[s.id] = s; });
  var critical = {};
  data.critical.forEach(function (id) { critical[id] = true; });

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function secs(value) {
    if (value === null || value === undefined) return "–";
    if (value >= 100) return value.toFixed(0) + "s";
    if (value >= 10) return value.toFixed(1) + "s";
    return value.toFixed(2) + "s";
  }

  function badge(kind, value) { return el("span", { "class": "badge " + kind + "-" + value, text: value }); }

  function stepLabel(step) { return step.number + ": " + step.name; }

  function jumpToStep(id) {
    var row = document.getElementById("step-" + id);
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    row.classList.add("flash");
    window.setTimeout(function () { row.classList.remove("flash"); }, 1500);
  }

  function shortTime(stamp) {
    if (!stamp) return "";
    var d = new Date(stamp);
    if (isNaN(d.getTime())) return String(stamp);
    return d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  }

  // The regressions the run found, by step id (from the findings, like every other result).
  var slower = {};
  var findings = data.findings;
  findings.rows.forEach(function (row) {
    var rule = findings.rules[row[1]];
    var notes = row[8] || {};
    if (rule === "perf/step-regression" && notes.extra && notes.extra.step) {
      slower[notes.extra.step] = row[5];
    }
  });

  // ------------------------------------------------------------------ header

  function renderHeader() {
    var m = data.meta;
    var git = m.git || {};
    var counts = m.finding_counts || {};
    var header = document.getElementById("header");
    header.appendChild(el("h1", {}, [m.project + " ", el("span", { "class": "run", text: m.run_id }), " ", badge("st", m.status)]));
    var facts = [
      ["commit", git.commit ? git.commit.slice(0, 12) + (git.dirty ? " (uncommitted changes)" : "") : "not a git repository"],
      ["branch", git.branch || (git.commit ? "detached HEAD" : "–")],
      ["started", shortTime(m.started_at)],
      ["duration", secs(m.duration_s)],
      ["steps", Object.keys(m.step_counts).filter(function (k) { return k !== "total"; })
        .map(function (k) { return m.step_counts[k] + " " + k; }).join(", ") + " of " + (m.step_counts.total || data.steps.length)],
      ["findings", SEVERITIES.map(function (s) { return (counts[s] || 0) + " " + s; }).join(", ")]
    ];
    if (m.tests) {
      facts.push(["tests", ["passed", "failed", "errors", "skipped"].map(function (k) { return (m.tests[k] || 0) + " " + k; }).join(", ")]);
    }
    facts.push(["ai-workflow", m.version]);
    header.appendChild(el("div", { "class": "facts" }, facts.map(function (f) {
      return el("div", {}, [el("b", { text: f[0] }), f[1]]);
    })));
    var o = m.options || {};
    var chips = [
      o.parallel ? "parallel, " + o.jobs + " jobs" : "sequential",
      o.smart_execution ? "smart execution" : null,
      o.step_cache === false ? "no step cache" : "step cache",
      o.ai_cache === false ? "no AI cache" : "AI cache",
      o.fail_fast ? "fail fast" : null,
      o.all_steps === false ? "steps: " + (o.steps || []).join(", ") : "all steps",
      o.resumed_from ? "resumed from " + o.resumed_from : null
    ].filter(Boolean);
    header.appendChild(el("div", { "class": "chips" }, [el("b", { text: "options " })].concat(
      chips.map(function (c) { return el("span", { text: c }); }))));
    header.appendChild(el("div", { "class": "facts" }, [el("div", {}, [el("b", { text: "target" }), m.target])]));
    document.getElementById("footer").textContent = "ai-workflow " + m.version + " · " + data.schema +
      " · run " + m.run_id + " · charts with d3 (ISC) and dagre (MIT), inlined; licences in the page source.";
  }

  // ------------------------------------------------------------------ DAG

  function renderLegend() {
    var legend = document.getElementById("legend");
    Object.keys(STATUS_COLOUR).forEach(function (status) {
      legend.appendChild(el("span", {}, [el("i", { style: "background:" + STATUS_COLOUR[status] }), status]));
    });
    legend.appendChild(el("span", {}, [el("i", { style: "background:#fff;border:2px solid #d1242f" }), "critical path"]));
  }

  function renderDag() {
    var g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 56, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(function () { return {}; });
    data.steps.forEach(function (s) { g.setNode(s.id, { width: 200, height: 40 }); });
    data.edges.forEach(function (e) { g.setEdge(e[0], e[1]); });
    dagre.layout(g);
    var size = g.graph();
    var svg = d3.select("#dag").attr("width", Math.ceil(size.width)).attr("height", Math.ceil(size.height))
      .attr("viewBox", "0 0 " + Math.ceil(size.width) + " " + Math.ceil(size.height));
    var defs = svg.append("defs");
    [["arrow", "#8c959f"], ["arrow-critical", "#d1242f"]].forEach(function (a) {
      defs.append("marker").attr("id", a[0]).attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5)
        .attr("markerWidth", 7).attr("markerHeight", 7).attr("orient", "auto")
        .append("path").attr("d", "M0,0L10,5L0,10z").attr("fill", a[1]);
    });
    var line = d3.line().x(function (p) { return p.x; }).y(function (p) { return p.y; }).curve(d3.curveBasis);
    var onPath = {};
    for (var i = 1; i < data.critical.length; i++) onPath[data.critical[i - 1] + ">" + data.critical[i]] = true;
    g.edges().forEach(function (e) {
      var hot = onPath[e.v + ">" + e.w];
      svg.append("path").attr("class", "dag-edge" + (hot ? " critical" : ""))
        .attr("d", line(g.edge(e).points)).attr("marker-end", "url(#" + (hot ? "arrow-critical" : "arrow") + ")");
    });
    data.steps.forEach(function (s) {
      var n = g.node(s.id);
      var node = svg.append("g")
        .attr("class", "dag-node" + (critical[s.id] ? " critical" : "") + (LIGHT[s.status] ? " light" : ""))
        .attr("data-step", s.id).attr("data-status", s.status)
        .attr("transform", "translate(" + (n.x - n.width / 2) + "," + (n.y - n.height / 2) + ")")
        .on("click", function () { jumpToStep(s.id); });
      node.append("rect").attr("width", n.width).attr("height", n.height).attr("rx", 6)
        .attr("fill", STATUS_COLOUR[s.status] || "#8c959f");
      node.append("text").attr("x", 8).attr("y", 16).text(stepLabel(s));
      var detail = s.status + (s.duration !== null ? " · " + secs(s.duration) : "") + (slower[s.id] ? " · slower" : "");
      node.append("text").attr("x", 8).attr("y", 32).attr("opacity", 0.9).text(detail);
      node.append("title").text(stepLabel(s) + "\n" + s.status + (s.reason ? ": " + s.reason : "") +
        (s.summary ? "\n" + s.summary : ""));
    });
  }

  // ------------------------------------------------------------------ timeline

  function notRunNote(s) {
    var why = s.reason || (s.reused_from ? "reused from " + s.reused_from : "");
    return s.status + (why ? ": " + why : "");
  }

  function renderTimeline() {
    var ran = data.steps.filter(function (s) { return s.start !== null; })
      .sort(function (a, b) { return a.start - b.start || a.number - b.number; });
    var rest = data.steps.filter(function (s) { return s.start === null; });
    var rows = ran.concat(rest);
    var end = d3.max(ran, function (s) { return s.end; }) || 1;
    var labelWidth = 230, width = Math.max(760, document.getElementById("timeline").clientWidth - 30);
    var rowHeight = 22, top = 26;
    var x = d3.scaleLinear().domain([0, end]).range([labelWidth, width - 70]);
    var svg = d3.select("#gantt").attr("width", width).attr("height", top + rows.length * rowHeight + 6);
    svg.append("defs").append("pattern").attr("id", "hatch").attr("width", 6).attr("height", 6)
      .attr("patternUnits", "userSpaceOnUse").attr("patternTransform", "rotate(45)")
      .append("rect").attr("width", 2).attr("height", 6).attr("fill", "#8c959f");
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (top - 4) + ")")
      .call(d3.axisTop(x).ticks(8).tickFormat(function (v) { return v + "s"; }));
    rows.forEach(function (s, i) {
      var y = top + i * rowHeight;
      var row = svg.append("g").attr("class", "tl-row").attr("data-step", s.id);
      row.append("rect").attr("class", "tl-bg").attr("x", 0).attr("y", y).attr("width", width).attr("height", rowHeight);
      row.append("text").attr("class", "tl-label" + (critical[s.id] ? " critical" : "")).attr("x", 4).attr("y", y + 15)
        .text(stepLabel(s))
        .on("click", function () { jumpToStep(s.id); });
      if (s.start === null) {
        row.append("text").attr("class", "tl-note").attr("x", labelWidth).attr("y", y + 15).text(notRunNote(s));
        return;
      }
      if (s.wait > 0) {
        row.append("rect").attr("class", "tl-wait").attr("x", x(s.start - s.wait)).attr("y", y + 7)
          .attr("width", Math.max(1, x(s.start) - x(s.start - s.wait))).attr("height", rowHeight - 14)
          .append("title").text("waited " + secs(s.wait) + (s.deps.length ? " after its dependencies ended" : " after the run started"));
      }
      var barWidth = Math.max(2, x(s.end) - x(s.start));
      var bar = row.append("rect")
        .attr("class", "tl-bar" + (critical[s.id] ? " critical" : "") + (barWidth < 8 ? " narrow" : ""))
        .attr("data-step", s.id).attr("x", x(s.start)).attr("y", y + 3)
        .attr("width", barWidth).attr("height", rowHeight - 6).attr("rx", 3)
        .attr("fill", STATUS_COLOUR[s.status] || "#8c959f");
      bar.append("title").text(stepLabel(s) + "\n" + s.status + "\nstart " + secs(s.start) + ", end " + secs(s.end) +
        ", took " + secs(s.duration) + "\nwaited " + secs(s.wait) + (s.deps.length ? " after its dependencies" : " after the run started") +
        (critical[s.id] ? "\non the critical path" : "") + (slower[s.id] ? "\n" + slower[s.id] : ""));
      var label = row.append("text").attr("x", x(s.end) + 4).attr("y", y + 15).text(secs(s.duration));
      if (slower[s.id]) {
        label.text(secs(s.duration) + " ▲ slower").attr("class", "slower");
      }
    });
    renderLanes(ran, x, width);
  }

  function renderLanes(ran, x, width) {
    var count = 0;
    ran.forEach(function (s) { count = Math.max(count, (data.lanes[s.id] || 0) + 1); });
    var laneHeight = 16;
    var svg = d3.select("#lanes").attr("width", width).attr("height", Math.max(1, count) * laneHeight + 8);
    for (var lane = 0; lane < count; lane++) {
      svg.append("text").attr("x", 4).attr("y", lane * laneHeight + 13).text("lane " + (lane + 1));
    }
    ran.forEach(function (s) {
      var lane = data.lanes[s.id] || 0;
      svg.append("rect").attr("class", "lane-bar").attr("x", x(s.start)).attr("y", lane * laneHeight + 3)
        .attr("width", Math.max(2, x(s.end) - x(s.start))).attr("height", laneHeight - 4)
        .attr("fill", STATUS_COLOUR[s.status] || "#8c959f").attr("stroke", "#fff")
        .append("title").text(stepLabel(s) + " · " + secs(s.duration));
    });
    var perf = document.getElementById("perf");
    var messages = findings.rows.filter(function (r) { return findings.rules[r[1]].indexOf("perf/") === 0; });
    if (messages.length) {
      perf.appendChild(el("div", { "class": "perf" }, [
        el("b", { text: "Slower than usual (" + messages.length + ")" }),
        el("ul", {}, messages.map(function (r) { return el("li", { text: r[5] }); }))
      ]));
    }
  }

  // ------------------------------------------------------------------ steps table

  function renderSteps() {
    var body = document.querySelector("#steps-table tbody");
    data.steps.forEach(function (s) {
      var c = s.counts;
      var more = [];
      if (s.checked.length) more.push(el("details", {}, [el("summary", { text: "checked (" + s.checked.length + ")" }), el("pre", { text: s.checked.join("\n") })]));
      if (s.skipped_checks.length) more.push(el("details", {}, [el("summary", { text: "skipped checks (" + s.skipped_checks.length + ")" }), el("pre", { text: s.skipped_checks.join("\n") })]));
      var show = el("a", { href: "#findings", text: c.error + "E " + c.warning + "W " + c.info + "I" });
      show.addEventListener("click", function () { setFilter("step", s.id); });
      body.appendChild(el("tr", { id: "step-" + s.id, "data-step": s.id }, [
        el("td", { "class": "num", text: String(s.number) }),
        el("td", {}, [s.name, el("div", {}, [el("code", { text: s.id })])]),
        el("td", {}, [badge("st", s.status), critical[s.id] ? el("span", { "class": "tag", text: "critical path" }) : null]),
        el("td", { "class": "num", text: secs(s.duration) }),
        el("td", { "class": "num", text: s.wait === null ? "–" : secs(s.wait) }),
        el("td", { "class": "num" }, [show]),
        el("td", { "class": "msg" }, [s.summary || notRunNote(s), slower[s.id] ? el("div", { "class": "comment", text: slower[s.id] }) : null].concat(more))
      ]));
    });
  }

  // ------------------------------------------------------------------ findings explorer

  var filter = { step: "", rule: "", path: "", base: "", source: "", search: "", severities: { error: true, warning: true, info: true } };
  var page = 0;

  function sourceLink(path, line) {
    var tpl = data.links.template;
    var encoded = path.split("/").map(encodeURIComponent).join("/");
    if (!tpl) return data.links.root + encoded;
    if (!line) tpl = tpl.replace(/#[^#]*\{line\}[^#]*$/, "");
    return tpl.split("{path}").join(encoded).split("{line}").join(line ? String(line) : "");
  }

  function matches(row) {
    if (!filter.severities[SEVERITIES[row[0]]]) return false;
    if (filter.rule !== "" && row[1] !== +filter.rule) return false;
    if (filter.step !== "" && row[2] !== +filter.step) return false;
    if (filter.source !== "" && row[6] !== +filter.source) return false;
    if (filter.base !== "" && row[7] !== +filter.base) return false;
    var path = row[3] >= 0 ? findings.paths[row[3]] : "";
    if (filter.path && path.toLowerCase().indexOf(filter.path) < 0) return false;
    if (filter.search) {
      var hay = (row[5] + " " + findings.rules[row[1]] + " " + path).toLowerCase();
      if (hay.indexOf(filter.search) < 0) return false;
    }
    return true;
  }

  function findingRow(row) {
    var rule = findings.rules[row[1]];
    var step = findings.steps[row[2]];
    var path = row[3] >= 0 ? findings.paths[row[3]] : null;
    var notes = row[8] || {};
    var where = path ? el("a", { href: sourceLink(path, row[4]), target: "_blank", rel: "noopener", text: path + (row[4] ? ":" + row[4] : "") }) : "–";
    var message = [row[5]];
    if (notes.triage) message.push(el("span", { "class": "tag triage", text: notes.triage }));
    if (notes.comment) message.push(el("div", { "class": "comment", text: "AI: " + notes.comment }));
    if (notes.extra) {
      var lines = Object.keys(notes.extra).map(function (k) {
        var v = notes.extra[k];
        return k + ": " + (typeof v === "string" ? v : JSON.stringify(v));
      });
      message.push(el("details", {}, [el("summary", { text: "details" }), el("pre", { text: lines.join("\n") })]));
    }
    var stepCell = el("a", { href: "#step-" + step, text: step });
    stepCell.addEventListener("click", function (ev) { ev.preventDefault(); jumpToStep(step); });
    return el("tr", { "class": "finding", "data-rule": rule, "data-severity": SEVERITIES[row[0]], "data-step": step }, [
      el("td", {}, [badge("sev", SEVERITIES[row[0]])]),
      el("td", {}, [el("code", { text: rule }), row[6] ? el("span", { "class": "tag ai", text: "AI" }) : null,
        row[7] === 1 ? el("span", { "class": "tag", text: "baselined" }) : null]),
      el("td", {}, [stepCell]),
      el("td", { "class": "loc" }, [where]),
      el("td", { "class": "msg" }, message)
    ]);
  }

  function renderFindings() {
    var shown = findings.rows.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    var body = document.getElementById("findings-rows");
    body.textContent = "";
    shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).forEach(function (row) { body.appendChild(findingRow(row)); });
    if (!shown.length) body.appendChild(el("tr", {}, [el("td", { colspan: "5", text: "No finding matches these filters." })]));
    var count = document.getElementById("findings-count");
    count.setAttribute("data-total", String(findings.rows.length));
    count.setAttribute("data-shown", String(shown.length));
    count.textContent = shown.length === findings.rows.length ? "(" + shown.length + ")" : "(" + shown.length + " of " + findings.rows.length + ")";
    document.getElementById("p-info").textContent = "page " + (page + 1) + " of " + pages;
    document.getElementById("p-prev").disabled = page === 0;
    document.getElementById("p-next").disabled = page >= pages - 1;
  }

  function options(select, entries) {
    select.appendChild(el("option", { value: "", text: "all" }));
    entries.forEach(function (e) { select.appendChild(el("option", { value: String(e[0]), text: e[1] })); });
  }

  function countBy(index) {
    var counts = {};
    findings.rows.forEach(function (r) { counts[r[index]] = (counts[r[index]] || 0) + 1; });
    return counts;
  }

  function setFilter(name, stepId) {
    if (name === "step") {
      var idx = findings.steps.indexOf(stepId);
      filter.step = idx >= 0 ? String(idx) : "";
      document.getElementById("f-step").value = filter.step;
      page = 0;
      renderFindings();
    }
  }

  function setupFilters() {
    var rules = countBy(1), steps = countBy(2);
    options(document.getElementById("f-rule"), Object.keys(rules).sort(function (a, b) { return rules[b] - rules[a] || findings.rules[a].localeCompare(findings.rules[b]); })
      .map(function (i) { return [i, findings.rules[i] + " (" + rules[i] + ")"]; }));
    options(document.getElementById("f-step"), Object.keys(steps).map(function (i) {
      var s = stepById[findings.steps[i]];
      return [i, (s ? stepLabel(s) : findings.steps[i]) + " (" + steps[i] + ")"];
    }));
    var sev = document.getElementById("f-sev");
    var bySeverity = countBy(0);
    SEVERITIES.forEach(function (s, i) {
      var box = el("input", { type: "checkbox", id: "f-sev-" + s });
      box.checked = true;
      box.addEventListener("change", function () { filter.severities[s] = box.checked; page = 0; renderFindings(); });
      sev.appendChild(el("label", {}, [box, " " + s + " (" + (bySeverity[i] || 0) + ")"]));
    });
    // the baseline filter, once some finding is known to a baseline (every finding is new otherwise)
    if (findings.rows.some(function (r) { return r[7] === 1; })) document.getElementById("f-base-label").hidden = false;
    [["f-step", "step"], ["f-rule", "rule"], ["f-base", "base"], ["f-source", "source"]].forEach(function (pair) {
      document.getElementById(pair[0]).addEventListener("change", function (ev) { filter[pair[1]] = ev.target.value; page = 0; renderFindings(); });
    });
    [["f-path", "path"], ["f-search", "search"]].forEach(function (pair) {
      document.getElementById(pair[0]).addEventListener("input", function (ev) { filter[pair[1]] = ev.target.value.trim().toLowerCase(); page = 0; renderFindings(); });
    });
    document.getElementById("f-reset").addEventListener("click", function () {
      document.getElementById("filters").reset();
      filter = { step: "", rule: "", path: "", base: "", source: "", search: "", severities: { error: true, warning: true, info: true } };
      SEVERITIES.forEach(function (s) { document.getElementById("f-sev-" + s).checked = true; });
      page = 0;
      renderFindings();
    });
    document.getElementById("p-prev").addEventListener("click", function () { page -= 1; renderFindings(); });
    document.getElementById("p-next").addEventListener("click", function () { page += 1; renderFindings(); });
    document.getElementById("links-note").textContent = "Locations link to " +
      (data.links.template ? data.links.origin + " (" + data.links.template + ")" : data.links.origin) +
      "; set report.source_url to choose another address.";
  }

  // ------------------------------------------------------------------ AI

  function renderAi() {
    var t = data.ai.totals || {};
    var body = document.getElementById("ai-body");
    var lookups = (t.cache_hits || 0) + (t.cache_misses || 0);
    var tiles = [
      ["provider", t.provider || "none"], ["calls", t.calls || 0], ["cache hits", t.cache_hits || 0],
      ["hit rate", lookups ? (100 * (t.cache_hits || 0) / lookups).toFixed(1) + "%" : "n/a"],
      ["tokens in", t.tokens_in || 0], ["tokens out", t.tokens_out || 0], ["tokens saved", t.tokens_saved || 0],
      ["errors", t.errors || 0]
    ];
    body.appendChild(el("div", { "class": "tiles" }, tiles.map(function (p) {
      return el("div", {}, [el("b", { text: String(p[1]) }), el("span", { text: p[0] })]);
    })));
    var rows = data.ai.steps;
    if (!rows.length) {
      body.appendChild(el("p", { "class": "hint", text: "No step had an AI review in this run." }));
      return;
    }
    if (!t.provider || t.provider === "none") {
      body.appendChild(el("p", { "class": "hint", text: "No AI provider is configured: each step's prompt was saved, nothing was sent (see the README's AI review section)." }));
    }
    var table = el("table", { "class": "grid" }, [el("thead", {}, [el("tr", {}, ["step", "model", "calls", "cache hit", "tokens in", "tokens out", "tokens saved", "time", "findings added", "dropped", "prompt / error"]
      .map(function (h) { return el("th", { text: h }); }))])]);
    var tbody = el("tbody");
    rows.forEach(function (r) {
      tbody.appendChild(el("tr", {}, [
        el("td", { text: r.id }), el("td", { text: r.model || "–" }), el("td", { "class": "num", text: String(r.calls) }),
        el("td", { text: r.cache_hit ? "yes" : "no" }), el("td", { "class": "num", text: String(r.tokens_in) }),
        el("td", { "class": "num", text: String(r.tokens_out) }), el("td", { "class": "num", text: String(r.tokens_saved) }),
        el("td", { "class": "num", text: r.duration_s === null || r.duration_s === undefined ? "–" : secs(r.duration_s) }),
        el("td", { "class": "num", text: r.findings_added === null || r.findings_added === undefined ? "–" : String(r.findings_added) }),
        el("td", { "class": "num", text: r.findings_dropped ? String(r.findings_dropped) : "–" }),
        el("td", { "class": "loc", text: r.error || r.prompt_file || "" })
      ]));
    });
    table.appendChild(tbody);
    body.appendChild(table);
    var said = rows.filter(function (r) { return r.summary; });
    if (said.length) {
      body.appendChild(el("h3", { text: "The model's summaries" }));
      body.appendChild(el("dl", { "class": "ai-summaries" }, [].concat.apply([], said.map(function (r) {
        return [el("dt", { text: r.id }), el("dd", { text: r.summary })];
      }))));
    }
    if (t.triage) {
      var tr = t.triage;
      body.appendChild(el("p", { "class": "hint", text: tr.skipped
        ? "AI triage skipped: " + tr.skipped
        : "AI triage: " + (tr.triaged || 0) + " findings labelled, " + (tr.noise || 0) + " noise (hidden from the console and summaries, shown here with their label), " + (tr.requests || 0) + " request(s), " + (tr.cache_hits || 0) + " cached." }));
    }
  }

  // ------------------------------------------------------------------ trends

  var PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#bf8700", "#8250df", "#1b7c83", "#bc4c00", "#57606a"];

  function chart(title, series, format) {
    var runs = data.trends;
    var box = el("div", { "class": "chart" }, [el("h3", { text: title })]);
    document.getElementById("charts").appendChild(box);
    var width = 560, height = 180, left = 46, right = 44, top = 8, bottom = 24;
    var values = [];
    series.forEach(function (s) { runs.forEach(function (r, i) { var v = s.value(r); if (v !== null && v !== undefined) values.push(v); }); });
    if (!values.length) {
      box.appendChild(el("p", { "class": "hint", text: "No data in these runs." }));
      return;
    }
    var x = d3.scaleLinear().domain([0, Math.max(1, runs.length - 1)]).range([left, width - right]);
    var y = d3.scaleLinear().domain([0, d3.max(values) || 1]).nice().range([height - bottom, top]);
    var svg = d3.select(box).append("svg").attr("class", "trend").attr("viewBox", "0 0 " + width + " " + height)
      .attr("width", "100%").attr("style", "max-width:" + width + "px");
    svg.append("g").attr("class", "axis").attr("transform", "translate(" + left + ",0)").call(d3.axisLeft(y).ticks(5).tickFormat(format));
    var step = Math.max(1, Math.ceil(runs.length / 6));
    svg.append("g").attr("class", "axis").attr("transform", "translate(0," + (height - bottom) + ")")
      .call(d3.axisBottom(x).tickValues(d3.range(0, runs.length, step)).tickFormat(function (i) {
        var r = runs[i];
        return r && r.started_at ? String(r.started_at).slice(5, 16).replace("T", " ") : "#" + (i + 1);
      }));
    series.forEach(function (s, k) {
      var colour = s.colour || PALETTE[k % PALETTE.length];
      var line = d3.line().defined(function (r) { var v = s.value(r); return v !== null && v !== undefined; })
        .x(function (r, i) { return x(i); }).y(function (r) { return y(s.value(r)); });
      svg.append("path").datum(runs).attr("class", "line").attr("stroke", colour).attr("d", line);
      runs.forEach(function (r, i) {
        var v = s.value(r);
        if (v === null || v === undefined) return;
        svg.append("circle").attr("cx", x(i)).attr("cy", y(v)).attr("r", i === runs.length - 1 ? 4 : 2.5).attr("fill", colour)
          .append("title").text(s.name + ": " + format(v) + "\n" + r.run_id + " (" + r.status + ")");
      });
    });
    if (series.length > 1) {
      box.appendChild(el("div", { "class": "key" }, series.map(function (s, k) {
        return el("span", {}, [el("i", { style: "background:" + (s.colour || PALETTE[k % PALETTE.length]) }), s.name]);
      })));
    }
  }

  function renderTrends() {
    var runs = data.trends;
    document.getElementById("trends-note").textContent = runs.length
      ? "The last " + runs.length + " run(s) of this project (report.trend_runs), oldest first; the big dot is the latest."
      : "No run history yet.";
    if (!runs.length) return;
    var seconds = function (v) { return d3.format(".3~s")(v) + "s"; };
    chart("Run duration", [{ name: "duration", value: function (r) { return r.duration; } }], seconds);
    var totals = {};
    runs.forEach(function (r) { Object.keys(r.steps).forEach(function (id) { totals[id] = Math.max(totals[id] || 0, r.steps[id]); }); });
    var longest = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a]; }).slice(0, 8);
    chart("Step duration (the " + longest.length + " longest)", longest.map(function (id) {
      return { name: id, value: function (r) { return r.steps[id] === undefined ? null : r.steps[id]; } };
    }), seconds);
    var integer = d3.format("~d");
    chart("Findings by severity", SEVERITIES.map(function (s) {
      return { name: s, colour: { error: "#cf222e", warning: "#bf8700", info: "#0969da" }[s], value: function (r) { return r.findings[s]; } };
    }), integer);
    chart("Tests", ["passed", "failed", "errors", "skipped"].map(function (k) {
      return { name: k, colour: { passed: "#1a7f37", failed: "#cf222e", errors: "#82071e", skipped: "#8c959f" }[k], value: function (r) { return r.tests ? r.tests[k] : null; } };
    }), integer);
    chart("AI cache hit rate", [{ name: "hit rate", value: function (r) { return r.hit_rate; } }], d3.format(".0%"));
  }

  renderHeader();
  renderLegend();
  renderDag();
  renderTimeline();
  renderSteps();
  setupFilters();
  renderFindings();
  renderAi();
  renderTrends();
  document.body.setAttribute("data-ready", "1");
})();
