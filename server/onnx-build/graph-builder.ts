// Builds ONNX models in TypeScript (for the demo model, test fixtures and benchmark models): nodes,
// initializers and graph IO, serialized with onnx-proto; large weights can go to an external-data file.
import protobuf from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';
import { toFloat16Bits } from '../runner/pipeline/float16.js';
import { withFloat16Io } from './float16-io.js';

const { onnx } = protobuf;

export type DType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';

const DATA_TYPES: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** An attribute value, tagged with its ONNX kind because JS numbers can't tell ints from floats. */
export type Attribute =
  | { int: number }
  | { float: number }
  | { ints: number[] }
  | { floats: number[] }
  | { string: string }
  | { tensor: { dtype: DType; dims: number[]; values: ArrayLike<number> } };

export type Dim = number | string;

export interface SerializedModel {
  /** Bytes of model.onnx. */
  model: Uint8Array;
  /** Bytes of the external-data file, when any initializer was moved out. */
  externalData?: Uint8Array;
}

export interface SerializeOptions {
  opset?: number;
  producer?: string;
  /** Initializers at least this many bytes go to `fileName` next to model.onnx. */
  externalData?: { fileName: string; minBytes: number };
  /** Declare the float32 graph inputs and outputs float16, as an fp16 export does (casts at the boundary). */
  float16Io?: boolean;
}

function tensorBytes(dtype: DType, values: ArrayLike<number>): Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(values).buffer);
    case 'int64':
      return new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))).buffer);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    case 'float16':
      return new Uint8Array(Uint16Array.from(values, toFloat16Bits).buffer);
  }
}

function toAttributeProto(name: string, value: Attribute): O.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  if ('string' in value) return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
  const { dtype, dims, values } = value.tensor;
  return { name, type: T.TENSOR, t: { dims, dataType: DATA_TYPES[dtype], rawData: tensorBytes(dtype, values) } };
}

function valueInfo(name: string, dtype: DType, dims: Dim[]): O.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: O.INodeProto[] = [];
  private readonly initializers: O.ITensorProto[] = [];
  private readonly inputs: O.IValueInfoProto[] = [];
  private readonly outputs: O.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  private fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.usedNames.has(name));
    this.usedNames.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`ONNX graph ${this.graphName}: name "${name}" used twice`);
    this.usedNames.add(name);
    return name;
  }

  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), dtype, dims));
    return name;
  }

  /** Declares `value` (a name produced by a node) as a graph output called `name`. */
  output(value: string, name: string, dtype: DType, dims: Dim[]): void {
    if (value !== name) this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  constant(dtype: DType, dims: number[], values: ArrayLike<number>, hint = 'const'): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) {
      throw new Error(`ONNX graph ${this.graphName}: initializer ${hint} has ${values.length} values for dims [${dims}]`);
    }
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, dataType: DATA_TYPES[dtype], rawData: tensorBytes(dtype, values) });
    return name;
  }

  scalar(value: number, dtype: DType = 'float32'): string {
    return this.constant(dtype, [], [value], 'scalar');
  }

  ints(values: number[]): string {
    return this.constant('int64', [values.length], values, 'ints');
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    const [out] = this.opMulti(opType, inputs, 1, attributes, outputName === undefined ? undefined : [outputName]);
    return out!;
  }

  opMulti(
    opType: string,
    inputs: string[],
    outputCount: number,
    attributes: Record<string, Attribute> = {},
    outputNames?: string[],
  ): string[] {
    const outputs = outputNames?.map((n) => this.claim(n)) ?? Array.from({ length: outputCount }, () => this.fresh(opType));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([k, v]) => toAttributeProto(k, v)),
    });
    return outputs;
  }

  serialize(options: SerializeOptions = {}): SerializedModel {
    const initializers = this.initializers.map((t) => ({ ...t }));
    let externalData: Uint8Array | undefined;
    if (options.externalData) {
      const { fileName, minBytes } = options.externalData;
      const chunks: Uint8Array[] = [];
      let offset = 0;
      for (const tensor of initializers) {
        const raw = tensor.rawData;
        if (!raw || raw.byteLength < minBytes) continue;
        tensor.externalData = [
          { key: 'location', value: fileName },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(raw.byteLength) },
        ];
        tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        tensor.rawData = null;
        chunks.push(raw);
        offset += raw.byteLength;
      }
      if (chunks.length > 0) externalData = Buffer.concat(chunks);
    }
    const graph: O.IGraphProto = {
      name: this.graphName,
      node: this.nodes,
      initializer: initializers,
      input: this.inputs,
      output: this.outputs,
    };
    const model: O.IModelProto = {
      irVersion: 8,
      producerName: options.producer ?? 'easel',
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      graph: options.float16Io ? withFloat16Io(graph) : graph,
    };
    const bytes = onnx.ModelProto.encode(model).finish();
    return externalData ? { model: bytes, externalData } : { model: bytes };
  }
}
