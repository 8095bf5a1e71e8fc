#!/usr/bin/env node
/**
 * Full-size acceptance measurements of the federated layer (issue 9), too slow for the unit tests.
 * Run after `npm run build`:
 *   node scripts/federated-acceptance.mjs [vqc] [dirichlet] [byzantine] [alie|alie-mlp] [faults] [--rows N] [--threads T] [--seed K] [--seeds 1,2,3] [--local-epochs E]
 * Parts (all by default):
 *   vqc        8-qubit 2-layer VQC, 10 clients, IID NSL-KDD, 20 rounds, against the same model trained
 *              centrally on the union of the clients' rows (target: within 2 points);
 *   dirichlet  the same with Dirichlet α = 0.1 label skew: FedAvg, FedProx, FedAdam, FedAvgM against
 *              IID FedAvg, on each of --seeds (default 1,2,3), with --local-epochs E (default 1);
 *   byzantine  25 MLP clients, 20 % malicious, 20 rounds: each rule × each attack, with the same-norm
 *              random control for ALIE;
 *   alie       A Little Is Enough against median, trimmed mean and Krum beside its same-norm random
 *              control, 25 clients (MLP and 8-qubit VQC; `alie-mlp`: MLP only), 20 % malicious, in the
 *              paper's distributed-SGD regime (IID, one SGD step on a mini-batch of --batch B, default 4,
 *              per round, 200 rounds), the paper's vector with either sign and the shift against the
 *              mean, on each of --seeds (default 1,2,3); --alie-data nsl-kdd-5 for the five-class task,
 *              --alie-z Z to replace the formula's z, --hidden 64,32 for the MLP's hidden layers;
 *              --alie-partition dirichlet|classes|column (--alpha, default 0.5; --classes-per-client,
 *              default 1; --partition-column, default service) for non-IID clients;
 *              --alie-local-epochs E for the FedAvg regime (Adam, E local epochs, --batch default 8,
 *              30 rounds); --alie-rounds R, --lr-mlp, --lr-vqc, --clients N, --rules, --alie-models,
 *              --alie-variants paper,paper-negated,against-mean; --alie-controls adds the honest
 *              mean plus a random deviation of the crafted deviation's norm beside the same-norm
 *              random update;
 *   faults     30 % dropout, stragglers past a deadline, a third of the clients cut off for five rounds.
 * Prints one line per run and, last, one JSON object with every number.
 */
import { defaultFederateConfig, prepareFederation, runFederated, centralReference, ClientPool, sameNormRandom, sameDeviationRandom, alie, alieZ, replacementRound } from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : d; };
const parts = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const want = (p) => parts.length === 0 || parts.includes(p) || (p === 'alie' && parts.includes('alie-mlp'));
const rows = opt('rows', 5000), threads = opt('threads', 2), seed = opt('seed', 1);
const pool = ClientPool.create(threads);
const out = { rows, threads, seed };
const pct = (v) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);
const t0 = performance.now();
const line = (s) => process.stderr.write(`${s}\n`);

const vqcBase = { ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: rows, model: { type: 'vqc', qubits: 8, layers: 2 }, clients: 10, rounds: 20, lr: 0.05, batchSize: 16, seed, malicious: 0 };

const seedList = (args.includes('--seeds') ? args[args.indexOf('--seeds') + 1] : '1,2,3').split(',').map(Number);
const meanSd = (xs) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { mean: m, sd: Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1)) };
};

if (want('vqc')) {
  const prep = prepareFederation(vqcBase);
  const central = centralReference(prep);
  line(`central VQC (union of the clients' rows, ${vqcBase.rounds} epochs): ${pct(central.accuracy)}`);
  const iid = await runFederated(prep, 'fedavg', 'none', { pool });
  line(`FedAvg IID, 10 clients, 20 rounds: ${pct(iid.final_accuracy)} (gap to central ${(100 * (central.accuracy - iid.final_accuracy)).toFixed(1)} points; target ≤ 2)`);
  out.vqc = { central: central.accuracy, fedavg_iid: iid.final_accuracy, gap_points: 100 * (central.accuracy - iid.final_accuracy), curve: iid.rounds.map((x) => x.accuracy) };
}

