/**
 * Shared base of the robust rules, which need every update on its own and the number f of
 * Byzantine clients they must tolerate. The rule's precondition on (n, f) is checked twice: once
 * for the planned number of clients when the strategy is built (a QmlError, so a bad
 * configuration fails before any training), and again each round for the results that actually
 * arrived (too few after dropouts → the round is skipped with the precondition as its reason).
 */
import { QmlError } from '../../core/errors.js';
import { BaseStrategy, type AggregateContext, type Aggregation, type FitFailure, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkF } from '../vec.js';

export abstract class RobustStrategy extends BaseStrategy {
  readonly needs = 'individual' as const;
  constructor(policy: Partial<QuorumPolicy>, readonly f: number) {
    super(policy);
    checkF(f, 'strategy');
  }
  /** The precondition on n updates, as a message when it fails. */
  abstract precondition(n: number): string | undefined;

  /** Throws the precondition as a QmlError for a planned number of clients per round. */
  checkPlanned(n: number): this {
    const why = this.precondition(n);
    if (why) throw new QmlError(`${this.name}: ${why}`, '--malicious');
    return this;
  }

  override aggregate(ctx: AggregateContext, results: readonly FitResult[], failures: readonly FitFailure[]): Aggregation {
    const why = this.quorumFailure(results.length + failures.length, results.length, failures) ?? this.precondition(results.length);
    if (why) return { kind: 'skip', reason: why };
    return super.aggregate(ctx, results, failures);
  }
}
