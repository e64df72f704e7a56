// Reads a PNG into RGB pixels for tests that judge an image by its colours.
import sharp from 'sharp';

export interface Pixels {
  width: number;
  height: number;
  /** [r, g, b] at (x, y). */
  at(x: number, y: number): [number, number, number];
}

export async function readPng(bytes: Uint8Array): Promise<Pixels> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at(x, y) {
      const i = (y * info.width + x) * 3;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

/** True when a pixel is close to an sRGB colour (each channel within `tolerance`). */
export function near(pixel: [number, number, number], colour: [number, number, number], tolerance = 40): boolean {
  return pixel.every((v, i) => Math.abs(v - colour[i]!) <= tolerance);
}
