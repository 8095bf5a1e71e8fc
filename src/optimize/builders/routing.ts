/**
 * Terrestrial / LEO routing and scheduling: demands (source, destination, volume) choose one of their
 * k lowest-latency candidate paths and one time slot on a network whose links are fibre (low latency,
 * limited capacity) or satellite hops (higher latency). x_{d,k,t} = 1 when demand d uses path k in
 * slot t. Minimise Σ volume·(path latency + slot·slotCost); every link carries at most its capacity
 * per slot; each demand is routed exactly once.
 *
 * @example
 * import { routingProblem, randomNetwork } from 'qml6g';
 * const p = routingProblem(randomNetwork({ ground: 5, satellites: 2, demands: 3, seed: 1 }), { paths: 2, slots: 1 });
 * p.n;   // 3 demands × 2 paths × 1 slot = 6
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { QuboBuilder } from '../qubo.js';
import { makeProblem, oneHotConstraint, type LinearConstraint, type Problem } from '../problem.js';

export interface RoutingLink { u: number; v: number; capacity: number; latency: number; satellite: boolean }
export interface RoutingNetwork { nodes: number; links: RoutingLink[]; demands: Array<{ src: number; dst: number; volume: number }> }

/** A ring of ground stations with chords, plus LEO satellites each linked to a few ground stations. */
export function randomNetwork(o: { ground: number; satellites: number; demands: number; seed: number }): RoutingNetwork {
  const rng = new Rng(o.seed), G = o.ground, links: RoutingLink[] = [];
  for (let i = 0; i < G; i++) links.push({ u: i, v: (i + 1) % G, capacity: 2 + rng.int(3), latency: 2 + rng.int(4), satellite: false });
  for (let s = 0; s < o.satellites; s++) {
    const sat = G + s;
    const seen = new Set<number>();
    while (seen.size < Math.min(3, G)) seen.add(rng.int(G));
    for (const g of seen) links.push({ u: g, v: sat, capacity: 3, latency: 12 + rng.int(6), satellite: true });
  }
  const demands = Array.from({ length: o.demands }, () => {
    const src = rng.int(G);
    let dst = rng.int(G);
    while (dst === src) dst = rng.int(G);
    return { src, dst, volume: 1 + rng.int(2) };
  });
  return { nodes: G + o.satellites, links, demands };
}

/** The k lowest-latency simple paths (as link indices), by depth-first enumeration up to `maxHops`. */
export function candidatePaths(net: RoutingNetwork, src: number, dst: number, k: number, maxHops = 6): number[][] {
  const adj: Array<Array<[number, number]>> = Array.from({ length: net.nodes }, () => []);
  net.links.forEach((l, i) => { adj[l.u].push([l.v, i]); adj[l.v].push([l.u, i]); });
  const out: Array<{ links: number[]; lat: number }> = [];
  const onPath = new Uint8Array(net.nodes), stack: number[] = [];
  const dfs = (u: number, lat: number) => {
    if (u === dst) { out.push({ links: [...stack], lat }); return; }
    if (stack.length >= maxHops) return;
    onPath[u] = 1;
    for (const [v, li] of adj[u]) if (!onPath[v]) { stack.push(li); dfs(v, lat + net.links[li].latency); stack.pop(); }
    onPath[u] = 0;
  };
  dfs(src, 0);
  out.sort((a, b) => a.lat - b.lat || a.links.length - b.links.length);
  return out.slice(0, k).map((p) => p.links);
}

export function routingProblem(net: RoutingNetwork, o: { paths?: number; slots?: number; slotCost?: number } = {}, name = `routing-${net.nodes}n-${net.demands.length}d`): Problem {
  const K = o.paths ?? 2, S = o.slots ?? 1, slotCost = o.slotCost ?? 1;
  const paths = net.demands.map((d, i) => {
    const p = candidatePaths(net, d.src, d.dst, K);
    if (!p.length) throw new QmlError(`contradictory constraints: demand ${i} (${d.src} → ${d.dst}) has no path`);
    return p;
  });
  const offsets: number[] = [];
  let n = 0;
  for (const p of paths) { offsets.push(n); n += p.length * S; }
  const b = new QuboBuilder(n);
  const constraints: LinearConstraint[] = [];
  const oneHot: number[][] = [];
  const use = new Map<string, Array<[number, number]>>();
  net.demands.forEach((d, i) => {
    const grp: number[] = [];
    paths[i].forEach((path, k) => {
      const lat = path.reduce((s, li) => s + net.links[li].latency, 0);
      for (let t = 0; t < S; t++) {
        const x = offsets[i] + k * S + t;
        grp.push(x);
        b.addLinear(x, d.volume * (lat + t * slotCost));
        for (const li of path) {
          const key = `${li}:${t}`;
          if (!use.has(key)) use.set(key, []);
          use.get(key)!.push([x, d.volume]);
        }
      }
    });
    oneHot.push(grp);
    constraints.push(oneHotConstraint(`demand ${i} routed once`, grp));
  });
  for (const [key, terms] of use) {
    const [li, t] = key.split(':').map(Number), cap = net.links[li].capacity;
    if (terms.reduce((s, [, v]) => s + v, 0) > cap) constraints.push({ name: `link ${net.links[li].u}-${net.links[li].v} slot ${t} capacity`, terms, sense: '<=', rhs: cap });
  }
  return makeProblem({ kind: 'routing', name, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'routing', nodes: net.nodes, links: net.links, demands: net.demands, paths } });
}
