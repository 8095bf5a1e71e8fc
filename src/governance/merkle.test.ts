import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../testing/shared.js';
import {
  consistencyProofOf, emptyRoot, fromHex, inclusionProofOf, leafHash, levelsOf, rootOf, toHex, verifyConsistency, verifyInclusion, type Hash,
} from './merkle.js';

const ref = JSON.parse(fs.readFileSync(sharedPath('reference', 'rfc9162', 'leaves_and_roots.json'), 'utf8')) as {
  leaf_inputs_hex: string[];
  root_hashes_by_tree_size_hex: Record<string, string>;
  node_hashes_by_level_hex: Record<string, string[]>;
  proofgen_inclusion_vectors: Array<{ leafIdx_0based: number; treeSize: number; proof_hex: string[] }>;
  proofgen_consistency_vectors: Array<{ size1: number; size2: number; proof_hex: string[] }>;
};
const leaves = ref.leaf_inputs_hex.map((h) => leafHash(fromHex(h)));
const b64 = (s: string | null | undefined): Hash => new Uint8Array(Buffer.from(s ?? '', 'base64'));

// An independent verifier written from the recursive definitions of RFC 9162 §2.1.3.1 and §2.1.4.1
// (not the iterative algorithm of §2.1.3.2/§2.1.4.2 that the product uses): it rebuilds the roots by
// walking the same recursion as the proof's construction, consuming the proof from its end.
const H = (...parts: Uint8Array[]) => { const h = crypto.createHash('sha256'); for (const p of parts) h.update(p); return new Uint8Array(h.digest()); };
const k2 = (n: number) => { let k = 1; while (k << 1 < n) k <<= 1; return k; };
function indepInclusionRoot(m: number, n: number, leaf: Hash, proof: Hash[]): Hash | null {
  if (n === 1) return proof.length === 0 ? leaf : null;
  if (proof.length === 0) return null;
  const last = proof[proof.length - 1], rest = proof.slice(0, -1), k = k2(n);
  if (m < k) { const l = indepInclusionRoot(m, k, leaf, rest); return l && H(Uint8Array.of(1), l, last); }
  const r = indepInclusionRoot(m - k, n - k, leaf, rest);
  return r && H(Uint8Array.of(1), last, r);
}
function indepConsistency(m: number, n: number, proof: Hash[], root1: Hash): [Hash, Hash] | null {
  const sub = (mm: number, nn: number, b: boolean, p: Hash[]): [Hash, Hash] | null => {
    if (mm === nn) {
      if (b) return p.length === 0 ? [root1, root1] : null;
      return p.length === 1 ? [p[0], p[0]] : null;
    }
    if (p.length === 0) return null;
    const last = p[p.length - 1], rest = p.slice(0, -1), k = k2(nn);
    if (mm <= k) { const s = sub(mm, k, b, rest); return s && [s[0], H(Uint8Array.of(1), s[1], last)]; }
    const s = sub(mm - k, nn - k, false, rest);
    return s && [H(Uint8Array.of(1), last, s[0]), H(Uint8Array.of(1), last, s[1])];
  };
  return sub(m, n, true, proof);
}

test('tree heads, node hashes and proofs equal the transparency-dev constants', () => {
  assert.equal(toHex(emptyRoot()), ref.root_hashes_by_tree_size_hex['0']);
  for (let n = 1; n <= 8; n++) assert.equal(toHex(rootOf(leaves, n)), ref.root_hashes_by_tree_size_hex[String(n)], `root of size ${n}`);
  const levels = levelsOf(leaves);
  for (const [l, hs] of Object.entries(ref.node_hashes_by_level_hex)) assert.deepEqual(levels[Number(l)].map(toHex), hs, `level ${l}`);
  for (const v of ref.proofgen_inclusion_vectors) assert.deepEqual(inclusionProofOf(leaves, v.leafIdx_0based, v.treeSize).map(toHex), v.proof_hex, `inclusion ${v.leafIdx_0based}/${v.treeSize}`);
  for (const v of ref.proofgen_consistency_vectors) assert.deepEqual(consistencyProofOf(leaves, v.size1, v.size2).map(toHex), v.proof_hex, `consistency ${v.size1}→${v.size2}`);
});

test('the published inclusion vectors: happy paths verify, every corrupted variant is refused', () => {
  const dir = sharedPath('reference', 'rfc9162', 'testdata', 'inclusion');
  let happy = 0, refused = 0;
  for (const sub of fs.readdirSync(dir)) for (const f of fs.readdirSync(path.join(dir, sub))) {
    const v = JSON.parse(fs.readFileSync(path.join(dir, sub, f), 'utf8')) as { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
    const proof = (v.proof ?? []).map(b64);
    const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root));
    assert.equal(ok, !v.wantErr, `${sub}/${f}`);
    if (!v.wantErr) {
      happy++;
      const indep = indepInclusionRoot(v.leafIdx, v.treeSize, b64(v.leafHash), proof);
      assert.ok(indep && toHex(indep) === toHex(b64(v.root)), `independent verifier on ${sub}/${f}`);
    } else refused++;
  }
  assert.ok(happy >= 2 && refused >= 20, `${happy} happy, ${refused} refused`);
});

test('the published consistency vectors: happy paths verify, every corrupted variant is refused', () => {
  const dir = sharedPath('reference', 'rfc9162', 'testdata', 'consistency');
  let n = 0;
  for (const sub of fs.readdirSync(dir)) for (const f of fs.readdirSync(path.join(dir, sub))) {
    const v = JSON.parse(fs.readFileSync(path.join(dir, sub, f), 'utf8')) as { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean };
    const proof = (v.proof ?? []).map(b64);
    assert.equal(verifyConsistency(v.size1, v.size2, proof, b64(v.root1), b64(v.root2)), !v.wantErr, `${sub}/${f}`);
    if (!v.wantErr) {
      const indep = indepConsistency(v.size1, v.size2, proof, b64(v.root1));
      assert.ok(indep && toHex(indep[1]) === toHex(b64(v.root2)) && toHex(indep[0]) === toHex(b64(v.root1)), `independent verifier on ${sub}/${f}`);
    }
    n++;
  }
  assert.ok(n >= 20);
});

test('every inclusion and consistency proof of trees up to 40 leaves verifies both ways, and a wrong leaf or root does not', () => {
  const ls = Array.from({ length: 40 }, (_, i) => leafHash(`entry ${i}`));
  const roots = Array.from({ length: 41 }, (_, n) => rootOf(ls, n));
  for (let n = 1; n <= 40; n++) {
    for (let m = 0; m < n; m++) {
      const p = inclusionProofOf(ls, m, n);
      assert.ok(verifyInclusion(m, n, ls[m], p, roots[n]), `inclusion ${m}/${n}`);
      assert.equal(toHex(indepInclusionRoot(m, n, ls[m], p)!), toHex(roots[n]));
      assert.ok(!verifyInclusion(m, n, ls[(m + 1) % 40], p, roots[n]), `wrong leaf ${m}/${n}`);
    }
    for (let m = 1; m <= n; m++) {
      const p = consistencyProofOf(ls, m, n);
      assert.ok(verifyConsistency(m, n, p, roots[m], roots[n]), `consistency ${m}→${n}`);
      const indep = indepConsistency(m, n, p, roots[m]);
      assert.ok(indep && toHex(indep[1]) === toHex(roots[n]), `independent consistency ${m}→${n}`);
      if (m < n) assert.ok(!verifyConsistency(m, n, p, roots[m], roots[n - 1]), `wrong new root ${m}→${n}`);
    }
  }
});
