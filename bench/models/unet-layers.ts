// The building blocks of a Stable-Diffusion-style UNet as ONNX nodes (group norm, SiLU, residual blocks,
// self- and cross-attention transformer blocks), laid out the way diffusers' ONNX exports lay them out, so the
// benchmark's heavy model costs onnxruntime what a real UNet of that size would.
import type { GraphBuilder } from '../../server/onnx-build/graph-builder.js';
import type { WeightSource } from './random-weights.js';

const EPSILON = 1e-5;

export class UnetLayers {
  constructor(
    private readonly g: GraphBuilder,
    private readonly weights: WeightSource,
  ) {}

  private ones(count: number, dims: number[] = [count]): string {
    return this.g.constant('float32', dims, new Float32Array(count).fill(1), 'ones');
  }

  private zeros(count: number, dims: number[] = [count]): string {
    return this.g.constant('float32', dims, new Float32Array(count), 'zeros');
  }

  conv(x: string, cin: number, cout: number, kernel: number, stride = 1): string {
    const fanIn = cin * kernel * kernel;
    const weight = this.g.constant('float32', [cout, cin, kernel, kernel], this.weights.uniform(cout * fanIn, fanIn), 'conv_w');
    const bias = this.g.constant('float32', [cout], this.weights.uniform(cout, fanIn), 'conv_b');
    const pad = Math.floor(kernel / 2);
    return this.g.op('Conv', [x, weight, bias], {
      kernel_shape: { ints: [kernel, kernel] },
      pads: { ints: [pad, pad, pad, pad] },
      strides: { ints: [stride, stride] },
    });
  }

  linear(x: string, cin: number, cout: number, bias = true): string {
    const weight = this.g.constant('float32', [cin, cout], this.weights.uniform(cin * cout, cin), 'linear_w');
    const product = this.g.op('MatMul', [x, weight]);
    return bias ? this.g.op('Add', [product, this.g.constant('float32', [cout], this.weights.uniform(cout, cin), 'linear_b')]) : product;
  }

