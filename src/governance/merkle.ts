/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, §2.1) as a few pure functions: the leaf
 * and node hashes, the tree head over any list of leaves, inclusion and consistency proofs and their
 * verification. Storage stays outside: proofs are built over a `SubtreeSource` that returns the hash
 * of any complete, aligned subtree (level l, index j covers leaves [j·2^l, (j+1)·2^l)), so a log
 * with a million entries answers a proof from O(log n) stored nodes.
 *
 * Hashing (RFC 9162 §2.1.1): leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right),
 * empty tree = SHA-256(""). The split point of a range of n > 1 leaves is the largest power of two
 * smaller than n.
 *
 * @example
 * import { leafHash, rootOf, inclusionProofOf, verifyInclusion } from 'qml6g';
 * const leaves = ['a', 'b', 'c'].map((s) => leafHash(new TextEncoder().encode(s)));
 * const root = rootOf(leaves);
 * const proof = inclusionProofOf(leaves, 1, 3);
 * verifyInclusion(1, 3, leaves[1], proof, root); // true
 */
import crypto from 'node:crypto';

export type Hash = Uint8Array;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(entry: Uint8Array | string): Hash {
  return crypto.createHash('sha256').update(LEAF).update(entry).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return crypto.createHash('sha256').update(NODE).update(left).update(right).digest();
}

export function emptyRoot(): Hash {
  return crypto.createHash('sha256').digest();
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export const toHex = (h: Hash): string => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex');
export const fromHex = (s: string): Hash => new Uint8Array(Buffer.from(s, 'hex'));

export function equalHash(a: Hash | undefined, b: Hash | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** The hash of a complete subtree: level l, index j covers leaves [j·2^l, (j+1)·2^l). */
export type SubtreeSource = (level: number, index: number) => Hash;

/**
 * MTH(D[start:end]) for a range that the RFC's recursion produces (start aligned to the largest
 * power of two not above end − start): complete pieces come from `src`, the ragged right edge is
 * folded. Each call touches O(log n) stored nodes.
 */
export function rangeHash(src: SubtreeSource, start: number, end: number): Hash {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if ((n & (n - 1)) === 0 && start % n === 0) return src(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(src, start, start + k), rangeHash(src, start + k, end));
}

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf upwards. */
export function inclusionPath(src: SubtreeSource, m: number, start: number, end: number, out: Hash[] = []): Hash[] {
  const n = end - start;
  if (n <= 1) return out;
  const k = splitPoint(n);
  if (m < k) {
    inclusionPath(src, m, start, start + k, out);
    out.push(rangeHash(src, start + k, end));
  } else {
    inclusionPath(src, m - k, start + k, end, out);
    out.push(rangeHash(src, start, start + k));
  }
  return out;
}

/** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1, through SUBPROOF(m, D[start:end], b). */
export function consistencyPath(src: SubtreeSource, m: number, n: number): Hash[] {
  const out: Hash[] = [];
  if (m <= 0 || m >= n) return out;
  const sub = (mm: number, start: number, end: number, b: boolean): void => {
    const nn = end - start;
    if (mm === nn) {
      if (!b) out.push(rangeHash(src, start, end));
      return;
    }
    const k = splitPoint(nn);
    if (mm <= k) {
      sub(mm, start, start + k, b);
      out.push(rangeHash(src, start + k, end));
    } else {
      sub(mm - k, start + k, end, false);
      out.push(rangeHash(src, start, start + k));
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** The tree levels of a list of leaf hashes: level 0 the leaves, level l the complete 2^l subtrees. */
export function levelsOf(leaves: Hash[]): Hash[][] {
  const levels: Hash[][] = [leaves];
  while (levels[levels.length - 1].length >= 2) {
    const below = levels[levels.length - 1], up: Hash[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) up.push(nodeHash(below[i], below[i + 1]));
    levels.push(up);
  }
  return levels;
}

export function sourceOf(levels: Hash[][]): SubtreeSource {
  return (l, j) => {
    const h = levels[l]?.[j];
    if (!h) throw new RangeError(`no complete subtree at level ${l}, index ${j}`);
    return h;
  };
}

/** MTH(D[0:n]) over leaf hashes. */
export function rootOf(leaves: Hash[], n = leaves.length): Hash {
  return rangeHash(sourceOf(levelsOf(leaves.slice(0, n))), 0, n);
}

export function inclusionProofOf(leaves: Hash[], index: number, size = leaves.length): Hash[] {
  return inclusionPath(sourceOf(levelsOf(leaves.slice(0, size))), index, 0, size);
}

export function consistencyProofOf(leaves: Hash[], size1: number, size2 = leaves.length): Hash[] {
  return consistencyPath(sourceOf(levelsOf(leaves.slice(0, size2))), size1, size2);
}

/** RFC 9162 §2.1.3.2: does `proof` show that `leaf` is entry `index` of the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index, sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) return false;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHash(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree (size2, root2) an append-only extension of (size1, root1)? */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  // Equal sizes: the roots must be equal and nothing else said; an empty tree is a prefix of every tree.
  if (size1 === size2) return proof.length === 0 && equalHash(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1, sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHash(fr, root1) && equalHash(sr, root2);
}
