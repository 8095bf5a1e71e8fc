/**
 * Initial QAOA angles.
 *
 * - Fixed angles (Wurtz & Lykov, "The fixed angle conjecture for QAOA on regular MaxCut graphs",
 *   arXiv:2107.00677, 2021): one (γ, β) schedule per degree d and depth p, with the cut fraction it
 *   guarantees on d-regular graphs of girth > 2p + 1. The table ships in data/qaoa (from QOKit,
 *   Apache-2.0). QOKit's circuit applies e^{−i(γ/2)·C}; this package applies e^{−iγ·C} (Farhi's
 *   convention), so γ_here = γ_table / 2; β is the same.
 * - INTERP (Zhou, Wang, Choi, Pichler & Lukin, PRX 10, 021067, 2020): the optimum at depth p,
 *   linearly interpolated to p + 1 points, starts depth p + 1:
 *   θ_{p+1}[i] = ((i−1)/p)·θ_p[i−1] + ((p−i+1)/p)·θ_p[i], i = 1..p+1, with θ_p[0] = θ_p[p+1] = 0.
 * - A linear ramp (the discretised adiabatic path) when nothing better is known.
 *
 * @example
 * import { fixedAngles, interpAngles } from 'qml6g';
 * const a = fixedAngles(3, 1);    // { gamma: [0.6155...], beta: [0.3927...], ratio: 0.6924... }
 * interpAngles(a.gamma, a.beta);  // a p = 2 starting point
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QmlError } from '../../core/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXED_ANGLES_FILE = path.resolve(here, '..', '..', '..', 'data', 'qaoa', 'fixed_angles_for_regular_graphs.json');

export interface AngleSchedule { gamma: number[]; beta: number[] }
export interface FixedAngles extends AngleSchedule { d: number; p: number; ratio: number }

let table: FixedAngles[] | null = null;

/** Every (d, p) entry of the table, γ converted to this package's convention. */
export function fixedAngleTable(): FixedAngles[] {
  if (table) return table;
  let raw: Record<string, { d: number; p: number; gamma: number[]; beta: number[]; AR: number }>;
  try { raw = JSON.parse(fs.readFileSync(FIXED_ANGLES_FILE, 'utf8')); } catch (e) { throw new QmlError(`cannot read the fixed-angle table: ${(e as Error).message}`, FIXED_ANGLES_FILE); }
  table = Object.values(raw).map((e) => ({ d: e.d, p: e.p, gamma: e.gamma.map((g) => g / 2), beta: [...e.beta], ratio: e.AR }));
  return table;
}

export function fixedAngles(d: number, p: number): FixedAngles {
  const e = fixedAngleTable().find((t) => t.d === d && t.p === p);
  if (!e) {
    const ps = fixedAngleTable().filter((t) => t.d === d).map((t) => t.p);
    throw new QmlError(ps.length ? `no fixed angles for degree ${d} at p = ${p} (the table has p = ${ps.join(', ')})` : `no fixed angles for degree ${d} (the table covers d = 3..11)`);
  }
  return { ...e, gamma: [...e.gamma], beta: [...e.beta] };
}

export function interpAngles(gamma: ArrayLike<number>, beta: ArrayLike<number>): AngleSchedule {
  const up = (t: ArrayLike<number>): number[] => {
    const p = t.length, out: number[] = [];
    for (let i = 1; i <= p + 1; i++) {
      const prev = i - 2 >= 0 ? t[i - 2] : 0, cur = i - 1 < p ? t[i - 1] : 0;
      out.push(((i - 1) / p) * prev + ((p - i + 1) / p) * cur);
    }
    return out;
  };
  return { gamma: up(gamma), beta: up(beta) };
}

/** γ rising and β falling linearly over p layers (a Trotterised annealing path), total time `dt`·p. */
export function rampAngles(p: number, dt = 0.75): AngleSchedule {
  if (!Number.isInteger(p) || p < 1) throw new QmlError(`QAOA depth p must be a positive integer, got ${p}`);
  return { gamma: Array.from({ length: p }, (_, l) => (dt * (l + 0.5)) / p), beta: Array.from({ length: p }, (_, l) => dt * (1 - (l + 0.5) / p)) };
}
