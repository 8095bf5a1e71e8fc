/**
 * Optimisers over a flat parameter vector, updated in place. Adam (Kingma & Ba 2015), SGD with
 * momentum, and SPSA (Spall 1992; gain sequences a_k = a/(k+1+A)^0.602, c_k = c/(k+1)^0.101),
 * which needs only loss values.
 */
import { QmlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

export type OptimizerName = 'adam' | 'sgd' | 'spsa';

export interface Optimizer {
  readonly name: OptimizerName;
  /** Gradient-based step. */
  step(params: Float64Array, grad: Float64Array): void;
}

export class Adam implements Optimizer {
  readonly name = 'adam';
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(size: number, readonly lr = 0.01, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(p: Float64Array, g: Float64Array): void {
    this.t++;
    const b1 = 1 - this.beta1 ** this.t, b2 = 1 - this.beta2 ** this.t;
    for (let i = 0; i < p.length; i++) {
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g[i];
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g[i] * g[i];
      p[i] -= (this.lr * (this.m[i] / b1)) / (Math.sqrt(this.v[i] / b2) + this.eps);
    }
  }
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  private vel: Float64Array;
  constructor(size: number, readonly lr = 0.05, readonly momentum = 0.9) {
    this.vel = new Float64Array(size);
  }
  step(p: Float64Array, g: Float64Array): void {
    for (let i = 0; i < p.length; i++) {
      this.vel[i] = this.momentum * this.vel[i] - this.lr * g[i];
      p[i] += this.vel[i];
    }
  }
}

export class SPSA implements Optimizer {
  readonly name = 'spsa';
  private k = 0;
  private delta: Float64Array;
  constructor(size: number, readonly rng: Rng, readonly a = 0.2, readonly c = 0.1, readonly A = 10) {
    this.delta = new Float64Array(size);
  }
  step(): void {
    throw new QmlError('SPSA steps from loss values: use spsaStep');
  }
  /** One SPSA step from two loss evaluations at θ ± c_k Δ. */
  spsaStep(p: Float64Array, loss: (params: Float64Array) => number): void {
    const ak = this.a / (this.k + 1 + this.A) ** 0.602, ck = this.c / (this.k + 1) ** 0.101;
    this.k++;
    for (let i = 0; i < p.length; i++) this.delta[i] = this.rng.sign();
    const plus = Float64Array.from(p, (v, i) => v + ck * this.delta[i]);
    const minus = Float64Array.from(p, (v, i) => v - ck * this.delta[i]);
    const g = (loss(plus) - loss(minus)) / (2 * ck);
    for (let i = 0; i < p.length; i++) p[i] -= ak * g * this.delta[i];
  }
}

export function makeOptimizer(name: string, size: number, lr: number | undefined, rng: Rng): Optimizer {
  switch (name) {
    case 'adam': return new Adam(size, lr ?? 0.02);
    case 'sgd': return new SGD(size, lr ?? 0.05);
    case 'spsa': return new SPSA(size, rng, lr ?? 0.2);
    default: throw new QmlError(`unknown optimizer "${name}" (adam, sgd, spsa)`, '--optimizer');
  }
}