  silu(x: string): string {
    return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])]);
  }

  /** The erf form of GELU, which onnxruntime fuses into one Gelu kernel at its highest optimization level. */
  gelu(x: string): string {
    const erf = this.g.op('Erf', [this.g.op('Mul', [x, this.g.scalar(Math.SQRT1_2)])]);
    return this.g.op('Mul', [this.g.op('Mul', [x, this.g.scalar(0.5)]), this.g.op('Add', [erf, this.g.scalar(1)])]);
  }

  /** Group norm as pre-opset-18 exporters write it: instance norm over [batch, groups, rest], then a per-channel affine. */
  groupNorm(x: string, channels: number, groups = 32): string {
    const grouped = this.g.op('Reshape', [x, this.g.ints([0, groups, -1])]);
    const normed = this.g.op('InstanceNormalization', [grouped, this.ones(groups), this.zeros(groups)], { epsilon: { float: EPSILON } });
    const restored = this.g.op('Reshape', [normed, this.g.op('Shape', [x])]);
    const scaled = this.g.op('Mul', [restored, this.ones(channels, [channels, 1, 1])]);
    return this.g.op('Add', [scaled, this.zeros(channels, [channels, 1, 1])]);
  }

  layerNorm(x: string, channels: number): string {
    return this.g.op('LayerNormalization', [x, this.ones(channels), this.zeros(channels)], { axis: { int: -1 }, epsilon: { float: EPSILON } });
  }

  /** diffusers' ResnetBlock2D: two norm-SiLU-conv stages, the time embedding added between them. */
  resBlock(x: string, cin: number, cout: number, timeEmbedding: string, timeDim: number): string {
    let h = this.conv(this.silu(this.groupNorm(x, cin)), cin, cout, 3);
    const time = this.g.op('Reshape', [this.linear(this.silu(timeEmbedding), timeDim, cout), this.g.ints([-1, cout, 1, 1])]);
    h = this.g.op('Add', [h, time]);
    h = this.conv(this.silu(this.groupNorm(h, cout)), cout, cout, 3);
    const skip = cin === cout ? x : this.conv(x, cin, cout, 1);
    return this.g.op('Add', [skip, h]);
  }

  /** Multi-head attention of tokens [b, N, C] over `context` [b, M, contextDim] (itself when absent). */
  attention(tokens: string, channels: number, heads: number, context?: { value: string; dim: number }): string {
    const headDim = channels / heads;
    const source = context ?? { value: tokens, dim: channels };
    const split = (x: string, perm: number[]) =>
      this.g.op('Transpose', [this.g.op('Reshape', [x, this.g.ints([0, 0, heads, headDim])])], { perm: { ints: perm } });
    const q = split(this.linear(tokens, channels, channels, false), [0, 2, 1, 3]);
    const k = split(this.linear(source.value, source.dim, channels, false), [0, 2, 3, 1]);
    const v = split(this.linear(source.value, source.dim, channels, false), [0, 2, 1, 3]);
    const scores = this.g.op('Mul', [this.g.op('MatMul', [q, k]), this.g.scalar(1 / Math.sqrt(headDim))]);
    const mixed = this.g.op('MatMul', [this.g.op('Softmax', [scores], { axis: { int: -1 } }), v]);
    const merged = this.g.op('Reshape', [this.g.op('Transpose', [mixed], { perm: { ints: [0, 2, 1, 3] } }), this.g.ints([0, 0, channels])]);
    return this.linear(merged, channels, channels);
  }

  /** GEGLU feed-forward, as in SD's BasicTransformerBlock. */
  feedForward(tokens: string, channels: number): string {
    const inner = 4 * channels;
    const [value, gate] = this.g.opMulti('Split', [this.linear(tokens, channels, 2 * inner), this.g.ints([inner, inner])], 2, {
      axis: { int: -1 },
    });
    return this.linear(this.g.op('Mul', [value!, this.gelu(gate!)]), inner, channels);
  }

  /** diffusers' Transformer2DModel with one BasicTransformerBlock: self-attention, cross-attention, feed-forward. */
  transformer(x: string, channels: number, heads: number, context: { value: string; dim: number }): string {
    const projected = this.conv(this.groupNorm(x, channels), channels, channels, 1);
    let tokens = this.g.op('Transpose', [this.g.op('Reshape', [projected, this.g.ints([0, channels, -1])])], { perm: { ints: [0, 2, 1] } });
    tokens = this.g.op('Add', [tokens, this.attention(this.layerNorm(tokens, channels), channels, heads)]);
    tokens = this.g.op('Add', [tokens, this.attention(this.layerNorm(tokens, channels), channels, heads, context)]);
    tokens = this.g.op('Add', [tokens, this.feedForward(this.layerNorm(tokens, channels), channels)]);
    const spatial = this.g.op('Reshape', [this.g.op('Transpose', [tokens], { perm: { ints: [0, 2, 1] } }), this.g.op('Shape', [x])]);
    return this.g.op('Add', [x, this.conv(spatial, channels, channels, 1)]);
  }

  downsample(x: string, channels: number): string {
    return this.conv(x, channels, channels, 3, 2);
  }

  upsample(x: string, channels: number): string {
    const scales = this.g.constant('float32', [4], [1, 1, 2, 2], 'up_scales');
    return this.conv(this.g.op('Resize', [x, '', scales], { mode: { string: 'nearest' } }), channels, channels, 3);
  }

  /** Sinusoidal embedding of the float timestep [1] → [1, dim], then the two-layer MLP of diffusers' TimestepEmbedding. */
  timeEmbedding(timestep: string, baseDim: number, timeDim: number): string {
    const half = baseDim / 2;
    const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
    const angles = this.g.op('Mul', [this.g.op('Reshape', [timestep, this.g.ints([-1, 1])]), this.g.constant('float32', [1, half], frequencies, 'freqs')]);
    const sinusoid = this.g.op('Concat', [this.g.op('Cos', [angles]), this.g.op('Sin', [angles])], { axis: { int: 1 } });
    return this.linear(this.silu(this.linear(sinusoid, baseDim, timeDim)), timeDim, timeDim);
  }
}
