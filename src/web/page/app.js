// wirelab graph page (plain browser script, no build step). Two cytoscape graphs of one lab
// snapshot: cabling (nodes, veth cables with their port names and the kernel's view of
// each end) and routing (routers grouped by AS, BGP sessions coloured by state, prefixes).
// Live: the server sends the snapshot, then diffs, as server-sent events. Static: an
// exported page carries its snapshot in the script element #wirelab-snapshot.
(() => {
  const $ = (id) => document.getElementById(id);
  const embedded = $("wirelab-snapshot");
  const STATIC = embedded !== null;
  const hash = new URLSearchParams(location.hash.slice(1));
  const token = hash.get("token") || "";

  const COLORS = {
    up: "#16a34a",
    down: "#dc2626",
    warn: "#d97706",
    unknown: "#94a3b8",
    router: ["#dbeafe", "#2563eb"],
    host: ["#dcfce7", "#16a34a"],
    bridge: ["#fef3c7", "#d97706"],
    container: ["#ede9fe", "#7c3aed"],
    other: ["#f1f5f9", "#475569"],
  };

  let snap = null;
  let version = -1;
  let view = hash.get("view") || (window.innerWidth >= 1400 ? "both" : "cabling");
  let detailsFor = null; // { type, id } of what the details drawer shows
  let detailsTimer = null;

  if (window.cytoscapeFcose) cytoscape.use(window.cytoscapeFcose);

  // ---- DOM helpers (text only: data never becomes markup) -------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k.startsWith("data-")) e.setAttribute(k, String(v));
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function table(head, rows) {
    return el(
      "table",
      {},
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c ?? ""))))),
    );
  }

  function badge(text, kind) {
    return el("span", { class: `badge ${kind || ""}` }, text);
  }

  // Node sizes from their labels (cytoscape's `width: label` is deprecated).
  const FONTS = {
    node: [12, "system-ui, sans-serif"],
    router: [12, "ui-monospace, monospace"],
    port: [11, "system-ui, sans-serif", "bold"],
  };
  const measure = document.createElement("canvas").getContext("2d");
  function box(label, font) {
    const [size, family, weight] = FONTS[font];
    measure.font = `${weight || ""} ${size}px ${family}`;
    const lines = String(label).split("\n");
    const w = Math.max(...lines.map((l) => measure.measureText(l).width));
    return { w: Math.ceil(w) + 24, h: Math.ceil(lines.length * size * 1.25) + 18 };
  }

  // ---- view models ---------------------------------------------------------------------
  // Roles, not kind names: a new kind needs no change here (src/kinds/ gives its role).
  const kindName = (n) => (n.kind && n.kind !== n.role ? `${n.role} (${n.kind})` : n.role);
  const nodeColors = (k) => COLORS[k] || COLORS.other;

  function cableColor(c) {
    if (c.state === "up") return c.impaired ? COLORS.warn : COLORS.up;
    return c.state === "unknown" ? COLORS.unknown : COLORS.down;
  }

  function endLabel(e) {
    return e.operstate === "UP" || e.operstate === "UNKNOWN" ? e.port : `${e.port} (${e.operstate})`;
  }

  /** The cable's tc conditions: once when both ends have the same (each direction), else per end. */
  function impairmentText(c) {
    const a = c.a.impairment;
    const b = c.b.impairment;
    if (a && a === b) return a;
    return [a ? `${c.a.node}→ ${a}` : "", b ? `${c.b.node}→ ${b}` : ""].filter(Boolean).join("; ");
  }

  function cableMidLabel(c) {
    const parts = [];
    if (c.state !== "up" && c.state !== "unknown") parts.push(c.state.toUpperCase());
    const imp = impairmentText(c);
    if (imp) parts.push(imp);
    const toBridge = [c.a, c.b].some((e) => snap.nodes[e.node]?.role === "bridge");
    const many = Object.keys(snap.cables).length > MANY_LABELS;
    if (!parts.length && c.subnet && !toBridge && !many) parts.push(c.subnet);
    return parts.join("\n");
  }

  function sessionName(x) {
    return `${x.type === "ibgp" ? "iBGP" : "eBGP"}${x.family === "ipv6" ? " IPv6" : ""} · ${x.state}`;
  }

  function sessionColor(s) {
    if (s.established) return COLORS.up;
    return s.state === "configured" ? COLORS.unknown : COLORS.down;
  }

  function cablingElements(s) {
    const els = [];
    for (const n of Object.values(s.nodes)) {
      const [fill, border] = nodeColors(n.role);
      // The role shows in the shape and colour; the label keeps the kind, so nodes stay narrow.
      const sub = [n.kind || n.role, n.asn !== undefined ? `AS ${n.asn}` : "", ...(n.subnets || [])]
        .filter(Boolean)
        .join(" · ");
      els.push({
        group: "nodes",
        data: {
          id: `n:${n.name}`,
          name: n.name,
          label: `${n.name}\n${sub}`,
          kind: n.kind,
          status: n.status,
          fill,
          border,
          role: n.role,
          ...(n.tier !== undefined ? { tier: n.tier } : {}),
          ...box(`${n.name}\n${sub}`, "node"),
        },
        classes: `node role-${n.role} status-${n.status.replace(/\s+/g, "-")}`,
      });
    }
    for (const c of Object.values(s.cables)) {
      // The cable is laid out long enough for both port labels and the middle label.
      const src = box(endLabel(c.a), "port").w;
      const tgt = box(endLabel(c.b), "port").w;
      const mid = box(cableMidLabel(c) || " ", "node").w;
      els.push({
        group: "edges",
        data: {
          id: `c:${c.id}`,
          cable: c.id,
          source: `n:${c.a.node}`,
          target: `n:${c.b.node}`,
          srcLabel: endLabel(c.a),
          tgtLabel: endLabel(c.b),
          len: Math.round(1.2 * (60 + src + tgt + mid)),
          mid: cableMidLabel(c),
          state: c.state,
          color: cableColor(c),
        },
        classes: `cable state-${c.state}${c.impaired ? " impaired" : ""}`,
      });
    }
    return els;
  }

  /** Above this many sessions or cables, their middle labels give way to colour and hover. */
  const MANY_LABELS = 40;

  /** Prefix lists longer than this are counted on the graph (the node's drawer lists them all). */
  const MAX_PREFIX_LINES = 4;

  /** A router's IGP in one or two lines: "OSPF area 0.0.0.0 · DR on eth2", "IS-IS L2 49.0001". */
  function igpLines(n) {
    const out = [];
    const o = n.igp?.ospf;
    if (o) {
      const dr = [
        ...new Set(
          o.interfaces
            .filter((i) => i.role === "DR" || i.role === "Backup")
            .map((i) => `${i.role === "DR" ? "DR" : "BDR"} ${i.port}`),
        ),
      ];
      out.push(
        `OSPF ${o.areas.length > 1 ? "areas" : "area"} ${o.areas.join(", ")}${o.areas.length > 1 ? " (ABR)" : ""}`,
      );
      if (dr.length) out.push(`  ${dr.join(", ")}`);
    }
    const i = n.igp?.isis;
    if (i)
      out.push(
        `IS-IS ${i.levels.map((l) => `L${l}`).join("+")}${i.nets.length ? ` ${i.nets.map((x) => `${x.split(".")[0]}.${x.split(".")[1]}`).join(", ")}` : ""}`,
      );
    for (const e of n.igp?.errors || []) out.push(`! ${e}`);
    return out;
  }

  function prefixLines(n) {
    const lines = [];
    if (n.announced.length + n.received.length > MAX_PREFIX_LINES) {
      lines.push(`▲ ${n.announced.length} announced · ▼ ${n.received.length} received`);
      return lines;
    }
    for (const p of n.announced) lines.push(`▲ ${p}`);
    for (const r of n.received) lines.push(`▼ ${r.prefix}${r.aspath ? ` [${r.aspath}]` : ""}`);
    return lines;
  }

  /**
   * IGP adjacencies as edges between routers: one per pair, protocol and port, OSPFv2 and v3
   * together; each router's halves toward the other are matched in port order (parallel
   * links pair up in order); green when every half is up.
   */
  function igpEdges(s) {
    const halves = new Map(); // "proto~from~to" → Map(port → halves)
    const add = (proto, from, to, port, detail, half) => {
      if (!s.nodes[to] || from === to) return;
      const key = `${proto}~${from}~${to}`;
      const byPort = halves.get(key) || new Map();
      const list = byPort.get(port) || { detail, halves: [] };
      list.halves.push(half);
      byPort.set(port, list);
      halves.set(key, byPort);
    };
    for (const n of Object.values(s.nodes)) {
      for (const nb of n.igp?.ospf?.neighbors || []) {
        const text = `${n.name} ${nb.port}: OSPFv${nb.version} ${nb.state}${nb.role ? `/${nb.role}` : ""}`;
        add("OSPF", n.name, nb.neighbor, nb.port, nb.area ? `area ${nb.area}` : "", { text, up: nb.up });
      }
      for (const a of n.igp?.isis?.adjacencies || []) {
        const text = `${n.name} ${a.port}: L${a.level} ${a.state}${a.circuitType ? ` circuit ${a.circuitType}` : ""}`;
        add("IS-IS", n.name, a.neighbor, a.port, `L${a.level}`, { text, up: a.up });
      }
    }
    const sorted = (m) =>
      [...(m || new Map()).entries()].sort(([x], [y]) => x.localeCompare(y, undefined, { numeric: true }));
    const out = [];
    for (const [key, byPort] of halves) {
      const [proto, from, to] = key.split("~");
      if (from > to && halves.has(`${proto}~${to}~${from}`)) continue; // drawn from the other side
      const back = sorted(halves.get(`${proto}~${to}~${from}`));
      sorted(byPort).forEach(([port, h], k) => {
        const other = back[k]?.[1];
        out.push({
          id: `${proto}~${from}:${port}~${to}`,
          proto,
          a: from,
          b: to,
          detail: h.detail,
          halves: [...h.halves, ...(other ? other.halves : [])],
        });
      });
    }
    return out;
  }

  function routingElements(s) {
    const els = [];
    const inSession = new Set(Object.values(s.sessions).flatMap((x) => [x.a, x.b]));
    const asns = new Set();
    for (const n of Object.values(s.nodes)) {
      if (n.asn === undefined && !inSession.has(n.name) && !n.igp) continue;
      if (n.asn !== undefined && !asns.has(n.asn)) {
        asns.add(n.asn);
        els.push({ group: "nodes", data: { id: `as:${n.asn}`, asn: n.asn, label: `AS ${n.asn}` }, classes: "as" });
      }
      const lines = [n.name, ...igpLines(n), ...prefixLines(n)];
      const [fill, border] = nodeColors(n.role);
      els.push({
        group: "nodes",
        data: {
          id: `r:${n.name}`,
          name: n.name,
          ...(n.asn !== undefined ? { parent: `as:${n.asn}` } : {}),
          label: lines.join("\n"),
          ...box(lines.join("\n"), "router"),
          fill,
          border,
          status: n.status,
          ...(n.tier !== undefined ? { tier: n.tier } : {}),
        },
        classes: `router status-${n.status.replace(/\s+/g, "-")}`,
      });
    }
    for (const e of igpEdges(s)) {
      if (!els.some((x) => x.data.id === `r:${e.b}`)) continue;
      const up = e.halves.every((h) => h.up);
      els.push({
        group: "edges",
        data: {
          id: `i:${e.id}`,
          igp: e.id,
          source: `r:${e.a}`,
          target: `r:${e.b}`,
          label: `${e.proto} ${e.detail}`.trim(),
          halves: e.halves,
          proto: e.proto,
          color: up ? COLORS.up : COLORS.down,
        },
        classes: `igp ${e.proto === "OSPF" ? "ospf" : "isis"} ${up ? "established" : "not-established"}`,
      });
    }
    for (const x of Object.values(s.sessions)) {
      if (x.b === undefined && !els.some((e) => e.data.id === `x:${x.addressB}`)) {
        els.push({
          group: "nodes",
          data: { id: `x:${x.addressB}`, label: x.addressB, ...box(x.addressB, "node") },
          classes: "external",
        });
      }
    }
    for (const x of Object.values(s.sessions)) {
      els.push({
        group: "edges",
        data: {
          id: `s:${x.id}`,
          session: x.id,
          source: `r:${x.a}`,
          target: x.b !== undefined ? `r:${x.b}` : `x:${x.addressB}`,
          // Hundreds of "eBGP · Established" hide the drawing: colour says it, hover tells.
          label: Object.keys(s.sessions).length <= MANY_LABELS ? sessionName(x) : "",
          state: x.state,
          established: x.established,
          color: sessionColor(x),
        },
        classes: `session ${x.established ? "established" : "not-established"}`,
      });
    }
    return els;
  }

  // ---- cytoscape -------------------------------------------------------------------------
  const baseStyle = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "text-wrap": "wrap",
        "text-valign": "center",
        "text-halign": "center",
        "font-size": 12,
        "font-family": "system-ui, sans-serif",
        shape: "round-rectangle",

        "background-color": "data(fill)",
        "border-color": "data(border)",
        "border-width": 2,
        color: "#0f172a",
      },
    },
    { selector: "node[w]", style: { width: "data(w)", height: "data(h)" } },
    { selector: "node.role-bridge", style: { shape: "barrel", "border-style": "double", "border-width": 4 } },
    { selector: "node.role-host", style: { shape: "ellipse" } },
    {
      selector: "node.status-missing, node.status-degraded",
      style: { "border-color": COLORS.down, "border-style": "dashed" },
    },
    {
      selector: "edge",
      style: {
        width: 3,
        "line-color": "data(color)",
        "curve-style": "bezier",
        "font-size": 10,
        "text-wrap": "wrap",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.9,
        "text-background-padding": 2,
        color: "#334155",
      },
    },
    {
      selector: "edge.cable",
      style: {
        "source-label": "data(srcLabel)",
        "target-label": "data(tgtLabel)",
        "text-rotation": "none",
        "font-size": 11,
        "font-weight": "bold",
        color: "#0f172a",
        "text-background-shape": "round-rectangle",
        "text-background-padding": 3,
        "text-border-width": 1,
        "text-border-color": "#cbd5e1",
        "text-border-opacity": 1,
      },
    },
    { selector: "edge[label]", style: { label: "data(label)" } },
    {
      selector: "edge.cable[srcOffset]",
      style: { "source-text-offset": "data(srcOffset)", "target-text-offset": "data(tgtOffset)" },
    },
    { selector: "edge.state-down, edge.state-missing", style: { "line-style": "dashed", "line-dash-pattern": [8, 5] } },
    { selector: "edge.session", style: { width: 3, "text-rotation": "none", "font-size": 11 } },
    { selector: "edge.not-established", style: { "line-style": "dashed" } },
    {
      selector: "edge.igp",
      style: { width: 2, "line-style": "dotted", "text-rotation": "none", "font-size": 11, "curve-style": "bezier" },
    },
    { selector: "edge.igp.not-established", style: { "line-style": "dashed" } },
    {
      selector: "node.as",
      style: {
        label: "data(label)",
        "text-valign": "top",
        "text-halign": "center",
        "font-weight": "bold",
        "background-color": "#f1f5f9",
        "background-opacity": 0.6,
        "border-color": "#94a3b8",
        "border-width": 1,
        "border-style": "dashed",
        shape: "round-rectangle",
        padding: "16px",
        color: "#475569",
      },
    },
    {
      selector: "node.router",
      style: { "text-justification": "left", "font-family": "ui-monospace, monospace", "font-size": 12 },
    },
    { selector: "node.external", style: { shape: "ellipse", "border-style": "dashed", "background-color": "#fff" } },
    { selector: ":selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.15, "overlay-padding": 6 } },
  ];

  function layoutOptions(edgeLength) {
    const fcose = typeof window.cytoscapeFcose === "function";
    return fcose
      ? {
          name: "fcose",
          animate: false,
          randomize: false,
          quality: "proof",
          nodeDimensionsIncludeLabels: true,
          idealEdgeLength: (e) => e.data("len") || edgeLength,
          nodeRepulsion: 9000,
          nodeSeparation: 120,
          padding: 40,
        }
      : { name: "cose", animate: false, padding: 40 };
  }

  /**
   * Lays a graph out: leaf nodes first on a circle in breadth-first order (neighbours side by
   * side, the same start every time), then fcose refines from there. fcose's own random start
   * folds chains into overlapping straight lines; this start is also reproducible.
   */
  function layout(cy, edgeLength) {
    const leaves = cy.nodes().filter((n) => !n.isParent());
    const order = new Map();
    const byName = leaves.sort((a, b) => a.id().localeCompare(b.id()));
    for (const start of byName) {
      if (order.has(start.id())) continue;
      cy.elements().bfs({
        roots: start,
        visit: (v) => {
          if (!v.isParent() && !order.has(v.id())) order.set(v.id(), order.size);
        },
      });
    }
    leaves
      .layout({
        name: "circle",
        animate: false,
        fit: false,
        radius: Math.max(120, (leaves.length * edgeLength) / (2 * Math.PI)),
        sort: (a, b) => (order.get(a.id()) ?? 0) - (order.get(b.id()) ?? 0),
      })
      .run();
    cy.layout(layoutOptions(edgeLength)).run();
    separate(cy);
  }

  /**
   * Pushes apart nodes whose boxes, with room for the port labels around them, overlap
   * (fcose counts a node's size but not the port labels at its edge: two wide bridges ended
   * up with their ports' labels on each other). A few passes, each pair moved along the
   * axis where they overlap least, by half the overlap each.
   */
  function separate(cy, margin = 34) {
    const nodes = cy.nodes().filter((n) => !n.isParent());
    for (let pass = 0; pass < 60; pass++) {
      let moved = false;
      const boxes = nodes.map((n) => ({
        n,
        x: n.position("x"),
        y: n.position("y"),
        w: n.width() / 2 + margin,
        h: n.height() / 2 + margin,
      }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          const ox = a.w + b.w - Math.abs(a.x - b.x);
          const oy = a.h + b.h - Math.abs(a.y - b.y);
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          if (ox < oy) {
            const d = (ox / 2 + 1) * (a.x <= b.x ? 1 : -1);
            a.x -= d;
            b.x += d;
          } else {
            const d = (oy / 2 + 1) * (a.y <= b.y ? 1 : -1);
            a.y -= d;
            b.y += d;
          }
        }
      }
      // A node lying on a cable it is not on (a bridge's two cables drawn as one, a router
      // hiding another's port label) steps off it, sideways.
      const at = new Map(boxes.map((b) => [b.n.id(), b]));
      cy.edges().forEach((e) => {
        const a = at.get(e.source().id());
        const c = at.get(e.target().id());
        if (!a || !c) return;
        const dx = c.x - a.x;
        const dy = c.y - a.y;
        const len2 = dx * dx + dy * dy;
        if (len2 < 1) return;
        for (const b of boxes) {
          if (b === a || b === c) continue;
          const t = ((b.x - a.x) * dx + (b.y - a.y) * dy) / len2;
          if (t <= 0.02 || t >= 0.98) continue;
          const px = a.x + t * dx;
          const py = a.y + t * dy;
          const len = Math.sqrt(len2);
          // Room the node needs across the line: its half-extent seen from the line's normal.
          const need = (Math.abs(dy) * b.w + Math.abs(dx) * b.h) / len - margin / 2;
          const dist = Math.hypot(b.x - px, b.y - py);
          if (dist >= need) continue;
          moved = true;
          const nx = dist > 0.5 ? (b.x - px) / dist : -dy / len;
          const ny = dist > 0.5 ? (b.y - py) / dist : dx / len;
          b.x += nx * (need - dist + 1);
          b.y += ny * (need - dist + 1);
        }
      });
      cy.batch(() => {
        for (const b of boxes) b.n.position({ x: b.x, y: b.y });
      });
      if (!moved) break;
    }
  }

  /** Tiers when asked (`wirelab graph --layout`), else when the lab marks any node's tier (generated Clos labs do). */
  function useTiers() {
    if (snap?.meta.layout) return snap.meta.layout === "tiers";
    return Object.values(snap?.nodes || {}).some((n) => n.tier !== undefined);
  }

  const natural = (a, b) => a.localeCompare(b, undefined, { numeric: true });

  /**
   * Rows by tier (0 on top): a node's tier is its `graph.tier`; a host or bridge without
   * one hangs under the node it is cabled to; the rest by hops from the top tier. A row too
   * wide for the pane is wrapped onto several rows (every row of a tier still below every row
   * of the tier above); leaves keep their hosts under them as one block.
   */
  function tiersLayout(cy) {
    const nodes = cy.nodes().filter((n) => !n.isParent());
    if (!nodes.length) return;
    const tier = new Map();
    const under = new Map(); // child id → parent node
    for (const n of nodes) if (n.data("tier") !== undefined) tier.set(n.id(), n.data("tier"));
    for (const n of nodes) {
      const nb = n.neighborhood("node").filter((x) => !x.isParent() && x.id() !== n.id());
      // A host on one node (a Clos's host on its leaf) hangs under it, whatever its tier.
      const host = n.data("role") === "host" && nb.length === 1;
      if (tier.has(n.id()) && !host) continue;
      if (host || (nb.length === 1 && !tier.has(n.id()))) {
        const p = nb[0];
        if (p && !(p.data("role") === "host" && nb.length === 1 && p.neighborhood("node").length === 1)) {
          under.set(n.id(), p);
          tier.delete(n.id());
        }
      }
    }
    // Nodes with no tier and no parent: hops from the tiered ones (or from the busiest node).
    const free = nodes.filter((n) => !tier.has(n.id()) && !under.has(n.id()));
    if (free.length) {
      const roots = nodes.filter((n) => tier.has(n.id()));
      const start = roots.length ? roots : nodes.sort((a, b) => b.degree() - a.degree()).slice(0, 1);
      start.forEach((r) => {
        if (!tier.has(r.id())) tier.set(r.id(), 0);
      });
      cy.elements().bfs({
        roots: start,
        visit: (v, _e, u) => {
          if (!tier.has(v.id()) && !under.has(v.id()) && !v.isParent())
            tier.set(v.id(), (u ? (tier.get(u.id()) ?? 0) : 0) + 1);
        },
      });
      for (const n of free) if (!tier.has(n.id())) tier.set(n.id(), 0);
    }
    const GAP = 24;
    const ROW = 120;
    const KID = 100; // a hanging node's drop below its parent
    // Blocks: a tiered node with what hangs under it.
    const kids = new Map();
    for (const [c, p] of under) kids.set(p.id(), [...(kids.get(p.id()) || []), cy.getElementById(c)]);
    const block = (n) => {
      const k = (kids.get(n.id()) || []).sort((a, b) => natural(a.id(), b.id()));
      const kw = k.reduce((w, c) => w + c.width() + GAP, -GAP);
      return { n, kids: k, w: Math.max(n.width(), kw) + GAP, h: ROW + (k.length ? KID : 0) };
    };
    const tiers = [...new Set(tier.values())].sort((a, b) => a - b);
    const rows = tiers.map((t) =>
      nodes
        .filter((n) => tier.get(n.id()) === t && !under.has(n.id()))
        .sort((a, b) => natural(a.data("name") || a.id(), b.data("name") || b.id()))
        .map(block),
    );
    // Width to wrap at: the pane's shape, for the whole drawing's area.
    const pane = cy.container().getBoundingClientRect();
    const aspect = pane.width > 0 && pane.height > 0 ? pane.width / pane.height : 1.6;
    const area = rows.flat().reduce((a, b) => a + b.w * b.h, 0);
    const widest = Math.max(...rows.map((r) => Math.max(...r.map((b) => b.w))));
    const wrapAt = Math.max(widest, Math.sqrt(area * aspect) * 1.15);
    let y = 0;
    const place = [];
    for (const r of rows) {
      const lines = [];
      let line = [];
      let w = 0;
      for (const b of r) {
        if (line.length && w + b.w > wrapAt) {
          lines.push(line);
          line = [];
          w = 0;
        }
        line.push(b);
        w += b.w;
      }
      if (line.length) lines.push(line);
      // Lines of one tier share one column grid, so a wrapped tier reads as a table.
      const cols = Math.max(...lines.map((l) => l.length));
      const colW = Math.max(...r.map((b) => b.w));
      for (const l of lines) {
        const lw = lines.length > 1 ? cols * colW : l.reduce((a, b) => a + b.w, 0);
        let x = -lw / 2;
        for (const b of l) {
          const bw = lines.length > 1 ? colW : b.w;
          place.push([b.n, x + bw / 2, y]);
          let kx = x + bw / 2 - b.kids.reduce((a, c) => a + c.width() + GAP, -GAP) / 2;
          for (const c of b.kids) {
            place.push([c, kx + c.width() / 2, y + KID]);
            kx += c.width() + GAP;
          }
          x += bw;
        }
        y += Math.max(...l.map((b) => b.h));
      }
      y += ROW * 0.4;
    }
    cy.batch(() => {
      for (const [n, x, yy] of place) n.position({ x, y: yy });
    });
  }

  function makeCy(container) {
    return cytoscape({
      container,
      style: baseStyle,
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
    });
  }

  const cys = { cabling: makeCy($("cy-cabling")), routing: makeCy($("cy-routing")) };

  /**
   * Edge labels (ports, subnets, session states) below ~8 px on screen are hidden until the
   * user zooms in: at a large lab's fitted zoom they would be smudges over the drawing.
   * (cytoscape's min-zoomed-font-size rounds the zoom up to a power of two, so it does not.)
   */
  const EDGE_TEXT_MIN_ZOOM = 0.75;
  /** A large lab's edge labels (a spine's 32 port names) crowd even at a readable zoom: shown from 1.3×. */
  const CROWDED_EDGE_TEXT_MIN_ZOOM = 1.3;
  for (const cy of Object.values(cys)) {
    let hidden = false;
    const check = () => {
      const crowded = cy.edges().length > MANY_LABELS;
      const hide = cy.zoom() < (crowded ? CROWDED_EDGE_TEXT_MIN_ZOOM : EDGE_TEXT_MIN_ZOOM);
      if (hide === hidden) return;
      hidden = hide;
      const o = hide ? 0 : 1;
      cy.style()
        .selector("edge")
        .style({ "text-opacity": o, "text-background-opacity": hide ? 0 : 0.9, "text-border-opacity": o })
        .update();
    };
    cy.on("zoom", check);
    cy.on("add remove", check);
  }

  /**
   * Port labels go just off their node whatever the cable's angle; the middle label (subnet,
   * state, impairment) is shown when the cable is long enough to hold all three.
   */
  function placeCableLabels(cy) {
    cy.batch(() => {
      cy.edges(".cable").forEach((e) => {
        const s = e.source();
        const t = e.target();
        const dx = t.position("x") - s.position("x");
        const dy = t.position("y") - s.position("y");
        const d = Math.hypot(dx, dy) || 1;
        const cos = Math.abs(dx / d);
        const sin = Math.abs(dy / d);
        const along = (b) => cos * b.w + sin * b.h;
        const sb = box(e.data("srcLabel"), "port");
        const tb = box(e.data("tgtLabel"), "port");
        const mid = e.data("mid") || "";
        const mb = box(mid || " ", "node");
        const free = d - (cos * s.width() + sin * s.height()) / 2 - (cos * t.width() + sin * t.height()) / 2;
        e.data({
          srcOffset: Math.round(along(sb) / 2 + 2),
          tgtOffset: Math.round(along(tb) / 2 + 2),
          label: mid && free >= along(sb) + along(tb) + along(mb) + 16 ? mid : "",
        });
      });
    });
  }

  /** A drawing taller than wide in a wide pane (a chain laid out vertically) is turned by 90°. */
  function turnToPane(cy) {
    const bb = cy.elements().boundingBox();
    const pane = cy.container().getBoundingClientRect();
    const wide = pane.width === 0 || pane.width >= 0.8 * pane.height;
    if (bb.w >= bb.h === wide) return;
    cy.nodes()
      .filter((n) => !n.isParent())
      .positions((n) => ({ x: n.position("y"), y: -n.position("x") }));
  }

  /** Fits the graph into its pane, without blowing a small lab up past 1.4×. */
  function fit(cy) {
    cy.fit(undefined, 40);
    if (cy.zoom() > 1.4) {
      cy.zoom(1.4);
      cy.center();
    }
  }

  /** Brings a graph to `els`: data updated in place when the same elements remain, else rebuilt and laid out. */
  function sync(cy, els, edgeLength) {
    const want = new Set(els.map((e) => e.data.id));
    const have = new Set(cy.elements().map((e) => e.id()));
    const same =
      want.size === have.size &&
      [...want].every((id) => have.has(id)) &&
      els.every(
        (e) => e.group !== "nodes" || (cy.getElementById(e.data.id).data("parent") || undefined) === e.data.parent,
      );
    if (same) {
      cy.batch(() => {
        for (const e of els) {
          const x = cy.getElementById(e.data.id);
          const { id: _id, source: _s, target: _t, parent: _p, ...data } = e.data;
          x.data(data);
          x.classes(e.classes || "");
        }
      });
      return;
    }
    cy.elements().remove();
    cy.add(els);
    if (cy.nodes().length && useTiers()) tiersLayout(cy);
    else {
      if (cy.nodes().length) layout(cy, edgeLength);
      turnToPane(cy);
    }
    fit(cy);
  }

  function visiblePanes() {
    return view === "both" ? ["cabling", "routing"] : [view];
  }

  function setView(v) {
    view = v;
    $("main").dataset.view = v;
    for (const b of document.querySelectorAll(".tabs button")) {
      b.setAttribute("aria-selected", String(b.dataset.view === v));
    }
    requestAnimationFrame(() => {
      for (const p of visiblePanes()) {
        cys[p].resize();
        if (useTiers()) tiersLayout(cys[p]);
        else turnToPane(cys[p]);
        placeCableLabels(cys[p]);
        fit(cys[p]);
      }
    });
  }

  // ---- text lists (also what screen readers and tests read) ---------------------------------
  function renderLists() {
    const cables = Object.values(snap.cables).map((c) =>
      el(
        "li",
        { "data-cable": c.id, "data-state": c.state, onclick: () => openCable(c.id) },
        el("b", {}, `${c.a.node}:${c.a.port}`),
        " ↔ ",
        el("b", {}, `${c.b.node}:${c.b.port}`),
        badge(c.state, c.state === "up" ? "up" : c.state === "unknown" ? "" : "down"),
        c.impaired ? badge(impairmentText(c), "warn") : null,
      ),
    );
    $("list-cables").replaceChildren(...cables);
    const sessions = Object.values(snap.sessions).map((x) =>
      el(
        "li",
        { "data-session": x.id, "data-state": x.state, onclick: () => openSession(x.id) },
        `${x.a}${x.asA !== undefined ? ` (AS ${x.asA})` : ""} ↔ ${x.b ?? x.addressB}${x.asB !== undefined ? ` (AS ${x.asB})` : ""}${x.family === "ipv6" ? " · IPv6" : ""}`,
        badge(x.state, x.established ? "up" : x.state === "configured" ? "" : "down"),
      ),
    );
    $("list-sessions").replaceChildren(...(sessions.length ? sessions : [el("li", {}, "none")]));
    const nodes = Object.values(snap.nodes).map((n) =>
      el(
        "li",
        { "data-node": n.name, "data-status": n.status, onclick: () => openNode(n.name) },
        `${n.name} · ${kindName(n)}${n.asn !== undefined ? ` · AS ${n.asn}` : ""}`,
        badge(n.status, n.status === "running" ? "up" : n.status === "not deployed" ? "" : "down"),
      ),
    );
    $("list-nodes").replaceChildren(...nodes);
  }

  function render() {
    $("lab-name").textContent = snap.meta.lab;
    $("lab-phase").textContent = snap.meta.live ? snap.meta.phase : `${snap.meta.phase} · from the topology`;
    document.title = `wirelab · ${snap.meta.lab}`;
    sync(cys.cabling, cablingElements(snap), 220);
    placeCableLabels(cys.cabling);
    sync(cys.routing, routingElements(snap), 140);
    renderLists();
    document.body.dataset.version = String(version);
    if (detailsFor && detailsFor.type !== "node" && detailsFor.type !== "cable") refreshDetails();
  }

  function applyDiff(diff) {
    for (const [section, id, value] of diff.changes) {
      if (section === "meta") snap.meta = value;
      else if (value === null) delete snap[section][id];
      else snap[section][id] = value;
    }
  }

  // ---- tooltip (hover) ---------------------------------------------------------------------
  const tip = $("tooltip");

  function endRows(e) {
    return [
      ["namespace", e.netns],
      ["interface", e.ifname === e.port ? e.ifname : `${e.ifname} (port ${e.port})`],
      ["ifindex", e.ifindex],
      [
        "peer ifindex",
        e.peerIfindex === undefined
          ? ""
          : `${e.peerIfindex}${e.peerOk === false ? " (mismatch!)" : e.peerOk ? " ✓" : ""}`,
      ],
      ["MAC", e.mac],
      ["MTU", e.mtu],
      ["operstate", e.operstate],
      ["addresses", e.addresses.join(" ")],
      ["bridge", e.bridge],
      ["impairment", e.impairment || "none"],
    ];
  }

  function cableTruth(c) {
    const a = endRows(c.a);
    const b = endRows(c.b);
    return table(
      ["", `${c.a.node}:${c.a.port}`, `${c.b.node}:${c.b.port}`],
      a.map((r, i) => [r[0], r[1] ?? "", b[i][1] ?? ""]).filter((r) => r[1] !== "" || r[2] !== ""),
    );
  }

  function showTip(evt, content) {
    tip.replaceChildren(...content);
    tip.hidden = false;
    const rect = evt.cy.container().getBoundingClientRect();
    const p = evt.renderedPosition || { x: 0, y: 0 };
    const x = Math.min(rect.left + p.x + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = Math.min(rect.top + p.y + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = `${Math.max(4, x)}px`;
    tip.style.top = `${Math.max(4, y)}px`;
  }

  function hideTip() {
    tip.hidden = true;
  }

  function sessionTable(x) {
    const halves = [x.halfA, x.halfB].filter(Boolean);
    return table(
      ["router", "peers with", "remote AS", "state", "prefixes ▼ / ▲"],
      halves.map((h) => [
        h.node,
        h.peerAddress,
        h.remoteAs,
        h.state,
        h.pfxRcd === undefined ? "" : `${h.pfxRcd} / ${h.pfxSnt}`,
      ]),
    );
  }

  cys.cabling.on("mouseover", "edge", (evt) => {
    const c = snap.cables[evt.target.data("cable")];
    if (c) showTip(evt, [el("div", { class: "title" }, `cable ${c.id} · ${c.state}`), cableTruth(c)]);
  });
  cys.cabling.on("mouseover", "node", (evt) => {
    const n = snap.nodes[evt.target.data("name")];
    if (!n) return;
    showTip(evt, [
      el("div", { class: "title" }, `${n.name} · ${kindName(n)} · ${n.status}`),
      table(
        ["", ""],
        [
          ["namespace", n.netns || ""],
          ["daemons", n.daemons.map((d) => `${d.name}${d.alive ? "" : " (down)"}`).join(" ")],
          ["loopback", n.loopback.join(" ")],
          ["ports", n.ports.join(" ")],
        ].filter((r) => r[1]),
      ),
    ]);
  });
  cys.routing.on("mouseover", "edge.igp", (evt) => {
    const e = evt.target;
    showTip(evt, [
      el("div", { class: "title" }, `${e.data("label")} · ${e.source().data("name")} ↔ ${e.target().data("name")}`),
      table(
        ["adjacency", ""],
        e.data("halves").map((h) => [h.text, h.up ? "up" : "down"]),
      ),
    ]);
  });
  cys.routing.on("mouseover", "edge.session", (evt) => {
    const x = snap.sessions[evt.target.data("session")];
    if (x)
      showTip(evt, [el("div", { class: "title" }, `BGP ${x.a} ↔ ${x.b ?? x.addressB} · ${x.state}`), sessionTable(x)]);
  });
  for (const cy of Object.values(cys)) {
    cy.on("mouseout", hideTip);
    cy.on("pan zoom", hideTip);
  }

  // ---- details drawer (click) ---------------------------------------------------------------
  const drawer = $("details");
  $("details-close").addEventListener("click", closeDetails);

  function closeDetails() {
    drawer.hidden = true;
    detailsFor = null;
    clearTimeout(detailsTimer);
  }

  function showDetails(...children) {
    $("details-body").replaceChildren(...children);
    drawer.hidden = false;
  }

  async function api(path, init) {
    const r = await fetch(path, init);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
    return body;
  }

  function staticNote() {
    return el("p", { class: "note" }, "Static export: run `wirelab graph` for live routes, BGP tables and counters.");
  }

  /** The node's OSPF and IS-IS as its daemons report them (in the snapshot: static pages too). */
  function igpTables(n) {
    const out = [];
    const o = n.igp?.ospf;
    if (o) {
      out.push(
        el("h4", {}, `OSPF · ${o.areas.length > 1 ? "areas" : "area"} ${o.areas.join(", ")}`),
        table(
          ["port", "", "area", "role", "network", "DR / BDR", "cost"],
          o.interfaces.map((i) => [
            i.port,
            `v${i.version}`,
            i.area || "",
            `${i.role || ""}${i.passive ? " (passive)" : ""}`,
            i.networkType || "",
            [i.dr, i.bdr].filter(Boolean).join(" / "),
            i.cost ?? "",
          ]),
        ),
        table(
          ["neighbor", "", "port", "area", "state", "its role"],
          o.neighbors.map((x) => [x.neighbor, `v${x.version}`, x.port, x.area || "", x.state, x.role || ""]),
        ),
      );
    }
    const i = n.igp?.isis;
    if (i) {
      out.push(
        el(
          "h4",
          {},
          `IS-IS · ${i.levels.map((l) => `level ${l}`).join(", ")}${i.nets.length ? ` · ${i.nets.join(", ")}` : ""}`,
        ),
        table(
          ["port", "circuit", "type", "metric", ""],
          i.interfaces.map((c) => [
            c.port,
            c.circuitType || "",
            c.type || "",
            c.metric || "",
            c.passive ? "passive" : "",
          ]),
        ),
        table(
          ["neighbor", "port", "level", "state", "circuit type"],
          i.adjacencies.map((a) => [a.neighbor, a.port, `L${a.level}`, a.state, a.circuitType || ""]),
        ),
      );
    }
    for (const e of n.igp?.errors || []) out.push(el("p", {}, e));
    return out;
  }

  async function openNode(name) {
    detailsFor = { type: "node", id: name };
    clearTimeout(detailsTimer);
    const n = snap.nodes[name];
    if (!n) return;
    const head = [
      el("h3", {}, `${n.name} `, badge(n.status, n.status === "running" ? "up" : "down")),
      el(
        "p",
        {},
        `${kindName(n)}${n.asn !== undefined ? ` · AS ${n.asn}` : ""}${n.routerId ? ` · router-id ${n.routerId}` : ""}${n.netns ? ` · netns ${n.netns}` : ""}`,
      ),
    ];
    const prefixes = [
      n.announced.length || n.received.length ? el("h4", {}, "BGP prefixes") : null,
      n.announced.length || n.received.length
        ? table(
            ["prefix", "", "AS path", "next hop", "from"],
            [
              ...n.announced.map((p) => [p, "announced", "(local)", "", ""]),
              ...n.received.map((r) => [r.prefix, "received", r.aspath, r.nexthop || "", r.from || ""]),
            ],
          )
        : null,
      n.bgpError ? el("p", {}, `BGP: ${n.bgpError}`) : null,
    ];
    const igp = igpTables(snap.nodes[name] || n);
    if (STATIC) return showDetails(...head, ...prefixes, ...igp, staticNote());
    showDetails(...head, ...igp, el("p", {}, "reading the node…"));
    try {
      const d = await api(`api/node?name=${encodeURIComponent(name)}`);
      if (!detailsFor || detailsFor.id !== name) return;
      showDetails(
        ...head,
        ...igpTables(snap.nodes[name] || n),
        el("h4", {}, "Interfaces"),
        table(
          ["if", "port", "ifindex", "state", "MAC", "addresses"],
          d.interfaces.map((i) => [i.ifname, i.port || "", i.ifindex, i.operstate, i.mac || "", i.addresses.join(" ")]),
        ),
        el("h4", {}, "Routes"),
        table(
          ["prefix", "proto", "via"],
          d.routes.map((r) => [`${r.selected ? "> " : "  "}${r.prefix}`, r.protocol, r.nexthops.join(", ")]),
        ),
        d.bgp ? el("h4", {}, "BGP neighbors") : null,
        d.bgp
          ? table(
              ["neighbor", "AS", "state", "▼ / ▲", "up"],
              d.bgp.peers.map((p) => [
                `${p.address}${p.hostname ? ` (${p.hostname})` : ""}`,
                p.remoteAs,
                p.state,
                `${p.pfxRcd} / ${p.pfxSnt}`,
                p.uptime,
              ]),
            )
          : null,
        d.bgp ? el("h4", {}, "BGP table") : null,
        d.bgp
          ? table(
              ["", "prefix", "next hop", "AS path", "from"],
              d.bgp.table.map((r) => [r.best ? "*>" : "*", r.prefix, r.nexthop, r.aspath, r.from || ""]),
            )
          : null,
        ...d.errors.map((e) => el("p", {}, e)),
      );
    } catch (e) {
      showDetails(...head, el("p", {}, `could not read the node: ${e.message}`));
    }
  }

  function countersTable(ends) {
    return table(
      ["", ...ends.map((e) => `${e.node}:${e.port}`)],
      [
        ["operstate", ...ends.map((e) => e.operstate || "")],
        ["rx packets", ...ends.map((e) => e.counters?.rx.packets ?? "")],
        ["rx bytes", ...ends.map((e) => e.counters?.rx.bytes ?? "")],
        [
          "rx errors / dropped",
          ...ends.map((e) => (e.counters ? `${e.counters.rx.errors} / ${e.counters.rx.dropped}` : "")),
        ],
        ["tx packets", ...ends.map((e) => e.counters?.tx.packets ?? "")],
        ["tx bytes", ...ends.map((e) => e.counters?.tx.bytes ?? "")],
        [
          "tx errors / dropped",
          ...ends.map((e) => (e.counters ? `${e.counters.tx.errors} / ${e.counters.tx.dropped}` : "")),
        ],
      ],
    );
  }

  async function setLink(id, state) {
    try {
      await api("api/link", {
        method: "POST",
        headers: { "content-type": "application/json", "x-wirelab-token": token },
        body: JSON.stringify({ cable: id, state }),
      });
    } catch (e) {
      alert(`link ${state}: ${e.message}`);
    }
  }

  async function openCable(id) {
    detailsFor = { type: "cable", id };
    clearTimeout(detailsTimer);
    const c = snap.cables[id];
    if (!c) return;
    const head = [
      el(
        "h3",
        {},
        `cable ${c.a.node}:${c.a.port} ↔ ${c.b.node}:${c.b.port} `,
        badge(c.state, c.state === "up" ? "up" : "down"),
      ),
      c.subnet ? el("p", {}, `subnet ${c.subnet}`) : null,
      el("h4", {}, "Linux view"),
      cableTruth(c),
      token && !STATIC
        ? el(
            "div",
            { class: "actions" },
            el("button", { type: "button", class: "danger", onclick: () => setLink(id, "down") }, "Cut (link down)"),
            el("button", { type: "button", onclick: () => setLink(id, "up") }, "Restore (link up)"),
          )
        : null,
    ];
    if (STATIC) return showDetails(...head, staticNote());
    try {
      const d = await api(`api/cable?id=${encodeURIComponent(id)}`);
      if (!detailsFor || detailsFor.id !== id) return;
      const cur = snap.cables[id] || c;
      head[0] = el(
        "h3",
        {},
        `cable ${cur.a.node}:${cur.a.port} ↔ ${cur.b.node}:${cur.b.port} `,
        badge(cur.state, cur.state === "up" ? "up" : "down"),
      );
      head[3] = cableTruth(cur);
      showDetails(
        ...head,
        el("h4", {}, "Counters"),
        countersTable(d.ends),
        el("h4", {}, "Queueing disciplines (impairments)"),
        ...d.ends.map((e) => el("pre", {}, `${e.node}:${e.port}\n${e.qdisc}`)),
      );
    } catch (e) {
      showDetails(...head, el("p", {}, `could not read the cable: ${e.message}`));
    }
    detailsTimer = setTimeout(() => {
      if (detailsFor && detailsFor.type === "cable" && detailsFor.id === id && !drawer.hidden) openCable(id);
    }, 2000);
  }

  function openSession(id) {
    detailsFor = { type: "session", id };
    clearTimeout(detailsTimer);
    const x = snap.sessions[id];
    if (!x) return;
    showDetails(
      el("h3", {}, `BGP ${x.a} ↔ ${x.b ?? x.addressB} `, badge(x.state, x.established ? "up" : "down")),
      el("p", {}, `${x.type === "ibgp" ? "iBGP" : "eBGP"} · ${x.family} · AS ${x.asA ?? "?"} ↔ AS ${x.asB ?? "?"}`),
      sessionTable(x),
    );
  }

  function refreshDetails() {
    if (!detailsFor || drawer.hidden) return;
    if (detailsFor.type === "session") openSession(detailsFor.id);
  }

  cys.cabling.on("tap", "node", (evt) => openNode(evt.target.data("name")));
  cys.cabling.on("tap", "edge", (evt) => openCable(evt.target.data("cable")));
  cys.routing.on("tap", "node.router", (evt) => openNode(evt.target.data("name")));
  cys.routing.on("tap", "edge.session", (evt) => openSession(evt.target.data("session")));
  for (const cy of Object.values(cys)) {
    cy.on("tap", (evt) => {
      if (evt.target === cy) closeDetails();
    });
  }

  // ---- wiring --------------------------------------------------------------------------------
  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => setView(b.dataset.view));
  setView(view);

  function setStatus(state, text) {
    const s = $("status");
    s.dataset.state = state;
    s.textContent = text;
  }

  window.wirelab = { cys, snapshot: () => snap, view: () => view, setView };

  if (STATIC) {
    const data = JSON.parse(embedded.textContent);
    snap = data.snapshot;
    version = data.version;
    render();
    setStatus("static", `static export · ${new Date(data.exportedAt).toLocaleString()}`);
    return;
  }

  // The server put the lab's snapshot into the page: draw it now, before the stream connects
  // (a static screenshot or a slow client sees the lab, not "connecting…").
  const initial = $("wirelab-initial");
  if (initial) {
    try {
      const data = JSON.parse(initial.textContent);
      snap = data.snapshot;
      version = data.version;
      render();
      setStatus("connecting", `as loaded · ${new Date().toLocaleTimeString()} · connecting…`);
    } catch (e) {
      setStatus("error", `could not read the page's snapshot: ${e.message}`);
    }
  }

  const events = new EventSource("events");
  events.addEventListener("snapshot", (e) => {
    snap = JSON.parse(e.data);
    version = Number(e.lastEventId);
    render();
    setStatus("live", `live · ${new Date().toLocaleTimeString()}`);
  });
  events.addEventListener("diff", (e) => {
    if (!snap) return;
    applyDiff(JSON.parse(e.data));
    version = Number(e.lastEventId);
    render();
    setStatus("live", `live · changed ${new Date().toLocaleTimeString()}`);
  });
  events.addEventListener("failure", (e) => setStatus("error", JSON.parse(e.data).error));
  events.addEventListener("error", () => setStatus("error", "reconnecting…"));
  events.addEventListener("open", () => {
    if (snap) setStatus("live", "live");
  });
})();
