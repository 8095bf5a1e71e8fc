/**
 * The membership audit of a trained global model (Yeom et al. 2018, loss threshold): per-row losses
 * on rows the clients trained on against held-out rows, reduced to the attack's AUC and advantage.
 * Kept apart from the experiment runner so that the runner can call it on every private run.
 *
 * @example
 * import { membershipAudit } from 'qml6g';
 * // const r = membershipAudit({ type: 'mlp' }, 2, 0, params, clientRows, testRows, 400); r.auc
 */
import { createModel, type ModelSpec } from '../../qml/models/registry.js';
import type { ClientData } from '../client.js';
import { membershipInference, type MembershipResult } from './membership.js';

/** Per-row cross-entropy of the model `spec` with parameters `params` on `d`. */
export function rowLosses(spec: ModelSpec, numClasses: number, seed: number, params: Float64Array, d: ClientData): Float64Array {
  const m = createModel(spec, d.cols, numClasses, seed);
  m.params.set(params);
  const p = m.predictProba({ data: d.X, rows: d.rows, cols: d.cols });
  const out = new Float64Array(d.rows);
  for (let r = 0; r < d.rows; r++) out[r] = -Math.log(Math.max(p[r * numClasses + d.y[r]], 1e-300));
  return out;
}

/** n rows spread evenly over d (so an ordering of the rows, by class or by time, cannot bias the audit). */
function spreadRows(d: ClientData, n: number): ClientData {
  const k = Math.min(n, d.rows), cols = d.cols;
  const X = new Float64Array(k * cols), y = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const r = Math.floor((i * d.rows) / k);
    X.set(d.X.subarray(r * cols, (r + 1) * cols), i * cols);
    y[i] = d.y[r];
  }
  return { X, rows: k, cols, y };
}

/** Up to `rows` member rows (taken evenly from every client) against as many held-out rows. */
export function membershipSets(clients: readonly ClientData[], test: ClientData, rows: number): { members: ClientData; nonMembers: ClientData } {
  const per = Math.max(1, Math.ceil(rows / clients.length));
  const parts = clients.map((d) => spreadRows(d, per));
  const n = parts.reduce((a, m) => a + m.rows, 0), cols = test.cols;
  const X = new Float64Array(n * cols), y = new Int32Array(n);
  let o = 0;
  for (const m of parts) { X.set(m.X, o * cols); y.set(m.y, o); o += m.rows; }
  const members = { X, rows: n, cols, y };
  const k = Math.min(n, test.rows);
  return { members: k < n ? spreadRows(members, k) : members, nonMembers: spreadRows(test, k) };
}

export function membershipAudit(spec: ModelSpec, numClasses: number, seed: number, params: Float64Array, clients: readonly ClientData[], test: ClientData, rows = 400): MembershipResult & { train_loss: number; test_loss: number } {
  const { members, nonMembers } = membershipSets(clients, test, rows);
  const lm = rowLosses(spec, numClasses, seed, params, members), ln = rowLosses(spec, numClasses, seed, params, nonMembers);
  return { ...membershipInference(lm, ln), train_loss: mean(lm), test_loss: mean(ln) };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : NaN;
}
