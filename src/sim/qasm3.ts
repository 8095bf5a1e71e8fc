/**
 * OpenQASM 3 import of the subset that maps onto qml6g circuits (OpenQASM 3.0 specification,
 * Cross et al. 2022, ACM TQC 3(3)).
 *
 * Supported: `OPENQASM 3;`/`3.0` (the version line may be omitted), `include "stdgates.inc";`
 * (built in, mapped onto the gate table of gates.ts), `qubit[n] q;`/`qubit q;`, `bit[n] c;`/`bit c;`,
 * legacy `qreg`/`creg`, `const` scalars, `input float[64] x;` (or `input angle x;`) as trainable
 * parameters `param(k)` in declaration order (or input features `input(k)` with
 * `{ inputs: 'features' }`), `gate` definitions with parameters, the built-in `U` and `gphase`,
 * the modifiers `ctrl @`, `ctrl(n) @`, `negctrl @`, `negctrl(n) @`, `inv @` and `pow(k) @` for
 * integer k (negative k = inverse), register broadcast, `measure` (`c[0] = measure q[0];`,
 * `c = measure q;`, `measure q -> c;`), `reset`, `barrier`, `if (c == k)`, `if (c[i])`,
 * `if (!c[i])`, `if (c[i] == 0|1)` over a statement or a block, `for` loops over inclusive ranges
 * `[a:b]`, `[a:step:b]` and sets `{1, 3}` whose variable can be used in indices and angles, the
 * constants pi/π, tau/τ, euler/ℯ, the operators + - * / % ** and the functions sin cos tan arcsin
 * arccos arctan exp log ln sqrt floor ceiling mod pow.
 * Angles that depend on inputs must stay affine in them (what a qml6g Angle can hold).
 * Everything else (while, else, def, subroutines, classical arithmetic on bits, delays, timing,
 * pulse-level calibration, non-integer pow) is a QmlError naming file:line:col.
 *
 * @example
 * import { parseQasm3 } from 'qml6g';
 * const c = parseQasm3('OPENQASM 3;\ninclude "stdgates.inc";\ninput float[64] t;\nqubit[2] q;\nfor int i in [0:1] { rx(t * (i + 1)) q[i]; }');
 * c.numParams; // 1
 */
import { QmlError } from '../core/errors.js';
import { lexQasm, QASM3, type Tok } from './qasm-lex.js';
import type { Angle, AngleTerm, Circuit, Condition, GateOp, Operation, Register } from './circuit.js';
import { inverse } from './inverse.js';
import { resolveGate } from './gates.js';
import { macroNames } from './program.js';
import { parseQasm, type ParseOptions } from './qasm.js';

const lex = (src: string, file: string): Tok[] => lexQasm(src, file, QASM3);

/** An affine value: offset + Σ coef·(param|input)[index]. Constants have no terms. */
interface Val { c: number; terms: AngleTerm[] }
const K = (c: number): Val => ({ c, terms: [] });

function addVals(a: Val, b: Val, sign: number): Val {
  const terms = a.terms.map((t) => ({ ...t }));
  for (const t of b.terms) {
    const same = terms.find((x) => x.src === t.src && x.index === t.index);
    if (same) same.coef += sign * t.coef; else terms.push({ ...t, coef: sign * t.coef });
  }
  return { c: a.c + sign * b.c, terms: terms.filter((t) => t.coef !== 0) };
}
function scaleVal(a: Val, k: number): Val {
  return { c: a.c * k, terms: k === 0 ? [] : a.terms.map((t) => ({ ...t, coef: t.coef * k })) };
}
function toAngle(v: Val): Angle {
  return v.terms.length ? { offset: v.c, terms: v.terms.map((t) => ({ ...t })) } : v.c;
}
function fromAngle(a: Angle): Val {
  return typeof a === 'number' ? K(a) : { c: a.offset, terms: a.terms.map((t) => ({ ...t })) };
}

const FUNCS1: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan,
  exp: Math.exp, ln: Math.log, log: Math.log, sqrt: Math.sqrt, floor: Math.floor, ceiling: Math.ceil,
};
const FUNCS2: Record<string, (x: number, y: number) => number> = {
  mod: (x, y) => x - y * Math.floor(x / y), pow: (x, y) => x ** y,
};
const CONSTS: Record<string, number> = { pi: Math.PI, 'π': Math.PI, tau: 2 * Math.PI, 'τ': 2 * Math.PI, euler: Math.E, 'ℯ': Math.E };

/**
 * stdgates.inc, each name mapped onto a qml6g gate (or a short sequence). `u3`/`u2` carry the
 * global phase stdgates gives them (gphase(-(φ+λ)/2), gphase(-(φ+λ+π)/2)), which only matters
 * under `ctrl @`; `cu(θ,φ,λ,γ)` is a phase γ on the control then controlled-U(θ,φ,λ).
 */