if (want('dirichlet')) {
  // Label skew against IID on the same seeds: IID FedAvg, then Dirichlet α = 0.1 with FedAvg and the
  // strategies meant to recover from client drift. --local-epochs E: more local work, more drift.
  const epochs = opt('local-epochs', 1);
  const strategies = ['fedavg', 'fedprox', 'fedadam', 'fedavgm'];
  out.dirichlet = { alpha: 0.1, local_epochs: epochs, seeds: seedList, runs: {}, summary: {} };
  for (const k of seedList) {
    const base = { ...vqcBase, seed: k, localEpochs: epochs };
    const iid = await runFederated(prepareFederation(base), 'fedavg', 'none', { pool });
    const dprep = prepareFederation({ ...base, partition: 'dirichlet', alpha: 0.1 });
    const row = { iid_fedavg: iid.final_accuracy, label_histogram: dprep.label_histogram };
    for (const s of strategies) row[s] = (await runFederated(dprep, s, 'none', { pool })).final_accuracy;
    out.dirichlet.runs[k] = row;
    line(`seed ${k}, ${epochs} local epoch(s): IID FedAvg ${pct(row.iid_fedavg)}; Dirichlet α = 0.1: ${strategies.map((s) => `${s} ${pct(row[s])}`).join(' · ')}`);
  }
  for (const s of ['iid_fedavg', ...strategies]) {
    const xs = seedList.map((k) => 100 * out.dirichlet.runs[k][s]);
    const loss = seedList.map((k) => 100 * (out.dirichlet.runs[k].iid_fedavg - out.dirichlet.runs[k][s]));
    out.dirichlet.summary[s] = { accuracy: meanSd(xs), points_below_iid: meanSd(loss), per_seed: xs };
    line(`${s.padEnd(11)} ${meanSd(xs).mean.toFixed(1)} ± ${meanSd(xs).sd.toFixed(1)} % (below IID FedAvg of the same seed: ${meanSd(loss).mean.toFixed(1)} ± ${meanSd(loss).sd.toFixed(1)} points)`);
  }
}

if (want('byzantine')) {
  const cfg = { ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: rows, model: { type: 'mlp', hidden: [16] }, clients: 25, rounds: 20, lr: 0.01, malicious: 0.2, seed,
    attacks: ['sign-flip', 'scale', 'gaussian', 'label-flip', 'alie', 'ipm', 'fang', 'min-max', 'min-sum'] };
  const prep = prepareFederation(cfg);
  out.byzantine = {};
  for (const s of ['fedavg', 'median', 'trimmed-mean', 'krum', 'multi-krum', 'bulyan', 'centered-clipping', 'fltrust']) {
    const row = {};
    for (const a of ['none', ...cfg.attacks, 'alie-random']) {
      const r = await runFederated(prep, s, a === 'alie-random' ? 'alie' : a, { pool, attackOverride: a === 'alie-random' ? sameNormRandom(alie()) : undefined });
      row[a] = r.final_accuracy;
    }
    out.byzantine[s] = row;
    line(`${s.padEnd(18)} ${Object.entries(row).map(([a, v]) => `${a} ${pct(v)}`).join(' · ')}`);
  }
  const bd = prepareFederation({ ...cfg, malicious: 0.1, attacks: ['model-replacement'] });
  // The trigger's effect on a model trained without poison: the floor a defence can bring it down to.
  const triggerOnly = { name: 'trigger-only', paper: 'control', backdoor: true, poison: (d) => d };
  const floor = (await runFederated(bd, 'fedavg', 'model-replacement', { pool, attackOverride: triggerOnly })).backdoor_success;
  line(`the trigger on the attack-free FedAvg model: ${pct(floor)} sent to the target class`);
  out.backdoor_floor = floor;
  out.backdoor = {};
  // Single-shot model replacement (Bagdasaryan et al. 2020): the attackers withhold until round
  // ⌈0.75·R⌉, boost by γ = n/m there, and the backdoor must survive the honest rounds after it.
  const at = replacementRound(cfg.rounds);
  out.backdoor_attack_round = at;
  for (const s of ['fedavg', 'median', 'krum', 'centered-clipping', 'fltrust']) {
    const r = await runFederated(bd, s, 'model-replacement', { pool });
    const curve = r.rounds.map((x) => x.backdoor_success);
    out.backdoor[s] = { backdoor_success: r.backdoor_success, before_attack: curve[at - 2], attack_round: curve[at - 1], final_accuracy: r.final_accuracy, curve };
    line(`model replacement (10 % malicious, round ${at} of ${cfg.rounds}) under ${s}: backdoor success before ${pct(curve[at - 2])}, in the attack round ${pct(curve[at - 1])}, at the end ${pct(r.backdoor_success)} (without poison ${pct(floor)}), accuracy ${pct(r.final_accuracy)}`);
  }
}

