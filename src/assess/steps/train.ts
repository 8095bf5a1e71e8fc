/** Step 2: train (or, on resume, reload and re-verify) every detector and score it on the test split. */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { Detector } from '../../qml/detector.js';
import type { ModelSpec } from '../../qml/models/registry.js';
import { signDetectorJSON, signedFileText, verifyDetectorText } from '../../supply/signing.js';
import { signingKey, trustedKeys } from '../../supply/keys.js';
import { runnerOf, timeTask, type AssessStep } from '../state.js';
import { assessThreads } from '../pool.js';
import type { TaskResult } from '../tasks.js';
import { cost } from './evasion.js';
import { assessSpec, assessTrainConfig, compareDetectors, describeDetector } from '../detectors.js';

export const trainStep: AssessStep = {
  name: 'train',
  async run(ctx) {
    const { cfg, train, test } = ctx.state;
    const res = ctx.record;
    const fileOf = (name: string) => path.join(cfg.out, 'models', `${name}.json`);
    const resumed = (name: string) => !!ctx.previous?.models.find((m) => m.name === name) && fs.existsSync(fileOf(name));
    // With more than one core the detectors train side by side on the worker pool, the longest first
    // (training is seeded: the same detectors as on one thread); the pool then keeps them for the attacks.
    const toTrain = cfg.models.filter((n) => !resumed(n));
    const runner = toTrain.length > 1 && assessThreads(cfg.threads) > 1 ? runnerOf(ctx) : null;
    const started = new Map<string, Promise<TaskResult>>();
    if (runner) {
      ctx.log(`training ${toTrain.join(', ')} on ${train.table.rows} rows side by side (${runner.threads} threads) ...`);
      for (const name of [...toTrain].sort((a, b) => cost(ctx, { kind: 'train', model: b }) - cost(ctx, { kind: 'train', model: a }))) {
        const p = runner.run({ kind: 'train', model: name }, (d, t) => ctx.progress(`train ${name}`, d, t));
        p.catch(() => { /* raised when the model's turn comes */ });
        started.set(name, p);
      }
    }
    for (const name of cfg.models) {
      const file = fileOf(name);
      const prev = ctx.previous?.models.find((m) => m.name === name);
      let det: Detector;
      let seconds = 0;
      if (prev && fs.existsSync(file)) {
        // A resumed run reloads its own models only if their signatures still verify.
        const text = fs.readFileSync(file, 'utf8');
        const v = verifyDetectorText(text, trustedKeys());
        if (!v.ok) throw new QmlError(`cannot resume: ${v.reason}`, file);
        det = Detector.fromJSON(JSON.parse(text), file);
        seconds = prev.train_seconds;
      } else {
        const p = started.get(name);
        if (p) {
          const r = await p;
          timeTask(ctx, { kind: 'train', model: name }, r);
          det = Detector.fromJSON(r.detector!, name);
          seconds = r.trainSeconds!;
        } else {
          ctx.log(`training ${name} on ${train.table.rows} rows ...`);
          const spec: ModelSpec = assessSpec(cfg, name);
          const ts = performance.now();
          det = Detector.train(train, spec, {
            ...assessTrainConfig(cfg, name),
            onProgress: (d, t) => ctx.progress(`train ${name}`, d, t),
          });
          seconds = (performance.now() - ts) / 1000;
        }
        fs.writeFileSync(file, signedFileText(signDetectorJSON(det.toJSON(), signingKey())));
        ctx.artefact(`models/${name}.json`, file);
      }
      ctx.state.runner?.addDetector(name, det);
      ctx.state.detectors.set(name, det);
      const m = det.evaluate(test);
      res.models.push({
        name, kind: det.model.kind, clean_accuracy: m.accuracy,
        test: { accuracy: m.accuracy, balanced_accuracy: m.balanced_accuracy, f1: m.f1, roc_auc: m.roc_auc, ece: m.ece, false_positive_rate: m.false_positive_rate, detection_rate: m.detection_rate, confusion: m.confusion, n: m.n, reliability: m.reliability },
        attacks: [], train_seconds: seconds, parameters: det.model.params.length, features: det.pipeline.outputDim, file: path.relative(cfg.out, file),
      });
      ctx.metric(`accuracy/${name}`, m.accuracy);
      ctx.log(`  ${name}: test accuracy ${(100 * m.accuracy).toFixed(2)}% (${det.model.kind})`);
      await ctx.checkpoint();
    }
    res.comparison = compareDetectors(res.models);
    for (const [name, det] of ctx.state.detectors) {
      const d = describeDetector(name, det.model);
      if (d) res.notes.push(d);
    }
  },
};