const STDGATES = new Set([
  'p', 'x', 'y', 'z', 'h', 's', 'sdg', 't', 'tdg', 'sx', 'rx', 'ry', 'rz', 'cx', 'cy', 'cz', 'cp', 'crx', 'cry', 'crz',
  'ch', 'swap', 'ccx', 'cswap', 'cu', 'CX', 'phase', 'cphase', 'id', 'u1', 'u2', 'u3',
]);
const RENAME: Record<string, string> = { phase: 'p', cphase: 'cp', CX: 'cx' };

/** Items produced while expanding: a gate op, or a global phase (kept only until controls make it observable). */
type Item = GateOp | { kind: 'gphase'; angle: Val; controls: number[] } | Exclude<Operation, GateOp>;

export interface Qasm3Options extends ParseOptions {
  /** What `input float x;` declarations become: trainable parameters param(k) (default) or input features input(k). */
  inputs?: 'params' | 'features';
}

interface GateDefinition { name: string; params: string[]; args: string[]; start: number; end: number; tok: Tok; toks: Tok[]; file: string }
type Modifier = { k: 'ctrl' | 'negctrl'; n: number; tok: Tok } | { k: 'inv'; tok: Tok } | { k: 'pow'; n: number; tok: Tok };

const MAX_BITS = 4096;
const MAX_OPS = 2_000_000;

class Parser3 {
  private p = 0;
  private qregs: Register[] = [];
  private cregs: Register[] = [];
  private nq = 0;
  private nc = 0;
  private defs = new Map<string, GateDefinition>();
  private stdlib = false;
  private ops: Operation[] = [];
  private consts = new Map<string, Val>();
  private nInputs = 0;
  /** Classical scopes: loop variables (innermost last) and, inside a gate body, its parameters. */
  private scopes: Array<Map<string, Val>> = [];
  private cond: Condition | undefined;
  private gateArgs: Map<string, number> | null = null;
  private sink: Item[] | null = null;

  constructor(private toks: Tok[], private file: string, private opts: Qasm3Options) {}

  private at(t: Tok = this.toks[this.p]): string { return `${this.file}:${t.line}:${t.col}`; }
  private peek(k = 0): Tok { return this.toks[Math.min(this.p + k, this.toks.length - 1)]; }
  private next(): Tok { return this.toks[this.p++]; }
  private fail(msg: string, t: Tok = this.peek()): never { throw new QmlError(msg, this.at(t)); }
  private show(t: Tok): string { return t.t === 'eof' ? 'end of file' : `"${t.v}"`; }
  private expect(v: string): Tok {
    const t = this.next();
    if (t.v !== v || t.t === 'str') this.fail(`expected "${v}", found ${this.show(t)}`, t);
    return t;
  }
  private ident(what: string): Tok {
    const t = this.next();
    if (t.t !== 'id') this.fail(`expected ${what}, found ${this.show(t)}`, t);
    return t;
  }
  private accept(v: string): boolean {
    if (this.peek().v === v && this.peek().t !== 'str') { this.p++; return true; }
    return false;
  }

  parse(): Circuit {
    if (this.peek().v === 'OPENQASM') {
      this.next();
      const ver = this.next();
      if (ver.t !== 'num' || !/^3(\.\d+)?$/.test(ver.v)) this.fail(`this reader takes OpenQASM 3, found version "${ver.v}"`, ver);
      this.expect(';');
    }
    while (this.peek().t !== 'eof') this.statement(true);
    if (this.nq === 0) this.fail('the program declares no qubits (qubit or qreg)', this.peek());
    const c: Circuit = { numQubits: this.nq, numClbits: this.nc, ops: this.ops, qregs: this.qregs, cregs: this.cregs };
    if (this.nInputs) {
      if (this.opts.inputs === 'features') c.numInputs = this.nInputs; else c.numParams = this.nInputs;
    }
    return c;
  }

  // ---- statements -------------------------------------------------------------------------

  private statement(top: boolean): void {
    const t = this.peek();
    if (t.t !== 'id') this.fail(`expected a statement, found ${this.show(t)}`);
    const onlyTop = (what: string) => { if (!top) this.fail(`${what} is only allowed at the top level of the program`, t); };
    switch (t.v) {
      case 'include': onlyTop('include'); return this.include();
      case 'qubit': case 'bit': case 'qreg': case 'creg': onlyTop('a declaration'); return this.declaration();
      case 'input': onlyTop('an input declaration'); return this.inputDecl();
      case 'const': onlyTop('a const declaration'); return this.constDecl();
      case 'gate': onlyTop('a gate definition'); return this.gateDef();
      case 'measure': return this.measureArrow();
      case 'reset': return this.reset();
      case 'barrier': return this.barrier();
      case 'if': return this.conditional();
      case 'for': return this.forLoop();
      case 'gphase': return this.gateStatement();
      case 'OPENQASM': this.fail('the version line must come first', t);
      // eslint-disable-next-line no-fallthrough
      case 'while': case 'else': case 'def': case 'defcal': case 'cal': case 'defcalgrammar': case 'box': case 'delay': case 'extern':
      case 'return': case 'break': case 'continue': case 'switch': case 'let': case 'output': case 'int': case 'uint': case 'float':
      case 'angle': case 'bool': case 'complex': case 'duration': case 'stretch': case 'array': case 'pragma': case 'end':
        this.fail(`"${t.v}" is outside the OpenQASM 3 subset qml6g imports (gates, modifiers, measure, reset, if, for, inputs)`, t);
      // eslint-disable-next-line no-fallthrough
      default:
        if (this.peek(1).v === '=' || this.peek(1).v === '[' && this.isAssignTarget()) return this.measureAssign();
        return this.gateStatement();
    }
  }