if (want('alie')) {
  // Baruch et al.'s regime by default: distributed SGD, each client one SGD step on a mini-batch per
  // round, IID, many rounds. --alie-partition / --alie-local-epochs move it to non-IID data and to
  // FedAvg (several local steps). Each crafted vector beside a random update of the same norm (the
  // issue's control) and, with --alie-controls, beside the honest mean plus a random deviation of
  // the crafted deviation's norm (does the direction matter?), on several seeds, with accuracy,
  // balanced accuracy, loss and what the rule did with the crafted vectors (the mechanism).
  const seeds = seedList;
  const strArg = (name, d) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : d);
  const models = {
    mlp: { model: { type: 'mlp', hidden: strArg('hidden', '16').split(',').map(Number) }, lr: opt('lr-mlp', 0.1) },
    vqc: { model: { type: 'vqc', qubits: 8, layers: 2 }, lr: opt('lr-vqc', 0.2) },
  };
  const epochs = opt('alie-local-epochs', 0);
  // FedAvg regime (--alie-local-epochs E): Adam, E epochs over the client's rows in mini-batches of
  // --batch (default 8), --alie-rounds rounds (default 30); learning rates 0.01 (MLP), 0.05 (VQC).
  const regime = epochs > 0
    ? { localEpochs: epochs, optimizer: 'adam', batchSize: opt('batch', 8), rounds: opt('alie-rounds', 30) }
    : { localSteps: 1, optimizer: 'sgd', batchSize: opt('batch', 4), rounds: opt('alie-rounds', 200) };
  if (epochs > 0) { models.mlp.lr = opt('lr-mlp', 0.01); models.vqc.lr = opt('lr-vqc', 0.05); }
  const partition = strArg('alie-partition', 'iid');
  const partitionOpts = { partition, alpha: opt('alpha', partition === 'dirichlet' ? 0.5 : undefined), classesPerClient: opt('classes-per-client', partition === 'classes' ? 1 : undefined), partitionColumn: strArg('partition-column', partition === 'column' ? 'service' : undefined) };
  for (const k of Object.keys(partitionOpts)) if (partitionOpts[k] === undefined) delete partitionOpts[k];
  const data = strArg('alie-data', 'nsl-kdd');
  const rules = strArg('rules', 'median,trimmed-mean,krum').split(',');
  const clients = opt('clients', 25);
  // The paper writes μ − z·σ on gradients; implementations differ on the sign, so the opposite sign
  // (μ − z·σ on our updates Δ = −η·g) is measured too.
  // --alie-z Z replaces the formula's z (a diagnostic: does a larger shift matter?).
  const zOf = (k) => opt('alie-z', alieZ(k.n, k.own.length));
  const withZ = (name, direction, sign) => ({ ...alie({ direction }), name, craft: (k) => alie({ direction, z: sign * zOf(k) }).craft(k) });
  const allVariants = { paper: withZ('alie', 'paper', 1), 'paper-negated': withZ('alie-negated', 'paper', -1), 'against-mean': withZ('alie-against-mean', 'against-mean', 1) };
  const variants = Object.fromEntries(strArg('alie-variants', 'paper,paper-negated,against-mean').split(',').map((v) => [v, allVariants[v]]));
  const controls = { random: sameNormRandom, ...(args.includes('--alie-controls') ? { 'mean-random': sameDeviationRandom } : {}) };
  // What the rule did with the crafted vectors, per round: the aggregate's step along the honest
  // mean μ (1: the full honest step; the median and Krum take less), its distance from μ (in units
  // of ‖μ‖), and how often the rule kept a malicious client's update (Krum: selected it).
  const observed = (attack) => {
    const log = new Map(), m = { along: [], off: [], kept: 0, rounds: 0 };
    const honestCraft = (k) => k.own;
    const wrapped = { ...(attack ?? { name: 'none', paper: 'attack-free' }), craft: (k) => {
      const honest = [...k.benign, ...k.own];
      const mu = new Float64Array(k.global.length);
      for (const u of honest) for (let i = 0; i < mu.length; i++) mu[i] += u[i] / honest.length;
      log.set(k.round, { mu, global: Float64Array.from(k.global) });
      return (attack?.craft ?? honestCraft)(k);
    } };
    const onRound = (rec, malicious) => {
      const r = rec.rounds.at(-1), e = log.get(r.round);
      if (!e || r.skipped || !rec.state) return;
      let mm = 0, am = 0, dd = 0;
      for (let i = 0; i < e.mu.length; i++) { const a = rec.state.global[i] - e.global[i]; mm += e.mu[i] ** 2; am += a * e.mu[i]; dd += (a - e.mu[i]) ** 2; }
      if (mm > 0) { m.along.push(am / mm); m.off.push(Math.sqrt(dd / mm)); }
      m.rounds++;
      if (r.accepted.some((c) => malicious[c])) m.kept++;
    };
    return { attack: wrapped, onRound, summary: () => ({ step_along_mean: avg(m.along), distance_from_mean: avg(m.off), malicious_kept: m.rounds ? m.kept / m.rounds : 0 }) };
  };
  const avg = (xs) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);
  const runOne = async (prep, s, attack) => {
    // The attack-free run with every client honest: the same updates (the wrapper returns the
    // malicious clients' own honest updates), so the same run as attackOverride null.
    const o = observed(attack);
    const r = await runFederated(prep, s, 'alie', { pool, attackOverride: o.attack, onRound: (rec) => o.onRound(rec, prep.malicious) });
    const last = r.rounds.at(-1);
    return { accuracy: r.final_accuracy, balanced_accuracy: last.balanced_accuracy, loss: last.loss, ...o.summary() };
  };
  out.alie = { setting: { ...regime, ...partitionOpts, clients, malicious: 0.2, data, rows, z: opt('alie-z', alieZ(clients, Math.round(0.2 * clients))), lr: { mlp: models.mlp.lr, vqc: models.vqc.lr } }, seeds, runs: {}, summary: {} };
  const only = strArg('alie-models', parts.includes('alie-mlp') ? 'mlp' : 'mlp,vqc').split(',');
  for (const [mname, m] of Object.entries(models)) {
    if (!only.includes(mname)) continue;
    for (const seed of seeds) {
      const prep = prepareFederation({ ...defaultFederateConfig(), data, maxRows: rows, clients, malicious: 0.2, seed, attacks: ['alie'], ...regime, ...partitionOpts, ...m });
      for (const s of rules) {
        const acc = { none: await runOne(prep, s, null) };
        for (const [v, att] of Object.entries(variants)) {
          acc[v] = await runOne(prep, s, att);
          for (const [c, ctl] of Object.entries(controls)) acc[`${v}-${c}`] = await runOne(prep, s, ctl(att));
        }
        out.alie.runs[`${mname}/${s}/${seed}`] = acc;
        const show = (x) => `${pct(x.accuracy)} (bal ${pct(x.balanced_accuracy)}, loss ${x.loss.toFixed(3)}, step ${x.step_along_mean?.toFixed(2)}, kept ${x.malicious_kept.toFixed(2)})`;
        line(`ALIE, ${data}, ${partition}, ${mname}, ${s}, seed ${seed}: attack-free ${show(acc.none)} · ${Object.keys(variants).map((v) => `${v} ${show(acc[v])} (${Object.keys(controls).map((c) => `${c} ${show(acc[`${v}-${c}`])}`).join(', ')})`).join(' · ')}`);
      }
    }
    for (const s of rules) {
      for (const v of Object.keys(variants)) {
        for (const c of Object.keys(controls)) {
          for (const metric of ['accuracy', 'balanced_accuracy']) {
            const gaps = seeds.map((k) => { const a = out.alie.runs[`${mname}/${s}/${k}`]; return 100 * (a[`${v}-${c}`][metric] - a[v][metric]); });
            const ms = meanSd(gaps);
            out.alie.summary[`${mname}/${s}/${v}/${c}/${metric}`] = { points_beyond_control: gaps, mean: ms.mean, sd: ms.sd };
            if (metric === 'accuracy' || c === 'random') line(`ALIE (${v}) on ${mname} under ${s}: costs ${ms.mean.toFixed(1)} ± ${ms.sd.toFixed(1)} points of ${metric.replace('_', ' ')} more than the ${c} control (seeds ${seeds.join(', ')}: ${gaps.map((g) => g.toFixed(1)).join(', ')})`);
          }
        }
      }
    }
  }
}

if (want('faults')) {
  const cfg = { ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: rows, model: { type: 'mlp', hidden: [16] }, clients: 30, rounds: 20, lr: 0.01, seed, malicious: 0,
    faults: { dropout: 0.3, speedSigma: 0.8, deadline: 0.3, partitions: [{ fraction: 1 / 3, from: 5, to: 9 }] }, policy: { minResultsFraction: 0.6 } };
  const prep = prepareFederation(cfg);
  const r = await runFederated(prep, 'fedavg', 'none', { pool });
  const skipped = r.rounds.filter((x) => x.skipped);
  out.faults = { final_accuracy: r.final_accuracy, rounds: r.rounds.length, skipped: skipped.map((x) => ({ round: x.round, reason: x.skip_reason })), failures: r.rounds.reduce((a, x) => a + x.failures, 0), sim_seconds: r.rounds.at(-1).sim_clock };
  line(`faults: ${r.rounds.length} rounds completed, ${skipped.length} skipped (${[...new Set(skipped.map((x) => x.skip_reason))].join('; ')}), ${out.faults.failures} client failures, final accuracy ${pct(r.final_accuracy)}`);
}

await pool.close();
out.seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify(out));
