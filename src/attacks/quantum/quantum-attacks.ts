/**
 * Attacks on the quantum part of a model rather than on its inputs:
 * - param-tamper / param-random: an adversary who can write the trained circuit angles shifts them
 *   by at most `budget` radians each, worst case (projected gradient ascent on the loss) or at
 *   random (uniform, averaged over draws);
 * - readout: the adversary biases each qubit's measurement error rates up to `budget`, choosing the
 *   worst direction per qubit by coordinate search;
 * - interception: a man-in-the-middle applies one product of single-qubit rotations to every
 *   encoded state before the classifier, optimised to flip predictions, with total rotation angle
 *   Θ = Σ|θ_k| ≤ 2·arccos(√F_min), which guarantees fidelity ≥ F_min for every state
 *   (|⟨ψ|U|ψ⟩| ≥ cos(Θ/2) for U a product of rotations with angles θ_k); the measured mean fidelity
 *   between clean and attacked states is reported;
 * - noise-injection: depolarising noise placed after the encoding, on the qubits where it hurts most
 *   (greedy allocation), with total strength Σ p_i ≤ budget.
 * Each returns the tampered model's accuracy and a record of what it did.
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import type { RowMatrix } from '../../sim/batch.js';
import type { GateOp } from '../../sim/circuit.js';
import { Statevector } from '../../sim/statevector.js';
import { runProgram } from '../../sim/execute.js';
import { compile } from '../../sim/program.js';
import { insertAfterEncoding, type BuiltArchitecture } from '../../qml/circuits.js';
import { crossEntropy, predict, type Model } from '../../qml/model.js';
import { VariationalClassifier } from '../../qml/models/vqc.js';
import { HybridNetwork } from '../../qml/models/hybrid.js';
import { modelFromJSON } from '../../qml/models/registry.js';
import type { NoiseModel } from '../../sim/noise.js';

export interface QuantumAttackResult {
  name: string;
  budget: number;
  clean_accuracy: number;
  robust_accuracy: number;
  attack_success_rate: number;
  details: Record<string, unknown>;
}

function accuracy(m: Model, X: RowMatrix, y: Int32Array): number {
  const p = predict(m, X);
  return p.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / y.length;
}

function asr(model: Model, tampered: Model, X: RowMatrix, y: Int32Array): number {
  const a = predict(model, X), b = predict(tampered, X);
  let correct = 0, flipped = 0;
  for (let i = 0; i < y.length; i++) if (a[i] === y[i]) { correct++; if (b[i] !== y[i]) flipped++; }
  return correct ? flipped / correct : 0;
}

/** The slice of a model's parameter vector that holds circuit angles. */
export function circuitParamRange(m: Model): [number, number] | null {
  if (m instanceof VariationalClassifier) return [0, m.layer.numParams];
  if (m instanceof HybridNetwork) { const q = m.width * m.numFeatures + m.width; return [q, q + m.layer.numParams]; }
  if (m.type === 'circuit') return [0, m.params.length];
  return null;
}

function clone(m: Model): Model {
  return modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
}

export function parameterTampering(model: Model, X: RowMatrix, y: Int32Array, budget: number, mode: 'worst' | 'random', seed: number, steps = 10): QuantumAttackResult {
  const range = circuitParamRange(model);
  if (!range) throw new QmlError(`model "${model.type}" has no trainable circuit angles to tamper with`);
  const [a, b] = range;
  const clean = accuracy(model, X, y);
  const rng = new Rng(seed);
  if (mode === 'random') {
    const draws = 5;
    let acc = 0, flips = 0;
    for (let d = 0; d < draws; d++) {
      const t = clone(model);
      for (let i = a; i < b; i++) t.params[i] += (rng.next() * 2 - 1) * budget;
      acc += accuracy(t, X, y) / draws;
      flips += asr(model, t, X, y) / draws;
    }
    return { name: 'param-random', budget, clean_accuracy: clean, robust_accuracy: acc, attack_success_rate: flips, details: { draws, parameters: b - a } };
  }
  const t = clone(model);
  const orig = Float64Array.from(model.params);
  const alpha = (2.5 * budget) / steps;
  for (let s = 0; s < steps; s++) {
    const g = t.lossGrad(X, y).dparams;
    for (let i = a; i < b; i++) t.params[i] = orig[i] + Math.max(-budget, Math.min(budget, t.params[i] + alpha * Math.sign(g[i]) - orig[i]));
  }
  return {
    name: 'param-tamper', budget, clean_accuracy: clean, robust_accuracy: accuracy(t, X, y), attack_success_rate: asr(model, t, X, y),
    details: { parameters: b - a, steps, loss_clean: crossEntropy(model.predictProba(X), y, model.numClasses), loss_tampered: crossEntropy(t.predictProba(X), y, model.numClasses) },
  };
}

