// multipart/form-data bodies (OpenAI's image edits), parsed by the platform's own FormData reader: text fields
// and uploaded files by name.
import { EaselError } from '../core/errors.js';
import { refusal } from './compat-errors.js';

export interface UploadedFile {
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface MultipartBody {
  fields: Map<string, string>;
  /** Every file under a name, in the order sent (`image[]` may repeat). */
  files: Map<string, UploadedFile[]>;
}

export async function parseMultipart(contentType: string | undefined, body: Buffer): Promise<MultipartBody> {
  if (!contentType || !/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    throw refusal(415, 'INVALID_INPUT', 'This endpoint takes multipart/form-data with a boundary (an image file and text fields)');
  }
  let form: FormData;
  try {
    form = await new Request('http://compat.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
  } catch (error) {
    throw new EaselError('INVALID_INPUT', `The multipart body could not be read (${(error as Error).message})`);
  }
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile[]>();
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fields.set(name, value);
      continue;
    }
    const list = files.get(name) ?? [];
    list.push({ filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    files.set(name, list);
  }
  return { fields, files };
}
