// A1111 sampler names: exact equivalents map, names without one are refused naming the nearest, never mapped.
import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { SAMPLERS } from '../../../server/core/schedulers/index.js';
import { A1111_SAMPLERS, resolveA1111Sampler, samplerList } from '../../../server/compat/sampler-names.js';

function refusal(name: string, scheduler?: string): Error {
  try {
    resolveA1111Sampler(name, scheduler);
  } catch (error) {
    expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
    return error as Error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe('A1111 sampler names', () => {
  it('maps the names the issue names to their exact Easel samplers', () => {
    expect(resolveA1111Sampler('Euler a')).toEqual({ easel: 'EULER_A', name: 'Euler a' });
    expect(resolveA1111Sampler('DPM++ 2M Karras')).toEqual({ easel: 'DPM_SOLVER_MULTISTEP_KARRAS', name: 'DPM++ 2M Karras' });
    expect(resolveA1111Sampler('DPM2 a').easel).toBe('KDPM2_A');
    expect(resolveA1111Sampler('DPM++ 2M SDE Karras').easel).toBe('DPM_SOLVER_SDE_KARRAS');
  });

  it('accepts aliases, any letter case, and the 1.9 scheduler field', () => {
    expect(resolveA1111Sampler('k_euler_a').easel).toBe('EULER_A');
    expect(resolveA1111Sampler('euler A').name).toBe('Euler a');
    expect(resolveA1111Sampler('DPM++ 2M', 'Karras')).toEqual({ easel: 'DPM_SOLVER_MULTISTEP_KARRAS', name: 'DPM++ 2M Karras' });
    expect(resolveA1111Sampler('DPM++ 2M', 'Automatic').easel).toBe('DPM_SOLVER_MULTISTEP');
  });

  it('refuses a name with no exact equivalent, naming the nearest sampler instead of using it', () => {
    expect(refusal('DPM++ SDE Karras').message).toMatch(/no exact equivalent.*Brownian.*DPM\+\+ 2M SDE Karras/);
    expect(refusal('DPM++ 2S a').message).toMatch(/deterministic, not ancestral.*DPM\+\+ 2S/);
    expect(refusal('Euler a', 'Karras').message).toMatch(/Karras scheduler is not available/);
    expect(refusal('DPM++ 2M', 'Exponential').message).toMatch(/scheduler "Exponential"/);
    expect(refusal('Nonsense').message).toMatch(/GET \/sdapi\/v1\/samplers/);
  });

  it('lists every Easel sampler exactly once and no name without an equivalent', () => {
    const listed = samplerList();
    expect(listed.map((s) => s.options.easel_sampler).sort()).toEqual(SAMPLERS.map((s) => s.name).sort());
    const unmapped = A1111_SAMPLERS.filter((a) => a.easel === null).map((a) => a.name);
    expect(listed.some((s) => unmapped.includes(s.name))).toBe(false);
    expect(listed.find((s) => s.name === 'Euler a')).toEqual({ name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], options: { easel_sampler: 'EULER_A' } });
  });

  it('runs an Easel-only sampler under its Easel name or label', () => {
    expect(resolveA1111Sampler('DEIS')).toEqual({ easel: 'DEIS', name: 'DEIS' });
    expect(resolveA1111Sampler('DPM_SOLVER_SINGLESTEP')).toEqual({ easel: 'DPM_SOLVER_SINGLESTEP', name: 'DPM++ 2S' });
  });
});
