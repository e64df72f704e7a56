// Outlines of the demo shapes as approximate signed distances (negative inside) in shape units, where the
// shape's radius is 1 and y grows downwards.
import type { Arith } from './arith.js';
import type { DemoShape } from './words.js';

type Outline = <T>(o: Arith<T>, x: T, y: T) => T;

const length = <T>(o: Arith<T>, x: T, y: T): T => o.sqrt(o.add(o.mul(x, x), o.mul(y, y)));

/** Union of two axis-aligned boxes' distances is their minimum; a box's is the larger of its axis gaps. */
const box = <T>(o: Arith<T>, x: T, y: T, halfWidth: number, halfHeight: number): T =>
  o.max(o.sub(o.abs(x), o.c(halfWidth)), o.sub(o.abs(y), o.c(halfHeight)));

export const SHAPE_OUTLINES: Readonly<Record<DemoShape, Outline>> = {
  circle: (o, x, y) => o.sub(length(o, x, y), o.c(1)),
  square: (o, x, y) => box(o, x, y, 0.85, 0.85),
  // Equilateral, pointing up, lowered so that its bounding box is centred.
  triangle: (o, x, y) => {
    const yc = o.sub(y, o.c(0.2));
    return o.sub(o.max(yc, o.sub(o.mul(o.c(0.8660254), o.abs(x)), o.mul(o.c(0.5), yc))), o.c(0.55));
  },
  // Five points: the radius swings between 0.45 and 1.05 with ((1 + cos 5θ)/2)³, θ from straight up;
  // cos 5θ is a polynomial in cos θ, so no angle is ever computed.
  star: (o, x, y) => {
    const r = length(o, x, y);
    const c = o.div(o.mul(o.c(-1), y), o.max(r, o.c(1e-6)));
    const c2 = o.mul(c, c);
    const cos5 = o.mul(c, o.add(o.mul(c2, o.sub(o.mul(o.c(16), c2), o.c(20))), o.c(5)));
    const lobe = o.mul(o.c(0.5), o.add(cos5, o.c(1)));
    return o.sub(r, o.add(o.c(0.45), o.mul(o.c(0.6), o.mul(lobe, o.mul(lobe, lobe)))));
  },
  ring: (o, x, y) => o.sub(o.abs(o.sub(length(o, x, y), o.c(0.75))), o.c(0.25)),
  // A diamond with a disc on each upper edge.
  heart: (o, x, y) => {
    const ax = o.abs(x);
    const diamond = o.mul(o.c(0.70710678), o.sub(o.add(ax, o.abs(o.sub(y, o.c(0.15)))), o.c(0.75)));
    const lobe = o.sub(length(o, o.sub(ax, o.c(0.375)), o.add(y, o.c(0.225))), o.c(0.53));
    return o.min(diamond, lobe);
  },
  diamond: (o, x, y) => o.mul(o.c(0.70710678), o.sub(o.add(o.abs(x), o.abs(y)), o.c(1.05))),
  cross: (o, x, y) => o.min(box(o, x, y, 1, 0.3), box(o, x, y, 0.3, 1)),
};
