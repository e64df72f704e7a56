// Generation parameters as AUTOMATIC1111 writes them in a PNG's `parameters` text: the prompt, a "Negative prompt:"
// line, then one line of "Key: value" pairs. Written into Easel's PNGs and read back from any dropped PNG.

export interface ImageParameters {
  prompt: string;
  negativePrompt: string;
  /** The sampler's label, as the UI shows it ("DPM++ 2M"). */
  sampler?: string;
  steps?: number;
  guidance?: number;
  seed?: number;
  width?: number;
  height?: number;
  strength?: number;
  model?: string;
}

const NEGATIVE = 'Negative prompt: ';

export function formatParameters(p: ImageParameters): string {
  const settings: string[] = [];
  if (p.steps !== undefined) settings.push(`Steps: ${p.steps}`);
  if (p.sampler !== undefined) settings.push(`Sampler: ${p.sampler}`);
  if (p.guidance !== undefined) settings.push(`CFG scale: ${p.guidance}`);
  if (p.seed !== undefined) settings.push(`Seed: ${p.seed}`);
  if (p.width !== undefined && p.height !== undefined) settings.push(`Size: ${p.width}x${p.height}`);
  if (p.model !== undefined) settings.push(`Model: ${p.model}`);
  if (p.strength !== undefined) settings.push(`Denoising strength: ${p.strength}`);
  const lines = [p.prompt];
  if (p.negativePrompt !== '') lines.push(`${NEGATIVE}${p.negativePrompt}`);
  lines.push(settings.join(', '));
  return lines.join('\n');
}

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the text back; undefined when it has no settings line (not A1111-style parameters). */
export function parseParameters(text: string): ImageParameters | undefined {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const last = lines.at(-1)?.trim() ?? '';
  if (!/^Steps: \d+/.test(last)) return undefined;
  const body = lines.slice(0, -1);
  const negativeAt = body.findIndex((line) => line.startsWith(NEGATIVE));
  const prompt = (negativeAt < 0 ? body : body.slice(0, negativeAt)).join('\n');
  const negativePrompt = negativeAt < 0 ? '' : [body[negativeAt]!.slice(NEGATIVE.length), ...body.slice(negativeAt + 1)].join('\n');

  const settings = new Map<string, string>();
  for (const match of last.matchAll(/\s*([\w /.-]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g)) settings.set(match[1]!.trim(), match[2]!.trim());
  const size = settings.get('Size')?.match(/^(\d+)x(\d+)$/);
  const parsed: ImageParameters = { prompt, negativePrompt };
  const fields: Partial<ImageParameters> = {
    sampler: settings.get('Sampler'),
    steps: number(settings.get('Steps')),
    guidance: number(settings.get('CFG scale')),
    seed: number(settings.get('Seed')),
    width: number(size?.[1]),
    height: number(size?.[2]),
    strength: number(settings.get('Denoising strength')),
    model: settings.get('Model'),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(parsed, { [key]: value });
  return parsed;
}
