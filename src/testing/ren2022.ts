/**
 * The published classifier of Ren et al. 2022 (shared/reference/ren2022), built from its stated
 * layout: 4 blocks of rx/rz layers (8, 6, 6, 6) over 10 qubits, each closed by a brick of CNOTs;
 * every angle is data angle x[k] + trained angle θ[k]. For tests only.
 */
import fs from 'node:fs';
import { CircuitBuilder, input, param, sum, type Circuit } from '../sim/circuit.js';
import { sharedPath } from './shared.js';

export interface RenModel {
  theta_trained: number[];
  theta_adversarially_trained: number[];
  x_train: number[][];
  y_train: number[][];
  expected: Record<string, number>;
  example_qasm_train_index_50_trained: string;
}

export function renModel(): RenModel {
  return JSON.parse(fs.readFileSync(sharedPath('reference', 'ren2022', 'model.json'), 'utf8')) as RenModel;
}

export function renCircuit(): Circuit {
  const b = new CircuitBuilder(10);
  let k = 0;
  for (const layers of [8, 6, 6, 6]) {
    for (let l = 0; l < layers; l++) for (let q = 0; q < 10; q++) { b.gate(l % 2 === 0 ? 'rx' : 'rz', [q], [sum(input(k), param(k))]); k++; }
    for (const [c, t] of [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [1, 2], [3, 4], [5, 6], [7, 8]]) b.cx(c, t);
  }
  return b.build();
}
