/**
 * OpenQASM 2.0 import and export.
 *
 * Import follows the OpenQASM 2.0 specification (Cross et al. 2017): registers are concatenated
 * in declaration order into global qubits (the first register's [0] is qubit 0, as in Qiskit),
 * `include "qelib1.inc"` brings in the standard gates (built in, never read from disk), user
 * `gate` definitions expand into their bodies, `opaque` gates cannot be simulated, `if(c==n)`
 * becomes a classical condition, and register broadcast (`h q;`, `cx a,b;`) is expanded.
 * Expressions: pi, + - * / ^ (right-associative, binding tighter than unary minus), unary minus,
 * sin cos tan exp ln sqrt. Every error names line and column.
 *
 * @example
 * import { parseQasm, toQasm } from 'qml6g';
 * const c = parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nrx(pi/2) q[0];');
 * toQasm(c); // 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nrx(1.5707963267948966) q[0];\n'
 */
import { QmlError } from '../core/errors.js';
import { lexQasm, QASM2, type Tok } from './qasm-lex.js';
import { evalAngle, type Angle, type Circuit, type GateOp, type Operation, type Register } from './circuit.js';
import { baseGate, resolveGate } from './gates.js';
import { compile, macroNames } from './program.js';

const lex = (src: string, file: string): Tok[] => lexQasm(src, file, QASM2);

type Expr =
  | { k: 'num'; v: number }
  | { k: 'id'; name: string; tok: Tok }
  | { k: 'neg'; a: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr }
  | { k: 'call'; fn: string; a: Expr; tok: Tok };

const FUNCS: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, ln: Math.log, sqrt: Math.sqrt,
};

interface Arg { reg: string; index: number | null; tok: Tok }
interface GateCall { name: string; params: Expr[]; args: Arg[]; tok: Tok }
interface GateDefinition { name: string; params: string[]; args: string[]; body: Array<GateCall | { barrier: true }>; tok: Tok; opaque: boolean }

const QELIB1 = new Set([
  'u3', 'u2', 'u1', 'cx', 'id', 'u0', 'x', 'y', 'z', 'h', 's', 'sdg', 't', 'tdg', 'rx', 'ry', 'rz', 'cz', 'cy', 'swap',
  'ch', 'ccx', 'cswap', 'crx', 'cry', 'crz', 'cu1', 'cu3', 'rxx', 'rzz', 'rccx', 'rc3x', 'c3x', 'c3sqrtx', 'c4x',
]);

export interface ParseOptions {
  /** Name used in error messages. */
  file?: string;
  /** Reads a non-standard include; without it only "qelib1.inc" can be included. */
  readInclude?: (name: string) => string;
}

class Parser {
  private p = 0;
  private qregs: Register[] = [];
  private cregs: Register[] = [];
  private nq = 0;
  private nc = 0;
  private defs = new Map<string, GateDefinition>();
  private stdlib = false;
  private ops: Operation[] = [];
  private nativeOverride = new Map<string, boolean>();

  constructor(private toks: Tok[], private file: string, private opts: ParseOptions) {}

  private at(t: Tok = this.toks[this.p]): string { return `${this.file}:${t.line}:${t.col}`; }
  private peek(): Tok { return this.toks[this.p]; }
  private next(): Tok { return this.toks[this.p++]; }
  private fail(msg: string, t: Tok = this.peek()): never { throw new QmlError(msg, this.at(t)); }
  private expect(v: string): Tok {
    const t = this.next();
    if (t.v !== v || t.t === 'str') this.fail(`expected "${v}", found ${t.t === 'eof' ? 'end of file' : `"${t.v}"`}`, t);
    return t;
  }
  private ident(what: string): Tok {
    const t = this.next();
    if (t.t !== 'id') this.fail(`expected ${what}, found ${t.t === 'eof' ? 'end of file' : `"${t.v}"`}`, t);
    return t;
  }
  private int(what: string): number {
    const t = this.next();
    if (t.t !== 'num' || !/^\d+$/.test(t.v)) this.fail(`expected ${what} (a non-negative integer), found "${t.v}"`, t);
    return Number(t.v);
  }

