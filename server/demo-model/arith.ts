// Element-wise arithmetic written once and evaluated two ways: on numbers (the TypeScript reference) or as
// ONNX nodes over broadcasting tensors (the UNet graph), so both compute the same drawing.
import type { GraphBuilder } from '../onnx-build/graph-builder.js';

export interface Arith<T> {
  c(value: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  min(a: T, b: T): T;
  max(a: T, b: T): T;
  abs(a: T): T;
  sqrt(a: T): T;
  sigmoid(a: T): T;
}

export const numberArith: Arith<number> = {
  c: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  min: Math.min,
  max: Math.max,
  abs: Math.abs,
  sqrt: Math.sqrt,
  sigmoid: (a) => 1 / (1 + Math.exp(-a)),
};

/** Arithmetic that adds float32 nodes to `graph`; values are tensor names. Constants are shared. */
export function graphArith(graph: GraphBuilder): Arith<string> {
  const constants = new Map<number, string>();
  const binary = (op: string) => (a: string, b: string) => graph.op(op, [a, b]);
  return {
    c: (v) => {
      let name = constants.get(v);
      if (name === undefined) constants.set(v, (name = graph.scalar(v)));
      return name;
    },
    add: binary('Add'),
    sub: binary('Sub'),
    mul: binary('Mul'),
    div: binary('Div'),
    min: binary('Min'),
    max: binary('Max'),
    abs: (a) => graph.op('Abs', [a]),
    sqrt: (a) => graph.op('Sqrt', [a]),
    sigmoid: (a) => graph.op('Sigmoid', [a]),
  };
}
