// harbor-sync dashboard. The admin token lives in this tab's sessionStorage only and travels in the
// Authorization header: never in a URL, never in a cookie. Data is written with textContent only.
"use strict";
(function () {
  const TOKEN_KEY = "harbor-sync.admin-token";
  const REFRESH_MS = 1000 * (Number(document.body.dataset.refreshSeconds) || 5);
  const MAX_OPERATIONS = 50;
  const $ = (id) => document.getElementById(id);
  let timer = null;

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  /** A problem body's detail, or the status line when the body is not one. */
  async function problem(res) {
    try {
      const body = await res.json();
      if (body && body.detail) return body.detail;
    } catch (e) { /* not JSON */ }
    return "HTTP " + res.status;
  }

  class Unauthorized extends Error {}

  async function api(method, path, body) {
    const headers = { "Authorization": "Bearer " + token(), "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method, headers, cache: "no-store", credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) throw new Unauthorized(await problem(res));
    if (!res.ok) throw new Error(await problem(res));
    return res.json();
  }

  function showLogin(message) {
    clearTimeout(timer);
    sessionStorage.removeItem(TOKEN_KEY);
    $("dashboard").hidden = true;
    $("logout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("state").textContent = "Enter the admin token to see the sites.";
    $("token").value = "";
    $("token").focus();
  }

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function button(label, test, onClick, disabled) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.dataset.test = test;
    b.disabled = !!disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  function fill(tableId, rows, empty, columns) {
    const tbody = $(tableId).tBodies[0];
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = tbody.insertRow();
      cell(tr, empty, "muted").colSpan = columns;
    }
    return tbody;
  }

  function when(t) {
    if (t === null || t === undefined) return "never";
    const d = typeof t === "number" ? new Date(t * 1000) : new Date(t);
    return isNaN(d) ? String(t) : d.toISOString().replace(".000Z", "Z");
  }

  /** Runs an admin action, reports its outcome and refreshes at once. */
  async function act(description, fn) {
    $("action-result").textContent = description + " …";
    try {
      $("action-result").textContent = await fn();
    } catch (e) {
      if (e instanceof Unauthorized) return showLogin("The admin token was refused: " + e.message);
      $("action-result").textContent = description + " failed: " + e.message;
    }
    refresh();
  }

  function renderSites(s) {
    const active = s.proxy && s.proxy.active;
    $("active-site").textContent = active || "?";
    $("mode").textContent = "(" + s.mode + " mode, conflict policy " + s.conflictPolicy + ")";
    const ha = s.ha || {};
    const leader = ha.leader ? ha.leader.id : "unknown";
    $("replica").textContent = ha.role === "leader"
      ? "This replica (" + ha.replica + ") leads: it reconciles and works off the webhooks all replicas take in."
      : "This replica (" + ha.replica + ") is a " + (ha.role || "?") + "; the leader is " + leader
        + ". It takes webhooks in; actions here are forwarded to the leader.";
    const bySite = new Map((s.sites || []).map((x) => [x.site, x]));
    const names = new Set([...Object.keys(s.breakers || {}), ...((s.proxy && s.proxy.sites) || []), ...bySite.keys()]);
    const tbody = fill("sites", [...names], "no sites", 7);
    for (const name of [...names].sort()) {
      const st = bySite.get(name);
      const breaker = (s.breakers || {})[name];
      const tr = tbody.insertRow();
      tr.dataset.site = name;
      cell(tr, name);
      cell(tr, name === active ? "active" : "", name === active ? "ok" : "").dataset.test = "active-" + name;
      const health = !st ? "not reconciled yet" : st.reachable ? "reachable" : "unreachable";
      cell(tr, health, !st ? "muted" : st.reachable ? "ok" : "bad").dataset.test = "health-" + name;
      cell(tr, breaker ? breaker.state : "", breaker && breaker.state !== "closed" ? "bad" : "");
      cell(tr, when(st && st.lastSuccessfulReconcile)).dataset.test = "last-reconcile-" + name;
      cell(tr, st && st.lastError, "bad");
      cell(tr, "").appendChild(button(name === active ? "Active" : "Make active", "switch-" + name,
        () => act("Switching to " + name, async () => {
          const r = await api("PUT", "/proxy/active", { site: name });
          return "Active site is now " + r.active + ".";
        }), name === active));
    }
  }

  function renderDrift(s) {
    const drift = s.drift || {};
    const pendingByKind = {};
    for (const p of s.pending || []) pendingByKind[p.kind] = (pendingByKind[p.kind] || 0) + 1;
    const sites = [...new Set(Object.values(drift).flatMap((m) => Object.keys(m)))].sort();
    const kinds = [...new Set([...Object.keys(drift), ...Object.keys(pendingByKind)])].sort();
    const head = $("drift").tHead;
    head.replaceChildren();
    const hr = head.insertRow();
    const stale = new Set(s.driftStale || []);
    for (const h of ["Kind", ...sites.map((x) => "Drift on " + x + (stale.has(x) ? " (unknown: not readable)" : "")),
      "Pending replication"]) {
      const th = document.createElement("th");
      th.textContent = h;
      hr.appendChild(th);
    }
    const tbody = fill("drift", kinds, "no reconcile yet", sites.length + 2);
    for (const kind of kinds) {
      const tr = tbody.insertRow();
      tr.dataset.kind = kind;
      cell(tr, kind);
      for (const site of sites) {
        const n = (drift[kind] || {})[site] || 0;
        // while a site cannot be read its drift is unknown: the last known value, marked as such
        if (stale.has(site)) cell(tr, n + "? (last known)", "muted").dataset.test = "drift-" + kind + "-" + site;
        else cell(tr, n, n > 0 ? "bad" : "").dataset.test = "drift-" + kind + "-" + site;
      }
      cell(tr, pendingByKind[kind] || 0);
    }
    $("pending-events").textContent = String(s.pendingEvents);
  }

  function renderConflicts(s) {
    const list = s.conflicts || [];
    const tbody = fill("conflicts", list, "no conflicts", 6);
    for (const c of list) {
      const tr = tbody.insertRow();
      tr.dataset.key = c.key;
      cell(tr, c.kind);
      cell(tr, c.key);
      cell(tr, Object.entries(c.values || {}).map(([site, v]) => site + ": " + v).join("; "));
      cell(tr, c.winner || "none", c.winner ? "ok" : "bad");
      cell(tr, c.rule, c.outcome === "unresolved" ? "bad" : "");
      cell(tr, c.reason);
    }
  }

  function renderGuard(s) {
    const list = s.guardHeldBack || [];
    const tbody = fill("guard", list, "nothing held back", 5);
    for (const g of list) {
      const tr = tbody.insertRow();
      tr.dataset.kind = g.kind;
      tr.dataset.site = g.site;
      cell(tr, g.scope);
      cell(tr, g.kind);
      cell(tr, g.site);
      cell(tr, when(g.at));
      cell(tr, g.reason, "bad");
    }
  }

  function renderSecrets(s) {
    const pre = s.preconditions || [];
    $("preconditions").textContent = pre.map((p) => p.reason).join(" ");
    const list = s.secretsNotAligned || [];
    const tbody = fill("secrets", list, "every robot's secret is aligned", 4);
    for (const r of list) {
      const tr = tbody.insertRow();
      tr.dataset.key = r.key;
      cell(tr, r.robot);
      cell(tr, r.kind);
      cell(tr, (r.sites || []).join(", "), "bad");
      cell(tr, r.reason);
    }
  }

  function renderOperations(s) {
    const list = (s.recentOperations || []).slice(0, MAX_OPERATIONS);
    const tbody = fill("operations", list, "no operations yet", 7);
    for (const o of list) {
      const tr = tbody.insertRow();
      tr.dataset.key = o.key;
      tr.dataset.site = o.site || "";
      tr.dataset.outcome = o.outcome || "";
      cell(tr, o.outcome, o.outcome === "failed" ? "bad" : "ok");
      cell(tr, o.site);
      cell(tr, o.kind);
      cell(tr, o.key);
      cell(tr, o.op);
      cell(tr, o.reason);
      cell(tr, o.detail);
    }
  }

  function renderDeadLetters(s) {
    const list = s.deadLetters || [];
    const tbody = fill("dead-letters", list, "no dead letters", 7);
    for (const d of list) {
      const tr = tbody.insertRow();
      cell(tr, d.id);
      cell(tr, d.site);
      cell(tr, d.type);
      cell(tr, d.project);
      cell(tr, d.attempts);
      cell(tr, d.lastError, "bad");
      cell(tr, "").appendChild(button("Retry", "retry-" + d.id, () => act("Retrying dead letter " + d.id, async () => {
        await api("POST", "/inbox/dead/" + encodeURIComponent(String(d.id)) + "/retry");
        return "Dead letter " + d.id + " is queued again.";
      })));
    }
  }

  async function refresh() {
    clearTimeout(timer);
    if (!token()) return showLogin();
    try {
      const s = await api("GET", "/status");
      $("login").hidden = true;
      $("dashboard").hidden = false;
      $("logout").hidden = false;
      renderSites(s);
      renderDrift(s);
      renderGuard(s);
      renderSecrets(s);
      renderConflicts(s);
      renderOperations(s);
      renderDeadLetters(s);
      $("state").textContent = "Updated " + new Date().toLocaleTimeString() + "; refreshes every "
        + REFRESH_MS / 1000 + " s.";
      $("state").className = "";
    } catch (e) {
      if (e instanceof Unauthorized) return showLogin("The admin token was refused: " + e.message);
      // keep the last picture, say it is stale, and keep trying
      $("state").textContent = "Could not refresh (" + e.message + "); retrying.";
      $("state").className = "bad";
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  $("login").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = $("token").value.trim();
    $("token").value = "";
    if (!t) return showLogin("Enter the admin token.");
    sessionStorage.setItem(TOKEN_KEY, t);
    $("login-error").textContent = "";
    refresh();
  });
  $("logout").addEventListener("click", () => showLogin("Token forgotten."));
  $("reconcile").addEventListener("click", () => act("Reconciling", async () => {
    const r = await api("POST", "/sync");
    const held = r.skipped.filter((i) => i.op === "guard" && i.detail === "held back").length;
    return "Reconciled: " + r.done.length + " done, " + r.failed.length + " failed, "
      + r.conflicts.length + " conflicts, " + r.pending.length + " pending"
      + (held ? "; the mass-deletion guard held deletions back (see below)." : ".");
  }));
  refresh();
})();
