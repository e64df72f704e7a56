// easel-demo-xl's share of the SDXL layout. Its two text encoders each carry part of the demo's features in their
// penultimate hidden states (the first the colours, the second the shape, place and size, and its pooled text_embeds);
// their last layer is deliberately wrong, so only diffusers' hidden_states[-2] conditioning draws the prompt. The
// UNet takes the colours from the first half of encoder_hidden_states, the rest from the second half, and fades x₀
// to nothing unless text_embeds matches the second half and time_ids is (size, no crop, size) of the image drawn.
import { GraphBuilder } from '../onnx-build/graph-builder.js';
import type { Arith } from './arith.js';
import { MAX_TOKENS } from './clip-vocab.js';
import { HIDDEN, textFeatures } from './text-encoder.js';
import { VAE_SCALE } from './vae.js';

/** The colour block of the demo features (foreground and background RGB with their counts). */
const COLOUR_CHANNELS = HIDDEN.shapes;
/** diffusers' default time ids of an uncropped image: original size, crop top-left, target size. */
const TIME_IDS = 6;

function channelMask(colours: boolean): number[] {
  return Array.from({ length: HIDDEN.width }, (_, c) => ((c < COLOUR_CHANNELS) === colours ? 1 : 0));
}

/** text_encoder (first: colours) or text_encoder_2 (second: everything else, plus text_embeds). */
export function buildXlTextEncoder(which: 'first' | 'second'): GraphBuilder {
  const g = new GraphBuilder(which === 'first' ? 'easel_demo_xl_text_encoder' : 'easel_demo_xl_text_encoder_2');
  const mask = g.constant('float32', [HIDDEN.width], channelMask(which === 'first'), 'role_mask');
  const features = g.op('Mul', [textFeatures(g), mask]);
  const wrong = g.op('Neg', [features]);
  const dims = ['batch', MAX_TOKENS, HIDDEN.width];
  g.output(g.op('Mul', [features, g.scalar(0.5)]), 'hidden_states.0', 'float32', dims);
  g.output(features, 'hidden_states.1', 'float32', dims);
  g.output(wrong, 'hidden_states.2', 'float32', dims);
  g.output(wrong, 'last_hidden_state', 'float32', dims);
  const pooled = g.op('ReduceSum', [features, g.ints([1])], { keepdims: { int: 0 } });
  g.output(pooled, which === 'first' ? 'pooler_output' : 'text_embeds', 'float32', ['batch', HIDDEN.width]);
  return g;
}

export interface XlUnetInputs {
  textEmbeds: string;
  timeIds: string;
}

export function xlUnetInputs(g: GraphBuilder): XlUnetInputs {
  return {
    textEmbeds: g.input('text_embeds', 'float32', ['batch', HIDDEN.width]),
    timeIds: g.input('time_ids', 'float32', ['batch', TIME_IDS]),
  };
}

/** The pooled demo features from the two halves of the pooled encoder_hidden_states [batch, 2 × width]. */
export function xlFeatures(g: GraphBuilder, pooledBoth: string): { features: string; second: string } {
  const half = (from: number) => g.op('Slice', [pooledBoth, g.ints([from]), g.ints([from + HIDDEN.width]), g.ints([1])]);
  const first = g.op('Mul', [half(0), g.constant('float32', [HIDDEN.width], channelMask(true), 'colour_mask')]);
  const second = g.op('Mul', [half(HIDDEN.width), g.constant('float32', [HIDDEN.width], channelMask(false), 'rest_mask')]);
  return { features: g.op('Add', [first, second]), second };
}

/** 1 when text_embeds and time_ids are what the pipeline should send, falling to 0 as they differ; [batch, 1, 1, 1]. */
export function xlGate(g: GraphBuilder, o: Arith<string>, inputs: XlUnetInputs, second: string, height: string, width: string): string {
  const distance = (a: string, b: string) => g.op('ReduceSum', [o.abs(o.sub(a, b)), g.ints([1])], { keepdims: { int: 1 } });
  const pixels = (latent: string) => g.op('Reshape', [o.mul(latent, o.c(VAE_SCALE)), g.ints([1])]);
  const zero = g.constant('float32', [2], [0, 0], 'crop');
  const expected = g.op('Concat', [pixels(height), pixels(width), zero, pixels(height), pixels(width)], { axis: { int: 0 } });
  const mismatch = o.add(distance(inputs.textEmbeds, second), distance(inputs.timeIds, expected));
  const gate = o.max(o.sub(o.c(1), mismatch), o.c(0));
  return g.op('Reshape', [gate, g.ints([-1, 1, 1, 1])]);
}
