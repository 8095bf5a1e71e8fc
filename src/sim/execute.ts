/**
 * Running a compiled program on a state. One path (`runProgram`) for a statevector, sampling
 * quantum trajectories and mid-circuit measurements when given an Rng; and an exact branching
 * executor (`runBranches`) that keeps one state per classical record, for circuits with
 * mid-circuit measurement, reset and classical conditions.
 */
import { QmlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { ApplyScratch } from './apply.js';
import type { DensityMatrix } from './density.js';
import { baseGate } from './gates.js';
import type { CompiledNoise } from './noise.js';
import { checkBindings, gateWires, prepareGate, type AngleShift, type GateInstr, type Instr, type Program } from './program.js';
import type { Statevector } from './statevector.js';

export interface ExecOptions {
  params?: ArrayLike<number>;
  inputs?: ArrayLike<number>;
  noise?: CompiledNoise;
  /** Needed for trajectories (noise on a statevector) and for sampling mid-circuit measurements. */
  rng?: Rng;
  shift?: AngleShift;
  scratch?: ApplyScratch;
  /** Skip binding checks (callers that validated a whole batch already). */
  trusted?: boolean;
}

const EMPTY = new Float64Array(0);
const rhoScratch = new Float64Array(2 * 16 * 16);

function conditionHolds(ins: Instr, clbits: number): boolean {
  const c = ins.condition;
  if (!c) return true;
  return Math.floor(clbits / 2 ** c.offset) % 2 ** c.size === c.value;
}

function setBit(clbits: number, bit: number, v: 0 | 1): number {
  const cur = Math.floor(clbits / 2 ** bit) % 2;
  return clbits + (v - cur) * 2 ** bit;
}

let xGate: GateInstr | undefined;
/** An X instruction retargeted to `wire`, for resets. */
function xOn(wire: number): GateInstr {
  xGate ??= {
    kind: 'gate', def: baseGate('x')!, name: 'x', targets: [0], controls: [], cmask: 0, angles: [], constant: true,
    matrix: Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]), values: new Float64Array(0), opIndex: -1,
  };
  xGate.targets[0] = wire;
  return xGate;
}


/**
 * Runs the program on `sv` in place along one path. Returns the classical record.
 * Noise is applied as quantum trajectories and mid-circuit measurements are sampled, both from `rng`.
 */
export function runProgram(prog: Program, sv: Statevector, opts: ExecOptions = {}): number {
  const params = opts.params ?? EMPTY, inputs = opts.inputs ?? EMPTY;
  if (!opts.trusted) checkBindings(prog, params, inputs);
  if (sv.n !== prog.numQubits) throw new QmlError(`state has ${sv.n} qubits, circuit has ${prog.numQubits}`);
  const scratch = opts.scratch ?? new ApplyScratch();
  const noise = opts.noise, rng = opts.rng;
  if ((noise || prog.midCircuit) && !rng) {
    throw new QmlError(noise ? 'noise on a statevector runs as quantum trajectories and needs a seed' : 'mid-circuit measurement on one statevector path needs a seed');
  }
  const shift = opts.shift;
  let clbits = 0;
  const instrs = prog.instrs;
  for (let k = 0; k < instrs.length; k++) {
    const ins = instrs[k];
    if (ins.condition && !conditionHolds(ins, clbits)) continue;
    if (ins.kind === 'gate') {
      if (shift && shift.instr === k) prepareGate(ins, params, inputs, shift.delta, shift.slot);
      else prepareGate(ins, params, inputs);
      sv.applyGate(ins, scratch);
      if (noise) for (const step of noise.after(ins.name, gateWires(ins))) sv.applyNoiseTrajectory(step, rng!, scratch, rhoScratch);
      continue;
    }
    if (!prog.midCircuit && ins.kind === 'measure') continue;
    const p1 = sv.probabilityOfOne(ins.wire);
    const outcome: 0 | 1 = rng!.next() < p1 ? 1 : 0;
    sv.project(ins.wire, outcome);
    sv.scale(1 / Math.sqrt(outcome ? p1 : 1 - p1));
    if (ins.kind === 'measure') clbits = setBit(clbits, ins.clbit, outcome);
    else if (outcome === 1) sv.applyGate(xOn(ins.wire), scratch);
  }
  return clbits;
}

/** Runs the program on a density matrix in place (exact noise). Mid-circuit operations go through runBranches. */
export function runProgramDM(prog: Program, rho: DensityMatrix, opts: ExecOptions = {}): void {
  if (prog.midCircuit) throw new QmlError('mid-circuit measurement needs the branching executor (use simulate)');
  const [branch] = runBranches(prog, rho, opts);
  if (branch.state !== rho) rho.data.set(branch.state.data);
}