  /** `c[0] = measure ...` versus a gate call `g q[0];`: an assignment has '=' after the closing ']'. */
  private isAssignTarget(): boolean {
    let k = 1, d = 0;
    for (;;) {
      const t = this.peek(k);
      if (t.t === 'eof') return false;
      if (t.v === '[') d++;
      if (t.v === ']') { d--; if (d === 0) return this.peek(k + 1).v === '='; }
      k++;
    }
  }

  private include(): void {
    this.next();
    const f = this.next();
    if (f.t !== 'str') this.fail('include needs a file name in quotes', f);
    this.expect(';');
    if (f.v === 'stdgates.inc') { this.stdlib = true; return; }
    if (f.v === 'qelib1.inc') this.fail('"qelib1.inc" belongs to OpenQASM 2; OpenQASM 3 programs include "stdgates.inc"', f);
    if (!this.opts.readInclude) this.fail(`cannot include "${f.v}": only "stdgates.inc" is built in`, f);
    let text: string;
    try { text = this.opts.readInclude(f.v); } catch (e) { this.fail(`cannot read include "${f.v}": ${(e as Error).message}`, f); }
    const sub = new Parser3(lex(text, f.v), f.v, this.opts);
    sub.defs = this.defs;
    sub.stdlib = this.stdlib;
    sub.consts = this.consts;
    while (sub.peek().t !== 'eof') {
      const s = sub.peek();
      if (s.v !== 'gate' && s.v !== 'include' && s.v !== 'const') sub.fail('an included file may only define gates and constants');
      sub.statement(true);
    }
    this.stdlib = sub.stdlib;
  }

  private declare(kind: 'q' | 'c', name: Tok, size: number): void {
    if (size < 1) this.fail('a register needs at least one bit', name);
    const total = (kind === 'q' ? this.nq : this.nc) + size;
    if (total > MAX_BITS) this.fail(`at most ${MAX_BITS} ${kind === 'q' ? 'qubits' : 'classical bits'} in all registers, got ${total}`, name);
    if (this.nameTaken(name.v)) this.fail(`"${name.v}" is declared twice`, name);
    if (kind === 'q') { this.qregs.push({ name: name.v, size, offset: this.nq }); this.nq += size; }
    else { this.cregs.push({ name: name.v, size, offset: this.nc }); this.nc += size; }
  }
  private nameTaken(n: string): boolean {
    return this.qregs.some((r) => r.name === n) || this.cregs.some((r) => r.name === n) || this.consts.has(n) || n in CONSTS;
  }

  private declaration(): void {
    const kw = this.next();
    if (kw.v === 'qreg' || kw.v === 'creg') {
      const name = this.ident('a register name');
      this.expect('[');
      const size = this.intExpr('a register size');
      this.expect(']');
      this.expect(';');
      return this.declare(kw.v === 'qreg' ? 'q' : 'c', name, size);
    }
    let size = 1;
    if (this.accept('[')) { size = this.intExpr('a register size'); this.expect(']'); }
    const name = this.ident('a register name');
    if (this.peek().v === '=') this.fail(`initialising a ${kw.v} register is outside the supported subset`);
    this.expect(';');
    this.declare(kw.v === 'qubit' ? 'q' : 'c', name, size);
  }

  private classicalType(): void {
    const ty = this.ident('a type');
    if (!['float', 'angle', 'int', 'uint'].includes(ty.v)) this.fail(`type "${ty.v}" is outside the supported subset (float, angle, int, uint)`, ty);
    if (this.accept('[')) { this.intExpr('a bit width'); this.expect(']'); }
  }

  private inputDecl(): void {
    this.next();
    this.classicalType();
    const name = this.ident('an input name');
    this.expect(';');
    if (this.nameTaken(name.v)) this.fail(`"${name.v}" is declared twice`, name);
    const src = this.opts.inputs === 'features' ? 'input' : 'param';
    this.consts.set(name.v, { c: 0, terms: [{ src, index: this.nInputs++, coef: 1 }] });
  }

