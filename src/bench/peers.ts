/**
 * The npm peers, run side by side on the same circuits: quantum-circuit, jsqubits and qsharp-lang
 * (devDependencies). Each adapter times single-qubit rotations on an n-qubit register and whole
 * runs of the 8-qubit, 10-layer benchmark circuit. A peer that is not installed is reported as such.
 */
import fs from 'node:fs';

/** Peers are optional devDependencies: load them by name at run time. */
const load = (name: string): Promise<unknown> => import(name);

export interface PeerResult {
  name: string;
  n: number;
  /** Seconds per gate in the layered circuit on n qubits (rotations and CNOTs). */
  seconds_per_1q_gate: number | null;
  circuits_per_second: number | null;
  error?: string;
}

/** The benchmark circuit as (gate, qubit(s), angle) steps: 10 layers of RY and RZ on every qubit and a CNOT chain. */
export function layeredSteps(qubits: number, layers: number, angle: (k: number) => number): Array<['ry' | 'rz', number, number] | ['cx', number, number]> {
  const steps: Array<['ry' | 'rz', number, number] | ['cx', number, number]> = [];
  let k = 0;
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < qubits; q++) steps.push(['ry', q, angle(k++)]);
    for (let q = 0; q < qubits; q++) steps.push(['rz', q, angle(k++)]);
    for (let q = 0; q + 1 < qubits; q++) steps.push(['cx', q, q + 1]);
  }
  return steps;
}

/** Best of three, after one warm-up call. */
async function bestOf(f: () => unknown): Promise<number> {
  await f();
  let b = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await f();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}

/**
 * Every peer runs the same two workloads: the layered circuit on n qubits (gate time = run time /
 * gate count, entangling layers in between so no simulator can merge consecutive rotations), and
 * `circuits` runs of the 8-qubit, 10-layer circuit.
 */
interface Peer { name: string; gateTime(n: number, layers: number): Promise<number>; circuitsTime(circuits: number): Promise<number> }

function quantumCircuitPeer(): Peer {
  type QC = new (n: number) => { appendGate(g: string, w: number | number[], o?: object): void; run(): void };
  const get = async () => ((await load('quantum-circuit')) as { default: QC }).default;
  const build = (QCtor: QC, n: number, layers: number) => {
    const c = new QCtor(n);
    for (const [g, a, b] of layeredSteps(n, layers, (k) => 0.01 * k)) {
      if (g === 'cx') c.appendGate('cx', [a, b]);
      else c.appendGate(g, a, { params: { [g === 'ry' ? 'theta' : 'phi']: b } });
    }
    return c;
  };
  return {
    name: 'quantum-circuit',
    async gateTime(n, layers) { const Q = await get(); return bestOf(() => build(Q, n, layers).run()); },
    async circuitsTime(k) { const Q = await get(); return bestOf(() => { for (let i = 0; i < k; i++) build(Q, 8, 10).run(); }); },
  };
}

function jsqubitsPeer(): Peer {
  type Q = { rotateY(b: number, a: number): Q; rotateZ(b: number, a: number): Q; cnot(c: number, t: number): Q };
  const get = async () => ((await load('jsqubits')) as { jsqubits: (s: string) => Q }).jsqubits;
  const run = (js: (s: string) => Q, n: number, layers: number) => {
    let s = js(`|${'0'.repeat(n)}>`);
    for (const [g, a, b] of layeredSteps(n, layers, (k) => 0.01 * k)) s = g === 'cx' ? s.cnot(a, b) : g === 'ry' ? s.rotateY(a, b) : s.rotateZ(a, b);
  };
  return {
    name: 'jsqubits',
    async gateTime(n, layers) { const js = await get(); return bestOf(() => run(js, n, layers)); },
    async circuitsTime(k) { const js = await get(); return bestOf(() => { for (let i = 0; i < k; i++) run(js, 8, 10); }); },
  };
}

function qsharpPeer(): Peer {
  type Compiler = { run(p: object, expr: string, shots: number, ev: object): Promise<void> };
  type QS = { getCompiler(): Promise<Compiler>; loadWasmModule(b: ArrayBuffer): Promise<void>; QscEventTarget: new (c: boolean) => { getResults(): Array<{ success: boolean; result: unknown }> } };
  let compiler: Compiler | undefined, qs: QS;
  const init = async () => {
    if (compiler) return compiler;
    qs = (await load('qsharp-lang')) as QS;
    const wasm = fs.readFileSync(new URL('../lib/web/qsc_wasm_bg.wasm', import.meta.resolve('qsharp-lang')));
    await qs.loadWasmModule(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    compiler = await qs.getCompiler();
    return compiler;
  };
  const program = (n: number, layers: number) => layeredSteps(n, layers, (k) => 0.01 * k)
    .map(([g, a, b]) => (g === 'cx' ? `CNOT(qs[${a}], qs[${b}]);` : `${g === 'ry' ? 'Ry' : 'Rz'}(${b.toFixed(6)}, qs[${a}]);`)).join(' ');
  const run = async (n: number, layers: number, shots: number) => {
    const c = await init();
    const src = `namespace B { @EntryPoint() operation Main() : Unit { use qs = Qubit[${n}]; ${program(n, layers)} ResetAll(qs); } }`;
    const ev = new qs.QscEventTarget(true);
    await c.run({ sources: [['b.qs', src]], languageFeatures: [], profile: 'unrestricted' }, '', shots, ev);
    const r = ev.getResults();
    if (!r.length || !r[0].success) throw new Error(`Q# run failed: ${JSON.stringify(r[0]?.result)}`);
  };
  // Compilation is part of every run: time two sizes and keep the difference.
  return {
    name: 'qsharp-lang',
    async gateTime(n, layers) {
      const small = await bestOf(() => run(n, layers, 1)), big = await bestOf(() => run(n, 4 * layers, 1));
      return ((big - small) * layers) / (3 * layers);
    },
    async circuitsTime(k) {
      const one = await bestOf(() => run(8, 10, 1)), many = await bestOf(() => run(8, 10, k + 1));
      return many - one;
    },
  };
}

/** Runs every peer on the layered circuit (n qubits, `layers` layers) and on `circuits` 8-qubit circuits. */
export async function runPeers(n: number, layers: number, circuits: number): Promise<PeerResult[]> {
  const gates = layeredSteps(n, layers, () => 0).length;
  const out: PeerResult[] = [];
  for (const p of [quantumCircuitPeer(), jsqubitsPeer(), qsharpPeer()]) {
    try {
      const tg = await p.gateTime(n, layers);
      if (!(tg > 0)) throw new Error(`gate time not measurable (${tg} s for ${gates} gates)`);
      const tc = await p.circuitsTime(circuits);
      if (!(tc > 0)) throw new Error(`circuit time not measurable (${tc} s for ${circuits} circuits)`);
      out.push({ name: p.name, n, seconds_per_1q_gate: tg / gates, circuits_per_second: circuits / tc });
    } catch (e) {
      out.push({ name: p.name, n, seconds_per_1q_gate: null, circuits_per_second: null, error: (e as Error).message.split('\n')[0] });
    }
  }
  return out;
}
