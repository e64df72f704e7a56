import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../../../server/core/ports.js';
import { createScheduler } from '../../../../server/core/schedulers/index.js';
import { GraphBuilder, type DType } from '../../../../server/onnx-build/graph-builder.js';
import { denoise, type DenoiseJob } from '../../../../server/runner/pipeline/denoise-loop.js';
import type { FloatType } from '../../../../server/runner/pipeline/pipeline-io.js';
import { RunClock } from '../../../../server/runner/pipeline/run-clock.js';
import { floatTensor } from '../../../../server/runner/pipeline/tensor-dtypes.js';

const ONNX_FLOAT = 1;
const ONNX_FLOAT16 = 10;
const SD15 = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', steps_offset: 1, timestep_spacing: 'leading' };

interface Variant {
  float: FloatType;
  timestep: TensorInfo;
}

/** out = 0.5·sample + 0.1·mean(hidden per batch entry) + 1e-4·t, in the variant's dtypes. */
function buildUnet({ float, timestep }: Variant): GraphBuilder {
  const g = new GraphBuilder(`unet_${float}`);
  const toFloat = (name: string) => g.op('Cast', [name], { to: { int: ONNX_FLOAT } });
  const sample = toFloat(g.input('sample', float, ['batch', 4, 'height', 'width']));
  const t = toFloat(g.input('timestep', timestep.type as DType, timestep.dims));
  const hidden = toFloat(g.input('encoder_hidden_states', float, ['batch', 3, 2]));
  const mean = g.op('Reshape', [g.op('ReduceMean', [hidden], { axes: { ints: [1, 2] } }), g.ints([-1, 1, 1, 1])]);
  const time = g.op('Reshape', [t, g.ints([-1, 1, 1, 1])]);
  const sum = g.op('Add', [
    g.op('Add', [g.op('Mul', [sample, g.scalar(0.5)]), g.op('Mul', [mean, g.scalar(0.1)])]),
    g.op('Mul', [time, g.scalar(1e-4)]),
  ]);
  const out = float === 'float16' ? g.op('Cast', [sum], { to: { int: ONNX_FLOAT16 } }) : sum;
  g.output(out, 'out_sample', float, ['batch', 4, 'height', 'width']);
  return g;
}

const FP32: Variant = { float: 'float32', timestep: { name: 'timestep', type: 'float32', dims: [1] } };
const FP16: Variant = { float: 'float16', timestep: { name: 'timestep', type: 'int64', dims: ['batch'] } };
const sessions = new Map<Variant, ort.InferenceSession>();

beforeAll(async () => {
  for (const variant of [FP32, FP16]) {
    sessions.set(variant, await ort.InferenceSession.create(buildUnet(variant).serialize().model, { intraOpNumThreads: 1 }));
  }
});

afterAll(async () => {
  await Promise.all([...sessions.values()].map((s) => s.release()));
});

const latentDims = [1, 4, 3, 3] as const;
const start = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 1.7) * 14);
const hiddenStates = Float32Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : 1 + i / 6));

function job(variant: Variant, steps: string[], afterStep: DenoiseJob['afterStep'] = async () => undefined): DenoiseJob {
  const scheduler = createScheduler('EULER', SD15);
  scheduler.setTimesteps(6);
  return {
    unet: sessions.get(variant)!,
    io: { unetSample: variant.float, timestep: variant.timestep },
    scheduler,
    timesteps: scheduler.timesteps,
    latents: start,
    latentDims,
    hidden: floatTensor(hiddenStates, [2, 3, 2], variant.float),
    guidance: 7.5,
    clock: new RunClock(),
    afterStep: async (step, total, latents, predicted) => {
      steps.push(`${step}/${total}${predicted ? ' x0' : ''}`);
      await afterStep(step, total, latents, predicted);
    },
  };
}

describe('the denoising loop', () => {
  it('runs every timestep in order and reports each step with its x₀ prediction', async () => {
    const steps: string[] = [];
    const fp32 = job(FP32, steps);
    await denoise(fp32);
    expect(steps).toEqual(['1/6 x0', '2/6 x0', '3/6 x0', '4/6 x0', '5/6 x0', '6/6 x0']);
    expect(fp32.clock.runMs).toBeGreaterThan(0);
  });

  it('gives a float16 UNet with an int64 per-batch timestep the float32 result, up to half precision', async () => {
    const reference = await denoise(job(FP32, []));
    const half = await denoise(job(FP16, []));
    const worst = Math.max(...reference.map((v, i) => Math.abs(v - half[i]!) / Math.max(1, Math.abs(v))));
    expect(worst).toBeLessThan(0.02);
  });

  it('stops at the step whose callback throws', async () => {
    const steps: string[] = [];
    const stop = job(FP32, steps, async (step) => {
      if (step === 2) throw new Error('cancelled');
    });
    await expect(denoise(stop)).rejects.toThrow('cancelled');
    expect(steps).toHaveLength(2);
  });
});
