import { svg } from "./dom.ts";

export interface Line {
  name: string;
  color: string;
  values: readonly (number | null)[];
}

const W = 480;
const H = 150;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function axis(max: number, unit: (v: number) => string): SVGGElement {
  const g = svg("g", { class: "axis" });
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + (1 - f) * (H - PAD.top - PAD.bottom);
    g.append(
      svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "grid" }),
      svg("text", { x: PAD.left - 4, y: y + 3, "text-anchor": "end" }, unit(max * f)),
    );
  }
  return g;
}

/** Lines over time; `null` values leave gaps. The x axis shows the first and last label. */
export function lineChart(
  lines: readonly Line[],
  labels: readonly string[],
  unit: (v: number) => string,
  title: string,
): SVGSVGElement {
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...all));
  const n = Math.max(2, labels.length);
  const x = (i: number): number => PAD.left + (i / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(axis(max, unit));
  for (const l of lines) {
    let d = "";
    l.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d === "" || l.values[i - 1] === null ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (d.includes("L")) root.append(svg("path", { d, stroke: l.color, class: "line" }));
    // A value with no neighbour draws no line: mark it, or sparse series look empty.
    l.values.forEach((v, i) => {
      const alone = (l.values[i - 1] ?? null) === null && (l.values[i + 1] ?? null) === null;
      if (v !== null && alone)
        root.append(svg("circle", { cx: x(i), cy: y(v), r: 3, fill: l.color, class: "point" }));
    });
  }
  if (labels.length > 0) {
    root.append(
      svg("text", { x: PAD.left, y: H - 6, class: "label" }, labels[0]),
      svg(
        "text",
        { x: W - PAD.right, y: H - 6, "text-anchor": "end", class: "label" },
        labels.at(-1),
      ),
    );
  }
  return root;
}

export interface Bar {
  label: string;
  value: number;
  title?: string;
}

/** Vertical bars, one per label (spend per day). */
export function barChart(
  bars: readonly Bar[],
  unit: (v: number) => string,
  title: string,
): SVGSVGElement {
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(axis(max, unit));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, bars.length);
  bars.forEach((b, i) => {
    const hgt = (b.value / max) * (H - PAD.top - PAD.bottom);
    const x = PAD.left + i * slot + slot * 0.15;
    root.append(
      svg(
        "rect",
        { x, y: H - PAD.bottom - hgt, width: slot * 0.7, height: Math.max(hgt, 0), class: "bar" },
        svg("title", {}, b.title ?? `${b.label}: ${unit(b.value)}`),
      ),
    );
    if (i === 0 || i === bars.length - 1 || bars.length <= 8)
      root.append(
        svg(
          "text",
          { x: x + slot * 0.35, y: H - 6, "text-anchor": "middle", class: "label" },
          b.label,
        ),
      );
  });
  return root;
}

/** Horizontal bars with their labels (spend per repository). */
export function hbarChart(
  bars: readonly Bar[],
  unit: (v: number) => string,
  title: string,
): SVGSVGElement {
  const rowH = 22;
  const height = Math.max(1, bars.length) * rowH + 4;
  const labelW = 150;
  const max = Math.max(0, ...bars.map((b) => b.value)) || 1;
  const root = svg("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": title });
  bars.forEach((b, i) => {
    const y = i * rowH + 4;
    const w = (b.value / max) * (W - labelW - 70);
    root.append(
      svg("text", { x: labelW - 6, y: y + 13, "text-anchor": "end", class: "label" }, b.label),
      svg(
        "rect",
        { x: labelW, y, width: Math.max(w, 1), height: rowH - 8, class: "bar" },
        svg("title", {}, b.title ?? b.label),
      ),
      svg("text", { x: labelW + Math.max(w, 1) + 4, y: y + 13, class: "label" }, unit(b.value)),
    );
  });
  return root;
}
