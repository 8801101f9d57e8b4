// The dashboard page: keeps each device's readings, status, state and commands from the
// server's event stream (/events), draws the chart, and sends commands (POST /command) as
// docs/device-api.md shapes them: {"name", "payload", "time"}; the acknowledgement on
// <id>/result echoes `time`, which is how a command and its acknowledgement are matched.
import { COLORS, drawChart } from "./chart.js";

const ACK_TIMEOUT_MS = 10_000;
// ?window=<seconds> sets the chart's time span (default 2 minutes, or the hour of history
// when the server has a database); ?log=1 starts on a log scale.
const params = new URLSearchParams(location.search);
let WINDOW_MS = Math.max(10, Number(params.get("window")) || 120) * 1000;
// The server's per-process token: sent with each command, which a page of another origin cannot do.
const TOKEN = document.querySelector('meta[name="luxflow-token"]')?.content ?? "";
const devices = new Map();
const canvas = document.getElementById("chart");
const logScale = document.getElementById("log-scale");
let lastTime = 0;

function device(id) {
  let d = devices.get(id);
  if (d) return d;
  const color = COLORS[devices.size % COLORS.length];
  const card = document.getElementById("card").content.firstElementChild.cloneNode(true);
  card.dataset.device = id;
  card.style.setProperty("--c", color);
  card.querySelector(".id").textContent = id;
  d = { id, color, card, points: [], pending: new Map(), unmatched: [] };
  card.querySelector("form.commands").addEventListener("submit", (e) => e.preventDefault());
  for (const button of card.querySelectorAll("button[data-command]"))
    button.addEventListener("click", () => command(d, button.dataset.command));
  for (const field of card.querySelectorAll("input, select"))
    field.addEventListener("input", () => {
      field.dataset.edited = "1";
    });
  const list = document.getElementById("devices");
  const after = [...list.children].find((c) => c.dataset.device.localeCompare(id, undefined, { numeric: true }) > 0);
  list.insertBefore(card, after ?? null);
  const li = document.createElement("li");
  li.style.setProperty("--c", color);
  li.textContent = id;
  document.getElementById("legend").append(li);
  document.getElementById("empty").hidden = true;
  devices.set(id, d);
  return d;
}

function setStatus(d, status) {
  const badge = d.card.querySelector(".status");
  badge.textContent = status || "unknown";
  badge.className = `status badge ${status === "online" || status === "offline" ? status : "unknown"}`;
}

function fill(dl, value) {
  dl.replaceChildren();
  // Losant's shape {"data": {...}, "time": …} is shown by its data.
  const obj =
    value && typeof value === "object" && !Array.isArray(value) && value.data && typeof value.data === "object"
      ? value.data
      : value;
  const entries = obj && typeof obj === "object" ? Object.entries(obj) : [["value", obj]];
  for (const [k, v] of entries) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = Array.isArray(v)
      ? v.join(", ")
      : typeof v === "object" && v !== null
        ? JSON.stringify(v)
        : String(v);
    dl.append(dt, dd);
  }
}

/** The state, and the command fields set to the device's values until the user edits them. */
function showState(d, state) {
  fill(d.card.querySelector(".state"), state);
  const data = state && typeof state === "object" && state.data && typeof state.data === "object" ? state.data : state;
  const form = d.card.querySelector(".commands");
  if (!data || typeof data !== "object") return;
  if (typeof data.sample_interval === "number" && !form.elements.seconds.dataset.edited)
    form.elements.seconds.value = String(data.sample_interval);
  if (typeof data.gain === "string" && !form.elements.gain.dataset.edited) form.elements.gain.value = data.gain;
}

function addPoint(d, p) {
  d.points.push(p);
  if (d.points.length > 4000) d.points.shift();
  d.card.querySelector(".value").textContent = p.val === null ? "saturated" : String(p.val);
  d.card.querySelector(".meta").textContent = p.seq === undefined ? "" : `seq ${p.seq}`;
  d.card.querySelector(".points").textContent = String(d.points.length);
}

function showResult(d, result) {
  const time = result && typeof result.time === "number" ? result.time : undefined;
  const entry = time === undefined ? undefined : d.pending.get(time);
  if (entry === undefined) {
    // An acknowledgement of a command sent from elsewhere (or before this page opened).
    const li = ackItem(d, result && result.name ? String(result.name) : "?", undefined, time);
    settle(li, result);
    return;
  }
  d.pending.delete(time);
  clearTimeout(entry.timer);
  settle(entry.li, result);
}