  parse(): Circuit {
    const first = this.peek();
    if (first.v !== 'OPENQASM') this.fail('a program must start with "OPENQASM 2.0;"');
    this.next();
    const ver = this.next();
    if (ver.t !== 'num' || !/^2(\.0)?$/.test(ver.v)) this.fail(`only OpenQASM 2.0 is supported, found version "${ver.v}"`, ver);
    this.expect(';');
    while (this.peek().t !== 'eof') this.statement();
    if (this.nq === 0) this.fail('the program declares no qubits (qreg)', this.peek());
    return { numQubits: this.nq, numClbits: this.nc, ops: this.ops, qregs: this.qregs, cregs: this.cregs };
  }

  private statement(): void {
    const t = this.peek();
    if (t.t !== 'id') this.fail(`expected a statement, found "${t.v}"`);
    switch (t.v) {
      case 'include': return this.include();
      case 'qreg': case 'creg': return this.register();
      case 'gate': return this.gateDef(false);
      case 'opaque': return this.gateDef(true);
      case 'measure': return this.measure(undefined);
      case 'reset': return this.reset(undefined);
      case 'barrier': return this.barrier();
      case 'if': return this.conditional();
      default: return this.gateStatement(undefined);
    }
  }

  private include(): void {
    this.next();
    const f = this.next();
    if (f.t !== 'str') this.fail('include needs a file name in quotes', f);
    this.expect(';');
    if (f.v === 'qelib1.inc') { this.stdlib = true; return; }
    if (!this.opts.readInclude) this.fail(`cannot include "${f.v}": only "qelib1.inc" is built in`, f);
    let text: string;
    try { text = this.opts.readInclude(f.v); } catch (e) { this.fail(`cannot read include "${f.v}": ${(e as Error).message}`, f); }
    const sub = new Parser(lex(text, f.v), f.v, this.opts);
    sub.defs = this.defs;
    sub.stdlib = this.stdlib;
    while (sub.peek().t !== 'eof') {
      const s = sub.peek();
      if (s.v !== 'gate' && s.v !== 'opaque' && s.v !== 'include') sub.fail('an included file may only define gates');
      sub.statement();
    }
    this.stdlib = sub.stdlib;
  }

  private register(): void {
    const kw = this.next();
    const name = this.ident('a register name');
    this.expect('[');
    const size = this.int('a register size');
    this.expect(']');
    this.expect(';');
    if (size < 1) this.fail('a register needs at least one bit', name);
    // A bound on what a program may declare, so a corrupt size fails here instead of exhausting memory.
    if ((kw.v === 'qreg' ? this.nq : this.nc) + size > MAX_BITS) this.fail(`at most ${MAX_BITS} ${kw.v === 'qreg' ? 'qubits' : 'classical bits'} in all registers, got ${(kw.v === 'qreg' ? this.nq : this.nc) + size}`, name);
    if (this.qregs.some((r) => r.name === name.v) || this.cregs.some((r) => r.name === name.v)) this.fail(`register "${name.v}" is declared twice`, name);
    if (kw.v === 'qreg') { this.qregs.push({ name: name.v, size, offset: this.nq }); this.nq += size; }
    else { this.cregs.push({ name: name.v, size, offset: this.nc }); this.nc += size; }
  }

  private idList(): Tok[] {
    const out = [this.ident('an identifier')];
    while (this.peek().v === ',') { this.next(); out.push(this.ident('an identifier')); }
    return out;
  }

  private gateDef(opaque: boolean): void {
    this.next();
    const name = this.ident('a gate name');
    if (name.v === 'U' || name.v === 'CX') this.fail(`"${name.v}" is built in and cannot be redefined`, name);
    if (this.defs.has(name.v) || (this.stdlib && QELIB1.has(name.v))) this.fail(`gate "${name.v}" is already defined`, name);
    let params: string[] = [];
    if (this.peek().v === '(') {
      this.next();
      if (this.peek().v !== ')') params = this.idList().map((t) => t.v);
      this.expect(')');
    }
    const args = this.idList().map((t) => t.v);
    if (new Set(args).size !== args.length) this.fail(`gate "${name.v}" names a qubit argument twice`, name);
    const body: GateDefinition['body'] = [];
    if (opaque) this.expect(';');
    else {
      this.expect('{');
      while (this.peek().v !== '}') {
        if (this.peek().t === 'eof') this.fail(`unterminated body of gate "${name.v}"`);
        if (this.peek().v === 'barrier') {
          this.next();
          const a = this.idList();
          for (const t of a) if (!args.includes(t.v)) this.fail(`"${t.v}" is not an argument of gate "${name.v}"`, t);
          this.expect(';');
          body.push({ barrier: true });
          continue;
        }
        const call = this.gateCall(true);
        for (const a of call.args) {
          if (a.index !== null) this.fail('qubits inside a gate body are the gate\'s arguments, without indices', a.tok);
          if (!args.includes(a.reg)) this.fail(`"${a.reg}" is not an argument of gate "${name.v}"`, a.tok);
        }
        this.checkExprNames(call.params, params);
        body.push(call);
      }
      this.expect('}');
    }
    const def: GateDefinition = { name: name.v, params, args, body, tok: name, opaque };
    this.defs.set(name.v, def);
    this.nativeOverride.delete(name.v);
  }

