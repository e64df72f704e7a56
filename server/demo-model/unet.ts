// The demo UNet: the exact noise predictor ε = (x_t − √ᾱ_t·x₀) / √(1 − ᾱ_t) for x₀ = the scaled latent of
// the picture the prompt describes (drawn from the encoder hidden states and a coordinate grid taken from the
// sample's own size), with ᾱ from the scheduler config, linear between integer timesteps. The v-prediction variant
// (SD 2.x) outputs the same predictor as a velocity, v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀.
import { GraphBuilder } from '../onnx-build/graph-builder.js';
import { graphArith } from './arith.js';
import { MAX_TOKENS } from './clip-vocab.js';
import type { DemoPrediction } from './variants.js';
import { xlFeatures, xlGate, xlUnetInputs } from './xl.js';
import { sceneLatent } from './scene.js';
import { HIDDEN } from './text-encoder.js';
import { LATENT_CHANNELS } from './vae.js';

const FLOAT = 1; // onnx.TensorProto.DataType.FLOAT, for Cast
const INT64 = 7;

/** `xl`: easel-demo-xl's UNet, conditioned through both encoders, text_embeds and time_ids (xl.ts). */
export function buildUnet(alphasCumprod: Float32Array, prediction: DemoPrediction = 'epsilon', xl = false): GraphBuilder {
  const g = new GraphBuilder('easel_demo_unet');
  const o = graphArith(g);
  const sample = g.input('sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', [1]);
  const hidden = g.input('encoder_hidden_states', 'float32', ['batch', MAX_TOKENS, (xl ? 2 : 1) * HIDDEN.width]);
  const added = xl ? xlUnetInputs(g) : undefined;

  const pooledHidden = g.op('ReduceSum', [hidden, g.ints([1])], { keepdims: { int: 0 } });
  const split = xl ? xlFeatures(g, pooledHidden) : undefined;
  const pooled = split?.features ?? pooledHidden;
  const features = new Map<number, string>();
  const feature = (channel: number): string => {
    let name = features.get(channel);
    if (name === undefined) {
      const column = g.op('Slice', [pooled, g.ints([channel]), g.ints([channel + 1]), g.ints([1])]);
      features.set(channel, (name = g.op('Reshape', [column, g.ints([-1, 1, 1, 1])])));
    }
    return name;
  };

  const shape = g.op('Shape', [sample]);
  const size = (axis: number) =>
    g.op('Cast', [g.op('Gather', [shape, g.scalar(axis, 'int64')], { axis: { int: 0 } })], { to: { int: FLOAT } });
  const height = size(2);
  const width = size(3);
  const shorter = o.min(height, width);
  // Pixel centres (i + 0.5), in units of half the shorter side, origin at the centre.
  const coordinates = (extent: string, dims: number[]) => {
    const centres = g.op('Range', [o.c(0.5), extent, o.c(1)]);
    return g.op('Reshape', [o.div(o.sub(o.mul(o.c(2), centres), extent), shorter), g.ints(dims)]);
  };
  const latents = sceneLatent(o, {
    feature,
    x: coordinates(width, [1, 1, 1, -1]),
    y: coordinates(height, [1, 1, -1, 1]),
    halfWidth: o.div(width, shorter),
    halfHeight: o.div(height, shorter),
    pixelsPerUnit: o.mul(o.c(0.5), shorter),
  });
  const scene = g.op('Concat', latents, { axis: { int: 1 } });
  const x0 = added && split ? o.mul(scene, xlGate(g, o, added, split.second, height, width)) : scene;

  const last = alphasCumprod.length - 1;
  const table = g.constant('float32', [alphasCumprod.length], alphasCumprod, 'alphas_cumprod');
  const t = g.op('Clip', [timestep, o.c(0), o.c(last)]);
  const lower = g.op('Floor', [t]);
  const upper = o.min(o.add(lower, o.c(1)), o.c(last));
  const at = (step: string) => g.op('Gather', [table, g.op('Cast', [step], { to: { int: INT64 } })], { axis: { int: 0 } });
  const alphaLower = at(lower);
  const alphaBar = o.add(alphaLower, o.mul(o.sub(t, lower), o.sub(at(upper), alphaLower)));

  const sigma = o.sqrt(o.sub(o.c(1), alphaBar));
  const noise = o.div(o.sub(sample, o.mul(o.sqrt(alphaBar), x0)), sigma);
  const out = prediction === 'v_prediction' ? o.sub(o.mul(o.sqrt(alphaBar), noise), o.mul(sigma, x0)) : noise;
  g.output(out, 'out_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  return g;
}
