/** A small store with runs of several kinds, for the dashboard's tests and the bench. */
import { Store } from '../store/store.js';

export function fillDemoStore(store: Store): { train: string[]; assess: string; running: string } {
  const train: string[] = [];
  for (const [i, lr] of [0.1, 0.05, 0.01].entries()) {
    const id = store.createRun({ command: 'train', config: { model: 'mlp', lr }, seed: i, params: { model: 'mlp', lr }, tags: { suite: 'demo' }, started: new Date(Date.UTC(2026, 0, 1, 10, i)).toISOString() });
    // A decaying loss whose speed depends on the learning rate: curves that differ visibly.
    store.logMetrics(id, Array.from({ length: 12 }, (_, s) => ({ key: 'loss', value: Math.exp(-lr * 8 * s) + 0.05, step: s })));
    store.logMetrics(id, [{ key: 'accuracy', value: 0.7 + lr, step: 0 }]);
    store.endRun(id, 'complete');
    train.push(id);
  }
  const assess = store.createRun({ command: 'assess', config: { models: ['vqc', 'logreg'] }, seed: 0, started: new Date(Date.UTC(2026, 0, 1, 11)).toISOString() });
  store.logMetrics(assess, [0, 0.25, 1].flatMap((_, s) => [{ key: 'robust_accuracy/vqc', value: 0.9 - 0.2 * s, step: s }, { key: 'robust_accuracy/logreg', value: 0.95 - 0.3 * s, step: s }]));
  store.putArtifact(assess, 'report.html', '<!doctype html><html><body><h1>Threat-detector robustness assessment</h1></body></html>', 'text/html; charset=utf-8');
  store.endRun(assess, 'complete');
  const running = store.createRun({ command: 'federate', config: { rounds: 10 }, seed: 1, started: new Date(Date.UTC(2026, 0, 1, 12)).toISOString() });
  store.logMetrics(running, [{ key: 'accuracy', value: 0.6, step: 0 }, { key: 'accuracy', value: 0.7, step: 1 }]);
  return { train, assess, running };
}