  private checkExprNames(es: Expr[], allowed: string[]): void {
    const walk = (e: Expr): void => {
      if (e.k === 'id' && e.name !== 'pi' && !allowed.includes(e.name)) this.fail(`unknown parameter "${e.name}"`, e.tok);
      if (e.k === 'neg') walk(e.a);
      if (e.k === 'bin') { walk(e.a); walk(e.b); }
      if (e.k === 'call') walk(e.a);
    };
    es.forEach(walk);
  }

  private gateCall(inBody: boolean): GateCall {
    const name = this.ident('a gate name');
    let params: Expr[] = [];
    if (this.peek().v === '(') {
      this.next();
      if (this.peek().v !== ')') {
        params.push(this.expr());
        while (this.peek().v === ',') { this.next(); params.push(this.expr()); }
      }
      this.expect(')');
    }
    const args = [this.arg(inBody)];
    while (this.peek().v === ',') { this.next(); args.push(this.arg(inBody)); }
    this.expect(';');
    if (!inBody) this.checkExprNames(params, []);
    params = params.map((p) => p);
    return { name: name.v, params, args, tok: name };
  }

  private arg(inBody: boolean): Arg {
    const reg = this.ident('a qubit argument');
    if (this.peek().v === '[') {
      if (inBody) this.fail('qubits inside a gate body are the gate\'s arguments, without indices');
      this.next();
      const index = this.int('an index');
      this.expect(']');
      return { reg: reg.v, index, tok: reg };
    }
    return { reg: reg.v, index: null, tok: reg };
  }

  // expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := '-' unary | power;
  // power := atom ('^' unary)?   (right-associative, tighter than unary minus on its left)
  private expr(): Expr {
    let a = this.term();
    while (this.peek().v === '+' || this.peek().v === '-') {
      const op = this.next().v;
      a = { k: 'bin', op, a, b: this.term() };
    }
    return a;
  }
  private term(): Expr {
    let a = this.unary();
    while (this.peek().v === '*' || this.peek().v === '/') {
      const op = this.next().v;
      a = { k: 'bin', op, a, b: this.unary() };
    }
    return a;
  }
  private unary(): Expr {
    if (this.peek().v === '-') { this.next(); return { k: 'neg', a: this.unary() }; }
    if (this.peek().v === '+') { this.next(); return this.unary(); }
    return this.power();
  }
  private power(): Expr {
    const a = this.atom();
    if (this.peek().v === '^') { this.next(); return { k: 'bin', op: '^', a, b: this.unary() }; }
    return a;
  }
  private atom(): Expr {
    const t = this.next();
    if (t.t === 'num') return { k: 'num', v: Number(t.v) };
    if (t.v === '(' && t.t === 'sym') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.t === 'id') {
      if (FUNCS[t.v]) {
        this.expect('(');
        const a = this.expr();
        this.expect(')');
        return { k: 'call', fn: t.v, a, tok: t };
      }
      return { k: 'id', name: t.v, tok: t };
    }
    this.fail(`expected an expression, found ${t.t === 'eof' ? 'end of file' : `"${t.v}"`}`, t);
  }

  private evalExpr(e: Expr, env: Map<string, number>): number {
    switch (e.k) {
      case 'num': return e.v;
      case 'id': {
        if (e.name === 'pi') return Math.PI;
        const v = env.get(e.name);
        if (v === undefined) this.fail(`unknown parameter "${e.name}"`, e.tok);
        return v;
      }
      case 'neg': return -this.evalExpr(e.a, env);
      case 'call': return FUNCS[e.fn](this.evalExpr(e.a, env));
      case 'bin': {
        const a = this.evalExpr(e.a, env), b = this.evalExpr(e.b, env);
        switch (e.op) {
          case '+': return a + b;
          case '-': return a - b;
          case '*': return a * b;
          case '/': return a / b;
          default: return a ** b;
        }
      }
    }
  }

  private qubitsOf(a: Arg): number[] {
    const r = this.qregs.find((x) => x.name === a.reg);
    if (!r) {
      if (this.cregs.some((x) => x.name === a.reg)) this.fail(`"${a.reg}" is a classical register, not a quantum one`, a.tok);
      this.fail(`unknown quantum register "${a.reg}"`, a.tok);
    }
    if (a.index === null) return Array.from({ length: r.size }, (_, i) => r.offset + i);
    if (a.index >= r.size) this.fail(`index ${a.index} is out of range for register "${a.reg}" of size ${r.size}`, a.tok);
    return [r.offset + a.index];
  }
  private clbitsOf(a: Arg): number[] {
    const r = this.cregs.find((x) => x.name === a.reg);
    if (!r) {
      if (this.qregs.some((x) => x.name === a.reg)) this.fail(`"${a.reg}" is a quantum register, not a classical one`, a.tok);
      this.fail(`unknown classical register "${a.reg}"`, a.tok);
    }
    if (a.index === null) return Array.from({ length: r.size }, (_, i) => r.offset + i);
    if (a.index >= r.size) this.fail(`index ${a.index} is out of range for register "${a.reg}" of size ${r.size}`, a.tok);
    return [r.offset + a.index];
  }

  /** Expands register arguments into one tuple of qubits per application. */
  private broadcast(args: Arg[]): number[][] {
    const lists = args.map((a) => this.qubitsOf(a));
    let size = 1;
    lists.forEach((l, i) => {
      if (args[i].index !== null) return;
      if (size !== 1 && l.length !== size && l.length !== 1) this.fail('registers in one statement must have the same size', args[i].tok);
      size = Math.max(size, l.length);
    });
    const out: number[][] = [];
    for (let k = 0; k < size; k++) {
      const tuple = lists.map((l) => (l.length === 1 ? l[0] : l[k]));
      if (new Set(tuple).size !== tuple.length) this.fail('a gate is applied to the same qubit twice', args[0].tok);
      out.push(tuple);
    }
    return out;
  }

  private gateStatement(cond: GateOp['condition']): void {
    const call = this.gateCall(false);
    const env = new Map<string, number>();
    const values = call.params.map((e) => this.evalExpr(e, env));
    for (const wires of this.broadcast(call.args)) this.emitGate(call.name, values, wires, cond, call.tok, 0);
  }

  private emitGate(name: string, values: number[], wires: number[], cond: GateOp['condition'], tok: Tok, depth: number): void {
    if (depth > 64) this.fail(`gate definitions nest more than 64 deep (recursive "${name}"?)`, tok);
    for (const v of values) if (!Number.isFinite(v)) this.fail(`parameter evaluates to ${v}`, tok);
    const def = this.defs.get(name);
    if (def && !this.useNative(def)) {
      if (def.opaque) this.fail(`opaque gate "${name}" has no definition and cannot be simulated`, tok);
      if (values.length !== def.params.length) this.fail(`gate "${name}" takes ${def.params.length} parameter(s), got ${values.length}`, tok);
      if (wires.length !== def.args.length) this.fail(`gate "${name}" acts on ${def.args.length} qubit(s), got ${wires.length}`, tok);
      const env = new Map(def.params.map((p, i) => [p, values[i]] as [string, number]));
      const argMap = new Map(def.args.map((a, i) => [a, wires[i]] as [string, number]));
      for (const st of def.body) {
        if ('barrier' in st) continue;
        const vals = st.params.map((e) => this.evalExpr(e, env));
        this.emitGate(st.name, vals, st.args.map((a) => argMap.get(a.reg)!), cond, st.tok, depth + 1);
      }
      return;
    }
    const builtin = name === 'U' || name === 'CX';
    if (!builtin && !def) {
      if (!this.stdlib && (QELIB1.has(name) || resolveGate(name))) this.fail(`gate "${name}" is not defined (add include "qelib1.inc";)`, tok);
      if (!QELIB1.has(name)) this.fail(`unknown gate "${name}"`, tok);
    }
    const known = resolveGate(name) ?? null;
    const isMacro = macroNames().includes(name);
    if (!known && !isMacro) this.fail(`unknown gate "${name}"`, tok);
    const arity = isMacro ? (name === 'rccx' ? 3 : 4) : known!.def.qubits + known!.aliasControls;
    const nparams = isMacro ? 0 : known!.def.params;
    if (values.length !== nparams) this.fail(`gate "${name}" takes ${nparams} parameter(s), got ${values.length}`, tok);
    if (wires.length !== arity) this.fail(`gate "${name}" acts on ${arity} qubit(s), got ${wires.length}`, tok);
    const op: GateOp = { kind: 'gate', gate: name === 'CX' ? 'cx' : name === 'U' ? 'u3' : name, wires };
    if (values.length) op.params = values;
    if (cond) op.condition = cond;
    if (this.ops.length >= MAX_OPS) this.fail(`the program expands to more than ${MAX_OPS} operations`, this.peek());
    this.ops.push(op);
  }

  /**
   * A file may define a gate that qml6g also knows natively (sx, p, iswap, ... as written by
   * toQasm). When the body's unitary equals the native gate's, the op is kept as the native gate,
   * so export → import gives back the same circuit; any other definition is expanded as written.
   */
  private useNative(def: GateDefinition): boolean {
    const cached = this.nativeOverride.get(def.name);
    if (cached !== undefined) return cached;
    let same = false;
    const r = resolveGate(def.name);
    if (r && !def.opaque && !QELIB1.has(def.name) && r.def.params === def.params.length && r.def.qubits + r.aliasControls === def.args.length && def.args.length <= 4) {
      same = [0.3, 1.7].every((seed) => {
        const vals = def.params.map((_, i) => seed * (i + 1) - 0.4 * i);
        const sub = new Parser([], this.file, this.opts);
        sub.defs = new Map(this.defs);
        sub.defs.delete(def.name);
        sub.stdlib = true;
        sub.defs.set(`__body_${def.name}`, { ...def, name: `__body_${def.name}` });
        sub.ops = [];
        const wires = def.args.map((_, i) => i);
        sub.emitGate(`__body_${def.name}`, vals, wires, undefined, def.tok, 1);
        const a = unitaryOf({ numQubits: wires.length, numClbits: 0, ops: sub.ops });
        const b = unitaryOf({ numQubits: wires.length, numClbits: 0, ops: [{ kind: 'gate', gate: def.name, wires, params: vals }] });
        return equalUpToPhase(a, b, 1e-10);
      });
    }
    this.nativeOverride.set(def.name, same);
    return same;
  }

  private measure(cond: GateOp['condition']): void {
    const kw = this.next();
    const q = this.arg(false);
    this.expect('->');
    const c = this.arg(false);
    this.expect(';');
    const qs = this.qubitsOf(q), cs = this.clbitsOf(c);
    if (qs.length !== cs.length) this.fail(`measure maps ${qs.length} qubit(s) to ${cs.length} classical bit(s)`, kw);
    qs.forEach((w, i) => this.ops.push(cond ? { kind: 'measure', wire: w, clbit: cs[i], condition: cond } : { kind: 'measure', wire: w, clbit: cs[i] }));
  }

  private reset(cond: GateOp['condition']): void {
    this.next();
    const q = this.arg(false);
    this.expect(';');
    for (const w of this.qubitsOf(q)) this.ops.push(cond ? { kind: 'reset', wire: w, condition: cond } : { kind: 'reset', wire: w });
  }

  private barrier(): void {
    this.next();
    const args = [this.arg(false)];
    while (this.peek().v === ',') { this.next(); args.push(this.arg(false)); }
    this.expect(';');
    this.ops.push({ kind: 'barrier', wires: args.flatMap((a) => this.qubitsOf(a)) });
  }

  private conditional(): void {
    this.next();
    this.expect('(');
    const reg = this.ident('a classical register');
    const r = this.cregs.find((x) => x.name === reg.v);
    if (!r) this.fail(`unknown classical register "${reg.v}"`, reg);
    this.expect('==');
    const value = this.int('a value');
    this.expect(')');
    const cond = { offset: r.offset, size: r.size, value };
    const t = this.peek();
    if (t.v === 'measure') return this.measure(cond);
    if (t.v === 'reset') return this.reset(cond);
    if (t.t !== 'id' || ['if', 'qreg', 'creg', 'gate', 'opaque', 'barrier', 'include'].includes(t.v)) this.fail('if(...) must be followed by a gate, measure or reset', t);
    this.gateStatement(cond);
  }
}