  private constDecl(): void {
    this.next();
    this.classicalType();
    const name = this.ident('a constant name');
    this.expect('=');
    const e = this.expr();
    this.expect(';');
    if (this.nameTaken(name.v)) this.fail(`"${name.v}" is declared twice`, name);
    if (e.terms.length) this.fail('a const must not depend on inputs', name);
    this.consts.set(name.v, e);
  }

  private gateDef(): void {
    this.next();
    const name = this.ident('a gate name');
    if (name.v === 'U' || name.v === 'gphase') this.fail(`"${name.v}" is built in and cannot be redefined`, name);
    if (this.defs.has(name.v) || (this.stdlib && STDGATES.has(name.v))) this.fail(`gate "${name.v}" is already defined`, name);
    const params: string[] = [];
    if (this.accept('(')) {
      if (this.peek().v !== ')') {
        params.push(this.ident('a parameter name').v);
        while (this.accept(',')) params.push(this.ident('a parameter name').v);
      }
      this.expect(')');
    }
    const args = [this.ident('a qubit argument').v];
    while (this.accept(',')) args.push(this.ident('a qubit argument').v);
    if (new Set(args).size !== args.length) this.fail(`gate "${name.v}" names a qubit argument twice`, name);
    const open = this.expect('{');
    // The body is kept as a token range and expanded at each call with the call's angles and qubits.
    let d = 1;
    const start = this.p;
    while (d > 0) {
      const t = this.next();
      if (t.t === 'eof') this.fail(`unterminated body of gate "${name.v}"`, open);
      if (t.v === '{' && t.t === 'sym') d++;
      if (t.v === '}' && t.t === 'sym') d--;
    }
    this.defs.set(name.v, { name: name.v, params, args, start, end: this.p - 1, tok: name, toks: this.toks, file: this.file });
  }

  private block(body: () => void): void {
    if (this.accept('{')) {
      while (!this.accept('}')) {
        if (this.peek().t === 'eof') this.fail('unterminated block: expected "}"');
        body();
      }
    } else body();
  }

  private forLoop(): void {
    const kw = this.next();
    if (this.peek().t === 'id' && this.peek(1).v !== 'in') {
      const ty = this.next();
      if (!['int', 'uint'].includes(ty.v)) this.fail(`a for loop variable must be an int or uint, found "${ty.v}"`, ty);
      if (this.accept('[')) { this.intExpr('a bit width'); this.expect(']'); }
    }
    const v = this.ident('a loop variable');
    const inTok = this.ident('"in"');
    if (inTok.v !== 'in') this.fail(`expected "in", found "${inTok.v}"`, inTok);
    const values: number[] = [];
    if (this.accept('[')) {
      const a = this.intExpr('a range start', true);
      this.expect(':');
      let step = 1;
      let b = this.intExpr('a range end', true);
      if (this.accept(':')) { step = b; b = this.intExpr('a range end', true); }
      this.expect(']');
      if (step === 0) this.fail('a range step must not be zero', kw);
      // OpenQASM 3 ranges include their end.
      for (let i = a; step > 0 ? i <= b : i >= b; i += step) {
        values.push(i);
        if (values.length > MAX_OPS) this.fail('the loop runs too many times', kw);
      }
    } else if (this.accept('{')) {
      values.push(this.intExpr('a set element', true));
      while (this.accept(',')) values.push(this.intExpr('a set element', true));
      this.expect('}');
    } else this.fail('a for loop runs over a range [a:b], [a:step:b] or a set {a, b, ...}');
    const start = this.p;
    let end = start;
    const scope = new Map<string, Val>();
    this.scopes.push(scope);
    // Run the body once per value by re-reading its tokens; an empty range still checks the syntax once.
    const runs = values.length ? values : [0];
    const saved = this.ops.length, savedSink = this.sink?.length;
    for (const x of runs) {
      scope.set(v.v, K(x));
      this.p = start;
      this.block(() => this.statement(false));
      end = this.p;
    }
    if (!values.length) { this.ops.length = saved; if (this.sink) this.sink.length = savedSink!; }
    this.scopes.pop();
    this.p = end;
  }

