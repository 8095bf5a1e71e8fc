/**
 * Test helpers: where the shared reference data lives (beside the repository, for development and
 * tests only; the product never reads it) and small numeric assertions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));

// Tests sign and verify models with keys of their own, never the user's ($QML6G_HOME/signing-key.json).
if (!process.env.QML6G_TEST_HOME) {
  process.env.QML6G_TEST_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-home-'));
  process.env.QML6G_HOME = process.env.QML6G_TEST_HOME;
}
/** The repository root (dist/testing → ../..). */
export const repoRoot = path.resolve(here, '..', '..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  const p = path.join(sharedDir, ...parts);
  assert.ok(fs.existsSync(p), `shared data missing: ${path.relative(repoRoot, p)} (tests need ../shared beside the repository)`);
  return p;
}

export function assertClose(actual: number, expected: number, tol: number, what = 'value'): void {
  assert.ok(Number.isFinite(actual), `${what}: got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected).toExponential(2)} > ${tol})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'array'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assertClose(actual[i], expected[i], tol, `${what}[${i}]`);
}