function withExecution(model: Model, noise: NoiseModel): Model {
  const j = model.toJSON() as Record<string, unknown>;
  return modelFromJSON({ ...j, execution: { ...(j.execution as object), noise } });
}

export function readoutManipulation(model: Model, X: RowMatrix, y: Int32Array, budget: number): QuantumAttackResult {
  if (!(model instanceof VariationalClassifier || model instanceof HybridNetwork)) throw new QmlError(`read-out manipulation needs a model that reads expectation values (vqc, reupload, hybrid), not "${model.type}"`);
  if (!(budget >= 0 && budget <= 0.5)) throw new QmlError(`read-out error budget must be in [0, 0.5], got ${budget}`);
  const q = model.arch.qubits;
  const clean = accuracy(model, X, y);
  // Each qubit: no bias, 0→1 flips, 1→0 flips, or both; keep the choice that raises the loss most.
  const options = [{ p1_given_0: 0, p0_given_1: 0 }, { p1_given_0: budget, p0_given_1: 0 }, { p1_given_0: 0, p0_given_1: budget }, { p1_given_0: budget, p0_given_1: budget }];
  const choice = new Array<number>(q).fill(0);
  const lossWith = (c: number[]) => crossEntropy(withExecution(model, { readout: c.map((k) => options[k]) }).predictProba(X), y, model.numClasses);
  let best = lossWith(choice);
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let i = 0; i < q; i++) {
      for (let k = 1; k < options.length; k++) {
        const trial = [...choice]; trial[i] = k;
        const l = lossWith(trial);
        if (l > best) { best = l; choice[i] = k; }
      }
    }
  }
  const t = withExecution(model, { readout: choice.map((k) => options[k]) });
  return { name: 'readout', budget, clean_accuracy: clean, robust_accuracy: accuracy(t, X, y), attack_success_rate: asr(model, t, X, y), details: { readout: choice.map((k) => options[k]) } };
}

function rebuild(model: VariationalClassifier | HybridNetwork, params: Float64Array, modify: (b: BuiltArchitecture) => BuiltArchitecture, noise?: NoiseModel): VariationalClassifier | HybridNetwork {
  const exec = noise ? { ...model.execution, noise } : model.execution;
  return model instanceof VariationalClassifier
    ? new VariationalClassifier(model.arch, model.numFeatures, model.numClasses, params, exec, modify)
    : new HybridNetwork(model.arch, model.numFeatures, model.numClasses, params, exec, modify);
}

/** Model parameters with `extra` interception angles inserted after the circuit's own. */
function splice(model: VariationalClassifier | HybridNetwork, extra: Float64Array): Float64Array {
  const [, end] = circuitParamRange(model)!;
  const out = new Float64Array(model.params.length + extra.length);
  out.set(model.params.subarray(0, end));
  out.set(extra, end);
  out.set(model.params.subarray(end), end + extra.length);
  return out;
}