export interface BranchState<S> {
  applyGate(ins: GateInstr, scratch: ApplyScratch): void;
  probabilityOfOne(wire: number): number;
  project(wire: number, outcome: 0 | 1): void;
  scale(c: number): void;
  clone(): S;
}

export interface Branch<S> { state: S; clbits: number; weight: number }

/** At most this many classical branches are tracked; beyond it, use shots. */
export const MAX_BRANCHES = 4096;

/**
 * Exact execution with classical branching: every measurement splits each branch by outcome
 * (weights are the outcome probabilities), resets flip the |1⟩ branch back, and conditions are
 * checked per branch. Density-matrix branches with the same record are merged. Noise applies
 * exactly when the state is a density matrix.
 */
export function runBranches<S extends BranchState<S> & {
  applyNoise?: (step: import('./noise.js').NoiseStep, sc: ApplyScratch) => void;
  addScaled?: (o: S, w: number) => void;
  runFused?: (prog: Program, params: ArrayLike<number>, inputs: ArrayLike<number>, noise: CompiledNoise | undefined, shift: AngleShift | undefined, sc: ApplyScratch) => void;
}>(
  prog: Program, init: S, opts: ExecOptions = {},
): Branch<S>[] {
  const params = opts.params ?? EMPTY, inputs = opts.inputs ?? EMPTY;
  if (!opts.trusted) checkBindings(prog, params, inputs);
  const scratch = opts.scratch ?? new ApplyScratch();
  const noise = opts.noise;
  if (noise && !init.applyNoise) throw new QmlError('exact noise needs a density matrix; a statevector runs noise as trajectories');
  if (!prog.midCircuit && init.runFused) {
    // One path, no classical record: the density matrix composes one-qubit superoperators (density.ts).
    init.runFused(prog, params, inputs, noise, opts.shift, scratch);
    return [{ state: init, clbits: 0, weight: 1 }];
  }
  let branches: Branch<S>[] = [{ state: init, clbits: 0, weight: 1 }];
  const instrs = prog.instrs;
  for (let k = 0; k < instrs.length; k++) {
    const ins = instrs[k];
    if (ins.kind === 'gate') {
      if (opts.shift && opts.shift.instr === k) prepareGate(ins, params, inputs, opts.shift.delta, opts.shift.slot);
      else prepareGate(ins, params, inputs);
      for (const b of branches) {
        if (!conditionHolds(ins, b.clbits)) continue;
        b.state.applyGate(ins, scratch);
        if (noise) for (const step of noise.after(ins.name, gateWires(ins))) b.state.applyNoise!(step, scratch);
      }
      continue;
    }
    if (!prog.midCircuit && ins.kind === 'measure') continue;
    const next: Branch<S>[] = [];
    for (const b of branches) {
      if (!conditionHolds(ins, b.clbits)) { next.push(b); continue; }
      const p1 = Math.min(1, Math.max(0, b.state.probabilityOfOne(ins.wire)));
      const outcomes: Array<[0 | 1, number]> = [[0, 1 - p1], [1, p1]];
      const live = outcomes.filter(([, p]) => p > 1e-14);
      live.forEach(([o, p], idx) => {
        const s = idx === live.length - 1 ? b.state : b.state.clone();
        s.project(ins.wire, o);
        s.scale(init.applyNoise ? 1 / p : 1 / Math.sqrt(p));
        if (ins.kind === 'reset' && o === 1) s.applyGate(xOn(ins.wire), scratch);
        next.push({ state: s, clbits: ins.kind === 'measure' ? setBit(b.clbits, ins.clbit, o) : b.clbits, weight: b.weight * p });
      });
    }
    branches = init.addScaled ? mergeByRecord(next) : next;
    if (branches.length > MAX_BRANCHES) {
      throw new QmlError(`circuit.ops[${ins.opIndex}]: more than ${MAX_BRANCHES} classical branches; simulate with --shots instead`);
    }
  }
  return branches;
}

function mergeByRecord<S extends { addScaled?: (o: S, w: number) => void; scale(c: number): void }>(branches: Branch<S>[]): Branch<S>[] {
  const byRecord = new Map<number, Branch<S>>();
  for (const b of branches) {
    const have = byRecord.get(b.clbits);
    if (!have) { byRecord.set(b.clbits, b); continue; }
    const w = have.weight + b.weight;
    have.state.scale(have.weight / w);
    have.state.addScaled!(b.state, b.weight / w);
    have.weight = w;
  }
  return [...byRecord.values()];
}
