/**
 * Where shot noise makes an explanation unreliable: a quantum model run with a finite number of
 * shots estimates each probability with sampling error ~ sqrt(p(1 − p)/shots), and so every
 * coalition value and Shapley value carries noise. This compares the exact (statevector) values with
 * the values from the same model run with shots, repeated over seeds, and names the features whose
 * value the noise can hide or flip.
 *
 * @example
 * // const r = shotNoiseCheck(quantumDetector, data.table, 0, { shots: 1000, repeats: 5, seed: 1 });
 * // r.unreliable: features whose shot-based value is within noise of zero, or changes sign
 */
import { QmlError } from '../core/errors.js';
import { Detector } from '../qml/detector.js';
import { modelFromJSON } from '../qml/models/registry.js';
import type { Table } from '../qml/table.js';
import { kernelShap, type ShapOptions } from './shap.js';

export interface ShotNoiseReport {
  shots: number;
  repeats: number;
  exact: Record<string, number>;
  shot_mean: Record<string, number>;
  shot_std: Record<string, number>;
  /** Features whose value is not resolved at this shot count (|exact| < 2·std, or the sign flipped in a repeat). */
  unreliable: string[];
  /** Does the feature with the largest |value| stay the same in every repeat? */
  top_feature_stable: boolean;
  max_abs_error: number;
  verdict: string;
}

/** A copy of a quantum detector whose circuits run with `shots` measurements (seeded). */
export function withShots(det: Detector, shots: number, seed: number): Detector {
  if (det.model.kind !== 'quantum') throw new QmlError(`a ${det.model.type} model is classical: it has no shot noise`);
  if (!Number.isInteger(shots) || shots < 1) throw new QmlError(`shots must be a positive integer, got ${shots}`, '--shots');
  const j = det.model.toJSON();
  const exec = (j.execution ?? {}) as Record<string, unknown>;
  return new Detector(det.pipeline, modelFromJSON({ ...j, execution: { ...exec, shots, seed } }), det.classes, det.meta);
}

export function shotNoiseCheck(det: Detector, table: Table, row: number, opts: ShapOptions & { shots: number; repeats?: number } = { shots: 1000 }): ShotNoiseReport {
  const repeats = opts.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 2) throw new QmlError(`repeats must be an integer ≥ 2, got ${repeats}`);
  const seed = opts.seed ?? 0;
  const exactModel = det.model.toJSON();
  const exec = (exactModel.execution ?? {}) as Record<string, unknown>;
  const exactDet = exec.shots ? new Detector(det.pipeline, modelFromJSON({ ...exactModel, execution: { ...exec, shots: undefined } }), det.classes, det.meta) : det;
  const ref = kernelShap((t) => exactDet.predictProba(t), table, row, opts);
  const names = ref.features;
  const runs = Array.from({ length: repeats }, (_, r) => {
    const noisy = withShots(det, opts.shots, seed * 1000 + r + 1);
    return kernelShap((t) => noisy.predictProba(t), table, row, { ...opts, classIndex: ref.class_index });
  });
  const mean: Record<string, number> = {}, std: Record<string, number> = {};
  const unreliable: string[] = [];
  let maxErr = 0;
  for (const n of names) {
    const v = runs.map((r) => r.values[n]);
    const m = v.reduce((a, b) => a + b, 0) / repeats;
    const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (repeats - 1));
    mean[n] = m; std[n] = s;
    for (const x of v) maxErr = Math.max(maxErr, Math.abs(x - ref.values[n]));
    const flips = v.some((x) => Math.sign(x) !== Math.sign(ref.values[n]));
    if (Math.abs(ref.values[n]) < 2 * s || flips) unreliable.push(n);
  }
  const top = (vals: Record<string, number>) => names.reduce((b, n) => (Math.abs(vals[n]) > Math.abs(vals[b]) ? n : b), names[0]);
  const topRef = top(ref.values);
  const stable = runs.every((r) => top(r.values) === topRef);
  const verdict = unreliable.length === 0 && stable
    ? `at ${opts.shots} shots every value is resolved (max deviation ${maxErr.toExponential(2)} from exact)`
    : `at ${opts.shots} shots ${unreliable.length} of ${names.length} values are within shot noise or change sign (${unreliable.slice(0, 5).join(', ')}${unreliable.length > 5 ? ', …' : ''})${stable ? '' : `; the most important feature (${topRef}) is not stable across repeats`}: read them as unknown`;
  return { shots: opts.shots, repeats, exact: ref.values, shot_mean: mean, shot_std: std, unreliable, top_feature_stable: stable, max_abs_error: maxErr, verdict };
}
