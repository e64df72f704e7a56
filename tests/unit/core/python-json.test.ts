import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../../server/core/python-json.js';

describe('parsePythonJson', () => {
  it('reads the NaN, Infinity and -Infinity tokens Python writes', () => {
    const text = '{"lambda_min_clipped": -Infinity, "sigma_max": Infinity, "shift": NaN, "list": [NaN, -Infinity, 1]}';
    const value = parsePythonJson(text) as Record<string, unknown>;
    expect(value.lambda_min_clipped).toBe(Number.NEGATIVE_INFINITY);
    expect(value.sigma_max).toBe(Number.POSITIVE_INFINITY);
    expect(value.shift).toBeNaN();
    expect(value.list).toEqual([Number.NaN, Number.NEGATIVE_INFINITY, 1]);
  });

  it('agrees with JSON.parse on standard JSON', () => {
    const text = '\uFEFF{ "a": [1, -2.5e-3, 0, true, false, null], "b": {"c": "x\\"y\\u00e9\\n"}, "": [] }';
    expect(parsePythonJson(text)).toEqual(JSON.parse(text.slice(1)));
  });

  it('keeps the token inside strings as text', () => {
    expect(parsePythonJson('["NaN", "-Infinity"]')).toEqual(['NaN', '-Infinity']);
  });

  it('stores a "__proto__" key as data', () => {
    const value = parsePythonJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": 1,}', 'line 1, column 9'],
    ['{"a": nan}', 'unexpected character "n" at line 1, column 7'],
    ['{\n "a": 01}', 'line 2, column 8'],
    ['[1, 2', 'expected "]"'],
    ['"open', 'unterminated string'],
  ])('refuses %j naming where', (text, where) => {
    expect(() => parsePythonJson(text)).toThrow(SyntaxError);
    expect(() => parsePythonJson(text)).toThrow(where);
  });
});
