import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { ClipTokenizer } from '../../../server/core/tokenizer/index.js';
import { buildClipVocab, byteText, CLIP_MERGE_COUNT } from '../../helpers/clip-vocab.js';

const WORD_MERGES = [
  'h e', 'l l', 'he ll', 'hell o</w>', // hello</w>
  'w o', 'r l', 'wo rl', 'worl d</w>', // world</w>
  'c a', 'ca t</w>', 'd o', 'do g</w>', // cat</w> dog</w>
  "' s</w>", "' t</w>", "' re</w>", 'r e</w>', "' m</w>", "' ll</w>", 'l l</w>', "' d</w>", "' ve</w>", 'v e</w>',
  'do n</w>', 'i t</w>', // don</w> it</w>
  '! !</w>', '. .</w>', // !!</w> ..</w>
  `${byteText('é')[0]} ${byteText('é')[1]}</w>`, // é</w>
];
const small = buildClipVocab({ merges: WORD_MERGES });
const tokenizer = new ClipTokenizer({ vocab: small.vocab, merges: small.mergesText });

/** Ids of vocabulary entries, written as tokens to keep expectations readable. */
function ids(...tokens: string[]): number[] {
  return tokens.map((token) => {
    const id = small.vocab[token];
    if (id === undefined) throw new Error(`test vocabulary lacks ${token}`);
    return id;
  });
}

function body(text: string): number[] {
  const { inputIds, attentionMask } = tokenizer.encode(text);
  const realLength = attentionMask.indexOf(0) === -1 ? attentionMask.length : attentionMask.indexOf(0);
  return inputIds.slice(1, realLength - 1);
}