function settle(li, result) {
  const ok = result && result.ok === true;
  li.className = ok ? "ok" : "fail";
  li.querySelector(".verdict").textContent =
    `${ok ? "✓ acknowledged" : "✗ refused"}${result && result.message ? `: ${result.message}` : ""}`;
}

function ackItem(d, name, payload, time) {
  const li = document.createElement("li");
  if (time !== undefined) li.dataset.time = String(time);
  const what = document.createElement("b");
  what.textContent = name;
  const args = document.createElement("code");
  args.textContent = payload && Object.keys(payload).length ? ` ${JSON.stringify(payload)} ` : " ";
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  li.append(what, args, verdict);
  d.card.querySelector(".acks").prepend(li);
  return li;
}

async function command(d, name) {
  const form = d.card.querySelector(".commands");
  let payload = {};
  if (name === "set_interval") payload = { seconds: Number(form.elements.seconds.value) };
  if (name === "set_gain") payload = { gain: form.elements.gain.value };
  const time = Math.max(Date.now(), lastTime + 1);
  lastTime = time;
  const li = ackItem(d, name, payload, time);
  li.className = "pending";
  li.querySelector(".verdict").textContent = "sent, waiting for the acknowledgement…";
  const timer = setTimeout(() => {
    d.pending.delete(time);
    li.className = "fail";
    li.querySelector(".verdict").textContent = `no acknowledgement after ${ACK_TIMEOUT_MS / 1000} s`;
  }, ACK_TIMEOUT_MS);
  d.pending.set(time, { li, timer });
  try {
    const res = await fetch("command", {
      method: "POST",
      headers: { "content-type": "application/json", "x-luxflow-token": TOKEN },
      body: JSON.stringify({ id: d.id, name, payload, time }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    if (!body.brokerConnected && d.pending.has(time))
      li.querySelector(".verdict").textContent = "queued: the dashboard is not connected to the broker";
  } catch (e) {
    clearTimeout(timer);
    d.pending.delete(time);
    li.className = "fail";
    li.querySelector(".verdict").textContent = `not sent: ${e.message}`;
  }
}

function setBroker(connected) {
  const b = document.getElementById("broker");
  b.textContent = connected ? "broker: connected" : "broker: disconnected";
  b.className = `badge ${connected ? "connected" : "disconnected"}`;
}

let dirty = true;
let drawnAt = 0;
function frame() {
  // Redraw on news, and once a second so the time axis moves.
  if (dirty || Date.now() - drawnAt >= 1000) {
    drawnAt = Date.now();
    const drawn = drawChart(canvas, [...devices.values()], {
      now: Date.now(),
      windowMs: WINDOW_MS,
      log: logScale.checked,
    });
    canvas.dataset.points = String(drawn);
    dirty = false;
  }
  requestAnimationFrame(frame);
}
logScale.checked = params.get("log") === "1";
logScale.addEventListener("change", () => {
  dirty = true;
});
window.addEventListener("resize", () => {
  dirty = true;
});

const events = new EventSource(`events?token=${encodeURIComponent(TOKEN)}`);
const on = (type, f) =>
  events.addEventListener(type, (m) => {
    f(JSON.parse(m.data));
    dirty = true;
  });
on("snapshot", (s) => {
  document.getElementById("topic").textContent = s.topic;
  if (s.windowSeconds && !params.get("window")) WINDOW_MS = s.windowSeconds * 1000;
  setBroker(s.broker);
  // In id order, so a device keeps its colour from one page load to the next.
  for (const v of [...s.devices].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }))) {
    const d = device(v.id);
    d.points.length = 0;
    for (const p of v.points) addPoint(d, p);
    if (v.status !== undefined) setStatus(d, v.status);
    if (v.state !== undefined) showState(d, v.state);
    if (v.health !== undefined) fill(d.card.querySelector(".health"), v.health);
  }
});
on("reading", (e) => addPoint(device(e.id), e.point));
on("status", (e) => setStatus(device(e.id), e.status));
on("state", (e) => showState(device(e.id), e.value));
on("health", (e) => fill(device(e.id).card.querySelector(".health"), e.value));
on("result", (e) => showResult(device(e.id), e.value));
on("broker", (e) => setBroker(e.connected));
on("removed", (e) => {
  for (const id of e.ids) {
    const d = devices.get(id);
    if (!d) continue;
    d.card.remove();
    for (const li of document.getElementById("legend").children) if (li.textContent === id) li.remove();
    devices.delete(id);
  }
});
events.addEventListener("error", () => setBroker(false));
requestAnimationFrame(frame);