/**
 * Parses OpenQASM 2.0 text into a circuit. Throws a QmlError naming file:line:col.
 */
export function parseQasm(text: string, opts: ParseOptions = {}): Circuit {
  const file = opts.file ?? '<qasm>';
  const circuit = new Parser(lex(text, file), file, opts).parse();
  return circuit;
}

/** The full unitary of a (small, measurement-free) circuit, as a 2^n x 2^n interleaved matrix in state index order. */
export function unitaryOf(c: Circuit, params: ArrayLike<number> = [], inputs: ArrayLike<number> = []): Float64Array {
  const prog = compile(c);
  const n = c.numQubits, N = 2 ** n;
  const out = new Float64Array(2 * N * N);
  const state = new Float64Array(2 * N);
  // Imported lazily to keep the parser free of backend dependencies at module load.
  for (let col = 0; col < N; col++) {
    state.fill(0);
    state[2 * col] = 1;
    runOnRaw(prog, state, params, inputs);
    for (let row = 0; row < N; row++) {
      out[2 * (row * N + col)] = state[2 * row];
      out[2 * (row * N + col) + 1] = state[2 * row + 1];
    }
  }
  return out;
}

import { Statevector } from './statevector.js';
import { runProgram } from './execute.js';

/** Limits on a parsed program (far above any circuit a statevector simulator can run). */
const MAX_BITS = 4096;
const MAX_OPS = 2_000_000;
function runOnRaw(prog: ReturnType<typeof compile>, state: Float64Array, params: ArrayLike<number>, inputs: ArrayLike<number>): void {
  runProgram(prog, new Statevector(prog.numQubits, state), { params, inputs });
}

