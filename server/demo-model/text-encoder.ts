// The demo text encoder: looks each token's meaning up in an embedding table, drops whatever follows the
// end token, and splits colours into foreground and background roles by whether "background" follows
// within two tokens. Built as an ONNX graph and mirrored in TypeScript for the reference renderer.
import { GraphBuilder } from '../onnx-build/graph-builder.js';
import { DEMO_VOCABULARY, END_TOKEN, MAX_TOKENS } from './clip-vocab.js';
import { EMBEDDING, embeddingRow } from './words.js';

const FLOAT = 1; // onnx.TensorProto.DataType.FLOAT, for Cast
const ROLE_SHIFT = 4; // channels of the colour block (RGB + count), duplicated into two roles

/** Channels of last_hidden_state. */
export const HIDDEN = {
  foreground: 0, // 3 channels: signed RGB of foreground-role colour words
  foregroundCount: 3,
  background: 4, // 3 channels: signed RGB of background-role colour words
  backgroundCount: 7,
  shapes: EMBEDDING.shapes + ROLE_SHIFT,
  dx: EMBEDDING.dx + ROLE_SHIFT,
  dy: EMBEDDING.dy + ROLE_SHIFT,
  size: EMBEDDING.size + ROLE_SHIFT,
  width: EMBEDDING.width + ROLE_SHIFT,
} as const;

/** How many tokens after a colour word a background word may come and still make it the background. */
const BACKGROUND_REACH = 2;

function embeddingTable(): Float32Array {
  const { tokens } = DEMO_VOCABULARY;
  const table = new Float32Array(tokens.length * EMBEDDING.width);
  tokens.forEach((token, id) => {
    if (token.endsWith('</w>')) table.set(embeddingRow(token.slice(0, -4)), id * EMBEDDING.width);
  });
  return table;
}

export function buildTextEncoder(): GraphBuilder {
  const g = new GraphBuilder('easel_demo_text_encoder');
  g.output(textFeatures(g), 'last_hidden_state', 'float32', ['batch', MAX_TOKENS, HIDDEN.width]);
  return g;
}

/** Adds the encoder's input_ids input and its feature computation to `g`; returns the [batch, 77, HIDDEN.width] value. */
export function textFeatures(g: GraphBuilder): string {
  const vocabSize = DEMO_VOCABULARY.tokens.length;
  const ids = g.input('input_ids', 'int32', ['batch', MAX_TOKENS]);
  const table = g.constant('float32', [vocabSize, EMBEDDING.width], embeddingTable(), 'token_embedding');
  const embedded = g.op('Gather', [table, ids], { axis: { int: 0 } });

  // A token counts only if no end token comes before it (the end token itself is all zeros).
  const endId = g.scalar(DEMO_VOCABULARY.ids.get(END_TOKEN)!, 'int32');
  const isEnd = g.op('Cast', [g.op('Equal', [ids, endId])], { to: { int: FLOAT } });
  const endsBefore = g.op('CumSum', [isEnd, g.scalar(1, 'int64')], { exclusive: { int: 1 } });
  const live = g.op('Cast', [g.op('Less', [endsBefore, g.scalar(0.5)])], { to: { int: FLOAT } });
  const tokens = g.op('Mul', [embedded, g.op('Unsqueeze', [live, g.ints([2])])]);

  const slice = (from: number, to: number) => g.op('Slice', [tokens, g.ints([from]), g.ints([to]), g.ints([2])]);
  // A fixed 1-D convolution over the sequence: background words in the next BACKGROUND_REACH positions.
  const backgroundWord = g.op('Transpose', [slice(EMBEDDING.backgroundWord, EMBEDDING.backgroundWord + 1)], {
    perm: { ints: [0, 2, 1] },
  });
  const lookAhead = g.constant('float32', [1, 1, BACKGROUND_REACH + 1], [0, ...Array<number>(BACKGROUND_REACH).fill(1)]);
  const ahead = g.op('Conv', [backgroundWord, lookAhead], { pads: { ints: [0, BACKGROUND_REACH] } });
  const isBackground = g.op('Transpose', [g.op('Min', [ahead, g.scalar(1)])], { perm: { ints: [0, 2, 1] } });

  const colour = slice(EMBEDDING.colour, EMBEDDING.colourCount + 1);
  const foreground = g.op('Mul', [colour, g.op('Sub', [g.scalar(1), isBackground])]);
  const background = g.op('Mul', [colour, isBackground]);
  return g.op('Concat', [foreground, background, slice(EMBEDDING.backgroundWord, EMBEDDING.width)], {
    axis: { int: 2 },
  });
}

/** What the text encoder graph outputs for one sequence of 77 ids: [77 × HIDDEN.width], row-major. */
export function encodeDemoTokens(ids: Int32Array): Float64Array {
  const { tokens } = DEMO_VOCABULARY;
  const endId = DEMO_VOCABULARY.ids.get(END_TOKEN)!;
  const rows = Array.from(ids, (id) => {
    const token = tokens[id] ?? '';
    return token.endsWith('</w>') ? embeddingRow(token.slice(0, -4)) : new Float32Array(EMBEDDING.width);
  });
  const end = ids.indexOf(endId);
  const live = end < 0 ? ids.length : end;
  const isBackgroundWord = (i: number) => i < live && rows[i]![EMBEDDING.backgroundWord] === 1;
  const hidden = new Float64Array(ids.length * HIDDEN.width);
  for (let i = 0; i < live; i++) {
    const row = rows[i]!;
    let ahead = 0;
    for (let k = 1; k <= BACKGROUND_REACH; k++) if (isBackgroundWord(i + k)) ahead += 1;
    const role = Math.min(ahead, 1);
    const out = i * HIDDEN.width;
    for (let c = 0; c < ROLE_SHIFT; c++) {
      hidden[out + HIDDEN.foreground + c] = row[EMBEDDING.colour + c]! * (1 - role);
      hidden[out + HIDDEN.background + c] = row[EMBEDDING.colour + c]! * role;
    }
    for (let c = EMBEDDING.backgroundWord; c < EMBEDDING.width; c++) hidden[out + c + ROLE_SHIFT] = row[c]!;
  }
  return hidden;
}