function expectCode(run: () => unknown, code: string, message: RegExp) {
  try {
    run();
  } catch (error) {
    expect(isEaselError(error) && error.code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an EaselError');
}

describe('ClipTokenizer with a vocabulary shaped like openai/clip-vit-large-patch14', () => {
  const clip = buildClipVocab({
    merges: ['p h', 'o t', 'ph ot', 'c a'],
    pinned: { 'o f</w>': 539 - 512, 'phot o</w>': 1125 - 512, 'ca t</w>': 2368 - 512 },
    mergeCount: CLIP_MERGE_COUNT,
  });
  const real = ClipTokenizer.fromFiles(clip.vocabJsonText, clip.mergesText);

  it('gives "a photo of a cat" the ids the real tokenizer gives', () => {
    const { inputIds, attentionMask } = real.encode('a photo of a cat');
    expect(Object.keys(clip.vocab)).toHaveLength(49408);
    expect(inputIds.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(inputIds).toHaveLength(77);
    expect(inputIds.slice(7)).toEqual(new Array(70).fill(49407));
    expect(attentionMask).toEqual([...new Array(7).fill(1), ...new Array(70).fill(0)]);
  });

  it('pads with "!" (id 0) when tokenizer_config.json names it, as SD 2.x does', () => {
    const config = JSON.stringify({ pad_token: { content: '!', __type: 'AddedToken' }, unk_token: '<|endoftext|>' });
    const sd2 = ClipTokenizer.fromFiles(clip.vocabJsonText, clip.mergesText, config);
    const { inputIds, attentionMask } = sd2.encode('a cat', { maxLength: 6 });
    expect(inputIds).toEqual([49406, 320, 2368, 49407, 0, 0]);
    expect(attentionMask).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('accepts an already parsed tokenizer config', () => {
    const sd2 = ClipTokenizer.fromFiles(clip.vocabJsonText, clip.mergesText, { pad_token: '!' });
    expect(sd2.padId).toBe(0);
  });
});

describe('ClipTokenizer.encode', () => {
  it('merges known words and ends each word with </w>', () => {
    expect(body('hello world')).toEqual(ids('hello</w>', 'world</w>'));
    expect(body('xyz')).toEqual([87, 88, 345]); // x, y, z</w>: no merges apply
  });

  it('ignores case and runs of whitespace', () => {
    expect(body('  HeLLo \n\t  WORLD  ')).toEqual(body('hello world'));
    expect(body('hello\u00a0world')).toEqual(body('hello world'));
  });

  it('splits punctuation from words and keeps punctuation runs together', () => {
    expect(body('hello, world!!')).toEqual(ids('hello</w>', ',</w>', 'world</w>', '!!</w>'));
    expect(body('hello,world')).toEqual(ids('hello</w>', ',</w>', 'world</w>'));
    expect(body('cat...')).toEqual(ids('cat</w>', '.', '..</w>'));
    expect(body('(cat:1.2)')).toEqual(ids('(</w>', 'cat</w>', ':</w>', '1</w>', '.</w>', '2</w>', ')</w>'));
  });

  it('makes every digit a word of its own', () => {
    expect(body('2024')).toEqual(ids('2</w>', '0</w>', '2</w>', '4</w>'));
    expect(body('v2')).toEqual(ids('v</w>', '2</w>'));
    expect(body('3.14')).toEqual(ids('3</w>', '.</w>', '1</w>', '4</w>'));
  });

  it("splits English contractions ('s 't 're 've 'm 'll 'd) off the word", () => {
    expect(body("cat's")).toEqual(ids('cat</w>', "'s</w>"));
    expect(body("don't")).toEqual(ids('don</w>', "'t</w>"));
    expect(body("it're it've i'm it'll it'd")).toEqual(
      ids('it</w>', "'re</w>", 'it</w>', "'ve</w>", 'i</w>', "'m</w>", 'it</w>', "'ll</w>", 'it</w>', "'d</w>"),
    );
  });

  it('straightens curly apostrophes first, as ftfy does', () => {
    expect(body('don\u2019t')).toEqual(body("don't"));
  });

  it('encodes accented letters byte by byte and gives NFC and NFD input the same ids', () => {
    const [c3, a9] = byteText('é');
    expect(body('é')).toEqual(ids(`${c3}${a9}</w>`));
    expect(body('cafe\u0301')).toEqual(body('caf\u00e9'));
    expect(body('ÜBER')).toEqual(body('über'));
    expect(body('über')).toEqual(ids(...Array.from(byteText('über')).map((s, i, all) => (i === all.length - 1 ? `${s}</w>` : s))));
  });

  it('keeps a CJK run as one word of UTF-8 byte symbols', () => {
    const symbols = Array.from(byteText('東京'));
    expect(symbols).toHaveLength(6);
    expect(body('東京')).toEqual(ids(...symbols.slice(0, -1), `${symbols[5]}</w>`));
  });

  it('splits emoji from letters and spells them as their four UTF-8 bytes', () => {
    const cat = Array.from(byteText('🐱'));
    expect(body('cat🐱')).toEqual(ids('cat</w>', ...cat.slice(0, 3), `${cat[3]}</w>`));
    expect(body('🐱🐶')).toHaveLength(8);
    expect(body('👩‍💻')).toHaveLength(11); // woman + zero-width joiner + laptop stay one word
  });

  it('turns the special tokens written in a prompt into their ids', () => {
    expect(body('cat<|endoftext|>dog')).toEqual([...ids('cat</w>'), tokenizer.eosId, ...ids('dog</w>')]);
  });

  it('truncates a very long prompt and keeps EOS at index maxLength - 1', () => {
    const { inputIds, attentionMask } = tokenizer.encode('hello world '.repeat(200));
    expect(inputIds).toHaveLength(77);
    expect(inputIds[0]).toBe(tokenizer.bosId);
    expect(inputIds[76]).toBe(tokenizer.eosId);
    expect(inputIds.slice(1, 76)).toEqual(tokenizer.tokenize('hello world '.repeat(200)).slice(0, 75));
    expect(attentionMask).toEqual(new Array(77).fill(1));
    expect(tokenizer.encode('hello world hello', { maxLength: 3 }).inputIds).toEqual([tokenizer.bosId, ...ids('hello</w>'), tokenizer.eosId]);
  });

  it('encodes empty and whitespace-only prompts as BOS, EOS and padding', () => {
    for (const text of ['', '   ', '\n\t \u3000']) {
      const { inputIds, attentionMask } = tokenizer.encode(text, { maxLength: 5 });
      expect(inputIds).toEqual([tokenizer.bosId, tokenizer.eosId, tokenizer.eosId, tokenizer.eosId, tokenizer.eosId]);
      expect(attentionMask).toEqual([1, 1, 0, 0, 0]);
    }
  });

  it('pads with the padId option when given', () => {
    expect(tokenizer.encode('cat', { maxLength: 5, padId: 7 }).inputIds).toEqual([tokenizer.bosId, ...ids('cat</w>'), tokenizer.eosId, 7, 7]);
  });

  it('maps pieces missing from a small vocabulary to EOS, or to the configured unknown token', () => {
    const { vocab, mergesText } = buildClipVocab();
    const sparse = { ...vocab };
    delete sparse['q</w>'];
    expect(new ClipTokenizer({ vocab: sparse, merges: mergesText }).tokenize('q')).toEqual([vocab['<|endoftext|>']]);
    expect(new ClipTokenizer({ vocab: sparse, merges: mergesText, unkToken: '?' }).tokenize('q')).toEqual([vocab['?']]);
  });

  it('never resolves a piece missing from the vocabulary to an Object.prototype member', () => {
    const chain = ['c o', 'n s', 'co ns', 't r', 'cons tr', 'u c', 'constr uc', 't o', 'construc to', 'constructo r'];
    const { vocab, mergesText } = buildClipVocab({ merges: chain });
    const { constructor: _piece, ...withoutPiece } = vocab;
    const noPiece = new ClipTokenizer({ vocab: withoutPiece, merges: mergesText });
    expect(noPiece.tokenize('constructors')).toEqual([vocab['<|endoftext|>'], vocab['s</w>']]);
  });

  it('reads merges.txt with or without its "#version" header', () => {
    const bare = buildClipVocab({ merges: WORD_MERGES, withoutHeader: true });
    expect(new ClipTokenizer({ vocab: bare.vocab, merges: bare.mergesText }).tokenize('hello world')).toEqual(ids('hello</w>', 'world</w>'));
  });

  it('always returns maxLength ids with BOS first, EOS after the prompt and a mask of leading ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.integer({ min: 2, max: 80 }), (text, maxLength) => {
        const { inputIds, attentionMask } = tokenizer.encode(text, { maxLength });
        const real = attentionMask.filter((m) => m === 1).length;
        expect(inputIds).toHaveLength(maxLength);
        expect(inputIds[0]).toBe(tokenizer.bosId);
        expect(inputIds[real - 1]).toBe(tokenizer.eosId);
        expect(attentionMask).toEqual([...new Array(real).fill(1), ...new Array(maxLength - real).fill(0)]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ClipTokenizer.decode', () => {
  it('gives back the cleaned prompt without BOS, EOS or padding', () => {
    expect(tokenizer.decode(tokenizer.encode('Hello,  World!! 🐱 東京 café 2024').inputIds)).toBe('hello , world !! 🐱 東京 café 2 0 2 4');
  });

  it('keeps every id when special tokens are not skipped', () => {
    const { inputIds } = tokenizer.encode('cat', { maxLength: 4 });
    expect(tokenizer.decode(inputIds, { skipSpecialTokens: false })).toBe('<|startoftext|>cat <|endoftext|><|endoftext|>');
  });

  it('round-trips lower-case words', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 20 }), (words) => {
        const text = words.join(' ');
        expect(tokenizer.decode(tokenizer.encode(text, { maxLength: 200 }).inputIds)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects an id outside the vocabulary', () => {
    expectCode(() => tokenizer.decode([999_999]), 'INVALID_INPUT', /999999/);
  });
});

describe('ClipTokenizer construction', () => {
  it('rejects a vocabulary without the special tokens', () => {
    const { vocab, mergesText } = buildClipVocab();
    const { ['<|startoftext|>']: _bos, ...noBos } = vocab;
    expectCode(() => new ClipTokenizer({ vocab: noBos, merges: mergesText }), 'INVALID_MODEL', /vocab\.json.*<\|startoftext\|>/);
  });

  it('rejects a pad token the vocabulary lacks', () => {
    expectCode(() => new ClipTokenizer({ vocab: small.vocab, merges: small.mergesText, padToken: '<pad>' }), 'INVALID_MODEL', /pad token "<pad>"/);
  });

  it('names the merges.txt line that is malformed', () => {
    expectCode(() => new ClipTokenizer({ vocab: small.vocab, merges: '#version: 0.2\na b\nabc\n' }), 'INVALID_MODEL', /merges\.txt line 3/);
  });

  it('rejects vocab.json that is not an object of ids', () => {
    expectCode(() => ClipTokenizer.fromFiles('[1,2]', small.mergesText), 'INVALID_MODEL', /vocab\.json/);
    expectCode(() => ClipTokenizer.fromFiles('{"a": "x"}', small.mergesText), 'INVALID_MODEL', /"a"/);
    expectCode(() => ClipTokenizer.fromFiles('{', small.mergesText), 'INVALID_MODEL', /not valid JSON/);
  });

  it('rejects a maxLength without room for BOS and EOS', () => {
    expectCode(() => tokenizer.encode('cat', { maxLength: 1 }), 'INVALID_INPUT', /maxLength/);
  });
});
