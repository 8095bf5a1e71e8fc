/**
 * `qml6g cut FILE.qasm --max-qubits K --observable "Z0 Z7" [--shots S] [--seed S] [--kinds wire|gate|both]
 *  [--max-overhead X] [--json]`
 *
 * Cuts an OpenQASM 2.0 circuit into fragments of at most K qubits (fewest cuts), reports the
 * sampling overhead Π γ² on stderr before anything runs, and reconstructs ⟨observable⟩ exactly or
 * from S QPD samples (each running every fragment once). JSON contract (the last stdout line):
 * {"expectation", "uncut_expectation", "fragments", "cuts", "sampling_overhead", "shots_used"} —
 * fragments and cuts are counts; uncut_expectation (noiseless) is null beyond 26 qubits; shots_used
 * is the number of fragment executions (0 when exact). --noise runs each fragment on a noisy device.
 */
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { parseQasm } from '../../sim/qasm.js';
import { pauliTerm, type Observable } from '../../sim/observable.js';
import { Evaluator } from '../../sim/evaluator.js';
import { planCuts, gateCutAngle, DEFAULT_MAX_OVERHEAD } from '../../sim/cutting/fragments.js';
import { reconstructExpectation } from '../../sim/cutting/reconstruct.js';
import type { CutKinds } from '../../sim/cutting/finder.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { info, printJson, printLine, readJson, readText, writeFileAtomic } from '../io.js';
import { CompiledNoise, type NoiseModel } from '../../sim/noise.js';
import fs from 'node:fs';
import { toQasm } from '../../sim/qasm.js';
import { fragmentVariant, siteRadix, type CutPlan } from '../../sim/cutting/fragments.js';
import { GATE_ACTIONS, rzzCutTerms, WIRE_CUT_TERMS, WIRE_MEASURES, WIRE_PREPS } from '../../sim/cutting/decompositions.js';

export const help = 'cut a circuit into fragments for small devices and reconstruct an expectation value';

const flags: Flags = {
  'max-qubits': { type: 'int', help: 'device width K: every fragment fits K qubits' },
  observable: { type: 'string', help: 'Pauli product to reconstruct, e.g. "Z0 Z7"' },
  shots: { type: 'int', help: 'QPD samples (each runs every fragment once); exact when omitted' },
  seed: { type: 'int', help: 'random seed', default: 0 },
  kinds: { type: 'string', help: 'wire | gate | both', default: 'both' },
  'max-overhead': { type: 'number', help: 'refuse plans whose sampling overhead Π γ² exceeds this', default: DEFAULT_MAX_OVERHEAD },
  noise: { type: 'string', help: 'device noise: one JSON noise model for every fragment, or FILE1,FILE2,... one per fragment (gate noise; no read-out error)' },
  export: { type: 'string', help: 'write the plan (plan.json) and every fragment variant as OpenQASM 2.0 into this folder, for running on devices' },
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Uncut simulation is reported up to this width (a 26-qubit statevector is 1 GiB). */
const UNCUT_MAX_QUBITS = 26;

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'cut');
  if (a.flags.help) { printLine(usage('cut', 'FILE.qasm --max-qubits K --observable "Z0 Z1" [options]', flags)); return; }
  if (a.positional.length !== 1) throw new QmlError('cut needs exactly one OpenQASM 2.0 file');
  const K = a.flags['max-qubits'] as number | undefined;
  if (K === undefined) throw new QmlError('--max-qubits K is required (the device width)', '--max-qubits');
  const spec = a.flags.observable as string | undefined;
  if (!spec) throw new QmlError('--observable is required, e.g. --observable "Z0 Z7"', '--observable');
  const kinds = a.flags.kinds as string;
  if (!['wire', 'gate', 'both'].includes(kinds)) throw new QmlError(`unknown cut kinds "${kinds}" (wire, gate, both)`, '--kinds');
  const shots = a.flags.shots as number | undefined;
  if (shots !== undefined && shots < 1) throw new QmlError(`--shots must be a positive integer, got ${shots}`, '--shots');
  const file = a.positional[0];
  const circuit = parseQasm(readText(file, 'QASM file'), { file: path.basename(file) });
  const obs: Observable = { terms: [pauliTerm(spec)] };
  for (const q of obs.terms[0].wires) {
    if (q >= circuit.numQubits) throw new QmlError(`qubit ${q} does not exist: the circuit has ${circuit.numQubits} qubit(s)`, '--observable');
  }
  const plan = planCuts(circuit, { maxQubits: K, kinds: kinds as CutKinds, maxOverhead: a.flags['max-overhead'] as number, seed: a.flags.seed as number });
  const seed = a.flags.seed as number;
  let noise: NoiseModel | Array<NoiseModel | undefined> | undefined;
  if (a.flags.noise) {
    const files = String(a.flags.noise).split(',').map((x) => x.trim()).filter(Boolean);
    const models = files.map((f) => readJson(f, 'noise file') as NoiseModel);
    if (models.length !== 1 && models.length !== plan.fragments.length) throw new QmlError(`${models.length} noise files for ${plan.fragments.length} fragments (give one, or one per fragment)`, '--noise');
    noise = models.length === 1 ? models[0] : models;
    // checked here, so a bad noise file is one line before any output
    models.forEach((m, i) => {
      if (m?.readout) throw new QmlError('read-out error is not modelled on cut fragments; give gate noise only', `${files[i]}: readout`);
      const nq = plan.fragments[models.length === 1 ? 0 : i].circuit.numQubits;
      try { new CompiledNoise(m, nq); } catch (e) { if (e instanceof QmlError) throw new QmlError(e.message, `${files[i]}${e.where ? `: ${e.where}` : ''}`); throw e; }
    });
  }
  info(`cut: ${plan.cuts.length} cut(s) (${plan.method} search), ${plan.fragments.length} fragment(s) of at most ${K} qubits, sampling overhead ${plan.samplingOverhead.toPrecision(4)}`);
  if (a.flags.export) exportPlan(plan, obs, a.flags.export as string);
  const r = reconstructExpectation(plan, obs, { shots, seed, noise });
  const uncut = circuit.numQubits <= UNCUT_MAX_QUBITS ? new Evaluator(circuit, [obs]).values([], [])[0] : null;
  const result = {
    expectation: r.value,
    uncut_expectation: uncut,
    fragments: plan.fragments.length,
    cuts: plan.cuts.length,
    sampling_overhead: plan.samplingOverhead,
    shots_used: r.shotsUsed,
  };
  if (a.flags.json) { printJson(result); return; }
  printLine(`${path.basename(file)}: ${circuit.numQubits} qubits onto ${K}-qubit devices`);
  for (const d of plan.described) printLine(`  cut  ${d}`);
  plan.fragments.forEach((f, i) => printLine(`  fragment ${i}: ${f.circuit.numQubits} qubit(s), ${f.circuit.ops.length} op(s), wires ${f.qubits.map((q) => `q${q.wire}${q.segment ? `'`.repeat(q.segment) : ''}`).join(' ')}`));
  printLine(`sampling overhead Π γ² = ${plan.samplingOverhead.toPrecision(4)}`);
  printLine(`⟨${spec}⟩ = ${r.value.toFixed(8)}${shots ? ` ± ${r.standardError.toFixed(6)} (${shots} samples, ${r.shotsUsed} fragment shots)` : ' (exact)'}`);
  if (uncut !== null) printLine(`uncut     = ${uncut.toFixed(8)}`);
}

