import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import {
  DEMO_BACKGROUND_WORDS,
  DEMO_COLOURS,
  DEMO_POSITIONS,
  DEMO_SHAPES,
  DEMO_SIZES,
  renderDemoReference,
} from '../../../server/demo-model/index.js';
import { pixelAt } from './demo-fixture.js';

const render = (prompt: string, size = 128, guidance = 7.5) => renderDemoReference(prompt, size, size, guidance).rgb;

const near = (actual: readonly number[], expected: readonly number[]) =>
  actual.every((v, i) => Math.abs(v - expected[i]!) <= 1);

/** Pixels within 1 level of `colour`: count and centroid. */
function coverage(rgb: Uint8Array, width: number, colour: readonly number[]) {
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  for (let p = 0; p < rgb.length / 3; p++) {
    if (near([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!], colour)) {
      count++;
      sumX += p % width;
      sumY += Math.floor(p / width);
    }
  }
  return { count, x: sumX / count, y: sumY / count };
}

const RED = DEMO_COLOURS.red!;
const BLUE = DEMO_COLOURS.blue!;
const GREY = DEMO_COLOURS.grey!;

describe('renderDemoReference', () => {
  it.each([1, 7.5])('draws a red disc on blue for "a red circle on a blue background" at guidance %s', (guidance) => {
    const rgb = renderDemoReference('a red circle on a blue background', 512, 512, guidance).rgb;
    expect(rgb).toHaveLength(512 * 512 * 3);
    expect(pixelAt(rgb, 512, 256, 256)).toEqual([255, 0, 0]);
    for (const [x, y] of [[0, 0], [511, 0], [0, 511], [511, 511]] as const) expect(pixelAt(rgb, 512, x, y)).toEqual([0, 0, 255]);
  });

  it.each([1, 7.5])('keeps every colour word its own colour, shape and background alike, at guidance %s', (guidance) => {
    for (const [colour, rgbExpected] of Object.entries(DEMO_COLOURS)) {
      const background = colour === 'black' ? 'white' : 'black';
      const rgb = render(`a big ${colour} square on a ${background} background`, 128, guidance);
      expect(pixelAt(rgb, 128, 64, 64), colour).toEqual(rgbExpected);
      expect(pixelAt(rgb, 128, 2, 2), colour).toEqual(DEMO_COLOURS[background]);
      expect(pixelAt(render(`a ${colour} background`, 64, guidance), 64, 10, 50), colour).toEqual(rgbExpected);
    }
  });

  it('draws each shape word as a different outline', () => {
    const images = DEMO_SHAPES.map((shape) => render(`a white ${shape} on a black background`));
    for (let i = 0; i < images.length; i++) {
      for (let j = i + 1; j < images.length; j++) expect(images[i], `${DEMO_SHAPES[i]} vs ${DEMO_SHAPES[j]}`).not.toEqual(images[j]);
    }
    DEMO_SHAPES.forEach((shape, i) => {
      const white = coverage(images[i]!, 128, [255, 255, 255]);
      expect(white.count, shape).toBeGreaterThan(400);
      expect(pixelAt(images[i]!, 128, 64, 64), shape).toEqual(shape === 'ring' ? [0, 0, 0] : [255, 255, 255]);
    });
  });

  it('moves the shape towards each position word', () => {
    const centre = coverage(render('a small red circle'), 128, RED);
    expect(centre.x).toBeCloseTo(63.5, 0);
    expect(centre.y).toBeCloseTo(63.5, 0);
    for (const [word, [dx, dy]] of Object.entries(DEMO_POSITIONS)) {
      const moved = coverage(render(`a small red circle at the ${word}`), 128, RED);
      expect(Math.round(moved.x - centre.x), word).toBe(dx * 32);
      expect(Math.round(moved.y - centre.y), word).toBe(dy * 32);
    }
    const corner = coverage(render('a small red circle in the top left corner'), 128, RED);
    expect([Math.round(corner.x), Math.round(corner.y)]).toEqual([32, 32]);
  });

  it('grows the shape with each size step', () => {
    const area = (words: string) => coverage(render(`a ${words} red square`), 128, RED).count;
    const bySteps = Object.entries(DEMO_SIZES).sort((a, b) => a[1] - b[1]);
    for (const [word, steps] of bySteps) {
      if (steps < 0) expect(area(word), word).toBeLessThan(area(''));
      if (steps > 0) expect(area(word), word).toBeGreaterThan(area(''));
    }
    const areas = ['tiny', 'small', '', 'large', 'huge'].map(area);
    for (let i = 1; i < areas.length; i++) expect(areas[i]!).toBeGreaterThan(areas[i - 1]!);
  });

  it('fills in defaults: grey for the empty prompt and a missing background, white for a shape without colour', () => {
    expect(coverage(render(''), 128, GREY).count).toBe(128 * 128);
    const redCircle = render('a red circle');
    expect(pixelAt(redCircle, 128, 0, 0)).toEqual(pixelAt(render(''), 128, 0, 0));
    expect(pixelAt(render('a circle on a blue background'), 128, 64, 64)).toEqual([255, 255, 255]);
    expect(coverage(render('blue background'), 128, BLUE).count).toBe(128 * 128);
    expect(coverage(render('red'), 128, RED).count).toBe(128 * 128);
  });

  it('reads the background colour from any background word wherever it is mentioned', () => {
    const expected = render('a red circle on a blue background');
    expect(render('a blue background with a red circle')).toEqual(expected);
    for (const word of DEMO_BACKGROUND_WORDS) expect(render(`a red circle, blue ${word}`), word).toEqual(expected);
  });

  it('keeps a circle round on a landscape image', () => {
    const rgb = renderDemoReference('a red circle', 512, 256, 7.5).rgb;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let p = 0; p < 512 * 256; p++) {
      if (!near([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!], RED)) continue;
      [minX, maxX, minY, maxY] = [Math.min(minX, p % 512), Math.max(maxX, p % 512), Math.min(minY, Math.floor(p / 512)), Math.max(maxY, Math.floor(p / 512))];
    }
    expect(Math.abs(maxX - minX - (maxY - minY))).toBeLessThanOrEqual(8);
    expect((minX + maxX) / 2).toBeCloseTo(255.5, -1);
  });

  it('refuses an image size that is not a positive multiple of 8', () => {
    for (const [w, h] of [[500, 512], [512, 0], [512.5, 512]]) {
      let error: unknown;
      try {
        renderDemoReference('red', w!, h!, 7.5);
      } catch (e) {
        error = e;
      }
      expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
    }
  });
});
