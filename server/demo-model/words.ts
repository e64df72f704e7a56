// The demo model's vocabulary: every word it understands, what each means for the drawing, and the
// per-token feature vector (the text encoder's embedding row) that carries that meaning.

/** Colour components in the image's [-1, 1] space. Only -1, 0 and 1 are used: classifier-free guidance
 * extrapolates from the mid-grey (0) unconditional image, so g·c clamped to [-1, 1] keeps every colour. */
type SignedRgb = readonly [number, number, number];

const COLOURS: Readonly<Record<string, SignedRgb>> = {
  red: [1, -1, -1],
  green: [-1, 1, -1],
  blue: [-1, -1, 1],
  yellow: [1, 1, -1],
  cyan: [-1, 1, 1],
  magenta: [1, -1, 1],
  white: [1, 1, 1],
  black: [-1, -1, -1],
  orange: [1, 0, -1],
  purple: [0, -1, 1],
  pink: [1, 0, 0],
  teal: [-1, 0, 0],
  navy: [-1, -1, 0],
  grey: [0, 0, 0],
  gray: [0, 0, 0],
};

/** Colour words and the sRGB (0–255) they are drawn in at any guidance ≥ 1. */
export const DEMO_COLOURS: Readonly<Record<string, readonly [number, number, number]>> = Object.fromEntries(
  Object.entries(COLOURS).map(([word, rgb]) => [word, rgb.map((v) => Math.ceil((v + 1) * 127.5)) as unknown as [number, number, number]]),
);

/** Canonical shapes, in the order of their feature channels. */
export const DEMO_SHAPES = ['circle', 'square', 'triangle', 'star', 'ring', 'heart', 'diamond', 'cross'] as const;
export type DemoShape = (typeof DEMO_SHAPES)[number];

const SHAPE_ALIASES: Readonly<Record<string, DemoShape>> = { disc: 'circle', disk: 'circle', plus: 'cross' };

/** Position words as (dx, dy) pushes; the summed push is clamped to [-1, 1] per axis, where ±1 puts the
 * shape's centre a quarter of the image from that edge. */
export const DEMO_POSITIONS: Readonly<Record<string, readonly [number, number]>> = {
  left: [-1, 0],
  right: [1, 0],
  top: [0, -1],
  upper: [0, -1],
  bottom: [0, 1],
  lower: [0, 1],
  center: [0, 0],
  centre: [0, 0],
  middle: [0, 0],
};

/** Size words as steps; the summed steps are clamped to [-2, 2] and the shape's radius is
 * (0.5 + 0.18·steps) of half the image's shorter side. */
export const DEMO_SIZES: Readonly<Record<string, number>> = { tiny: -2, small: -1, big: 1, large: 1, huge: 2 };

/** A colour word followed within two tokens by one of these paints the background. */
export const DEMO_BACKGROUND_WORDS = ['background', 'backdrop'] as const;

/** Words with no effect of their own, in the vocabulary so that natural prompts tokenize to whole words. */
const FILLER_WORDS = [
  'a', 'an', 'the', 'on', 'in', 'at', 'of', 'with', 'and', 'over', 'against', 'to', 'is', 'shape', 'image',
  'picture', 'photo', 'drawing', 'painting', 'corner', 'side', 'coloured', 'colored', 'plain', 'solid',
];

/** Every word the demo tokenizer keeps whole, in the order their merges are created. */
export const DEMO_WORDS: readonly string[] = [
  ...Object.keys(COLOURS),
  ...DEMO_SHAPES,
  ...Object.keys(SHAPE_ALIASES),
  ...Object.keys(DEMO_POSITIONS),
  ...Object.keys(DEMO_SIZES),
  ...DEMO_BACKGROUND_WORDS,
  ...FILLER_WORDS,
];

/** Channels of a token's embedding row. */
export const EMBEDDING = {
  colour: 0, // 3 channels: signed RGB
  colourCount: 3,
  backgroundWord: 4,
  shapes: 5, // one channel per DEMO_SHAPES entry
  dx: 5 + DEMO_SHAPES.length,
  dy: 6 + DEMO_SHAPES.length,
  size: 7 + DEMO_SHAPES.length,
  width: 8 + DEMO_SHAPES.length,
} as const;

/** The embedding row of a word (all zeros for words and sub-words the demo doesn't draw). */
export function embeddingRow(word: string): Float32Array {
  const row = new Float32Array(EMBEDDING.width);
  const colour = COLOURS[word];
  if (colour) {
    row.set(colour, EMBEDDING.colour);
    row[EMBEDDING.colourCount] = 1;
  }
  if ((DEMO_BACKGROUND_WORDS as readonly string[]).includes(word)) row[EMBEDDING.backgroundWord] = 1;
  const shape = SHAPE_ALIASES[word] ?? DEMO_SHAPES.find((s) => s === word);
  if (shape) row[EMBEDDING.shapes + DEMO_SHAPES.indexOf(shape)] = 1;
  const position = DEMO_POSITIONS[word];
  if (position) {
    row[EMBEDDING.dx] = position[0];
    row[EMBEDDING.dy] = position[1];
  }
  const size = DEMO_SIZES[word];
  if (size !== undefined) row[EMBEDDING.size] = size;
  return row;
}