  private conditional(): void {
    const kw = this.next();
    if (this.cond) this.fail('nested if is outside the supported subset', kw);
    this.expect('(');
    let negate = false;
    if (this.accept('!')) negate = true;
    const reg = this.ident('a classical register');
    const r = this.cregs.find((x) => x.name === reg.v);
    if (!r) this.fail(`unknown classical register "${reg.v}"`, reg);
    let cond: Condition;
    if (this.accept('[')) {
      const i = this.intExpr('a bit index');
      this.expect(']');
      if (i >= r.size) this.fail(`index ${i} is out of range for register "${r.name}" of size ${r.size}`, reg);
      cond = { offset: r.offset + i, size: 1, value: 1 };
    } else cond = { offset: r.offset, size: r.size, value: 0 };
    if (negate) {
      if (cond.size !== 1 || this.peek().v !== ')') this.fail('"!" applies to a single bit: if (!c[i])', reg);
      cond.value = 0;
    } else if (this.accept('==')) {
      cond.value = this.intExpr('a value');
      if (cond.value >= 2 ** cond.size) this.fail(`value ${cond.value} does not fit in ${cond.size} bit(s)`, reg);
    } else if (cond.size !== 1 || this.peek().v !== ')') {
      this.fail('a condition is c == k, c[i] == k, c[i] or !c[i]', this.peek());
    } else cond.value = 1;
    this.expect(')');
    this.cond = cond;
    this.block(() => this.statement(false));
    this.cond = undefined;
    if (this.peek().v === 'else') this.fail('"else" is outside the supported subset', this.peek());
  }

  // ---- quantum statements -----------------------------------------------------------------

  private operand(): { name: Tok; index: number | null } {
    const name = this.ident('a qubit or bit');
    if (this.accept('[')) {
      const index = this.intExpr('an index');
      if (this.peek().v === ':' || this.peek().v === ',') this.fail('register slices and index lists are outside the supported subset');
      this.expect(']');
      return { name, index };
    }
    return { name, index: null };
  }

  private qubitsOf(a: { name: Tok; index: number | null }): number[] {
    if (this.gateArgs) {
      const w = this.gateArgs.get(a.name.v);
      if (w === undefined) this.fail(`"${a.name.v}" is not an argument of this gate`, a.name);
      if (a.index !== null) this.fail('qubits inside a gate body are the gate\'s arguments, without indices', a.name);
      return [w];
    }
    const r = this.qregs.find((x) => x.name === a.name.v);
    if (!r) {
      if (this.cregs.some((x) => x.name === a.name.v)) this.fail(`"${a.name.v}" is a classical register, not a quantum one`, a.name);
      this.fail(`unknown qubit register "${a.name.v}"`, a.name);
    }
    if (a.index === null) return Array.from({ length: r.size }, (_, i) => r.offset + i);
    if (a.index >= r.size) this.fail(`index ${a.index} is out of range for register "${r.name}" of size ${r.size}`, a.name);
    return [r.offset + a.index];
  }
  private clbitsOf(a: { name: Tok; index: number | null }): number[] {
    const r = this.cregs.find((x) => x.name === a.name.v);
    if (!r) {
      if (this.qregs.some((x) => x.name === a.name.v)) this.fail(`"${a.name.v}" is a qubit register, not a classical one`, a.name);
      this.fail(`unknown classical register "${a.name.v}"`, a.name);
    }
    if (a.index === null) return Array.from({ length: r.size }, (_, i) => r.offset + i);
    if (a.index >= r.size) this.fail(`index ${a.index} is out of range for register "${r.name}" of size ${r.size}`, a.name);
    return [r.offset + a.index];
  }

  private push(op: Operation, t: Tok): void {
    if (this.ops.length >= MAX_OPS) this.fail(`the program expands to more than ${MAX_OPS} operations`, t);
    if (this.cond && op.kind !== 'barrier') op.condition = { ...this.cond };
    this.ops.push(op);
  }

  private noGateBody(t: Tok, what: string): void {
    if (this.gateArgs) this.fail(`${what} is not allowed inside a gate body`, t);
  }

  private measurePairs(kw: Tok, q: number[], c: number[]): void {
    if (q.length !== c.length) this.fail(`measure maps ${q.length} qubit(s) to ${c.length} classical bit(s)`, kw);
    q.forEach((w, i) => this.push({ kind: 'measure', wire: w, clbit: c[i] }, kw));
  }

  private measureArrow(): void {
    const kw = this.next();
    this.noGateBody(kw, 'measure');
    const q = this.qubitsOf(this.operand());
    if (this.peek().v === ';') this.fail('a measurement needs a classical target (c[i] = measure q[i]; or measure q -> c;)', this.peek());
    this.expect('->');
    const c = this.clbitsOf(this.operand());
    this.expect(';');
    this.measurePairs(kw, q, c);
  }

  private measureAssign(): void {
    const target = this.operand();
    const eq = this.peek();
    if (eq.v !== '=') this.fail(`expected "=", found ${this.show(eq)}`, eq);
    this.next();
    const kw = this.peek();
    if (kw.v !== 'measure') this.fail('the only assignment in the supported subset is c = measure q;', kw);
    this.next();
    this.noGateBody(kw, 'measure');
    const c = this.clbitsOf(target);
    const q = this.qubitsOf(this.operand());
    this.expect(';');
    this.measurePairs(kw, q, c);
  }

  private reset(): void {
    const kw = this.next();
    this.noGateBody(kw, 'reset');
    const q = this.qubitsOf(this.operand());
    this.expect(';');
    for (const w of q) this.push({ kind: 'reset', wire: w }, kw);
  }

