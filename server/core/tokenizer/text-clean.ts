// Prompt normalisation before pre-tokenizing: OpenAI CLIP's basic_clean (ftfy, html unescape) + whitespace_clean + lower case.
//
// ftfy is Python-only, so its deterministic fixes are reproduced here (HTML entities, terminal escapes, C1 controls,
// Latin ligatures, full/half-width forms, curly quotes, control characters, NFC). Its mojibake repair (re-decoding
// text that went through the wrong codec) is heuristic and is left out: such text is tokenized as written.
import { c1AsWindows1252, unescapeHtml } from './html-entities.js';

const TERMINAL_ESCAPE = /\x1b\[[\d;]*[A-Za-z]/g;
const C1_CONTROL = /[\x80-\x9f]/g;
const LIGATURE = /[\u0132\u0133\u0149\u01c4-\u01cc\ufb00-\ufb06]/g;
const LIGATURES: Record<string, string> = {
  '\u0132': 'IJ', '\u0133': 'ij', '\u0149': '\u02bcn', '\u01c4': 'D\u017d', '\u01c5': 'D\u017e', '\u01c6': 'd\u017e',
  '\u01c7': 'LJ', '\u01c8': 'Lj', '\u01c9': 'lj', '\u01ca': 'NJ', '\u01cb': 'Nj', '\u01cc': 'nj',
  '\ufb00': 'ff', '\ufb01': 'fi', '\ufb02': 'fl', '\ufb03': 'ffi', '\ufb04': 'ffl', '\ufb05': '\u017ft', '\ufb06': 'st',
};
const WIDE_OR_NARROW = /[\u3000\uff01-\uffef]/g;
const SINGLE_QUOTE = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTE = /[\u201c-\u201f]/g;
// ftfy's list: C0 controls other than tab/newline/form feed/CR, DEL, deprecated format characters, BOM,
// interlinear annotation marks, musical formatting controls and language tags.
const CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;
const WHITESPACE = /\p{White_Space}+/gu;

function widthFix(char: string): string {
  return char === '\u3000' ? ' ' : char.normalize('NFKC');
}

/** What ftfy.fix_text does to a prompt, minus mojibake repair. */
function fixText(text: string): string {
  // ftfy unescapes HTML itself only when the text doesn't look like markup.
  let fixed = text.includes('<') ? text : unescapeHtml(text);
  fixed = fixed
    .replace(TERMINAL_ESCAPE, '')
    .replace(C1_CONTROL, c1AsWindows1252)
    .replace(LIGATURE, (char) => LIGATURES[char] ?? char)
    .replace(WIDE_OR_NARROW, widthFix)
    .replace(SINGLE_QUOTE, "'")
    .replace(DOUBLE_QUOTE, '"')
    .replace(CONTROL, '');
  return fixed.normalize('NFC');
}

/** The text CLIP's pre-tokenizer sees: fixed, unescaped twice, whitespace runs collapsed to one space, trimmed, lower-cased. */
export function cleanPrompt(text: string): string {
  const unescaped = unescapeHtml(unescapeHtml(fixText(text)));
  return unescaped.replace(WHITESPACE, ' ').trim().toLowerCase();
}
