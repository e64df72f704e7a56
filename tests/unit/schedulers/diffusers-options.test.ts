import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import { parsePythonJson } from '../../../server/core/python-json.js';
import { DIFFUSERS_SIGNATURES, REFUSED_OPTIONS } from '../../../server/core/schedulers/diffusers-options.js';
import { createGaussianRandom, createScheduler, SAMPLERS } from '../../../server/core/schedulers/index.js';

const options = { random: createGaussianRandom(1) };

function refusal(name: string, config: Record<string, unknown>): EaselError {
  try {
    createScheduler(name, config, options);
  } catch (error) {
    if (error instanceof EaselError) return error;
    throw error;
  }
  throw new Error(`${name} accepted ${JSON.stringify(config)}`);
}

/** A value of the option's type other than the one Easel reproduces. */
const OTHER_VALUE: Record<string, unknown> = {
  use_exponential_sigmas: true,
  use_beta_sigmas: true,
  use_lu_lambdas: true,
  use_flow_sigmas: true,
  use_dynamic_shifting: true,
  variance_type: 'learned_range',
  solver_p: {},
  shift_terminal: 0.02,
};

describe('diffusers scheduler options', () => {
  it('classifies every option of every sampler class as honoured, refused or inert', () => {
    for (const sampler of SAMPLERS) {
      expect(DIFFUSERS_SIGNATURES[sampler.diffusersClass], sampler.name).toBeDefined();
      expect(() => createScheduler(sampler.name, {}, options), sampler.name).not.toThrow();
    }
  });

  it('refuses DPM++ with use_lu_lambdas, naming the file and the key', () => {
    const error = refusal('DPM_SOLVER_MULTISTEP', { use_lu_lambdas: true });
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toMatch(/scheduler_config\.json key "use_lu_lambdas" is true/);
    expect(error.details).toEqual({ file: 'scheduler/scheduler_config.json', key: 'use_lu_lambdas' });
  });

  it.each(SAMPLERS.map((s) => [s.name, s.diffusersClass] as const))('%s refuses each unsupported option of %s by name', (name, cls) => {
    // DDPM honours variance_type itself (its fixed variances; the learned ones fail its own check).
    const refused = DIFFUSERS_SIGNATURES[cls]!.filter((key) => key in REFUSED_OPTIONS && !(key === 'variance_type' && cls === 'DDPMScheduler'));
    for (const key of refused) {
      const error = refusal(name, { [key]: OTHER_VALUE[key] });
      expect(error.code, key).toBe('INVALID_MODEL');
      expect(error.message, key).toContain(`"${key}"`);
    }
    for (const key of refused) {
      const accepted = REFUSED_OPTIONS[key]!.accepted;
      expect(() => createScheduler(name, { [key]: accepted }, options), key).not.toThrow();
    }
  });

  it('leaves options of another class to that class, as from_config does', () => {
    expect(() => createScheduler('EULER', { use_lu_lambdas: true, skip_prk_steps: true }, options)).not.toThrow();
  });

  it('accepts inert options whatever their value', () => {
    expect(() => createScheduler('UNIPC', { flow_shift: 3, time_shift_type: 'linear' }, options)).not.toThrow();
  });

  it('reads a config Python wrote with -Infinity and refuses unknown values as INVALID_MODEL', () => {
    const text = '{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "algorithm_type": "dpmsolver++"}';
    const config = parsePythonJson(text) as Record<string, unknown>;
    const scheduler = createScheduler('DPM_SOLVER_MULTISTEP', config, options);
    scheduler.setTimesteps(3);
    expect(scheduler.timesteps).toEqual([999, 666, 333]);
    const error = refusal('DPM_SOLVER_MULTISTEP', { ...config, algorithm_type: 'dpmsolver+++' });
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.details).toEqual({ file: 'scheduler/scheduler_config.json', key: 'algorithm_type' });
  });

  it.each(SAMPLERS.map((s) => s.name))('%s refuses an unknown prediction_type naming file and key', (name) => {
    const error = refusal(name, { prediction_type: 'flow' });
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toMatch(/scheduler_config\.json key "prediction_type"/);
  });
});
