// HTML character references as Python's html.unescape resolves them, with a short table of named entities.

// Bytes 0x80–0x9F read as Windows-1252; the five it leaves undefined keep their code point.
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** The Windows-1252 reading of a C1 control character (U+0080–U+009F); other characters are returned unchanged. */
export function c1AsWindows1252(char: string): string {
  const code = char.charCodeAt(0);
  return code >= 0x80 && code <= 0x9f && char.length === 1 ? (WINDOWS_1252_C1[code - 0x80] as string) : char;
}

// The full HTML5 list has ~2,200 names; prompts realistically carry only these. Others stay as written.
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', lsquo: '\u2018', rsquo: '\u2019',
  ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', middot: '\u00b7', bull: '\u2022',
  deg: '\u00b0', times: '\u00d7', divide: '\u00f7', euro: '\u20ac', pound: '\u00a3', yen: '\u00a5',
  cent: '\u00a2', sect: '\u00a7', para: '\u00b6', shy: '\u00ad', eacute: '\u00e9', egrave: '\u00e8',
  agrave: '\u00e0', aacute: '\u00e1', uuml: '\u00fc', ouml: '\u00f6', auml: '\u00e4', ccedil: '\u00e7',
  ntilde: '\u00f1', szlig: '\u00df', AMP: '&', LT: '<', GT: '>', QUOT: '"', COPY: '\u00a9', REG: '\u00ae',
};
// HTML5 also accepts these without the closing semicolon (the Latin-1 era names).
const WITHOUT_SEMICOLON = new Set([
  'amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg', 'laquo', 'raquo', 'middot', 'deg', 'times', 'divide',
  'pound', 'yen', 'cent', 'sect', 'para', 'shy', 'eacute', 'egrave', 'agrave', 'aacute', 'uuml', 'ouml',
  'auml', 'ccedil', 'ntilde', 'szlig', 'AMP', 'LT', 'GT', 'QUOT', 'COPY', 'REG',
]);

const REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

function isDroppedCodePoint(code: number): boolean {
  return (
    (code >= 0x1 && code <= 0x8) || code === 0xb || (code >= 0xe && code <= 0x1f) || (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe
  );
}

function numeric(body: string): string {
  const hex = body[1] === 'x' || body[1] === 'X';
  const digits = body.slice(hex ? 2 : 1).replace(/;$/, '').replace(/^0+(?=.)/, '');
  const code = digits.length > 8 ? Infinity : Number.parseInt(digits, hex ? 16 : 10);
  if (code === 0) return '\ufffd';
  if (code === 0x0d) return '\r';
  if (code >= 0x80 && code <= 0x9f) return c1AsWindows1252(String.fromCharCode(code));
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '\ufffd';
  if (isDroppedCodePoint(code)) return '';
  return String.fromCodePoint(code);
}

function named(body: string): string {
  if (body.endsWith(';')) {
    const value = NAMED[body.slice(0, -1)];
    if (value !== undefined) return value;
  } else if (WITHOUT_SEMICOLON.has(body)) {
    return NAMED[body] as string;
  }
  // Longest legacy name that prefixes the reference wins; the rest stays as text ("&ampx" → "&x").
  for (let end = body.length - 1; end > 1; end--) {
    const name = body.slice(0, end);
    if (WITHOUT_SEMICOLON.has(name)) return (NAMED[name] as string) + body.slice(end);
  }
  return `&${body}`;
}

export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (_match, body: string) => (body.startsWith('#') ? numeric(body) : named(body)));
}