export function equalUpToPhase(a: Float64Array, b: Float64Array, tol: number): boolean {
  if (a.length !== b.length) return false;
  // Phase from the largest entry of b.
  let k = 0, best = -1;
  for (let i = 0; i < b.length; i += 2) {
    const m = b[i] * b[i] + b[i + 1] * b[i + 1];
    if (m > best) { best = m; k = i; }
  }
  if (best < 1e-24) return a.every((v) => Math.abs(v) <= tol);
  // phase = a_k / b_k
  const den = best;
  const pr = (a[k] * b[k] + a[k + 1] * b[k + 1]) / den, pi = (a[k + 1] * b[k] - a[k] * b[k + 1]) / den;
  const mag = Math.hypot(pr, pi);
  if (Math.abs(mag - 1) > tol * 10) return false;
  for (let i = 0; i < a.length; i += 2) {
    const er = pr * b[i] - pi * b[i + 1], ei = pr * b[i + 1] + pi * b[i];
    if (Math.abs(a[i] - er) > tol || Math.abs(a[i + 1] - ei) > tol) return false;
  }
  return true;
}

/** Shortest text that parses back to the same double. */
function num(v: number): string {
  if (Object.is(v, -0)) return '0';
  return String(v);
}

/** Native gates outside qelib1, with an exact qelib1 body for export (up to global phase). */
const EXPORT_DEFS: Record<string, string> = {
  sx: 'gate sx a { sdg a; h a; sdg a; }',
  sxdg: 'gate sxdg a { s a; h a; s a; }',
  p: 'gate p(lambda) a { u1(lambda) a; }',
  u: 'gate u(theta,phi,lambda) a { u3(theta,phi,lambda) a; }',
  cp: 'gate cp(lambda) a,b { cu1(lambda) a,b; }',
  csx: 'gate csx a,b { h b; cu1(pi/2) a,b; h b; }',
  ccz: 'gate ccz a,b,c { h c; ccx a,b,c; h c; }',
  iswap: 'gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }',
  ryy: 'gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }',
  rzx: 'gate rzx(theta) a,b { h b; cx a,b; rz(theta) b; cx a,b; h b; }',
};

/** Base gates that a single extra control turns into a named qelib1 (or exported) gate. */
const CONTROLLED_NAME: Record<string, string> = {
  x: 'cx', y: 'cy', z: 'cz', h: 'ch', rx: 'crx', ry: 'cry', rz: 'crz', p: 'cp', u1: 'cu1', u3: 'cu3', u: 'cu3', swap: 'cswap', sx: 'csx',
};

export interface ExportOptions { params?: ArrayLike<number>; inputs?: ArrayLike<number> }

