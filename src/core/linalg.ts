/**
 * Small dense linear algebra on Float64Array (row-major): what preprocessing (PCA) and the
 * classical models need, nothing more.
 */

/**
 * Eigen-decomposition of a symmetric d x d matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * Matrix Computations, §8.5). Returns eigenvalues in descending order and the matching unit
 * eigenvectors as rows.
 */
export function symmetricEigen(a: Float64Array, d: number, tol = 1e-12, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0, norm = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      const v = A[i * d + j] * A[i * d + j];
      norm += v;
      if (i !== j) off += v;
    }
    if (off <= tol * tol * Math.max(norm, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) for (let q = p + 1; q < d; q++) {
      const apq = A[p * d + q];
      if (Math.abs(apq) < 1e-300) continue;
      const app = A[p * d + p], aqq = A[q * d + q];
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < d; k++) {
        const akp = A[k * d + p], akq = A[k * d + q];
        A[k * d + p] = c * akp - s * akq;
        A[k * d + q] = s * akp + c * akq;
      }
      for (let k = 0; k < d; k++) {
        const apk = A[p * d + k], aqk = A[q * d + k];
        A[p * d + k] = c * apk - s * aqk;
        A[q * d + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < d; k++) {
        const vkp = V[k * d + p], vkq = V[k * d + q];
        V[k * d + p] = c * vkp - s * vkq;
        V[k * d + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => A[j * d + j] - A[i * d + i]);
  const values = Float64Array.from(order, (i) => A[i * d + i]);
  const vectors = new Float64Array(d * d);
  order.forEach((col, r) => { for (let k = 0; k < d; k++) vectors[r * d + k] = V[k * d + col]; });
  return { values, vectors };
}

/** Sample covariance (d x d) of rows × d data around `mean`. */
export function covariance(x: Float64Array, rows: number, d: number, mean: Float64Array): Float64Array {
  const c = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) v[j] = x[r * d + j] - mean[j];
    for (let i = 0; i < d; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      for (let j = i; j < d; j++) c[i * d + j] += vi * v[j];
    }
  }
  const den = Math.max(1, rows - 1);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) { c[i * d + j] /= den; c[j * d + i] = c[i * d + j]; }
  return c;
}

/** Numerically stable softmax of `z` (length k) into `out`. */
export function softmaxInto(z: ArrayLike<number>, out: Float64Array, off = 0, k = z.length): void {
  let m = -Infinity;
  for (let i = 0; i < k; i++) m = Math.max(m, z[off + i]);
  let s = 0;
  for (let i = 0; i < k; i++) { const e = Math.exp(z[off + i] - m); out[off + i] = e; s += e; }
  for (let i = 0; i < k; i++) out[off + i] /= s;
}

/**
 * The top-k principal directions of a d×d covariance matrix (rows of `W`, k×d) with each one's
 * share of the variance; each direction's sign is fixed (largest |weight| positive) so that two
 * fits of the same data, central or federated, give the same projection.
 */
export function principalComponents(cov: Float64Array, d: number, k: number): { W: Float64Array; explained: number[] } {
  const eig = symmetricEigen(cov, d);
  const W = eig.vectors.slice(0, k * d);
  const total = eig.values.reduce((a, v) => a + Math.max(0, v), 0) || 1;
  const explained = Array.from(eig.values.slice(0, k), (v) => Math.max(0, v) / total);
  for (let i = 0; i < k; i++) {
    let m = 0;
    for (let j = 0; j < d; j++) if (Math.abs(W[i * d + j]) > Math.abs(W[i * d + m])) m = j;
    if (W[i * d + m] < 0) for (let j = 0; j < d; j++) W[i * d + j] = -W[i * d + j];
  }
  return { W, explained };
}
