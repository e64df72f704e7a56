// The picture a prompt describes, as scaled latents: the pooled hidden states choose colours, shape, position
// and size; the pixel coordinates place a softly edged shape over the background. Written once over Arith so
// that the UNet graph and the reference renderer compute the same thing.
import type { Arith } from './arith.js';
import { SHAPE_OUTLINES } from './shapes.js';
import { HIDDEN } from './text-encoder.js';
import { LATENT_CHANNELS, latentWeight } from './vae.js';
import { DEMO_SHAPES } from './words.js';

/** A shape with no colour word is drawn in this signed RGB (white). */
const DEFAULT_FOREGROUND = [1, 1, 1] as const;
const BASE_RADIUS = 0.5;
const RADIUS_PER_SIZE_STEP = 0.18;
/** Sigmoid slope across the outline, per latent pixel: the edge is about one latent pixel wide. */
const EDGE_SHARPNESS = 4;

interface SceneInputs<T> {
  /** A channel of the hidden states summed over the sequence. */
  feature(channel: number): T;
  /** Latent pixel centre, in units of half the shorter side, origin at the centre, y down. */
  x: T;
  y: T;
  /** Half the width and height in those units (1 along the shorter side). */
  halfWidth: T;
  halfHeight: T;
  /** Latent pixels per unit. */
  pixelsPerUnit: T;
}

/** The scaled latent x₀ (LATENT_CHANNELS values) the prompt's features describe at one position. */
export function sceneLatent<T>(o: Arith<T>, s: SceneInputs<T>): T[] {
  const clamp = (v: T, lo: number, hi: number) => o.min(o.max(v, o.c(lo)), o.c(hi));
  const atMostOne = (v: T) => o.min(v, o.c(1));
  const one = o.c(1);

  const foregroundCount = s.feature(HIDDEN.foregroundCount);
  const backgroundCount = s.feature(HIDDEN.backgroundCount);
  const shapePresence = DEMO_SHAPES.map((_, i) => atMostOne(s.feature(HIDDEN.shapes + i)));
  const anyShape = atMostOne(shapePresence.reduce((a, b) => o.add(a, b)));
  const noForeground = o.sub(one, atMostOne(foregroundCount));
  // With no background word the background is mid-grey, or the colour itself when no shape is named.
  const backgroundFromColour = o.mul(o.sub(one, atMostOne(backgroundCount)), o.sub(one, anyShape));

  const foreground: T[] = [];
  const background: T[] = [];
  for (let c = 0; c < 3; c++) {
    const colourMean = o.div(s.feature(HIDDEN.foreground + c), o.max(foregroundCount, one));
    foreground.push(o.add(colourMean, o.mul(noForeground, o.c(DEFAULT_FOREGROUND[c]!))));
    const backgroundMean = o.div(s.feature(HIDDEN.background + c), o.max(backgroundCount, one));
    background.push(o.add(backgroundMean, o.mul(backgroundFromColour, colourMean)));
  }

  const radius = o.add(o.c(BASE_RADIUS), o.mul(o.c(RADIUS_PER_SIZE_STEP), clamp(s.feature(HIDDEN.size), -2, 2)));
  const centreX = o.mul(o.mul(o.c(0.5), clamp(s.feature(HIDDEN.dx), -1, 1)), s.halfWidth);
  const centreY = o.mul(o.mul(o.c(0.5), clamp(s.feature(HIDDEN.dy), -1, 1)), s.halfHeight);
  const u = o.div(o.sub(s.x, centreX), radius);
  const v = o.div(o.sub(s.y, centreY), radius);
  // Outline distances are in shape units; this turns them into latent pixels, negated (inside is positive).
  const slope = o.mul(o.c(-EDGE_SHARPNESS), o.mul(radius, s.pixelsPerUnit));
  const masks = DEMO_SHAPES.map((shape, i) => o.mul(shapePresence[i]!, o.sigmoid(o.mul(slope, SHAPE_OUTLINES[shape](o, u, v)))));
  const mask = atMostOne(masks.reduce((a, b) => o.add(a, b)));

  const rgb = [0, 1, 2].map((c) => o.add(background[c]!, o.mul(mask, o.sub(foreground[c]!, background[c]!))));
  return Array.from({ length: LATENT_CHANNELS }, (_, j) =>
    rgb.map((value, c) => o.mul(o.c(latentWeight(j, c)), value)).reduce((a, b) => o.add(a, b)),
  );
}
