/**
 * Parses the Python literals Ultralytics writes into ONNX metadata with str(): dicts, lists, tuples, numbers,
 * strings, True/False/None. Dicts become Maps so integer keys ({0: 'person'}) survive.
 */
export type PyValue = null | boolean | number | string | PyValue[] | Map<PyValue, PyValue>;

export function parsePythonLiteral(text: string): PyValue {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.done()) throw parser.fail('unexpected trailing text');
  return value;
}

class LiteralParser {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  fail(why: string): Error {
    return new Error(`Not a Python literal (${why} at character ${this.at}): ${this.text.slice(0, 80)}`);
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.at]!)) this.at++;
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.dict();
    if (c === '[' || c === '(') return this.sequence(c === '[' ? ']' : ')');
    if (c === "'" || c === '"') return this.string(c);
    return this.atom();
  }

  private dict(): Map<PyValue, PyValue> {
    const map = new Map<PyValue, PyValue>();
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return map;
      }
      const key = this.value();
      this.skipSpace();
      if (this.text[this.at] !== ':') throw this.fail("expected ':'");
      this.at++;
      map.set(key, this.value());
      this.separator('}');
    }
  }

  private sequence(close: string): PyValue[] {
    const items: PyValue[] = [];
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(this.value());
      this.separator(close);
    }
  }

  private separator(close: string): void {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === ',') this.at++;
    else if (c !== close) throw this.fail(`expected ',' or '${close}'`);
  }

  private string(quote: string): string {
    let out = '';
    this.at++;
    while (!this.done()) {
      const c = this.text[this.at++]!;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++];
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        "'": "'",
        '"': '"',
        '0': '\0',
      };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        out += String.fromCodePoint(parseInt(this.text.slice(this.at, this.at + length), 16));
        this.at += length;
      } else out += `\\${e ?? ''}`;
    }
    throw this.fail('unterminated string');
  }

  private atom(): PyValue {
    const match =
      /^(True|False|None|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan))/.exec(
        this.text.slice(this.at),
      );
    if (!match) throw this.fail('unexpected character');
    this.at += match[0].length;
    const word = match[0];
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return Number(word.replace(/inf$/, 'Infinity'));
  }
}
