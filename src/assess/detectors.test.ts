/** The default detectors of `qml6g assess` are the ones the README describes. */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from './config.js';
import { assessSpec, assessTrainConfig, compareDetectors, comparisonSentence } from './detectors.js';

const readme = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');

test('the default detectors and their settings are the ones the README states', () => {
  const cfg = defaultConfig(false);
  const vqc = assessSpec(cfg, 'vqc'), qsvm = assessSpec(cfg, 'qsvm'), hybrid = assessSpec(cfg, 'hybrid');
  const line = `Default detectors: ${cfg.models.join(', ')}; vqc: ${vqc.qubits} qubits, ${vqc.layers} layers, ${vqc.reupload ? 're-uploading' : 'one upload'}, ${vqc.readout ?? 'z'} read-out; ` +
    `qsvm: ${qsvm.qubits} qubits, ${qsvm.kernel ?? 'fidelity'} kernel, bandwidth ${qsvm.svm?.bandwidth ?? 'chosen by 3-fold validation'}, ${qsvm.svm?.maxTrain} kernel rows; hybrid: ${hybrid.qubits} qubits; ` +
    `${assessTrainConfig(cfg, 'vqc').epochs} epochs for every gradient-trained model; ${cfg.trainRows} training rows.`;
  assert.ok(readme.includes(line), `README should state: ${line}`);
  for (const m of cfg.models) assert.equal(assessTrainConfig(cfg, m).epochs, assessTrainConfig(cfg, 'logreg').epochs, m);
});

test('the comparison names the best quantum and best classical detector and their ratio', () => {
  const e = (name: string, kind: 'quantum' | 'classical', accuracy: number) => ({ name, kind, test: { accuracy, n: 200 } as never });
  const c = compareDetectors([e('logreg', 'classical', 0.9), e('mlp', 'classical', 0.95), e('vqc', 'quantum', 0.931), e('qsvm', 'quantum', 0.94)])!;
  assert.equal(c.best_quantum, 'qsvm');
  assert.equal(c.best_classical, 'mlp');
  assert.ok(Math.abs(c.ratio - 0.94 / 0.95) < 1e-12);
  assert.match(comparisonSentence(c), /qsvm .* 98\.9% of the best classical detector \(mlp/);
  assert.equal(compareDetectors([e('mlp', 'classical', 0.9)]), null);
});
