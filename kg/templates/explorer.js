// The kg explorer: pyvis's vis-network page with search, details, filters, focus and deep links.
// Glossary text is scraped from the web, so it only ever enters the page as text (text nodes,
// textContent, attribute values), never as HTML.
"use strict";

// pyvis's page globals, kept so scripts written against pyvis pages work here too.
var network;
var nodes;
var edges;

// The build writes rows of values (see FIELDS in kg/exporters/html.py); the page works on objects.
function kgDecodeData(raw) {
  var sources = raw.sources;
  var entries = raw.entries.map(function (row) {
    return { source: row[0] === null ? null : sources[row[0]].key, line: row[1], text: row[2] };
  });
  var concepts = raw.concepts.map(function (row) {
    return {
      key: row[0], label: row[1], alt: row[2], acronyms: row[3],
      metric: (row[4] & 1) !== 0, provisional: (row[4] & 2) !== 0, reviewed: (row[4] & 4) !== 0,
      degree: row[5], x: row[6], y: row[7],
      definitions: row[8].map(function (index) { return entries[index]; }),
    };
  });
  var edges = raw.edges.map(function (row, index) {
    var quoted = row[6] === null ? null : entries[row[6]];
    var method = raw.methods[row[4]];
    return {
      id: index, kind: raw.edgeKinds[row[0]].kind, source: concepts[row[1]].key, target: concepts[row[2]].key,
      confidence: row[3], method: method, curated: method === raw.curatedMethod, quote: row[5],
      quoteSource: quoted ? quoted.source : null, quoteLine: quoted ? quoted.line : null,
    };
  });
  return {
    scheme: raw.scheme, sources: sources, edgeKinds: raw.edgeKinds, concepts: concepts, edges: edges,
    overview: raw.overview === null ? null : raw.overview.map(function (index) { return concepts[index].key; }),
  };
}

