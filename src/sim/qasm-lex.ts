/**
 * The one tokenizer behind both OpenQASM readers (2.0 in qasm.ts, 3 in qasm3.ts). The two
 * languages share comments, strings, identifiers and the line:col bookkeeping every error needs;
 * they differ only in which symbols exist, whether identifiers may be the Unicode constants π τ ℯ,
 * and how numbers are written (OpenQASM 3 allows `1_000` and typed literals such as `10ns`, which
 * the supported subset refuses). Those differences are the `QasmDialect` a reader passes in.
 */
import { QmlError } from '../core/errors.js';

export type Tok = { t: 'id' | 'num' | 'str' | 'sym' | 'eof'; v: string; line: number; col: number };

export interface QasmDialect {
  /** Two-character symbols, tried before single characters. */
  two: readonly string[];
  /** Single-character symbols. */
  one: string;
  /** OpenQASM 3: π, τ and ℯ are identifiers, `_` separates digits, a letter after a number is a typed literal. */
  v3: boolean;
}

export const QASM2: QasmDialect = { two: ['->', '=='], one: ';,()[]{}+-*/^', v3: false };
export const QASM3: QasmDialect = {
  two: ['->', '==', '!=', '<=', '>=', '**', '&&', '||', '++', '+=', '-=', '*=', '/=', '<<', '>>'],
  one: ';,()[]{}+-*/^@=:<>!%~&|',
  v3: true,
};

export function lexQasm(src: string, file: string, d: QasmDialect): Tok[] {
  const out: Tok[] = [];
  let i = 0, line = 1, col = 1;
  const adv = (k: number) => {
    for (let j = 0; j < k; j++) {
      if (src[i] === '\n') { line++; col = 1; } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    // A byte-order mark is white space: editors on Windows write one at the start of the file.
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') { adv(1); continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') adv(1); continue; }
    if (c === '/' && src[i + 1] === '*') {
      const l0 = line, c0 = col;
      adv(2);
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) adv(1);
      if (i >= src.length) throw new QmlError('unterminated /* comment', `${file}:${l0}:${c0}`);
      adv(2);
      continue;
    }
    const l = line, co = col;
    if (/[A-Za-z_]/.test(c) || (d.v3 && /[πτℯ]/.test(c))) {
      let j = i + 1;
      if (/[A-Za-z_]/.test(c)) while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: 'id', v: src.slice(i, j), line: l, col: co });
      adv(j - i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && (!d.v3 || /[0-9]/.test(src[i + 1] ?? '')))) {
      const re = d.v3 ? /^(\d[\d_]*\.?[\d_]*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/ : /^(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/;
      const m = re.exec(src.slice(i, i + 64));
      if (!m) throw new QmlError(`unexpected character "${c}"`, `${file}:${l}:${co}`);
      if (d.v3) {
        const after = src[i + m[0].length] ?? '';
        if (/[A-Za-z_]/.test(after)) throw new QmlError(`unsupported literal "${m[0]}${after}..." (durations and typed literals are outside the supported subset)`, `${file}:${l}:${co}`);
      }
      out.push({ t: 'num', v: d.v3 ? m[0].replace(/_/g, '') : m[0], line: l, col: co });
      adv(m[0].length);
      continue;
    }
    if (c === '"') {
      const j = src.indexOf('"', i + 1);
      const nl = src.indexOf('\n', i + 1);
      if (j < 0 || (nl >= 0 && nl < j)) throw new QmlError('unterminated string', `${file}:${l}:${co}`);
      out.push({ t: 'str', v: src.slice(i + 1, j), line: l, col: co });
      adv(j + 1 - i);
      continue;
    }
    const two = src.slice(i, i + 2);
    if (d.two.includes(two)) { out.push({ t: 'sym', v: two, line: l, col: co }); adv(2); continue; }
    if (d.one.includes(c)) { out.push({ t: 'sym', v: c, line: l, col: co }); adv(1); continue; }
    throw new QmlError(`unexpected character "${c}"`, `${file}:${l}:${co}`);
  }
  out.push({ t: 'eof', v: '', line, col });
  return out;
}
