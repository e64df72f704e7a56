// OpenAI's `size: 'WxH'` as Easel's width and height; 'auto' leaves both to the model's native size.
import { invalidParam } from './compat-errors.js';

export function parseImageSize(size: string | undefined): { width?: number; height?: number } {
  if (size === undefined || size === 'auto') return {};
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size.trim());
  if (!match) throw invalidParam('size', `size must look like "512x512" (width x height in pixels) or "auto" (got "${size}")`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