/**
 * Writes a circuit as OpenQASM 2.0 with qelib1.inc. Gates outside qelib1 (sx, p, iswap, ryy, ...)
 * are written with a `gate` definition whose body is exact; parseQasm turns them back into the
 * same native ops. Angles that depend on parameters or inputs are bound with `opts`.
 * A gate that OpenQASM 2.0 cannot name (a fixed 'unitary' matrix, or a gate with controls that
 * no qelib1 gate expresses) is an error naming the op.
 */
export function toQasm(c: Circuit, opts: ExportOptions = {}): string {
  compile(c);
  const lines: string[] = [];
  const used = new Set<string>();
  const qregs = c.qregs?.length ? c.qregs : [{ name: 'q', size: c.numQubits, offset: 0 }];
  const cregs = c.cregs?.length ? c.cregs : c.numClbits > 0 ? [{ name: 'c', size: c.numClbits, offset: 0 }] : [];
  const q = (w: number) => { const r = qregs.find((x) => w >= x.offset && w < x.offset + x.size)!; return `${r.name}[${w - r.offset}]`; };
  const cb = (b: number) => { const r = cregs.find((x) => b >= x.offset && b < x.offset + x.size)!; return `${r.name}[${b - r.offset}]`; };
  const angle = (a: Angle, i: number) => {
    const needs = typeof a !== 'number' && a.terms.length > 0;
    if (needs && !opts.params && !opts.inputs) throw new QmlError('angle depends on parameters or inputs: pass values to bind', `circuit.ops[${i}]`);
    return num(evalAngle(a, opts.params ?? [], opts.inputs ?? []));
  };
  const condPrefix = (cond: GateOp['condition'], i: number) => {
    if (!cond) return '';
    const r = cregs.find((x) => x.offset === cond.offset && x.size === cond.size);
    if (!r) throw new QmlError('OpenQASM 2.0 conditions compare a whole classical register', `circuit.ops[${i}]`);
    return `if(${r.name}==${cond.value}) `;
  };
  c.ops.forEach((op, i) => {
    if (op.kind === 'barrier') { lines.push(`barrier ${op.wires.map(q).join(',')};`); return; }
    if (op.kind === 'measure') { lines.push(`${condPrefix(op.condition, i)}measure ${q(op.wire)} -> ${cb(op.clbit)};`); return; }
    if (op.kind === 'reset') { lines.push(`${condPrefix(op.condition, i)}reset ${q(op.wire)};`); return; }
    let name = op.gate;
    let wires = op.wires;
    if (name === 'unitary') throw new QmlError('a fixed unitary matrix has no OpenQASM 2.0 form; decompose it into named gates first', `circuit.ops[${i}]`);
    const ctrls = op.controls ?? [];
    if (ctrls.length) {
      const base = resolveGate(name);
      let mapped: string | undefined;
      if (base && base.aliasControls === 0) {
        if (ctrls.length === 1) mapped = CONTROLLED_NAME[name];
        else if (name === 'x' && ctrls.length === 2) mapped = 'ccx';
        else if (name === 'x' && ctrls.length === 3) mapped = 'c3x';
        else if (name === 'z' && ctrls.length === 2) mapped = 'ccz';
      } else if (base && ctrls.length === 1 && name === 'cx') mapped = 'ccx';
      if (!mapped) throw new QmlError(`"${name}" with ${ctrls.length} extra control(s) has no OpenQASM 2.0 gate`, `circuit.ops[${i}]`);
      name = mapped;
      wires = [...ctrls, ...wires];
    }
    if (name === 'U') name = 'u3';
    if (name === 'CX') name = 'cx';
    if (!QELIB1.has(name)) {
      if (!EXPORT_DEFS[name]) throw new QmlError(`gate "${name}" has no OpenQASM 2.0 definition`, `circuit.ops[${i}]`);
      used.add(name);
    }
    const ps = (op.params ?? []).map((a) => angle(a, i));
    lines.push(`${condPrefix(op.condition, i)}${name}${ps.length ? `(${ps.join(',')})` : ''} ${wires.map(q).join(',')};`);
  });
  const head = ['OPENQASM 2.0;', 'include "qelib1.inc";'];
  // Definitions may use each other (ccz uses ccx only), so order them after qelib1 only.
  for (const g of Object.keys(EXPORT_DEFS)) if (used.has(g)) head.push(EXPORT_DEFS[g]);
  for (const r of qregs) head.push(`qreg ${r.name}[${r.size}];`);
  for (const r of cregs) head.push(`creg ${r.name}[${r.size}];`);
  return [...head, ...lines].join('\n') + '\n';
}

export { baseGate };