  private barrier(): void {
    const kw = this.next();
    const wires: number[] = [];
    if (this.peek().v !== ';') {
      wires.push(...this.qubitsOf(this.operand()));
      while (this.accept(',')) wires.push(...this.qubitsOf(this.operand()));
    } else if (!this.gateArgs) for (let i = 0; i < this.nq; i++) wires.push(i);
    this.expect(';');
    if (this.sink) return; // a barrier inside a gate body has no effect on the simulated state
    this.push({ kind: 'barrier', wires }, kw);
  }

  private modifiers(): Modifier[] {
    const mods: Modifier[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t !== 'id' || !['ctrl', 'negctrl', 'inv', 'pow'].includes(t.v)) break;
      // A user gate may be called ctrl or inv; a modifier is always followed by '@' (after its argument).
      let k = 1;
      if (this.peek(1).v === '(') { let d = 0; for (;; k++) { const x = this.peek(k); if (x.t === 'eof') break; if (x.v === '(') d++; if (x.v === ')') { d--; if (d === 0) { k++; break; } } } }
      if (this.peek(k).v !== '@') break;
      this.next();
      if (t.v === 'inv') { if (k !== 1) this.fail('inv takes no argument', t); mods.push({ k: 'inv', tok: t }); }
      else if (t.v === 'pow') {
        this.expect('(');
        const e = this.expr();
        this.expect(')');
        if (e.terms.length || !Number.isInteger(e.c)) this.fail(`pow(k) @ supports integer k only, got ${e.terms.length ? 'an input-dependent value' : e.c}`, t);
        mods.push({ k: 'pow', n: e.c, tok: t });
      } else {
        let n = 1;
        if (this.accept('(')) { n = this.intExpr('a control count'); this.expect(')'); }
        if (n < 1) this.fail(`${t.v}(n) needs n ≥ 1`, t);
        mods.push({ k: t.v as 'ctrl' | 'negctrl', n, tok: t });
      }
      this.expect('@');
    }
    return mods;
  }

  private gateStatement(): void {
    const mods = this.modifiers();
    const name = this.ident('a gate name');
    const params: Val[] = [];
    if (this.accept('(')) {
      if (this.peek().v !== ')') {
        params.push(this.expr());
        while (this.accept(',')) params.push(this.expr());
      }
      this.expect(')');
    }
    const operands: Array<{ name: Tok; index: number | null }> = [];
    if (name.v !== 'gphase' || this.peek().v !== ';') {
      operands.push(this.operand());
      while (this.accept(',')) operands.push(this.operand());
    }
    this.expect(';');
    for (const v of params) if (!Number.isFinite(v.c) || v.terms.some((x) => !Number.isFinite(x.coef))) this.fail(`parameter evaluates to ${v.c}`, name);
    const nctrl = mods.reduce((s, m) => s + (m.k === 'ctrl' || m.k === 'negctrl' ? m.n : 0), 0);
    // Broadcast registers (all register operands the same size; single qubits repeat).
    const lists = operands.map((a) => this.qubitsOf(a));
    let size = 1;
    lists.forEach((l, i) => {
      if (operands[i].index !== null || this.gateArgs) return;
      if (size !== 1 && l.length !== size && l.length !== 1) this.fail('registers in one statement must have the same size', operands[i].name);
      size = Math.max(size, l.length);
    });
    for (let k = 0; k < size; k++) {
      const wires = lists.map((l) => (l.length === 1 ? l[0] : l[k]));
      if (new Set(wires).size !== wires.length) this.fail('a gate is applied to the same qubit twice', name);
      let items = this.expand(name, params, wires.slice(nctrl), 0);
      let pos = nctrl;
      for (let m = mods.length - 1; m >= 0; m--) {
        const mod = mods[m];
        if (mod.k === 'inv') items = this.invert(items, mod.tok);
        else if (mod.k === 'pow') {
          const base = mod.n < 0 ? this.invert(items, mod.tok) : items;
          if (Math.abs(mod.n) * base.length > MAX_OPS) this.fail(`pow(${mod.n}) expands to too many operations`, mod.tok);
          items = [];
          for (let r = 0; r < Math.abs(mod.n); r++) items.push(...base.map(cloneItem));
        } else {
          pos -= mod.n;
          const cs = wires.slice(pos, pos + mod.n);
          items = items.map((it) => addControls(it, cs));
          if (mod.k === 'negctrl') {
            const flips: Item[] = cs.map((w) => ({ kind: 'gate', gate: 'x', wires: [w] }));
            items = [...flips, ...items, ...flips.map(cloneItem)];
          }
        }
      }
      this.emit(items, name);
    }
  }

  private emit(items: Item[], t: Tok): void {
    if (this.sink) { this.sink.push(...items); return; }
    for (const it of items) {
      if (it.kind === 'gphase') {
        // A controlled global phase is a phase gate on the controls; an uncontrolled one is unobservable.
        if (!it.controls.length) continue;
        const [last, ...rest] = [...it.controls].reverse();
        const op: GateOp = { kind: 'gate', gate: 'p', wires: [last], params: [toAngle(it.angle)] };
        if (rest.length) op.controls = rest.reverse();
        this.push(op, t);
      } else this.push(it, t);
    }
  }

  private invert(items: Item[], t: Tok): Item[] {
    const out: Item[] = [];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (it.kind === 'gphase') { out.push({ ...it, angle: scaleVal(it.angle, -1) }); continue; }
      if (it.kind !== 'gate') this.fail('inv @ applies to gates only', t);
      const n = Math.max(...it.wires, ...(it.controls ?? [])) + 1;
      try {
        out.push(...(inverse({ numQubits: n, numClbits: 0, ops: [it] }).ops as GateOp[]));
      } catch (e) {
        if (e instanceof QmlError) this.fail(`inv @: ${e.message}`, t);
        throw e;
      }
    }
    return out;
  }

  /** The items of one gate application (no modifiers), user definitions expanded. */
  private expand(name: Tok, params: Val[], wires: number[], depth: number): Item[] {
    if (depth > 64) this.fail(`gate definitions nest more than 64 deep (recursive "${name.v}"?)`, name);
    const g = name.v;
    const want = (np: number, nq: number) => {
      if (params.length !== np) this.fail(`gate "${g}" takes ${np} parameter(s), got ${params.length}`, name);
      if (wires.length !== nq) this.fail(`gate "${g}" acts on ${nq} qubit(s), got ${wires.length}`, name);
    };
    if (g === 'gphase') { want(1, 0); return [{ kind: 'gphase', angle: params[0], controls: [] }]; }
    if (g === 'U') { want(3, 1); return [{ kind: 'gate', gate: 'u3', wires, params: params.map(toAngle) }]; }
    const def = this.defs.get(g);
    if (def) {
      want(def.params.length, def.args.length);
      const savedP = this.p, savedArgs = this.gateArgs, savedSink = this.sink, savedScopes = this.scopes, savedCond = this.cond, savedToks = this.toks, savedFile = this.file;
      const out: Item[] = [];
      this.p = def.start;
      this.gateArgs = new Map(def.args.map((a, i) => [a, wires[i]]));
      this.sink = out;
      this.scopes = [new Map(def.params.map((n, i) => [n, params[i]]))];
      this.cond = undefined;
      this.toks = def.toks;
      this.file = def.file;
      try {
        while (this.p < def.end) {
          const t = this.peek();
          if (['measure', 'reset', 'if'].includes(t.v)) this.fail(`${t.v} is not allowed inside a gate body`, t);
          if (t.t === 'id' && !['gphase', 'barrier', 'for', 'ctrl', 'negctrl', 'inv', 'pow'].includes(t.v) && (this.defs.has(t.v) || STDGATES.has(t.v) || t.v === 'U') === false) {
            this.fail(`unknown gate "${t.v}" in the body of gate "${def.name}"`, t);
          }
          this.statement(false);
        }
      } finally {
        this.p = savedP; this.gateArgs = savedArgs; this.sink = savedSink; this.scopes = savedScopes; this.cond = savedCond; this.toks = savedToks; this.file = savedFile;
      }
      return out;
    }
    if (STDGATES.has(g) || g === 'CX') {
      if (!this.stdlib && g !== 'CX') this.fail(`gate "${g}" is not defined (add include "stdgates.inc";)`, name);
      if (g === 'cu') {
        want(4, 2);
        return [
          { kind: 'gate', gate: 'p', wires: [wires[0]], params: [toAngle(params[3])] },
          { kind: 'gate', gate: 'cu3', wires, params: params.slice(0, 3).map(toAngle) },
        ];
      }
      const native = RENAME[g] ?? g;
      const r = resolveGate(native)!;
      want(r.def.params, r.def.qubits + r.aliasControls);
      const op: GateOp = { kind: 'gate', gate: native, wires };
      if (params.length) op.params = params.map(toAngle);
      if (g === 'u3') return [{ kind: 'gphase', angle: scaleVal(addVals(params[1], params[2], 1), -0.5), controls: [] }, op];
      if (g === 'u2') return [{ kind: 'gphase', angle: scaleVal(addVals(addVals(params[0], params[1], 1), K(Math.PI), 1), -0.5), controls: [] }, op];
      return [op];
    }
    if (resolveGate(g) || macroNames().includes(g)) this.fail(`gate "${g}" is not in stdgates.inc; define it with a gate definition`, name);
    this.fail(`unknown gate "${g}"`, name);
  }

  // ---- expressions ------------------------------------------------------------------------

  /** An expression that must be a constant integer (indices, sizes, loop bounds). */
  private intExpr(what: string, signed = false): number {
    const t = this.peek();
    const v = this.expr();
    if (v.terms.length) this.fail(`${what} must not depend on inputs`, t);
    if (!Number.isInteger(v.c) || (!signed && v.c < 0)) this.fail(`expected ${what} (${signed ? 'an' : 'a non-negative'} integer), got ${v.c}`, t);
    return v.c;
  }

  // expr := term (('+'|'-') term)*; term := unary (('*'|'/'|'%') unary)*; unary := '-' unary | power;
  // power := atom ('**' unary)?   (right-associative, binding tighter than unary minus on its left)
  private expr(): Val {
    let a = this.term();
    while (this.peek().v === '+' || this.peek().v === '-') {
      const op = this.next().v;
      a = addVals(a, this.term(), op === '+' ? 1 : -1);
    }
    return a;
  }
  private term(): Val {
    let a = this.unary();
    while (['*', '/', '%'].includes(this.peek().v) && this.peek().t === 'sym') {
      const t = this.next();
      const b = this.unary();
      if (t.v === '*') {
        if (a.terms.length && b.terms.length) this.fail('an angle must stay affine in the inputs (a product of two inputs)', t);
        a = a.terms.length ? scaleVal(a, b.c) : scaleVal(b, a.c);
      } else if (t.v === '/') {
        if (b.terms.length) this.fail('an angle must stay affine in the inputs (division by an input)', t);
        a = scaleVal(a, 1 / b.c);
      } else {
        if (a.terms.length || b.terms.length) this.fail('% needs constant operands', t);
        a = K(FUNCS2.mod(a.c, b.c));
      }
    }
    return a;
  }
  private unary(): Val {
    if (this.accept('-')) return scaleVal(this.unary(), -1);
    if (this.accept('+')) return this.unary();
    return this.power();
  }
  private power(): Val {
    const a = this.atom();
    const t = this.peek();
    if (t.v === '**' || t.v === '^') {
      if (t.v === '^') this.fail('"^" is bitwise xor in OpenQASM 3; use ** for powers', t);
      this.next();
      const b = this.unary();
      if (a.terms.length || b.terms.length) this.fail('** needs constant operands', t);
      return K(a.c ** b.c);
    }
    return a;
  }
  private atom(): Val {
    const t = this.next();
    if (t.t === 'num') return K(Number(t.v));
    if (t.t === 'sym' && t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.t === 'id') {
      if (FUNCS1[t.v] || FUNCS2[t.v]) {
        this.expect('(');
        const a = this.expr();
        let b: Val | undefined;
        if (FUNCS2[t.v]) { this.expect(','); b = this.expr(); }
        this.expect(')');
        if (a.terms.length || b?.terms.length) this.fail(`${t.v}() of an input is not an affine angle`, t);
        return K(b ? FUNCS2[t.v](a.c, b.c) : FUNCS1[t.v](a.c));
      }
      for (let s = this.scopes.length - 1; s >= 0; s--) {
        const v = this.scopes[s].get(t.v);
        if (v) return v;
      }
      if (t.v in CONSTS) return K(CONSTS[t.v]);
      const c = this.consts.get(t.v);
      if (c) return c;
      this.fail(`unknown identifier "${t.v}"`, t);
    }
    this.fail(`expected an expression, found ${this.show(t)}`, t);
  }
}