export function stateInterception(model: Model, X: RowMatrix, y: Int32Array, minFidelity: number, seed: number, steps = 25): QuantumAttackResult {
  if (!(model instanceof VariationalClassifier || model instanceof HybridNetwork)) throw new QmlError(`state interception needs a circuit model with an encoding (vqc, reupload, hybrid), not "${model.type}"`);
  if (!(minFidelity > 0 && minFidelity <= 1)) throw new QmlError(`minimum fidelity must be in (0, 1], got ${minFidelity}`);
  const q = model.arch.qubits;
  const total = 2 * Math.acos(Math.sqrt(minFidelity));
  const modify = (b: BuiltArchitecture) => insertAfterEncoding(b, (p0) => {
    const ops: GateOp[] = [];
    for (let k = 0; k < q; k++) {
      ops.push({ kind: 'gate', gate: 'ry', wires: [k], params: [{ offset: 0, terms: [{ src: 'param', index: p0 + 2 * k, coef: 1 }] }] });
      ops.push({ kind: 'gate', gate: 'rz', wires: [k], params: [{ offset: 0, terms: [{ src: 'param', index: p0 + 2 * k + 1, coef: 1 }] }] });
    }
    return { ops, params: 2 * q };
  });
  const rng = new Rng(seed);
  const phi = Float64Array.from({ length: 2 * q }, () => (rng.next() * 2 - 1) * 1e-3);
  const [, end] = circuitParamRange(model)!;
  let m = rebuild(model, splice(model, phi), modify);
  // Projected gradient ascent on the loss, keeping Σ|φ| within the fidelity budget (L1-ball projection).
  const lr = total / 5;
  for (let s = 0; s < steps; s++) {
    const g = m.lossGrad(X, y).dparams;
    for (let k = 0; k < 2 * q; k++) phi[k] += lr * Math.sign(g[end + k]) * (1 - s / steps);
    projectL1(phi, total);
    m = rebuild(model, splice(model, phi), modify);
  }
  // Measured fidelity between clean and intercepted encoded states.
  const built = m.layer.built;
  const enc = compile({ ...built.circuit, ops: built.circuit.ops.slice(0, built.encodingOps), numParams: 0 });
  const intercept = compile({ ...built.circuit, ops: built.circuit.ops.slice(built.encodingOps, built.encodingOps + 2 * q) });
  const pv = new Float64Array(end + 2 * q);
  pv.set(phi, end);
  let fsum = 0, fmin = 1;
  const a = Statevector.zero(q), b = Statevector.zero(q);
  const inputsOf = (r: number) => (model instanceof HybridNetwork ? hybridAngles(model, X, r) : X.data.subarray(r * X.cols, (r + 1) * X.cols));
  for (let r = 0; r < X.rows; r++) {
    a.reset(); runProgram(enc, a, { inputs: inputsOf(r) });
    b.copyFrom(a); runProgram(intercept, b, { params: pv, inputs: inputsOf(r) });
    let re = 0, im = 0;
    for (let i = 0; i < a.data.length; i += 2) { re += a.data[i] * b.data[i] + a.data[i + 1] * b.data[i + 1]; im += a.data[i] * b.data[i + 1] - a.data[i + 1] * b.data[i]; }
    const f = re * re + im * im;
    fsum += f; fmin = Math.min(fmin, f);
  }
  return {
    name: 'interception', budget: minFidelity, clean_accuracy: accuracy(model, X, y), robust_accuracy: accuracy(m, X, y), attack_success_rate: asr(model, m, X, y),
    details: { guaranteed_min_fidelity: Math.cos(Math.min(Math.PI, phi.reduce((s, v) => s + Math.abs(v), 0)) / 2) ** 2, mean_fidelity: fsum / X.rows, min_fidelity: fmin, total_angle: phi.reduce((s, v) => s + Math.abs(v), 0), angles: Array.from(phi) },
  };
}

function hybridAngles(m: HybridNetwork, X: RowMatrix, r: number): Float64Array {
  const d = m.numFeatures, h = m.width, p = m.params, out = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let z = p[h * d + j];
    for (let i = 0; i < d; i++) z += p[j * d + i] * X.data[r * X.cols + i];
    out[j] = (Math.PI / 2) * (1 + Math.tanh(z));
  }
  return out;
}

/** Euclidean projection onto {v : Σ|v_k| ≤ radius} (Duchi et al. 2008). */
export function projectL1(v: Float64Array, radius: number): void {
  const abs = Array.from(v, Math.abs);
  if (abs.reduce((a, x) => a + x, 0) <= radius) return;
  const u = [...abs].sort((a, b) => b - a);
  let cum = 0, theta = 0;
  for (let k = 0; k < u.length; k++) {
    cum += u[k];
    const t = (cum - radius) / (k + 1);
    if (u[k] - t > 0) theta = t;
  }
  for (let k = 0; k < v.length; k++) v[k] = Math.sign(v[k]) * Math.max(0, Math.abs(v[k]) - theta);
}

