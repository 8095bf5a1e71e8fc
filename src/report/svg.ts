/**
 * Small, dependency-free SVG charts for the self-contained report: line charts, grouped bars and a
 * heat map. Every chart is a string of SVG with its own axes, labels and legend.
 */
const PALETTE = ['#1b6ca8', '#d1495b', '#66a182', '#edae49', '#8d6a9f', '#00798c', '#30638e', '#a05a2c', '#5c5c5c', '#c7a2d1', '#2e4052', '#e07a5f'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Series { name: string; points: Array<[number, number]>; dashed?: boolean }

export function lineChart(title: string, series: Series[], opts: { xLabel: string; yLabel: string; yMin?: number; yMax?: number; width?: number; height?: number }): string {
  const W = opts.width ?? 560, H = opts.height ?? 300, L = 52, R = 150, T = 30, B = 42;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const xMin = Math.min(...xs, 0), xMax = Math.max(...xs, 1e-9);
  const yMin = opts.yMin ?? 0, yMax = opts.yMax ?? 1;
  const X = (v: number) => L + ((v - xMin) / (xMax - xMin || 1)) * (W - L - R);
  const Y = (v: number) => T + (1 - (v - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`,
    `<text x="${L}" y="18" font-size="13" font-weight="600">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = yMin + ((yMax - yMin) * i) / 4, y = Y(v);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#e5e5e5"/><text x="${L - 6}" y="${y + 4}" font-size="10" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const t of ticks) parts.push(`<text x="${X(t)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${+t.toFixed(3)}</text>`);
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(`<text x="12" y="${(T + H - B) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="${c}"><title>${esc(s.name)}: ${p[1].toFixed(3)} at ${p[0]}</title></circle>`);
    const ly = T + 14 * i;
    parts.push(`<line x1="${W - R + 10}" x2="${W - R + 28}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${W - R + 32}" y="${ly + 4}" font-size="10">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function barChart(title: string, groups: string[], bars: Array<{ name: string; values: number[] }>, opts: { yLabel: string; yMax?: number; width?: number; height?: number }): string {
  const W = opts.width ?? 640, H = opts.height ?? 300, L = 52, R = 150, T = 30, B = 60;
  const yMax = opts.yMax ?? 1;
  const gw = (W - L - R) / Math.max(groups.length, 1), bw = (gw * 0.8) / Math.max(bars.length, 1);
  const Y = (v: number) => T + (1 - v / yMax) * (H - T - B);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`, `<text x="${L}" y="18" font-size="13" font-weight="600">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) { const v = (yMax * i) / 4; parts.push(`<line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${Y(v) + 4}" font-size="10" text-anchor="end">${v.toFixed(2)}</text>`); }
  groups.forEach((g, gi) => {
    const x0 = L + gi * gw + gw * 0.1;
    bars.forEach((b, bi) => {
      const v = b.values[gi];
      if (!Number.isFinite(v)) return;
      parts.push(`<rect x="${(x0 + bi * bw).toFixed(1)}" y="${Y(v).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(H - B - Y(v)).toFixed(1)}" fill="${PALETTE[bi % PALETTE.length]}"><title>${esc(g)} / ${esc(b.name)}: ${v.toFixed(3)}</title></rect>`);
    });
    parts.push(`<text x="${(x0 + gw * 0.4).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${esc(g)}</text>`);
  });
  bars.forEach((b, i) => parts.push(`<rect x="${W - R + 10}" y="${T + 14 * i - 8}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${W - R + 24}" y="${T + 14 * i + 1}" font-size="10">${esc(b.name)}</text>`));
  parts.push(`<text x="12" y="${(T + H - B) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">${esc(opts.yLabel)}</text>`, '</svg>');
  return parts.join('');
}

export function heatmap(title: string, rows: string[], cols: string[], value: (r: number, c: number) => number | null, opts: { label: string }): string {
  const cell = 54, L = 90, T = 48, W = L + cols.length * cell + 20, H = T + rows.length * cell + 30;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`, `<text x="8" y="18" font-size="13" font-weight="600">${esc(title)}</text>`];
  cols.forEach((c, j) => parts.push(`<text x="${L + j * cell + cell / 2}" y="${T - 8}" font-size="10" text-anchor="middle">${esc(c)}</text>`));
  rows.forEach((r, i) => {
    parts.push(`<text x="${L - 6}" y="${T + i * cell + cell / 2 + 4}" font-size="10" text-anchor="end">${esc(r)}</text>`);
    cols.forEach((_, j) => {
      const v = value(i, j);
      const fill = v === null ? '#f2f2f2' : `rgb(${Math.round(255 - 180 * v)},${Math.round(255 - 120 * v)},${Math.round(255 - 40 * v)})`;
      parts.push(`<rect x="${L + j * cell}" y="${T + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"/>`);
      parts.push(`<text x="${L + j * cell + cell / 2 - 1}" y="${T + i * cell + cell / 2 + 4}" font-size="11" text-anchor="middle">${v === null ? '–' : v.toFixed(2)}</text>`);
    });
  });
  parts.push(`<text x="8" y="${H - 8}" font-size="10">${esc(opts.label)}</text>`, '</svg>');
  return parts.join('');
}
