// The sampler a model uses when neither its registration nor the request names one.
export const DEFAULT_SAMPLER = 'DPM_SOLVER_MULTISTEP';
