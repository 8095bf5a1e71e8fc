/**
 * The layering of docs/architecture.md, checked on the source: a library layer never imports a layer
 * above it, and the folders below the product layer import each other without a cycle. Product
 * folders (assess, store, report, cli, ...) sit on top and may use one another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './testing/shared.js';

/** Tier of each library folder, bottom up (docs/architecture.md). */
const TIER: Record<string, number> = {
  core: 0, sim: 1, qml: 2,
  attacks: 3, defenses: 3, poisoning: 3, supply: 3,
  federated: 4, channel: 4, optimize: 4,
  net6g: 5, governance: 5,
};

/** Folder → folders it imports, from every non-test .ts file under src/. */
function folderImports(src: string): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts') || e.name.endsWith('.d.ts')) continue;
      const from = path.relative(src, p).split(path.sep);
      if (from.length < 2) continue;
      const text = fs.readFileSync(p, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)'/g)) {
        const to = path.relative(src, path.resolve(path.dirname(p), m[1])).split(path.sep);
        if (to.length < 2 || to[0] === '..' || to[0] === from[0]) continue;
        if (!edges.has(from[0])) edges.set(from[0], new Map());
        edges.get(from[0])!.set(to[0], path.relative(src, p));
      }
    }
  };
  walk(src);
  return edges;
}

const edges = folderImports(path.join(repoRoot, 'src'));

test('no library layer imports a layer above it', () => {
  const bad: string[] = [];
  for (const [from, tos] of edges) {
    if (!(from in TIER)) continue;
    for (const [to, file] of tos) {
      if (!(to in TIER)) bad.push(`${file} imports ${to}/ (a product folder)`);
      else if (TIER[to] > TIER[from]) bad.push(`${file} imports ${to}/ (tier ${TIER[to]} above ${from}/, tier ${TIER[from]})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the library folders import each other without a cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycle: string[] = [];
  const visit = (f: string, trail: string[]): boolean => {
    if (state.get(f) === 'done') return false;
    if (state.get(f) === 'open') { cycle.push(...trail.slice(trail.indexOf(f)), f); return true; }
    state.set(f, 'open');
    for (const to of edges.get(f)?.keys() ?? []) if (to in TIER && visit(to, [...trail, f])) return true;
    state.set(f, 'done');
    return false;
  };
  for (const f of Object.keys(TIER)) if (visit(f, [])) break;
  assert.deepEqual(cycle, [], `cycle: ${cycle.join(' → ')}`);
});

test('the layer check sees imports (it can fail)', () => {
  // Guards against a walk that silently finds nothing: qml is known to build on sim.
  assert.ok(edges.get('qml')?.has('sim'));
  assert.ok(edges.get('assess')?.has('attacks'));
});
