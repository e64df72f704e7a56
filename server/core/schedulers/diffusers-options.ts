// Every keyword argument of the diffusers scheduler classes behind the 18 samplers, as data: each one is either
// honoured (a scheduler's defaults table), refused unless at diffusers' default, or inert while a refused one is off.
// Signatures from diffusers' src/diffusers/schedulers (commit 58eb52c0, 2026-08), `__init__` of each class.

const BETAS = ['num_train_timesteps', 'beta_start', 'beta_end', 'beta_schedule', 'trained_betas'] as const;
const THRESHOLDING = ['thresholding', 'dynamic_thresholding_ratio', 'sample_max_value'] as const;
const SIGMA_SHAPES = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'] as const;
const FLOW = ['use_flow_sigmas', 'flow_shift'] as const;
const DYNAMIC_SHIFT = ['use_dynamic_shifting', 'time_shift_type'] as const;
const CONSISTENCY = [
  ...BETAS, 'original_inference_steps', 'clip_sample', 'clip_sample_range', 'set_alpha_to_one', 'steps_offset',
  'prediction_type', ...THRESHOLDING, 'timestep_spacing', 'timestep_scaling', 'rescale_betas_zero_snr',
] as const;

export const DIFFUSERS_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  DDIMScheduler: [
    ...BETAS, 'clip_sample', 'set_alpha_to_one', 'steps_offset', 'prediction_type', 'thresholding', 'dynamic_thresholding_ratio',
    'clip_sample_range', 'sample_max_value', 'timestep_spacing', 'rescale_betas_zero_snr',
  ],
  DDPMScheduler: [
    ...BETAS, 'variance_type', 'clip_sample', 'prediction_type', 'thresholding', 'dynamic_thresholding_ratio', 'clip_sample_range',
    'sample_max_value', 'timestep_spacing', 'steps_offset', 'rescale_betas_zero_snr',
  ],
  DEISMultistepScheduler: [
    ...BETAS, 'solver_order', 'prediction_type', ...THRESHOLDING, 'algorithm_type', 'solver_type', 'lower_order_final',
    ...SIGMA_SHAPES, ...FLOW, 'timestep_spacing', 'steps_offset', ...DYNAMIC_SHIFT,
  ],
  DPMSolverMultistepScheduler: [
    ...BETAS, 'solver_order', 'prediction_type', ...THRESHOLDING, 'algorithm_type', 'solver_type', 'lower_order_final',
    'euler_at_final', ...SIGMA_SHAPES, 'use_lu_lambdas', ...FLOW, 'final_sigmas_type', 'lambda_min_clipped', 'variance_type',
    'timestep_spacing', 'steps_offset', 'rescale_betas_zero_snr', ...DYNAMIC_SHIFT,
  ],
  DPMSolverSinglestepScheduler: [
    ...BETAS, 'solver_order', 'prediction_type', ...THRESHOLDING, 'algorithm_type', 'solver_type', 'lower_order_final',
    ...SIGMA_SHAPES, ...FLOW, 'final_sigmas_type', 'lambda_min_clipped', 'variance_type', ...DYNAMIC_SHIFT,
  ],
  EulerAncestralDiscreteScheduler: [...BETAS, 'prediction_type', 'timestep_spacing', 'steps_offset', 'rescale_betas_zero_snr'],
  EulerDiscreteScheduler: [
    ...BETAS, 'prediction_type', 'interpolation_type', ...SIGMA_SHAPES, 'sigma_min', 'sigma_max', 'timestep_spacing',
    'timestep_type', 'steps_offset', 'rescale_betas_zero_snr', 'final_sigmas_type',
  ],
  HeunDiscreteScheduler: [
    ...BETAS, 'prediction_type', ...SIGMA_SHAPES, 'clip_sample', 'clip_sample_range', 'timestep_spacing', 'steps_offset',
  ],
  KDPM2AncestralDiscreteScheduler: [...BETAS, ...SIGMA_SHAPES, 'prediction_type', 'timestep_spacing', 'steps_offset'],
  KDPM2DiscreteScheduler: [...BETAS, ...SIGMA_SHAPES, 'prediction_type', 'timestep_spacing', 'steps_offset'],
  LCMScheduler: CONSISTENCY,
  LMSDiscreteScheduler: [...BETAS, ...SIGMA_SHAPES, 'prediction_type', 'timestep_spacing', 'steps_offset'],
  PNDMScheduler: [...BETAS, 'skip_prk_steps', 'set_alpha_to_one', 'prediction_type', 'timestep_spacing', 'steps_offset'],
  TCDScheduler: CONSISTENCY,
  UniPCMultistepScheduler: [
    ...BETAS, 'solver_order', 'prediction_type', ...THRESHOLDING, 'predict_x0', 'solver_type', 'lower_order_final',
    'disable_corrector', 'solver_p', ...SIGMA_SHAPES, ...FLOW, 'timestep_spacing', 'steps_offset', 'final_sigmas_type',
    'rescale_betas_zero_snr', ...DYNAMIC_SHIFT, 'sigma_min', 'sigma_max', 'shift_terminal',
  ],
};

/**
 * Options Easel does not reproduce, each with the only value it accepts (diffusers' default; null where diffusers
 * defaults to None) and what it would change.
 */
export const REFUSED_OPTIONS: Readonly<Record<string, { accepted: boolean | null; effect: string }>> = {
  use_exponential_sigmas: { accepted: false, effect: 'exponentially spaced noise levels' },
  use_beta_sigmas: { accepted: false, effect: 'beta-distributed noise levels' },
  use_lu_lambdas: { accepted: false, effect: 'uniform log-SNR (Lu) noise levels' },
  use_flow_sigmas: { accepted: false, effect: 'flow-matching noise levels' },
  use_dynamic_shifting: { accepted: false, effect: 'resolution-dependent timestep shifting' },
  variance_type: { accepted: null, effect: 'a learned variance (a UNet with twice the latent channels)' },
  solver_p: { accepted: null, effect: 'an external predictor scheduler' },
  shift_terminal: { accepted: null, effect: 'a stretched flow-matching schedule' },
};

/** Read by diffusers only while a refused option is on, so any value of theirs leaves the result unchanged. */
export const INERT_OPTIONS: Readonly<Record<string, string>> = {
  flow_shift: 'use_flow_sigmas',
  time_shift_type: 'use_dynamic_shifting',
};
