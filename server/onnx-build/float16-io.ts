// Turns a float32 graph's float inputs and outputs into float16 ones, as an fp16 export presents itself to the
// pipeline: a Cast at each boundary, the computation inside left in float32.
import protobuf from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';

const { onnx } = protobuf;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

function isFloat32(info: O.IValueInfoProto): boolean {
  return info.type?.tensorType?.elemType === FLOAT;
}

function asFloat16(info: O.IValueInfoProto): O.IValueInfoProto {
  return { ...info, type: { tensorType: { ...info.type!.tensorType, elemType: FLOAT16 } } };
}

function cast(from: string, to: string, type: number): O.INodeProto {
  return {
    opType: 'Cast',
    name: `${to}_cast`,
    input: [from],
    output: [to],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: type }],
  };
}

/** The same graph with every float32 graph input and output declared float16. */
export function withFloat16Io(graph: O.IGraphProto): O.IGraphProto {
  const renamed = new Map<string, string>();
  const inputs = (graph.input ?? []).filter(isFloat32).map((i) => i.name!);
  const outputs = (graph.output ?? []).filter(isFloat32).map((o) => o.name!);
  for (const name of [...inputs, ...outputs]) renamed.set(name, `${name}__float32`);
  const rename = (name: string): string => renamed.get(name) ?? name;
  const body = (graph.node ?? []).map((node) => ({ ...node, input: (node.input ?? []).map(rename), output: (node.output ?? []).map(rename) }));
  return {
    ...graph,
    node: [
      ...inputs.map((name) => cast(name, rename(name), FLOAT)),
      ...body,
      ...outputs.map((name) => cast(rename(name), name, FLOAT16)),
    ],
    input: (graph.input ?? []).map((i) => (isFloat32(i) ? asFloat16(i) : i)),
    output: (graph.output ?? []).map((o) => (isFloat32(o) ? asFloat16(o) : o)),
  };
}