/**
 * Class probabilities of a circuit model with depolarising channels right after the encoding on some
 * qubits, exactly: depolarising(p) = (1 − 3p/4)·ρ + (p/4)(XρX + YρY + ZρZ), so the read-out
 * expectations are the weighted mixture, over Pauli insertions, of pure-state runs (4^k runs for k
 * noisy qubits) — no density matrix needed. The head is applied to the mixed expectations.
 */
function depolarizedProba(model: VariationalClassifier | HybridNetwork, X: RowMatrix, strengths: Float64Array): Float64Array {
  const noisy = Array.from(strengths, (p, k) => ({ p, k })).filter((x) => x.p > 0);
  const inputs = model instanceof HybridNetwork ? model.layerInputs(X) : X;
  const m = model.layer.outputs, C = model.numClasses;
  const e = new Float64Array(X.rows * m);
  const [, end] = circuitParamRange(model)!;
  const qparams = model instanceof HybridNetwork ? model.qparams() : model.params.subarray(0, end);
  for (let cfg = 0; cfg < 4 ** noisy.length; cfg++) {
    let w = 1;
    const paulis: Array<[number, string]> = [];
    noisy.forEach(({ p, k }, i) => {
      const which = Math.floor(cfg / 4 ** i) % 4;
      w *= which === 0 ? 1 - (3 * p) / 4 : p / 4;
      if (which) paulis.push([k, ['x', 'y', 'z'][which - 1]]);
    });
    if (w === 0) continue;
    const variant = rebuild(model, model.params, (b) => insertAfterEncoding(b, () => ({ ops: paulis.map(([k, g]) => ({ kind: 'gate' as const, gate: g, wires: [k] })), params: 0 })));
    const ec = variant.layer.forward(qparams, inputs);
    for (let i = 0; i < e.length; i++) e[i] += w * ec[i];
  }
  const probs = new Float64Array(X.rows * C);
  const off = model instanceof HybridNetwork ? model.hOff : model.layer.numParams;
  for (let r = 0; r < X.rows; r++) model.head.forward(model.params, off, e, r * m, probs, r * C);
  return probs;
}

export function noiseInjection(model: Model, X: RowMatrix, y: Int32Array, budget: number, increments = 2): QuantumAttackResult {
  if (!(model instanceof VariationalClassifier || model instanceof HybridNetwork)) throw new QmlError(`noise injection needs a circuit model with an encoding (vqc, reupload, hybrid), not "${model.type}"`);
  if (!(budget >= 0 && budget <= 1)) throw new QmlError(`noise budget must be in [0, 1], got ${budget}`);
  const q = model.arch.qubits;
  const strengths = new Float64Array(q);
  const lossOf = (p: Float64Array) => crossEntropy(depolarizedProba(model, X, p), y, model.numClasses);
  for (let inc = 0; inc < increments; inc++) {
    let best = -Infinity, bestK = 0;
    for (let k = 0; k < q; k++) {
      const trial = Float64Array.from(strengths);
      trial[k] = Math.min(1, trial[k] + budget / increments);
      const l = lossOf(trial);
      if (l > best) { best = l; bestK = k; }
    }
    strengths[bestK] = Math.min(1, strengths[bestK] + budget / increments);
  }
  const p = depolarizedProba(model, X, strengths), C = model.numClasses;
  const clean = predict(model, X);
  let acc = 0, correct = 0, flipped = 0;
  for (let r = 0; r < X.rows; r++) {
    let b = 0;
    for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
    if (b === y[r]) acc++;
    if (clean[r] === y[r]) { correct++; if (b !== y[r]) flipped++; }
  }
  return { name: 'noise-injection', budget, clean_accuracy: accuracy(model, X, y), robust_accuracy: acc / X.rows, attack_success_rate: correct ? flipped / correct : 0, details: { depolarizing_per_qubit: Array.from(strengths) } };
}
