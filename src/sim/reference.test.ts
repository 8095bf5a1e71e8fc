import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseQasm } from './qasm.js';
import { simulate } from './simulate.js';
import { sharedPath, assertClose } from '../testing/shared.js';
import type { NoiseModel } from './noise.js';

interface Ref {
  name: string; qasm: string; num_qubits: number;
  probabilities: Record<string, number>;
  statevector: [number, number][] | null;
  density_matrix: [number, number][][] | null;
  noise: Record<string, { p?: number; gamma?: number }> | null;
}

const dir = sharedPath('reference', 'qasm');
const refs: Ref[] = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Ref);

function bits(i: number, n: number): string {
  return i.toString(2).padStart(n, '0');
}

test('the reference set is present and complete', () => {
  assert.equal(refs.length, 53);
});

for (const ref of refs) {
  test(`reference circuit ${ref.name} reproduces its stored state to 1e-9`, () => {
    const c = parseQasm(ref.qasm, { file: ref.name });
    assert.equal(c.numQubits, ref.num_qubits);
    let noise: NoiseModel | undefined;
    if (ref.noise) {
      const d1 = ref.noise.depolarizing_1q.p!, d2 = ref.noise.depolarizing_2q.p!, g = ref.noise.amplitude_damping.gamma!;
      noise = {
        after_1q: [{ channel: 'depolarizing', p: d1 }, { channel: 'amplitude_damping', gamma: g }],
        after_2q: [{ channel: 'depolarizing', p: d2 }, { channel: 'amplitude_damping', gamma: g }],
      };
    }
    const r = simulate(c, { noise });
    const n = ref.num_qubits, N = 2 ** n;
    for (let i = 0; i < N; i++) assertClose(r.probabilities[i], ref.probabilities[bits(i, n)] ?? 0, 1e-9, `p(${bits(i, n)})`);
    if (ref.statevector) {
      assert.ok(r.statevector, 'a noiseless circuit reports its statevector');
      const a = r.statevector.data;
      // Fix the global phase as the reference does: first amplitude with |a| > 1e-9 real and positive.
      let k = 0;
      while (Math.hypot(a[2 * k], a[2 * k + 1]) <= 1e-9) k++;
      const m = Math.hypot(a[2 * k], a[2 * k + 1]), cr = a[2 * k] / m, ci = -a[2 * k + 1] / m;
      for (let i = 0; i < N; i++) {
        const re = a[2 * i] * cr - a[2 * i + 1] * ci, im = a[2 * i] * ci + a[2 * i + 1] * cr;
        assertClose(re, ref.statevector[i][0], 1e-9, `Re a[${i}]`);
        assertClose(im, ref.statevector[i][1], 1e-9, `Im a[${i}]`);
      }
    }
    if (ref.density_matrix) {
      assert.ok(r.densityMatrix, 'a noisy circuit reports its density matrix');
      const rho = r.densityMatrix.toArray();
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
        assertClose(rho[i][j][0], ref.density_matrix[i][j][0], 1e-9, `Re rho[${i}][${j}]`);
        assertClose(rho[i][j][1], ref.density_matrix[i][j][1], 1e-9, `Im rho[${i}][${j}]`);
      }
    }
  });
}
