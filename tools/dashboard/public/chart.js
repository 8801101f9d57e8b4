// The live chart, drawn on a canvas: lux per device against arrival time over the last
// `windowMs`, a line per device in its colour, linear or log scale, with labelled axes.

export const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#17becf",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
];

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

function label(v) {
  if (v >= 10000) return `${Math.round(v / 1000)}k`;
  if (v >= 100) return String(Math.round(v));
  return String(Math.round(v * 100) / 100);
}

/** Draws `series` ([{id, color, points: [{at, val}]}]); returns the number of points drawn. */
export function drawChart(canvas, series, { now, windowMs = 5 * 60_000, log = false }) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const left = 52,
    right = 12,
    top = 10,
    bottom = 24;
  const pw = w - left - right,
    ph = h - top - bottom;
  const t0 = now - windowMs;
  let lo = Infinity,
    hi = -Infinity;
  for (const s of series)
    for (const p of s.points) {
      if (p.at < t0 || p.val === null || (log && p.val <= 0)) continue;
      lo = Math.min(lo, p.val);
      hi = Math.max(hi, p.val);
    }
  if (!(hi >= lo)) {
    lo = log ? 1 : 0;
    hi = log ? 1000 : 100;
  }
  const f = log ? Math.log10 : (v) => v;
  let ylo,
    yhi,
    ticks = [];
  if (log) {
    ylo = Math.floor(Math.log10(lo));
    yhi = Math.max(ylo + 1, Math.ceil(Math.log10(hi)));
    for (let e = ylo; e <= yhi; e++) ticks.push(Math.pow(10, e));
  } else {
    const pad = (hi - lo) * 0.1 || Math.max(1, hi * 0.1);
    const step = niceStep(hi - lo + 2 * pad, 5);
    ylo = Math.max(0, Math.floor((lo - pad) / step) * step);
    yhi = Math.ceil((hi + pad) / step) * step;
    for (let v = ylo; v <= yhi + step / 2; v += step) ticks.push(v);
  }
  const y = (v) => top + ph - ((f(v) - ylo) / (yhi - ylo)) * ph;
  const x = (t) => left + ((t - t0) / windowMs) * pw;
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#6b7385";
  g.strokeStyle = "#e6e9ef";
  g.lineWidth = 1;
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const v of ticks) {
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, yy);
    g.lineTo(left + pw, yy);
    g.stroke();
    g.fillText(label(v), left - 6, yy);
  }
  g.textBaseline = "top";
  for (let k = 0; k <= 5; k++) {
    const t = t0 + (k * windowMs) / 5;
    g.textAlign = k === 0 ? "left" : k === 5 ? "right" : "center";
    g.fillText(new Date(t).toLocaleTimeString([], { hour12: false }), x(t), top + ph + 6);
  }
  g.save();
  g.translate(12, top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = "middle";
  g.fillText("lux", 0, 0);
  g.restore();
  let drawn = 0;
  g.lineWidth = 2;
  g.lineJoin = "round";
  for (const s of series) {
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.beginPath();
    let pen = false;
    for (const p of s.points) {
      if (p.at < t0 || p.val === null || (log && p.val <= 0)) {
        pen = false;
        continue;
      }
      const px = x(p.at),
        py = y(p.val);
      if (pen) g.lineTo(px, py);
      else g.moveTo(px, py);
      pen = true;
      drawn++;
    }
    g.stroke();
    const last = s.points.at(-1);
    if (last && last.val !== null && last.at >= t0) {
      g.beginPath();
      g.arc(x(last.at), y(last.val), 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
  return drawn;
}