/**
 * The subexperiments a device run needs: plan.json (cuts, each cut's QPD terms, and per fragment
 * its qubits, cut sites and variants) and one OpenQASM file per fragment variant. A variant's
 * estimate is the parity of its sign bits times the measured Pauli product (the observable's
 * restriction times the wire cuts' upstream factors); plan.json says how terms combine.
 */
function exportPlan(plan: CutPlan, obs: Observable, dir: string): void {
  try { fs.mkdirSync(dir, { recursive: true }); } catch (e) { throw new QmlError(`cannot create the export folder: ${(e as Error).message}`, dir); }
  const t = obs.terms[0];
  let files = 0;
  const fragments = plan.fragments.map((frag, f) => {
    const restriction = Array.from({ length: frag.circuit.numQubits }, () => 'I');
    t.wires.forEach((w, j) => { const [ff, q] = plan.outputs[w]; if (ff === f) restriction[q] = t.paulis[j]; });
    const circuitSites = frag.sites.map((s, i) => (s.role === 'up' ? -1 : i)).filter((i) => i >= 0);
    const count = circuitSites.reduce((acc, i) => acc * siteRadix(frag.sites[i]), 1);
    const variants = [];
    for (let v = 0; v < count; v++) {
      const actions = new Array<number>(frag.sites.length).fill(0);
      let r = v;
      for (const i of circuitSites) { const k = siteRadix(frag.sites[i]); actions[i] = r % k; r = Math.floor(r / k); }
      const variant = fragmentVariant(plan, f, actions);
      const file = `fragment-${f}-v${v}.qasm`;
      writeFileAtomic(`${dir}/${file}`, toQasm(variant.circuit));
      files++;
      variants.push({
        file,
        actions: frag.sites.map((s, i) => (s.role === 'up' ? 'any' : s.role === 'down' ? `prepare ${WIRE_PREPS[actions[i]]}` : GATE_ACTIONS[actions[i]])),
        sign_clbits: variant.signClbits,
      });
    }
    return {
      qubits: frag.qubits, observable: restriction.map((p, q) => (p === 'I' ? '' : `${p}${q}`)).filter(Boolean).join(' ') || 'I',
      sites: frag.sites.map((s) => ({ cut: s.cut, role: s.role, side: s.side, qubit: s.qubit, actions: s.role === 'up' ? WIRE_MEASURES : s.role === 'down' ? WIRE_PREPS : GATE_ACTIONS })),
      variants,
    };
  });
  const terms = plan.cuts.map((c, k) => (c.kind === 'wire' ? WIRE_CUT_TERMS : rzzCutTerms(gateCutAngle(plan, k, () => { throw new QmlError('a data-dependent angle cannot be exported'); }))));
  writeFileAtomic(`${dir}/plan.json`, JSON.stringify({
    format: 'qml6g-cut-plan', num_qubits: plan.numQubits, max_qubits: plan.maxQubits, cuts: plan.cuts, described: plan.described, gammas: plan.gammas,
    sampling_overhead: plan.samplingOverhead, observable: `${t.paulis.split('').map((p, j) => p + t.wires[j]).join(' ')}`,
    qpd_terms: terms,
    reconstruction: '<P> = sum over one term t_c per cut of prod_c coef(c, t_c) * prod_f E_f, where E_f is the mean of (parity of sign_clbits) x (Pauli product: the fragment observable with the wire cuts\' upstream bases (term.a indexes sites[].actions) on their qubits) for the variant with the sites\' actions (term.a on a cut\'s first side, term.b on its second)',
    fragments,
  }, null, 1));
  info(`cut: exported plan.json and ${files} fragment variant(s) to ${dir}`);
}
