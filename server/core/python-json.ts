// Parses JSON as Python's json module writes it: standard JSON plus the bare tokens NaN, Infinity and -Infinity
// (diffusers' configs hold them, e.g. DPMSolverMultistepScheduler's lambda_min_clipped: -Infinity).

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const PYTHON_CONSTANTS: ReadonlyArray<readonly [string, number]> = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [['true', true], ['false', false], ['null', null], ...PYTHON_CONSTANTS];

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value();
    this.skipSpace();
    if (this.at < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(why: string): never {
    const before = this.text.slice(0, this.at);
    const line = before.split('\n').length;
    const column = this.at - before.lastIndexOf('\n');
    throw new SyntaxError(`${why} at line ${line}, column ${column}`);
  }

  private skipSpace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private value(): unknown {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(c === undefined ? 'unexpected end of the text' : `unexpected character ${JSON.stringify(c)}`);
    this.at = NUMBER.lastIndex;
    return Number(match[0]);
  }

  /** Finds the closing quote, then lets JSON.parse decode the escapes of that one string. */
  private string(): string {
    const start = this.at;
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) this.fail('unterminated string');
    this.at = i + 1;
    try {
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      this.at = start;
      return this.fail('invalid string');
    }
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) this.fail(`expected ${JSON.stringify(c)}`);
    this.at += 1;
  }

  /** True (and consumed) when the next non-space character is `c`. */
  private take(c: string): boolean {
    this.skipSpace();
    if (this.text[this.at] !== c) return false;
    this.at += 1;
    return true;
  }

  private object(): Record<string, unknown> {
    this.at += 1;
    const out: Record<string, unknown> = {};
    if (this.take('}')) return out;
    do {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.fail('expected a quoted key');
      const key = this.string();
      this.expect(':');
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
    } while (this.take(','));
    this.expect('}');
    return out;
  }

  private array(): unknown[] {
    this.at += 1;
    const out: unknown[] = [];
    if (this.take(']')) return out;
    do out.push(this.value());
    while (this.take(','));
    this.expect(']');
    return out;
  }
}

/** The value of a JSON text written by Python; throws SyntaxError naming the line and column of a fault. */
export function parsePythonJson(text: string): unknown {
  return new Reader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).document();
}
