import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../core/rng.js';
import { parseQasm, toQasm, unitaryOf, equalUpToPhase } from './qasm.js';
import { simulate } from './simulate.js';
import { ALL_GATES, randomCircuit } from '../testing/random-circuits.js';
import { sharedPath } from '../testing/shared.js';
import { QmlError } from '../core/errors.js';

function errorOf(text: string): string {
  try { parseQasm(text, { file: 'bad.qasm' }); } catch (e) {
    assert.ok(e instanceof QmlError, `a QmlError, not ${String(e)}`);
    return e.oneLine();
  }
  assert.fail('expected a parse error');
}

const H = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';

test('malformed QASM is rejected with file:line:col and what is wrong', () => {
  assert.equal(errorOf(`${H}qreg q[2];\nfoo q[0];`), 'bad.qasm:4:1: unknown gate "foo"');
  assert.equal(errorOf(`${H}qreg q[2];\ncx q[0];`), 'bad.qasm:4:1: gate "cx" acts on 2 qubit(s), got 1');
  assert.equal(errorOf(`${H}qreg q[2];\nrx q[0];`), 'bad.qasm:4:1: gate "rx" takes 1 parameter(s), got 0');
  assert.equal(errorOf(`${H}qreg q[2];\nh q[5];`), 'bad.qasm:4:3: index 5 is out of range for register "q" of size 2');
  assert.equal(errorOf(`${H}qreg q[2];\nh q[0]`), 'bad.qasm:4:7: expected ";", found end of file');
  assert.equal(errorOf(`${H}qreg q[2];\nrx(pi/) q[0];`), 'bad.qasm:4:7: expected an expression, found ")"');
  assert.equal(errorOf(`${H}qreg q[2];\nrx(theta) q[0];`), 'bad.qasm:4:4: unknown parameter "theta"');
  assert.equal(errorOf(`${H}qreg q[2];\nh r[0];`), 'bad.qasm:4:3: unknown quantum register "r"');
  assert.equal(errorOf(`${H}qreg q[2];\ncx q[0],q[0];`), 'bad.qasm:4:4: a gate is applied to the same qubit twice');
  assert.equal(errorOf('qreg q[1];'), 'bad.qasm:1:1: a program must start with "OPENQASM 2.0;"');
  assert.equal(errorOf('OPENQASM 3.0;'), 'bad.qasm:1:10: only OpenQASM 2.0 is supported, found version "3.0"');
  assert.equal(errorOf(`${H}qreg q[1];\nrx(0/0) q[0];`), 'bad.qasm:4:1: parameter evaluates to NaN');
  assert.equal(errorOf(`${H}qreg q[1];\nh q[0]; $`), 'bad.qasm:4:9: unexpected character "$"');
  assert.equal(errorOf(`OPENQASM 2.0;\nqreg q[1];\nh q[0];`), 'bad.qasm:3:1: gate "h" is not defined (add include "qelib1.inc";)');
  assert.equal(errorOf(`${H}qreg q[1];\nsx q[0];`), 'bad.qasm:4:1: unknown gate "sx"');
  assert.equal(errorOf(`${H}opaque magic a;\nqreg q[1];\nmagic q[0];`), 'bad.qasm:5:1: opaque gate "magic" has no definition and cannot be simulated');
  assert.equal(errorOf(`${H}qreg q[2];\ncreg c[1];\nmeasure q -> c;`), 'bad.qasm:5:1: measure maps 2 qubit(s) to 1 classical bit(s)');
  assert.equal(errorOf(`${H}gate g a { h b; }\nqreg q[1];`), 'bad.qasm:3:14: "b" is not an argument of gate "g"');
  assert.equal(errorOf(`${H}qreg q[1];\ninclude "other.inc";`), 'bad.qasm:4:9: cannot include "other.inc": only "qelib1.inc" is built in');
});

test('the seven QASMBench files that are not valid OpenQASM 2.0 are rejected by their pattern', () => {
  // Undeclared registers, a missing version line, and sx without Qiskit's later header.
  assert.match(errorOf(`${H}measure q[0] -> c[0];`), /unknown quantum register "q"/);
  assert.match(errorOf('include "qelib1.inc";\nqreg q[1];'), /must start with "OPENQASM 2.0;"/);
  assert.match(errorOf(`${H}qreg q[1];\nsx q[0];`), /unknown gate "sx"/);
});

test('expressions follow OpenQASM 2: ^ is right-associative and binds tighter than unary minus', () => {
  const c = parseQasm(`${H}qreg q[1];\nrz(-2^2) q[0];\nrz(2^3^2) q[0];\nrz(ln(exp(1.5))+sqrt(4)*sin(pi/2)-cos(0)/tan(pi/4)) q[0];`);
  const ps = c.ops.map((o) => (o.kind === 'gate' ? o.params![0] : NaN));
  assert.deepEqual(ps, [-4, 512, 1.5 + 2 - 1]);
});

test('export then import gives back the same circuit, op for op', () => {
  const rng = new Rng(31);
  for (let t = 0; t < 40; t++) {
    const c = randomCircuit(rng, { qubits: 2 + rng.int(4), gates: 25, gateSet: ALL_GATES });
    const text = toQasm(c);
    const back = parseQasm(text);
    assert.deepEqual(back.ops, c.ops, text);
  }
});

test('a user gate whose body is not the native gate of the same name is expanded as written', () => {
  const c = parseQasm(`${H}gate sx a { x a; }\nqreg q[1];\nsx q[0];`);
  assert.deepEqual(c.ops, [{ kind: 'gate', gate: 'x', wires: [0] }]);
});

test('every reference QASM file round-trips through export with the same unitary', () => {
  const dir = sharedPath('reference', 'qasm');
  for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('random_') || x.startsWith('qasmbench_small'))) {
    const ref = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const c = parseQasm(ref.qasm, { file: f });
    const back = parseQasm(toQasm(c), { file: `${f} (exported)` });
    const a = simulate(c), b = simulate(back);
    assert.ok(equalUpToPhase(a.statevector!.data, b.statevector!.data, 1e-12), f);
  }
});

test('unitaryOf gives the textbook CNOT in state-index order', () => {
  // With q[0] least significant, CX(control 0, target 1) maps |01⟩ (index 1) to |11⟩ (index 3).
  const u = unitaryOf(parseQasm(`${H}qreg q[2];\ncx q[0],q[1];`));
  const at = (r: number, c: number) => u[2 * (r * 4 + c)];
  assert.equal(at(3, 1), 1);
  assert.equal(at(1, 3), 1);
  assert.equal(at(0, 0), 1);
  assert.equal(at(2, 2), 1);
});
