import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseQasm, unitaryOf, equalUpToPhase } from './qasm.js';
import { parseQasm3, parseQasmAny, qasmVersion } from './qasm3.js';
import { simulate } from './simulate.js';
import { QmlError } from '../core/errors.js';
import type { Circuit } from './circuit.js';
import { sharedPath } from '../testing/shared.js';

const dir = sharedPath('reference', 'qasm');
const refs = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { name: string; qasm: string });

/** qelib1 gates with no stdgates.inc name, written as OpenQASM 3 definitions (same unitary up to global phase). */
const EXTRA_DEFS: Record<string, string> = {
  rzz: 'gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }',
  rxx: 'gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }',
};

/**
 * Rewrites an OpenQASM 2.0 program into OpenQASM 3 with stdgates.inc: register declarations,
 * the measure syntax, and the gates whose names differ (u1 → phase, cu1 → cphase, cu3 → cu with
 * γ = 0, c3x → ctrl(3) @ x; rzz/rxx get a definition). Returns null for programs using a qelib1
 * gate this converter has no OpenQASM 3 form for (rccx, rc3x, c3sqrtx, c4x, u0).
 */
function toQasm3(src: string, variant: number): string | null {
  if (/\b(rccx|rc3x|c3sqrtx|c4x|u0)\b/.test(src)) return null;
  let s = src
    .replace(/OPENQASM\s+2\.0\s*;/, variant % 2 ? 'OPENQASM 3;' : 'OPENQASM 3.0;')
    .replace(/include\s+"qelib1\.inc"\s*;/, 'include "stdgates.inc";')
    .replace(/\bqreg\s+(\w+)\s*\[\s*(\d+)\s*\]\s*;/g, 'qubit[$2] $1;')
    .replace(/\bcreg\s+(\w+)\s*\[\s*(\d+)\s*\]\s*;/g, 'bit[$2] $1;')
    .replace(/\bcu1\s*\(/g, 'cphase(')
    .replace(/\bu1\s*\(/g, 'phase(')
    .replace(/\bcu3\s*\(([^;]*?)\)\s+/g, 'cu($1, 0) ')
    .replace(/\^/g, '**')
    .replace(/\bc3x\s+/g, 'ctrl(3) @ x ')
    .replace(/\bif\s*\(\s*(\w+)\s*==\s*(\d+)\s*\)/g, 'if ($1 == $2)');
  // Alternate the two measure syntaxes across the set.
  s = s.replace(/\bmeasure\s+([^;]+?)\s*->\s*([^;]+?)\s*;/g, (_m, q, c) => (variant % 2 ? `${c} = measure ${q};` : `measure ${q} -> ${c};`));
  const defs = Object.entries(EXTRA_DEFS).filter(([g]) => new RegExp(`\\b${g}\\b`).test(s) && !new RegExp(`gate\\s+${g}\\b`).test(s)).map(([, d]) => d);
  if (defs.length) s = s.replace('include "stdgates.inc";', `include "stdgates.inc";\n${defs.join('\n')}`);
  return s;
}

function assertSameState(a: Circuit, b: Circuit, what: string): void {
  assert.equal(a.numQubits, b.numQubits, `${what}: qubits`);
  assert.equal(a.numClbits, b.numClbits, `${what}: classical bits`);
  const ra = simulate(a), rb = simulate(b);
  for (let i = 0; i < ra.probabilities.length; i++) {
    assert.ok(Math.abs(ra.probabilities[i] - rb.probabilities[i]) <= 1e-9, `${what}: p[${i}] ${ra.probabilities[i]} vs ${rb.probabilities[i]}`);
  }
  if (ra.statevector && rb.statevector) assert.ok(equalUpToPhase(ra.statevector.data, rb.statevector.data, 1e-9), `${what}: statevectors differ beyond a global phase`);
}

test('every convertible shared reference circuit gives the same state in OpenQASM 3 as in OpenQASM 2', () => {
  let covered = 0;
  const skipped: string[] = [];
  refs.forEach((ref, i) => {
    const q3 = toQasm3(ref.qasm, i);
    if (q3 === null) { skipped.push(ref.name); return; }
    assert.equal(qasmVersion(q3), 3);
    const c2 = parseQasm(ref.qasm, { file: ref.name });
    const c3 = parseQasm3(q3, { file: `${ref.name}.qasm3` });
    assertSameState(c3, c2, ref.name);
    // The dispatcher picks the right reader for both texts.
    assert.equal(parseQasmAny(ref.qasm).ops.length, c2.ops.length);
    covered++;
  });
  assert.equal(refs.length, 53);
  // 51 of 53: the two circuits using rccx/rc3x have no stdgates form in this converter.
  assert.ok(covered >= 51, `covered ${covered} of ${refs.length} (skipped ${skipped.join(', ')})`);
});

/** Asserts a QmlError whose "where: message" matches. */
function throwsAt(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof QmlError && re.test(`${e.where}: ${e.message}`));
}

const H = 'OPENQASM 3;\ninclude "stdgates.inc";\n';
function same(q3: string, q2: string, opts: { params?: number[] } = {}): void {
  const a = unitaryOf(parseQasm3(H + q3), opts.params ?? []);
  const b = unitaryOf(parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\n' + q2));
  assert.ok(equalUpToPhase(a, b, 1e-10), `${q3}\n  is not the same unitary as\n${q2}`);
}

test('ctrl @ adds controls: ctrl @ x is cx, ctrl(2) @ x is ccx, ctrl @ ctrl @ h is a doubly controlled h', () => {
  same('qubit[2] q; ctrl @ x q[0], q[1];', 'qreg q[2]; cx q[0],q[1];');
  same('qubit[3] q; ctrl(2) @ x q[2], q[0], q[1];', 'qreg q[3]; ccx q[2],q[0],q[1];');
  same('qubit[3] q; ctrl @ ctrl @ x q[0], q[1], q[2];', 'qreg q[3]; ccx q[0],q[1],q[2];');
  same('qubit[2] q; ctrl @ rz(0.7) q[1], q[0];', 'qreg q[2]; crz(0.7) q[1],q[0];');
  // A controlled user gate controls every gate of its body.
  same('qubit[3] q; gate bell a, b { h a; cx a, b; } ctrl @ bell q[2], q[0], q[1];', 'qreg q[3]; ch q[2],q[0]; ccx q[2],q[0],q[1];');
});

test('negctrl @ fires on |0>: the same as x on the control around the controlled gate', () => {
  same('qubit[2] q; negctrl @ x q[0], q[1];', 'qreg q[2]; x q[0]; cx q[0],q[1]; x q[0];');
  same('qubit[3] q; ctrl @ negctrl @ x q[0], q[1], q[2];', 'qreg q[3]; x q[1]; ccx q[0],q[1],q[2]; x q[1];');
});

test('inv @ and pow(k) @ for integer k, negative k inverting', () => {
  same('qubit q; inv @ s q;', 'qreg q[1]; sdg q[0];');
  same('qubit q; pow(2) @ t q;', 'qreg q[1]; s q[0];');
  same('qubit q; pow(-2) @ t q;', 'qreg q[1]; sdg q[0];');
  same('qubit q; pow(0) @ h q;', 'qreg q[1]; id q[0];');
  same('qubit[2] q; inv @ ctrl @ rx(0.4) q[0], q[1];', 'qreg q[2]; crx(-0.4) q[0],q[1];');
  same('qubit q; gate g(a) r { rx(a) r; ry(2*a) r; } inv @ g(0.3) q;', 'qreg q[1]; ry(-0.6) q[0]; rx(-0.3) q[0];');
  throwsAt(() => parseQasm3(H + 'qubit q;\npow(0.5) @ x q;'), /<qasm>:4:1: pow\(k\) @ supports integer k only/);
});

test('stdgates u3 and u2 carry their global phase, which ctrl @ makes observable (stdgates.inc definitions)', () => {
  // stdgates: u3(θ,φ,λ) = gphase(-(φ+λ)/2) U(θ,φ,λ); cu(θ,φ,λ,γ) = p(γ) on the control, then controlled-U.
  same('qubit[2] q; ctrl @ u3(0.3, 0.5, 0.9) q[0], q[1];', 'qreg q[2]; u1(-0.7) q[0]; cu3(0.3,0.5,0.9) q[0],q[1];');
  same('qubit[2] q; ctrl @ U(0.3, 0.5, 0.9) q[0], q[1];', 'qreg q[2]; cu3(0.3,0.5,0.9) q[0],q[1];');
  same('qubit[2] q; cu(0.3, 0.5, 0.9, 0.2) q[0], q[1];', 'qreg q[2]; u1(0.2) q[0]; cu3(0.3,0.5,0.9) q[0],q[1];');
  same('qubit[2] q; ctrl @ gphase(0.8) q[0]; cphase(0.1) q[0], q[1];', 'qreg q[2]; u1(0.8) q[0]; cu1(0.1) q[0],q[1];');
});

test('for loops over inclusive ranges, steps and sets, with the variable in indices and angles', () => {
  same('qubit[4] q; for int i in [0:3] { rx(0.1 * (i + 1)) q[i]; }', 'qreg q[4]; rx(0.1) q[0]; rx(0.2) q[1]; rx(0.30000000000000004) q[2]; rx(0.4) q[3];');
  same('qubit[4] q; for uint i in [0:2:3] h q[i];', 'qreg q[4]; h q[0]; h q[2];');
  same('qubit[4] q; for i in [3:-1:1] { cx q[i], q[i - 1]; }', 'qreg q[4]; cx q[3],q[2]; cx q[2],q[1]; cx q[1],q[0];');
  same('qubit[4] q; for int i in {1, 3} x q[i];', 'qreg q[4]; x q[1]; x q[3];');
  same('qubit[2] q; const int n = 1; for int i in [0:n] { for int j in [0:i] { rz(pi / (j + 1)) q[i]; } }', 'qreg q[2]; rz(pi) q[0]; rz(pi) q[1]; rz(pi/2) q[1];');
  assert.equal(parseQasm3(H + 'qubit q; for int i in [1:0] x q[i];').ops.length, 0);
  throwsAt(() => parseQasm3(H + 'qubit[2] q;\nfor int i in [0:2] {\n  x q[i];\n}'), /<qasm>:5:5: index 2 is out of range for register "q" of size 2/);
});

test('input float declarations become trainable parameters (or input features) in affine angles', () => {
  const src = H + 'input float[64] theta;\ninput angle phi;\nqubit[2] q;\nrx(2 * theta + 0.5) q[0];\nfor int i in [0:1] ry(phi * (i + 1) - theta / 2) q[i];\n';
  const c = parseQasm3(src);
  assert.equal(c.numParams, 2);
  assert.deepEqual((c.ops[0] as { params: unknown[] }).params[0], { offset: 0.5, terms: [{ src: 'param', index: 0, coef: 2 }] });
  const theta = 0.3, phi = -1.1;
  const bound = parseQasm3(H + `qubit[2] q; rx(${2 * theta + 0.5}) q[0]; ry(${phi - theta / 2}) q[0]; ry(${2 * phi - theta / 2}) q[1];`);
  const a = simulate(c, { params: [theta, phi] }).statevector!.data, b = simulate(bound).statevector!.data;
  assert.ok(equalUpToPhase(a, b, 1e-12));
  const f = parseQasm3(src, { inputs: 'features' });
  assert.equal(f.numInputs, 2);
  assert.equal(f.numParams, undefined);
  assert.equal((f.ops[0] as unknown as { params: [{ terms: [{ src: string }] }] }).params[0].terms[0].src, 'input');
  throwsAt(() => parseQasm3(H + 'input float a;\nqubit q;\nrx(a * a) q;'), /<qasm>:5:6: an angle must stay affine/);
  throwsAt(() => parseQasm3(H + 'input float a;\nqubit q;\nrx(sin(a)) q;'), /<qasm>:5:4: sin\(\) of an input/);
});

test('measure in both syntaxes, reset, and if on a register or a single bit', () => {
  const c = parseQasm3(H + 'qubit[2] q;\nbit[2] c;\nh q;\nc[0] = measure q[0];\nmeasure q[1] -> c[1];\nc = measure q;\nreset q[0];\nif (c == 2) x q[0];\nif (c[1]) { z q[1]; h q[1]; }\nif (!c[0]) y q[0];\n');
  const ops = c.ops;
  assert.deepEqual(ops.slice(2, 6), [
    { kind: 'measure', wire: 0, clbit: 0 }, { kind: 'measure', wire: 1, clbit: 1 },
    { kind: 'measure', wire: 0, clbit: 0 }, { kind: 'measure', wire: 1, clbit: 1 },
  ]);
  assert.deepEqual(ops[6], { kind: 'reset', wire: 0 });
  assert.deepEqual(ops[7], { kind: 'gate', gate: 'x', wires: [0], condition: { offset: 0, size: 2, value: 2 } });
  const cond = (i: number) => (ops[i] as { condition?: unknown }).condition;
  assert.deepEqual(cond(8), { offset: 1, size: 1, value: 1 });
  assert.deepEqual(cond(9), { offset: 1, size: 1, value: 1 });
  assert.deepEqual(cond(10), { offset: 0, size: 1, value: 0 });
  // Teleport-style feed-forward gives the deterministic answer: x on q0, measure, conditionally flip q1.
  const t = parseQasm3(H + 'qubit[2] q; bit c; x q[0]; c = measure q[0]; if (c) x q[1];');
  assert.ok(Math.abs(simulate(t).probabilities[3] - 1) < 1e-12);
});

test('legacy qreg/creg, constants and math functions are accepted', () => {
  same('qreg q[1]; creg c[1]; rz(tau / 4 + euler - ℯ) q[0]; rx(arccos(0) + 2 ** 2 - pow(2, 2) + mod(7, 4)) q[0]; ry(π - floor(pi) + ceiling(0.5) - sqrt(1)) q[0];',
    'qreg q[1]; creg c[1]; rz(pi/2) q[0]; rx(pi/2 + 3) q[0]; ry(pi - 3) q[0];');
});

test('everything outside the subset is a QmlError with file:line:col', () => {
  const cases: Array<[string, RegExp]> = [
    ['qubit q;\nwhile (true) { x q; }', /f\.qasm:4:1: "while" is outside the OpenQASM 3 subset/],
    ['qubit q;\nfoo q;', /f\.qasm:4:1: unknown gate "foo"/],
    ['qubit[2] q;\n  rzz(0.1) q[0], q[1];', /f\.qasm:4:3: gate "rzz" is not in stdgates\.inc/],
    ['bit c;\nqubit q;\nc = measure q;\nif (c) x q;\nelse y q;', /f\.qasm:7:1: "else" is outside/],
    ['qubit[2] q;\nx q[5];', /f\.qasm:4:3: index 5 is out of range/],
    ['qubit q;\nx q ^ 1;', /f\.qasm:4:5: expected ";"/],
    ['qubit q;\nrx(1 ^ 2) q;', /f\.qasm:4:6: "\^" is bitwise xor/],
    ['qubit q;\nbit c;\nif (c) { if (c) x q; }', /f\.qasm:5:10: nested if/],
    ['qubit q;\ndelay[10ns] q;', /f\.qasm:4:7: unsupported literal/],
    ['qubit q;\nmeasure q;', /f\.qasm:4:10: a measurement needs a classical target/],
    ['qubit q;\ngate g a { measure a -> a; }\ng q;', /f\.qasm:4:12: measure is not allowed inside a gate body/],
    ['qubit q;\nfloat x = 1;', /f\.qasm:4:1: "float" is outside/],
    ['qubit q;\nx q', /f\.qasm:4:4: expected ";", found end of file/],
  ];
  for (const [body, re] of cases) {
    assert.throws(() => parseQasm3(H + body, { file: 'f.qasm' }), (e: unknown) => e instanceof QmlError && re.test(`${e.where}: ${e.message}`), body);
  }
  assert.throws(() => parseQasm3('OPENQASM 3;\ninclude "qelib1.inc";\nqubit q;', { file: 'f.qasm' }), (e: unknown) => e instanceof QmlError && e.where === 'f.qasm:2:9');
  assert.throws(() => parseQasm3('OPENQASM 3;\nqubit q;\nh q;', { file: 'f.qasm' }), (e: unknown) => e instanceof QmlError && /not defined \(add include "stdgates\.inc";\)/.test(e.message) && e.where === 'f.qasm:3:1');
});

test('the version line chooses the reader; OpenQASM 3 may omit it', () => {
  assert.equal(qasmVersion('// c\nOPENQASM 2.0;\n'), 2);
  assert.equal(qasmVersion('OPENQASM 3.0;'), 3);
  assert.equal(qasmVersion('qubit q;'), 3);
  assert.equal(parseQasmAny('include "stdgates.inc";\nqubit[3] q;\nh q;').ops.length, 3);
  throwsAt(() => parseQasmAny('OPENQASM 4;\nqubit q;', { file: 'v.qasm' }), /v\.qasm:1:10: this reader takes OpenQASM 3, found version "4"/);
});
