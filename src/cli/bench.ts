export function runBench(_a: string[]): void {}
