/**
 * Loss-threshold membership inference (Yeom, Giacomelli, Fredrikson & Jha 2018, "Privacy risk in
 * machine learning: analyzing the connection to overfitting", CSF): the attacker guesses "member"
 * when the model's loss on a record is below a threshold τ (Yeom et al. take τ = the mean training
 * loss). Over all thresholds this is a ROC curve; its area (AUC) is 0.5 for a model that leaks nothing
 * about membership. AUC = P(loss(member) < loss(non-member)) + ½P(tie) (Mann–Whitney U / (mn)).
 *
 * @example
 * import { membershipInference } from 'qml6g';
 * const r = membershipInference([0.1, 0.2, 0.3], [0.25, 0.5, 0.9]);
 * r.auc;       // 8/9: members tend to have lower loss
 * r.advantage; // TPR − FPR at τ = mean member loss (Yeom et al.'s advantage)
 */
import { QmlError } from '../../core/errors.js';

export interface MembershipResult {
  auc: number;
  /** Yeom et al.'s membership advantage TPR − FPR at τ = mean member loss. */
  advantage: number;
  threshold: number;
  /** The best advantage over all thresholds (an upper bound the attacker could reach with labels). */
  maxAdvantage: number;
  members: number;
  nonMembers: number;
}

export function membershipInference(memberLosses: ArrayLike<number>, nonMemberLosses: ArrayLike<number>): MembershipResult {
  const m = memberLosses.length, n = nonMemberLosses.length;
  if (m === 0 || n === 0) throw new QmlError('membership inference needs member and non-member losses');
  const all: { l: number; member: boolean }[] = [];
  for (let i = 0; i < m; i++) all.push({ l: check(memberLosses[i]), member: true });
  for (let i = 0; i < n; i++) all.push({ l: check(nonMemberLosses[i]), member: false });
  all.sort((a, b) => a.l - b.l);
  // AUC by ranks with ties averaged; "positive" = low loss.
  let wins = 0, seenNon = 0, maxAdv = 0, tp = 0, fp = 0;
  for (let i = 0; i < all.length;) {
    let j = i, mem = 0, non = 0;
    while (j < all.length && all[j].l === all[i].l) { if (all[j].member) mem++; else non++; j++; }
    // Members in this tie group beat every non-member with a strictly larger loss.
    wins += mem * (n - seenNon - non) + 0.5 * mem * non;
    seenNon += non;
    tp += mem; fp += non;
    maxAdv = Math.max(maxAdv, tp / m - fp / n);
    i = j;
  }
  let tau = 0;
  for (let i = 0; i < m; i++) tau += memberLosses[i];
  tau /= m;
  let tpr = 0, fpr = 0;
  for (let i = 0; i < m; i++) if (memberLosses[i] <= tau) tpr++;
  for (let i = 0; i < n; i++) if (nonMemberLosses[i] <= tau) fpr++;
  return { auc: wins / (m * n), advantage: tpr / m - fpr / n, threshold: tau, maxAdvantage: maxAdv, members: m, nonMembers: n };
}

function check(x: number): number {
  if (!Number.isFinite(x)) throw new QmlError(`membership inference: non-finite loss ${x}`);
  return x;
}
