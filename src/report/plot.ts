/**
 * The one plotting library of qml6g: every chart, in the HTML reports and in the dashboard, is a
 * Vega-Lite specification (plain data) rendered to SVG here, offline, by Vega's headless renderer.
 * Builders below cover the shapes the reports need; any other Vega-Lite spec can be rendered as is.
 *
 * @example
 * import { renderSvg, lineSpec } from 'qml6g';
 * const svg = await renderSvg(lineSpec('Accuracy per round', [
 *   { series: 'fedavg', x: 1, y: 0.8 }, { series: 'fedavg', x: 2, y: 0.9 },
 * ], { x: 'round', y: 'accuracy' }));
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';

/** A Vega-Lite top-level specification (kept loose: it is plain JSON). */
export type VlSpec = Record<string, unknown>;

/** One point of a line; `dashed` draws its series dashed (black-box attacks, mitigated curves). */
export interface Point { series: string; x: number; y: number; lo?: number; hi?: number; dashed?: boolean }

const WIDTH = 460;
const HEIGHT = 260;

/** Renders a Vega-Lite spec to a standalone SVG string (no DOM, no network). */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const compiled = vl.compile({ width: WIDTH, height: HEIGHT, ...spec } as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Vega declares the xlink namespace on every SVG; drop it when unused, so a report's only
    // URL-looking strings are the SVG namespace itself.
    return svg.includes('xlink:href') ? svg : svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', '');
  } finally {
    view.finalize();
  }
}

interface AxisNames { x: string; y: string; series?: string; yDomain?: [number, number]; xLog?: boolean; yLog?: boolean }

/** Lines (one per series) with points; an error band where lo/hi are given. */
export function lineSpec(title: string, points: Point[], axes: AxisNames): VlSpec {
  const seriesName = axes.series ?? 'series';
  const x = { field: 'x', type: 'quantitative', title: axes.x, ...(axes.xLog ? { scale: { type: 'log' } } : {}) };
  const y = { field: 'y', type: 'quantitative', title: axes.y, scale: { ...(axes.yDomain ? { domain: axes.yDomain } : { zero: false }), ...(axes.yLog ? { type: 'log' } : {}) } };
  const color = { field: 'series', type: 'nominal', title: seriesName };
  const layers: VlSpec[] = [];
  if (points.some((p) => p.lo !== undefined && p.hi !== undefined)) {
    layers.push({ mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } });
  }
  const dash = points.some((p) => p.dashed) ? { strokeDash: { field: 'dashed', type: 'nominal', legend: null, scale: { domain: [false, true], range: [[1, 0], [5, 3]] } } } : {};
  layers.push({ mark: { type: 'line', point: true }, encoding: { x, y, color, ...dash, tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'y' }] } });
  return { title, data: { values: points }, layer: layers };
}

export interface Bar { group: string; series: string; value: number; lo?: number; hi?: number }

/** Grouped bars: one group per category, one bar per series; error bars where lo/hi are given. */
export function barSpec(title: string, bars: Bar[], axes: { group: string; value: string; series?: string; domain?: [number, number] }): VlSpec {
  const enc = {
    x: { field: 'group', type: 'nominal', title: axes.group },
    xOffset: { field: 'series', type: 'nominal' },
    y: { field: 'value', type: 'quantitative', title: axes.value, ...(axes.domain ? { scale: { domain: axes.domain } } : {}) },
    color: { field: 'series', type: 'nominal', title: axes.series ?? 'series' },
  };
  const layers: VlSpec[] = [{ mark: 'bar', encoding: { ...enc, tooltip: [{ field: 'group' }, { field: 'series' }, { field: 'value' }] } }];
  if (bars.some((b) => b.lo !== undefined)) {
    layers.push({ mark: { type: 'rule', color: 'black' }, encoding: { x: enc.x, xOffset: enc.xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } });
  }
  return { title, data: { values: bars }, layer: layers };
}

export interface Cell { row: string; col: string; value: number }

/** A heat map with the value printed in every cell. */
export function heatmapSpec(title: string, cells: Cell[], axes: { row: string; col: string; value: string; domain?: [number, number] }): VlSpec {
  const base = { x: { field: 'col', type: 'nominal', title: axes.col }, y: { field: 'row', type: 'nominal', title: axes.row } };
  return {
    title,
    data: { values: cells },
    layer: [
      { mark: 'rect', encoding: { ...base, color: { field: 'value', type: 'quantitative', title: axes.value, ...(axes.domain ? { scale: { domain: axes.domain } } : {}) } } },
      // White figures on the dark end of the scale, black elsewhere, so every value stays readable.
      { mark: { type: 'text', fontSize: 10 }, encoding: { ...base, text: { field: 'value', type: 'quantitative', format: '.2f' }, color: { condition: { test: `datum.value > ${axes.domain ? axes.domain[0] + 0.6 * (axes.domain[1] - axes.domain[0]) : 'null'}`, value: 'white' }, value: 'black' } } },
    ],
  };
}