var kgExplorer = (function () {
  // Marks for measuring time to interactive (performance.getEntriesByType("mark")).
  performance.mark("kg-start");
  var DATA = kgDecodeData(JSON.parse(document.getElementById("kg-data").textContent));
  performance.mark("kg-data-decoded");
  var container = document.getElementById("mynetwork");
  var conceptByKey = new Map();
  var outgoing = new Map();
  var incoming = new Map();
  DATA.concepts.forEach(function (concept) {
    conceptByKey.set(concept.key, concept);
    outgoing.set(concept.key, []);
    incoming.set(concept.key, []);
  });
  DATA.edges.forEach(function (edge) {
    outgoing.get(edge.source).push(edge);
    incoming.get(edge.target).push(edge);
  });
  var kindStyle = new Map(DATA.edgeKinds.map(function (kind) { return [kind.kind, kind]; }));
  var sourceByKey = new Map(DATA.sources.map(function (source) { return [source.key, source]; }));
  var largeGraph = Array.isArray(DATA.overview);
  // Grown on demand in large-graph mode; capped so one click cannot pull in half the graph.
  var MAX_NEIGHBOURHOOD = 1500;

  var NODE_STYLES = {
    concept: { background: "#cde6f7", border: "#2b7bb9", label: "Concept" },
    metric: { background: "#fbd98a", border: "#a86f00", label: "Metric" },
    provisional: { background: "#eceff2", border: "#6f7a86", label: "Provisional (needs review)" },
    provisionalMetric: { background: "#fdebc4", border: "#a86f00", label: "Provisional metric" },
  };

  var state = {
    kinds: new Set(DATA.edgeKinds.map(function (kind) { return kind.kind; })),
    sources: new Set(DATA.sources.map(function (source) { return source.key; })),
    minConfidence: 0,
    focus: false,
    depth: 1,
    selected: null,
    shownNodes: new Set(), // concepts in the `nodes` DataSet: all, except in large-graph mode
    shownEdges: new Set(),
    hiddenNodes: new Set(),
    hiddenEdges: new Set(),
    dimmedNodes: new Set(),
    dimmedEdges: new Set(),
    readyAt: null,
  };

  // ---- building DOM from data, as text only ----

  function el(tag, attributes) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "class") element.className = value;
      else if (name === "style") Object.assign(element.style, value);
      else element.setAttribute(name, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(element, arguments[i]);
    return element;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (item) { append(parent, item); });
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }

  function clear(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function conceptLink(key, text) {
    var concept = conceptByKey.get(key);
    return el("a", { href: "#" + encodeURIComponent(key), class: "concept-link", "data-key": key },
      text === undefined ? (concept ? concept.label : key) : text);
  }

  function sourceCitation(sourceKey, line) {
    var source = sourceByKey.get(sourceKey);
    var title = source ? source.title || source.key : sourceKey || "unknown source";
    var url = source ? safeUrl(source.url) : null;
    var name = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, title) : title;
    var publisher = source && source.publisher ? " (" + source.publisher + ")" : "";
    return el("span", { class: "cite" }, "— ", name, publisher, line ? ", line " + line : "");
  }

  function formatNumber(value) {
    return Number(value).toLocaleString("en");
  }

  // ---- the graph ----

  function conceptKind(concept) {
    if (concept.provisional) return concept.metric ? "provisionalMetric" : "provisional";
    return concept.metric ? "metric" : "concept";
  }

  // Outside the selection's neighbourhood, concepts and links fade so its own stand out.
  function nodeColour(concept, dimmed) {
    var style = NODE_STYLES[conceptKind(concept)];
    // see-through when faded, so the selection's links show under the crowd
    var background = dimmed ? "rgba(236, 239, 242, 0.35)" : style.background;
    var border = dimmed ? "rgba(190, 198, 206, 0.5)" : style.border;
    return {
      color: {
        background: background, border: border,
        highlight: { background: "#ffe680", border: "#1d2430" },
        hover: { background: background, border: "#1d2430" },
      },
      // in a big graph faded labels would still blur into a grey texture: drop them there; and
      // no white halo on faded labels, or it would cover the selection's links
      font: {
        color: dimmed ? (DATA.concepts.length > 1500 ? "rgba(0, 0, 0, 0)" : "rgba(80, 90, 100, 0.22)") : "#1d2430",
        strokeWidth: dimmed ? 0 : 4,
      },
    };
  }

  function nodeItem(concept) {
    var weight = Math.sqrt(concept.degree);
    var look = nodeColour(concept, false);
    return {
      id: concept.key,
      label: concept.label,
      x: concept.x,
      y: concept.y,
      size: Math.min(36, 7 + 3 * weight),
      // hubs get larger labels, so theirs are the ones still drawn when zoomed out
      font: { size: Math.min(32, 12 + 2.5 * weight), color: look.font.color, strokeWidth: look.font.strokeWidth },
      color: look.color,
      shapeProperties: { borderDashes: concept.provisional ? [3, 3] : false },
      kind: conceptKind(concept),
      title: hoverText(concept),
    };
  }

  // vis-network 9 shows a string title as plain text, never as HTML; hover is off in big graphs.
  function hoverText(concept) {
    if (DATA.concepts.length > 1500) return undefined;
    var first = concept.definitions.length ? concept.definitions[0].text : "";
    if (first.length > 200) first = first.slice(0, 199) + "…";
    return concept.label + (first ? "\n" + first : "");
  }

  function edgeColour(edge, dimmed) {
    var colour = kindStyle.get(edge.kind).colour;
    var faded = DATA.concepts.length > 1500 ? 0.05 : 0.12;
    return { color: colour, highlight: colour, hover: colour, opacity: dimmed ? faded : 0.75 };
  }

  // Only what differs from the network's edge defaults: per-edge option objects double the
  // time vis-network takes to build a few thousand edges.
  function edgeItem(edge) {
    var style = kindStyle.get(edge.kind);
    var item = { id: edge.id, from: edge.source, to: edge.target, kind: edge.kind, color: style.colour,
      width: edge.curated ? 3 : 0.6 + 1.4 * edge.confidence };
    if (style.dashes) item.dashes = [6, 5];
    if (!style.arrows) item.arrows = { to: { enabled: false } };
    return item;
  }

  function materialise(keys) {
    var newNodes = [];
    var newEdges = [];
    keys.forEach(function (key) {
      if (state.shownNodes.has(key) || !conceptByKey.has(key)) return;
      state.shownNodes.add(key);
      newNodes.push(nodeItem(conceptByKey.get(key)));
    });
    newNodes.forEach(function (item) {
      outgoing.get(item.id).concat(incoming.get(item.id)).forEach(function (edge) {
        if (state.shownEdges.has(edge.id)) return;
        if (!state.shownNodes.has(edge.source) || !state.shownNodes.has(edge.target)) return;
        state.shownEdges.add(edge.id);
        newEdges.push(edgeItem(edge));
      });
    });
    if (newNodes.length) nodes.add(newNodes);
    if (newEdges.length) edges.add(newEdges);
  }

  function edgePasses(edge) {
    return state.kinds.has(edge.kind) && edge.confidence >= state.minConfidence - 1e-9;
  }

  function sourcePasses(concept) {
    if (state.sources.size === DATA.sources.length || !concept.definitions.length) return true;
    return concept.definitions.some(function (definition) {
      return definition.source === null || state.sources.has(definition.source);
    });
  }

  // Concepts within `depth` links of `start`, over the links the filters let through.
  function neighbourhood(start, depth) {
    var found = new Set([start]);
    var frontier = [start];
    for (var level = 0; level < depth && frontier.length && found.size < MAX_NEIGHBOURHOOD; level++) {
      var next = [];
      frontier.forEach(function (key) {
        outgoing.get(key).concat(incoming.get(key)).forEach(function (edge) {
          if (!edgePasses(edge)) return;
          var other = edge.source === key ? edge.target : edge.source;
          if (found.has(other) || found.size >= MAX_NEIGHBOURHOOD) return;
          if (!sourcePasses(conceptByKey.get(other))) return;
          found.add(other);
          next.push(other);
        });
      });
      frontier = next;
    }
    return found;
  }

  // Recompute which nodes and edges show, and which fade; send vis only what changes.
  function applyView() {
    var focusSet = null;
    var highlight = null;
    if (state.focus && state.selected) {
      focusSet = neighbourhood(state.selected, state.depth);
      if (largeGraph) materialise(focusSet);
    } else if (state.selected) {
      highlight = neighbourhood(state.selected, 1);
    }
    var nodeChanges = [];
    state.shownNodes.forEach(function (key) {
      var concept = conceptByKey.get(key);
      var visible = key === state.selected || (sourcePasses(concept) && (!focusSet || focusSet.has(key)));
      var dimmed = highlight !== null && !highlight.has(key);
      var change = { id: key };
      if (visible === state.hiddenNodes.has(key)) {
        if (visible) state.hiddenNodes.delete(key); else state.hiddenNodes.add(key);
        change.hidden = !visible;
      }
      if (dimmed !== state.dimmedNodes.has(key)) {
        if (dimmed) state.dimmedNodes.add(key); else state.dimmedNodes.delete(key);
        Object.assign(change, nodeColour(concept, dimmed));
      }
      if (Object.keys(change).length > 1) nodeChanges.push(change);
    });
    var edgeChanges = [];
    state.shownEdges.forEach(function (id) {
      var edge = DATA.edges[id];
      var visible = edgePasses(edge) && !state.hiddenNodes.has(edge.source) && !state.hiddenNodes.has(edge.target);
      var dimmed = highlight !== null && edge.source !== state.selected && edge.target !== state.selected;
      var change = { id: id };
      if (visible === state.hiddenEdges.has(id)) {
        if (visible) state.hiddenEdges.delete(id); else state.hiddenEdges.add(id);
        change.hidden = !visible;
      }
      if (dimmed !== state.dimmedEdges.has(id)) {
        if (dimmed) state.dimmedEdges.add(id); else state.dimmedEdges.delete(id);
        change.color = edgeColour(edge, dimmed);
      }
      if (Object.keys(change).length > 1) edgeChanges.push(change);
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    updateStats();
    return focusSet;
  }

  function drawGraph() {
    nodes = new vis.DataSet([]);
    edges = new vis.DataSet([]);
    materialise(largeGraph ? DATA.overview : DATA.concepts.map(function (concept) { return concept.key; }));
    performance.mark("kg-items-built");
    var many = DATA.concepts.length > 1500 || largeGraph;
    var options = {
      autoResize: true,
      physics: { enabled: false }, // positions come from the build (kg.graph.layout)
      layout: { improvedLayout: false },
      nodes: {
        shape: "dot",
        borderWidth: 1.5,
        borderWidthSelected: 3,
        font: { face: "system-ui, sans-serif", color: "#1d2430", strokeWidth: 4, strokeColor: "#ffffff" },
        scaling: { label: { drawThreshold: 7, maxVisible: 24 } },
      },
      edges: {
        smooth: false, selectionWidth: 1.5, hoverWidth: 0.5,
        arrows: { to: { enabled: true, scaleFactor: 0.45 } },
        color: { inherit: false, opacity: 0.75 },
      },
      interaction: {
        hover: !many, hideEdgesOnDrag: many, hideEdgesOnZoom: many, tooltipDelay: 300,
        keyboard: false, multiselect: false, zoomSpeed: 0.8,
      },
    };
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    performance.mark("kg-network-created");
    network.on("click", function (params) {
      if (params.nodes.length) select(params.nodes[0], { keepView: true });
      else if (!params.edges.length && state.selected) deselect(); // a click on the background
    });
    network.once("afterDrawing", function () {
      state.readyAt = performance.now();
      performance.mark("kg-first-drawing");
      document.documentElement.setAttribute("data-ready", "true");
      var key = keyFromHash();
      if (key) select(key, { fromHash: true, animate: false });
    });
    return network;
  }

  // ---- selection, details and deep links ----

  function keyFromHash() {
    try {
      return decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return "";
    }
  }

  function select(key, options) {
    options = options || {};
    var concept = conceptByKey.get(key);
    if (!concept) return false;
    state.selected = key;
    if (!state.shownNodes.has(key)) {
      materialise(neighbourhood(key, 1));
    }
    var focusSet = applyView();
    network.selectNodes([key]);
    var animation = options.animate === false ? false : { duration: 350, easingFunction: "easeInOutQuad" };
    if (focusSet && focusSet.size > 1) {
      network.fit({ nodes: Array.from(focusSet), maxZoomLevel: 1.5, animation: animation });
    } else if (!options.keepView) {
      showAround(key, animation);
    }
    renderDetails(concept);
    if (!options.fromHash && keyFromHash() !== key) {
      window.location.hash = encodeURIComponent(key); // a history entry: the back button returns
    }
    return true;
  }

  // The concept with its direct neighbours if they fit at a readable zoom; else the concept
  // itself, readable, with its links leading off screen (the details panel lists them all).
  function showAround(key, animation) {
    var around = Array.from(neighbourhood(key, 1)).filter(function (other) { return state.shownNodes.has(other); });
    var positions = network.getPositions(around);
    var xs = around.map(function (other) { return positions[other].x; });
    var ys = around.map(function (other) { return positions[other].y; });
    var width = Math.max.apply(null, xs) - Math.min.apply(null, xs) + 160;
    var height = Math.max.apply(null, ys) - Math.min.apply(null, ys) + 120;
    var readable = Math.min(container.clientWidth / width, container.clientHeight / height) >= 0.7;
    if (around.length > 1 && readable) {
      network.fit({ nodes: around, maxZoomLevel: 1.3, animation: animation });
    } else {
      network.focus(key, { scale: 1.0, animation: animation });
    }
  }

  function deselect(options) {
    options = options || {};
    state.selected = null;
    network.unselectAll();
    applyView();
    document.getElementById("details-body").hidden = true;
    document.getElementById("details-empty").hidden = false;
    if (!options.fromHash && keyFromHash()) window.location.hash = "";
  }

  function relationItem(edge, otherKey) {
    var style = kindStyle.get(edge.kind);
    var meta = edge.curated
      ? el("span", { class: "meta" }, el("span", { class: "badge curated" }, "curated"))
      : el("span", { class: "meta" }, "confidence " + edge.confidence.toFixed(2) + " · rule " + edge.method);
    var quote = edge.quote
      ? el("blockquote", {}, "“" + edge.quote + "”",
        edge.quoteSource ? el("span", { class: "cite" }, " ", sourceCitation(edge.quoteSource, edge.quoteLine)) : null)
      : null;
    return el("li", { class: "relation", "data-kind": edge.kind },
      el("span", { class: "kind-mark" + (style.dashes ? " dashed" : ""), style: { borderColor: style.colour } }),
      conceptLink(otherKey), meta, quote);
  }

  function relationGroups(concept) {
    var groups = [];
    DATA.edgeKinds.forEach(function (kind) {
      var out = outgoing.get(concept.key).filter(function (edge) { return edge.kind === kind.kind; });
      var inc = incoming.get(concept.key).filter(function (edge) { return edge.kind === kind.kind; });
      var byLabel = function (a, b) { return a[1].localeCompare(b[1]); };
      var pairs = function (list, end) {
        return list.map(function (edge) {
          var other = edge[end];
          return [edge, (conceptByKey.get(other) || { label: other }).label, other];
        }).sort(byLabel);
      };
      if (kind.label === kind.inverse) {
        groups.push([kind.label, pairs(out, "target").concat(pairs(inc, "source")).sort(byLabel)]);
      } else {
        groups.push([kind.label, pairs(out, "target")]);
        groups.push([kind.inverse, pairs(inc, "source")]);
      }
    });
    return groups.filter(function (group) { return group[1].length; });
  }

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function renderDetails(concept) {
    var body = document.getElementById("details-body");
    clear(body);
    var badges = el("div", { class: "badges" },
      el("span", { class: "badge" + (concept.metric ? " metric" : "") }, concept.metric ? "metric" : "concept"),
      concept.provisional ? el("span", { class: "badge provisional" }, "provisional — label needs review") : null,
      concept.reviewed ? el("span", { class: "badge reviewed" }, "reviewed") : null,
      el("span", { class: "badge" }, concept.degree + (concept.degree === 1 ? " link" : " links")));
    var iri = DATA.scheme.iri + concept.key;
    var iriInput = el("input", { type: "text", readonly: true, value: iri, "aria-label": "Concept IRI" });
    var copy = el("button", { type: "button" }, "Copy");
    copy.addEventListener("click", function () {
      iriInput.select();
      if (navigator.clipboard) navigator.clipboard.writeText(iri).catch(function () {});
    });
    append(body, [el("h2", { id: "details-title" }, concept.label), badges, el("div", { class: "iri" }, iriInput, copy)]);

    var altLabels = concept.alt.map(function (label) {
      var isAcronym = concept.acronyms.indexOf(label) >= 0;
      return el("li", {}, label, isAcronym ? el("span", { class: "muted" }, " (acronym)") : null);
    });
    if (altLabels.length) append(body, [el("h3", {}, "Also called"), el("ul", { class: "alt-labels" }, altLabels)]);

    append(body, el("h3", {}, concept.definitions.length === 1 ? "Definition" : "Definitions (" + concept.definitions.length + ")"));
    append(body, el("ul", { class: "definitions" }, concept.definitions.map(function (definition) {
      return el("li", { class: "definition" }, el("p", {}, definition.text),
        sourceCitation(definition.source, definition.line));
    })));

    relationGroups(concept).forEach(function (group) {
      append(body, [el("h3", {}, capitalise(group[0]) + " (" + group[1].length + ")"),
        el("ul", { class: "relations" }, group[1].map(function (item) { return relationItem(item[0], item[2]); }))]);
    });
    body.hidden = false;
    document.getElementById("details-empty").hidden = true;
    document.getElementById("details").scrollTop = 0;
  }

  // ---- search ----

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var searchIndex = [];
  DATA.concepts.forEach(function (concept) {
    var seen = new Set();
    function add(text, kind) {
      var folded = fold(text);
      if (seen.has(folded)) return;
      seen.add(folded);
      searchIndex.push({ text: text, folded: folded, key: concept.key, kind: kind });
    }
    add(concept.label, "pref");
    concept.acronyms.forEach(function (label) { add(label, "acronym"); });
    concept.alt.forEach(function (label) { add(label, "alt"); });
  });

  function search(query, limit) {
    var wanted = fold(query.trim());
    if (!wanted) return [];
    var ranked = [];
    searchIndex.forEach(function (item) {
      var at = item.folded.indexOf(wanted);
      if (at < 0) return;
      var rank = item.folded === wanted ? 0 : at === 0 ? 1 : /[\s\-\/(]/.test(item.folded.charAt(at - 1)) ? 2 : 3;
      ranked.push([rank, item.kind === "pref" ? 0 : 1, item.text.length, item.text, item]);
    });
    ranked.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0);
    });
    var results = [];
    var seenKeys = new Set();
    for (var i = 0; i < ranked.length && results.length < limit; i++) {
      var item = ranked[i][4];
      if (seenKeys.has(item.key)) continue;
      seenKeys.add(item.key);
      results.push(item);
    }
    return results;
  }

  var searchInput = document.getElementById("search");
  var resultList = document.getElementById("search-results");
  var results = [];
  var activeResult = -1;

  function showResults() {
    results = search(searchInput.value, 12);
    activeResult = results.length ? 0 : -1;
    clear(resultList);
    results.forEach(function (item, index) {
      var concept = conceptByKey.get(item.key);
      var hint = item.kind === "pref"
        ? [concept.metric ? "metric" : "", concept.provisional ? "provisional" : ""].filter(Boolean).join(", ")
        : "→ " + concept.label;
      var option = el("li", { role: "option", id: "search-option-" + index, "data-key": item.key },
        el("span", {}, item.text), hint ? el("span", { class: "hint" }, hint) : null);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the input focused until the choice is made
        choose(index);
      });
      resultList.appendChild(option);
    });
    if (!results.length && searchInput.value.trim()) {
      resultList.appendChild(el("li", { class: "none" }, "No concept matches “" + searchInput.value.trim() + "”"));
    }
    resultList.hidden = !searchInput.value.trim();
    searchInput.setAttribute("aria-expanded", String(!resultList.hidden));
    markActive();
  }

  function markActive() {
    Array.prototype.forEach.call(resultList.querySelectorAll("[role=option]"), function (option, index) {
      option.setAttribute("aria-selected", String(index === activeResult));
      if (index === activeResult) option.scrollIntoView({ block: "nearest" });
    });
    if (activeResult >= 0) searchInput.setAttribute("aria-activedescendant", "search-option-" + activeResult);
    else searchInput.removeAttribute("aria-activedescendant");
  }

  function closeResults() {
    resultList.hidden = true;
    searchInput.setAttribute("aria-expanded", "false");
  }

  function choose(index) {
    var item = results[index];
    if (!item) return;
    searchInput.value = conceptByKey.get(item.key).label;
    closeResults();
    select(item.key);
  }

  searchInput.addEventListener("input", showResults);
  searchInput.addEventListener("focus", function () { if (searchInput.value.trim()) showResults(); });
  searchInput.addEventListener("blur", closeResults);
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (resultList.hidden) showResults();
      if (results.length) {
        var step = event.key === "ArrowDown" ? 1 : -1;
        activeResult = (activeResult + step + results.length) % results.length;
        markActive();
      }
      event.preventDefault();
    } else if (event.key === "Enter") {
      if (resultList.hidden || !results.length) showResults();
      choose(activeResult >= 0 ? activeResult : 0);
      event.preventDefault();
    } else if (event.key === "Escape") {
      if (!resultList.hidden) closeResults();
      else if (searchInput.value) searchInput.value = "";
      else searchInput.blur();
      event.preventDefault();
      event.stopPropagation();
    }
  });

  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if (event.key === "/" && !typing) {
      event.preventDefault();
      searchInput.focus();
      searchInput.select();
    } else if (event.key === "Escape" && !typing) {
      if (state.selected) deselect();
    }
  });

  window.addEventListener("hashchange", function () {
    var key = keyFromHash();
    if (!key) {
      if (state.selected) deselect({ fromHash: true });
    } else if (key !== state.selected) {
      select(key, { fromHash: true });
    }
  });

  // Concept links anywhere (details, tree, A–Z) move the graph through the hash, so each is a
  // history entry; a plain href also keeps them usable as links (open in new tab, copy).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.concept-link") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var key = link.getAttribute("data-key");
    if (key === state.selected) {
      event.preventDefault();
      select(key, { fromHash: true });
    }
  });

  // ---- filters, legend and toolbar ----

  function buildFilters() {
    var kindList = document.getElementById("edge-kinds");
    DATA.edgeKinds.forEach(function (kind) {
      var box = el("input", { type: "checkbox", checked: true, "data-kind": kind.kind, "aria-label": kind.label + " links" });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) state.kinds.add(kind.kind); else state.kinds.delete(kind.kind);
        applyView();
      });
      kindList.appendChild(el("li", {}, el("label", {}, box,
        el("span", { class: "swatch-line" + (kind.dashes ? " dashed" : ""), style: { borderColor: kind.colour } }),
        el("span", { class: "name" }, kind.label + (kind.arrows && kind.label !== kind.inverse ? " →" : "")),
        el("span", { class: "count" }, formatNumber(kind.count)))));
    });

    var kindCounts = {};
    DATA.concepts.forEach(function (concept) {
      var kind = conceptKind(concept);
      kindCounts[kind] = (kindCounts[kind] || 0) + 1;
    });
    var conceptKinds = document.getElementById("concept-kinds");
    Object.keys(NODE_STYLES).forEach(function (kind) {
      var style = NODE_STYLES[kind];
      conceptKinds.appendChild(el("li", { class: "check" },
        el("span", { class: "swatch-dot" + (kind.indexOf("provisional") === 0 ? " dashed" : ""),
          style: { background: style.background, borderColor: style.border } }),
        el("span", { class: "name" }, style.label),
        el("span", { class: "count" }, formatNumber(kindCounts[kind] || 0))));
    });
    conceptKinds.appendChild(el("li", { class: "muted" }, "Size grows with the number of links."));

    var sourceCounts = {};
    DATA.concepts.forEach(function (concept) {
      new Set(concept.definitions.map(function (d) { return d.source; })).forEach(function (key) {
        sourceCounts[key] = (sourceCounts[key] || 0) + 1;
      });
    });
    var sourceList = document.getElementById("sources");
    DATA.sources.forEach(function (source) {
      var box = el("input", { type: "checkbox", checked: true, "data-source": source.key });
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) state.sources.add(source.key); else state.sources.delete(source.key);
        applyView();
      });
      sourceList.appendChild(el("li", {}, el("label", { title: source.path }, box,
        el("span", { class: "name" }, source.title || source.key, source.publisher ? " · " + source.publisher : ""),
        el("span", { class: "count" }, formatNumber(sourceCounts[source.key] || 0)))));
    });

    var confidence = document.getElementById("min-confidence");
    confidence.addEventListener("input", function () {
      state.minConfidence = Number(confidence.value);
      document.getElementById("min-confidence-value").textContent = state.minConfidence.toFixed(2);
      applyView();
    });
    var focus = document.getElementById("focus");
    focus.addEventListener("change", function () {
      state.focus = focus.checked;
      var focusSet = applyView();
      if (focusSet && focusSet.size > 1) network.fit({ nodes: Array.from(focusSet), animation: true });
    });
    var depth = document.getElementById("depth");
    depth.addEventListener("input", function () {
      state.depth = Number(depth.value);
      document.getElementById("depth-value").textContent = String(state.depth);
      var focusSet = applyView();
      if (focusSet && focusSet.size > 1) network.fit({ nodes: Array.from(focusSet), animation: true });
    });

    document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: true }); });
    document.getElementById("reset").addEventListener("click", reset);
    document.getElementById("export-png").addEventListener("click", exportPng);
  }

  function reset() {
    state.kinds = new Set(DATA.edgeKinds.map(function (kind) { return kind.kind; }));
    state.sources = new Set(DATA.sources.map(function (source) { return source.key; }));
    state.minConfidence = 0;
    state.focus = false;
    document.querySelectorAll("#edge-kinds input, #sources input").forEach(function (box) { box.checked = true; });
    document.getElementById("min-confidence").value = "0";
    document.getElementById("min-confidence-value").textContent = "0.00";
    document.getElementById("focus").checked = false;
    if (state.selected) deselect(); else applyView();
    if (largeGraph) shrinkToOverview();
    network.fit({ animation: true });
  }

  // Large-graph mode: drop what searches and links brought in, back to the opening overview.
  function shrinkToOverview() {
    var keep = new Set(DATA.overview);
    var dropNodes = Array.from(state.shownNodes).filter(function (key) { return !keep.has(key); });
    var dropEdges = Array.from(state.shownEdges).filter(function (id) {
      var edge = DATA.edges[id];
      return !keep.has(edge.source) || !keep.has(edge.target);
    });
    dropNodes.forEach(function (key) {
      state.shownNodes.delete(key); state.hiddenNodes.delete(key); state.dimmedNodes.delete(key);
    });
    dropEdges.forEach(function (id) {
      state.shownEdges.delete(id); state.hiddenEdges.delete(id); state.dimmedEdges.delete(id);
    });
    edges.remove(dropEdges);
    nodes.remove(dropNodes);
    updateStats();
  }

  function updateStats() {
    var visibleNodes = state.shownNodes.size - state.hiddenNodes.size;
    var visibleEdges = state.shownEdges.size - state.hiddenEdges.size;
    document.getElementById("stats").textContent =
      "Showing " + formatNumber(visibleNodes) + " of " + formatNumber(DATA.concepts.length) + " concepts and " +
      formatNumber(visibleEdges) + " of " + formatNumber(DATA.edges.length) + " links, from " +
      formatNumber(DATA.sources.length) + (DATA.sources.length === 1 ? " source." : " sources.");
  }

  function exportPng() {
    var canvas = container.querySelector("canvas");
    var image = document.createElement("canvas");
    image.width = canvas.width;
    image.height = canvas.height;
    var context = image.getContext("2d");
    context.fillStyle = "#ffffff"; // vis draws on a transparent canvas
    context.fillRect(0, 0, image.width, image.height);
    context.drawImage(canvas, 0, 0);
    var link = el("a", { href: image.toDataURL("image/png"),
      download: DATA.scheme.name + (state.selected ? "-" + state.selected : "") + ".png" });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // ---- hierarchy tree and A–Z list: plain HTML, built when first opened ----

  function narrowerOf(key) {
    return incoming.get(key).filter(function (edge) { return edge.kind === "broader"; })
      .map(function (edge) { return edge.source; })
      .sort(function (a, b) { return conceptByKey.get(a).label.localeCompare(conceptByKey.get(b).label); });
  }

  function treeItem(key, path) {
    var children = narrowerOf(key).filter(function (child) { return path.indexOf(child) < 0; });
    if (!children.length) return el("li", {}, el("span", { class: "leaf" }, conceptLink(key)));
    var list = el("ul", {});
    var details = el("details", {}, el("summary", {}, conceptLink(key), " ",
      el("span", { class: "count" }, "(" + children.length + ")")), list);
    details.addEventListener("toggle", function () {
      if (details.open && !list.firstChild) {
        append(list, children.map(function (child) { return treeItem(child, path.concat([child])); }));
      }
    });
    return el("li", {}, details);
  }

  function buildTree() {
    var roots = DATA.concepts.filter(function (concept) {
      var hasBroader = outgoing.get(concept.key).some(function (edge) { return edge.kind === "broader"; });
      var hasNarrower = incoming.get(concept.key).some(function (edge) { return edge.kind === "broader"; });
      return hasNarrower && !hasBroader;
    }).sort(function (a, b) { return a.label.localeCompare(b.label); });
    var inHierarchy = DATA.edges.filter(function (edge) { return edge.kind === "broader"; }).length;
    document.getElementById("tree-note").textContent = roots.length
      ? formatNumber(roots.length) + " top concepts; open one to see its narrower concepts. Concepts without broader or narrower links are in the A–Z list."
      : "No broader or narrower links in this graph: every concept is in the A–Z list.";
    if (!inHierarchy) return;
    append(document.getElementById("tree"), roots.map(function (concept) { return treeItem(concept.key, [concept.key]); }));
  }

  function letterOf(text) {
    var letter = fold(text).charAt(0).toUpperCase();
    return /[A-Z]/.test(letter) ? letter : "#";
  }

  function buildAZ() {
    var entries = [];
    DATA.concepts.forEach(function (concept) {
      entries.push({ text: concept.label, key: concept.key, see: null });
      concept.alt.forEach(function (label) { entries.push({ text: label, key: concept.key, see: concept.label }); });
    });
    entries.sort(function (a, b) { return fold(a.text).localeCompare(fold(b.text)) || a.key.localeCompare(b.key); });
    var byLetter = new Map();
    entries.forEach(function (entry) {
      var letter = letterOf(entry.text);
      if (!byLetter.has(letter)) byLetter.set(letter, []);
      byLetter.get(letter).push(entry);
    });
    var letters = document.getElementById("az-letters");
    var list = document.getElementById("az-list");
    var all = entries.length <= 5000; // a longer list is shown one letter at a time
    function item(entry) {
      return el("li", {}, conceptLink(entry.key, entry.text),
        entry.see ? el("span", { class: "see" }, " → " + entry.see) : null);
    }
    function show(letter) {
      Array.prototype.forEach.call(letters.children, function (button) {
        button.setAttribute("aria-pressed", String(button.textContent === letter));
      });
      if (all) {
        var heading = document.getElementById("az-" + letter);
        if (heading) heading.scrollIntoView({ block: "start" });
        return;
      }
      clear(list);
      append(list, byLetter.get(letter).map(item));
    }
    byLetter.forEach(function (group, letter) {
      var button = el("button", { type: "button", "aria-pressed": "false" }, letter);
      button.addEventListener("click", function () { show(letter); });
      letters.appendChild(button);
    });
    if (all) {
      byLetter.forEach(function (group, letter) {
        list.appendChild(el("li", { class: "letter", id: "az-" + letter }, letter));
        append(list, group.map(item));
      });
    } else if (byLetter.size) {
      show(byLetter.keys().next().value);
    }
  }

  function buildTabs() {
    var built = {};
    var builders = { "panel-tree": buildTree, "panel-az": buildAZ };
    var tabs = document.querySelectorAll("[role=tab]");
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () {
        tabs.forEach(function (other) {
          var selected = other === tab;
          other.setAttribute("aria-selected", String(selected));
          document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
        });
        var panel = tab.getAttribute("aria-controls");
        if (builders[panel] && !built[panel]) {
          built[panel] = true;
          builders[panel]();
        }
      });
    });
  }

  function buildNotice() {
    if (!largeGraph) return;
    var notice = document.getElementById("notice");
    notice.textContent = "Large graph: showing the " + formatNumber(DATA.overview.length) + " most connected of " +
      formatNumber(DATA.concepts.length) + " concepts. Search, or follow a link, to bring any concept in with its neighbours.";
    notice.hidden = false;
  }

  buildFilters();
  buildTabs();
  buildNotice();
  drawGraph();
  updateStats();

  return {
    data: DATA,
    state: state,
    select: select,
    deselect: deselect,
    search: search,
    selected: function () { return state.selected; },
    readyAt: function () { return state.readyAt; },
  };
})();
