// Several images denoised together (same model, size, sampler, steps and guidance): each step stacks every image's
// guidance batch into one UNet run, then splits the prediction and steps each image's own scheduler. An image that
// is cancelled or fails leaves the batch at that step; the others go on. onnxruntime's time is shared out evenly.
import ort from 'onnxruntime-node';
import { EaselError } from '../../core/errors.js';
import type { Scheduler } from '../../core/schedulers/index.js';
import { combineGuidance } from './guidance.js';
import type { PipelineIo } from './pipeline-io.js';
import { RunClock } from './run-clock.js';
import { floatTensor, readFloats, TimestepFeed } from './tensor-dtypes.js';

export interface BatchMember {
  scheduler: Scheduler;
  /** Scaled starting latents; the final ones once the loop is done. */
  latents: Float32Array;
  /** encoder_hidden_states [copies, tokens, width]: [negative; prompt] when guiding. */
  hidden: ort.Tensor;
  added: Record<string, ort.Tensor>;
  clock: RunClock;
  afterStep(step: number, totalSteps: number, latents: Float32Array, predicted: Float32Array | undefined): Promise<void>;
  /** Why the member left the batch (cancelled or failed). */
  error?: unknown;
}

export interface BatchDenoiseJob {
  unet: ort.InferenceSession;
  io: Pick<PipelineIo, 'unetSample' | 'timestep'>;
  timesteps: readonly number[];
  latentDims: readonly [number, number, number, number];
  guidance: number;
  members: BatchMember[];
}

/** The tensors' batch entries one after the other: [a; b; …] along the first dimension. */
export function concatBatch(tensors: readonly ort.Tensor[]): ort.Tensor {
  const first = tensors[0]!;
  if (tensors.length === 1) return first;
  const rows = tensors.reduce((sum, tensor) => sum + tensor.dims[0]!, 0);
  const total = tensors.reduce((sum, tensor) => sum + (tensor.data as ArrayLike<number>).length, 0);
  const data = first.type === 'float16' ? new Uint16Array(total) : new Float32Array(total);
  let offset = 0;
  for (const tensor of tensors) {
    const part = tensor.data as Float32Array | Uint16Array;
    data.set(part, offset);
    offset += part.length;
  }
  return new ort.Tensor(first.type as 'float32' | 'float16', data, [rows, ...first.dims.slice(1)]);
}

interface StackedInputs {
  members: BatchMember[];
  hidden: ort.Tensor;
  added: Record<string, ort.Tensor>;
  timestep: TimestepFeed;
  rows: number;
  /** The stacked sample, rewritten every step. */
  sample: Float32Array;
}

/** The inputs that stay the same while the batch's members do; built again only when one leaves. */
function stack(members: BatchMember[], io: BatchDenoiseJob['io'], length: number): StackedInputs {
  const hidden = concatBatch(members.map((m) => m.hidden));
  const added: Record<string, ort.Tensor> = {};
  for (const name of Object.keys(members[0]!.added)) added[name] = concatBatch(members.map((m) => m.added[name]!));
  const rows = hidden.dims[0]!;
  return { members, hidden, added, timestep: new TimestepFeed(io.timestep, rows), rows, sample: new Float32Array(rows * length) };
}

export async function denoiseBatch(job: BatchDenoiseJob): Promise<void> {
  const length = job.latentDims.slice(1).reduce((a, b) => a * b, 1);
  const copies = job.members[0]!.hidden.dims[0]!;
  const clock = new RunClock();
  let inputs: StackedInputs | null = null;
  for (const [index, t] of job.timesteps.entries()) {
    const active = job.members.filter((m) => m.error === undefined);
    if (active.length === 0) return;
    if (!inputs || inputs.members.length !== active.length) inputs = stack(active, job.io, length);
    const { sample } = inputs;
    active.forEach((member, i) => {
      const scaled = member.scheduler.scaleModelInput(member.latents, t);
      for (let c = 0; c < copies; c++) sample.set(scaled, (i * copies + c) * length);
    });
    inputs.timestep.set(t);
    const feeds = {
      sample: floatTensor(sample, [inputs.rows, ...job.latentDims.slice(1)], job.io.unetSample),
      timestep: inputs.timestep.tensor,
      encoder_hidden_states: inputs.hidden,
      ...inputs.added,
    };
    const before = clock.runMs;
    const out = await clock.run(job.unet, feeds, 'unet');
    for (const member of active) member.clock.runMs += (clock.runMs - before) / active.length;
    const prediction = readFloats(out.out_sample, 'unet');
    if (prediction.length !== inputs.rows * length) {
      throw new EaselError('GENERATION_FAILED', `unet returned ${prediction.length} values for a batch of ${inputs.rows * length}`);
    }
    for (const [i, member] of active.entries()) {
      const own = prediction.subarray(i * copies * length, (i + 1) * copies * length);
      const noise = copies > 1 ? combineGuidance(own, length, job.guidance) : own;
      try {
        const result = member.scheduler.step(noise, t, member.latents);
        member.latents = result.prevSample;
        await member.afterStep(index + 1, job.timesteps.length, member.latents, result.predOriginalSample);
      } catch (error) {
        member.error = error;
      }
    }
  }
}
