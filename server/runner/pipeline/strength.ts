// Image-to-image: which tail of the schedule a strength keeps, by diffusers' img2img formula.

/**
 * Index of the first timestep to run: init = min(⌊steps·strength⌋, steps), start = max(steps − init, 0),
 * times the scheduler's order. Unlike diffusers, at least one step is kept, so a tiny strength still runs
 * (and returns nearly the initial image) instead of failing on an empty schedule.
 */
export function img2imgStartIndex(steps: number, strength: number, order: number): number {
  const initSteps = Math.max(Math.min(Math.floor(steps * strength), steps), 1);
  return Math.max(steps - initSteps, 0) * order;
}
