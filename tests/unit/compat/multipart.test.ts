// multipart/form-data bodies as OpenAI's clients send edits.
import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { parseMultipart } from '../../../server/compat/multipart.js';

/** Encodes a form the way a browser or the openai client does, through the platform's own encoder. */
async function encode(form: FormData): Promise<{ contentType: string; body: Buffer }> {
  const request = new Request('http://x.invalid/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type')!, body: Buffer.from(await request.arrayBuffer()) };
}

describe('parseMultipart', () => {
  it('separates text fields from files, keeping bytes, names and repeated files', async () => {
    const form = new FormData();
    form.set('prompt', 'a red circle');
    form.set('n', '2');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 7]);
    form.append('image[]', new Blob([png], { type: 'image/png' }), 'a.png');
    form.append('image[]', new Blob([new Uint8Array([1, 2])], { type: 'image/jpeg' }), 'b.jpg');
    const { contentType, body } = await encode(form);
    const parsed = await parseMultipart(contentType, body);
    expect(Object.fromEntries(parsed.fields)).toEqual({ prompt: 'a red circle', n: '2' });
    const files = parsed.files.get('image[]')!;
    expect(files.map((f) => [f.filename, f.type])).toEqual([['a.png', 'image/png'], ['b.jpg', 'image/jpeg']]);
    expect([...files[0]!.bytes]).toEqual([...png]);
  });

  it('refuses another content type with 415, and a broken body with INVALID_INPUT', async () => {
    const wrongType = await parseMultipart('application/json', Buffer.from('{}')).catch((e: unknown) => e);
    expect(isEaselError(wrongType, 'INVALID_INPUT')).toBe(true);
    expect((wrongType as { details: { httpStatus: number } }).details.httpStatus).toBe(415);
    const broken = await parseMultipart('multipart/form-data; boundary=xyz', Buffer.from('--xyz\r\nnonsense')).catch((e: unknown) => e);
    expect(isEaselError(broken, 'INVALID_INPUT')).toBe(true);
    expect((broken as Error).message).toMatch(/multipart body could not be read/);
  });
});