function cloneItem(it: Item): Item {
  return structuredClone(it);
}

function addControls(it: Item, cs: number[]): Item {
  if (it.kind === 'gphase') return { ...it, controls: [...cs, ...it.controls] };
  if (it.kind !== 'gate') return it;
  return { ...it, controls: [...cs, ...(it.controls ?? [])] };
}

/**
 * Parses OpenQASM 3 text (the subset described at the top of this file) into a circuit. Throws a
 * QmlError naming file:line:col for anything outside it.
 * @example
 * import { parseQasm3 } from 'qml6g';
 * parseQasm3('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\nctrl @ x q[0], q[1];\nc = measure q;').ops.length; // 4
 */
export function parseQasm3(text: string, opts: Qasm3Options = {}): Circuit {
  const file = opts.file ?? '<qasm>';
  return new Parser3(lex(text, file), file, opts).parse();
}

/** The OpenQASM major version a text declares: 2, 3, or 3 when there is no version line (optional in OpenQASM 3). */
export function qasmVersion(text: string): 2 | 3 {
  const m = /^(?:\uFEFF)?(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*OPENQASM\s+(\d+)/.exec(text);
  return m && m[1] === '2' ? 2 : 3;
}

/**
 * Parses OpenQASM 2.0 or 3 text, choosing the reader from the version line.
 * @example
 * import { parseQasmAny } from 'qml6g';
 * parseQasmAny('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];').numQubits; // 1
 */
export function parseQasmAny(text: string, opts: Qasm3Options = {}): Circuit {
  return qasmVersion(text) === 2 ? parseQasm(text, opts) : parseQasm3(text, opts);
}
