// The floor Easel is measured against (issue 16): the smallest hand-written Stable Diffusion pipeline on
// onnxruntime-node, with no Easel code. Text encoder once at batch 2, UNet once per step at batch 2 with
// classifier-free guidance, an Euler update in plain JavaScript, VAE decoder once; the session options are the
// runner's (server/runner/device.ts), copied. Run as a child (bench/child-script.ts): 'open', then 'run's over IPC.
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

export type FloorCommand =
  | { type: 'open'; modelPath: string; threads: number; nice: number }
  | { type: 'run'; steps: number; guidance: number; seed: number; size: number };

export type FloorReply =
  | { type: 'opened' }
  | { type: 'ran'; wallMs: number; runMs: number; unetMs: number }
  | { type: 'error'; message: string };

const TOKENS = 77;
let text: ort.InferenceSession, unet: ort.InferenceSession, vae: ort.InferenceSession;
let alphasCumprod: number[], stepsOffset: number, scalingFactor: number;

async function open({ modelPath, threads, nice }: Extract<FloorCommand, { type: 'open' }>): Promise<void> {
  // Before any session: onnxruntime's threads are started by this thread and inherit its nice level.
  setPriority(nice);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 2,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  const create = (part: string) => ort.InferenceSession.create(join(modelPath, part, 'model.onnx'), options);
  [text, unet, vae] = [await create('text_encoder'), await create('unet'), await create('vae_decoder')];
  const json = (file: string) => JSON.parse(readFileSync(join(modelPath, file), 'utf8'));
  const scheduler = json('scheduler/scheduler_config.json');
  scalingFactor = json('vae_decoder/config.json').scaling_factor;
  stepsOffset = scheduler.steps_offset ?? 0;
  // scaled_linear betas, as SD's scheduler configs say.
  const [from, to, count] = [Math.sqrt(scheduler.beta_start), Math.sqrt(scheduler.beta_end), scheduler.num_train_timesteps];
  let product = 1;
  alphasCumprod = Array.from({ length: count }, (_, i) => (product *= 1 - (from + ((to - from) * i) / (count - 1)) ** 2));
}

/** Seeded standard normal noise: mulberry32 and Box–Muller. */
function noise(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Float32Array.from({ length }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

async function run({ steps, guidance, seed, size }: Extract<FloorCommand, { type: 'run' }>): Promise<FloorReply> {
  const started = performance.now();
  let runMs = 0;
  let unetMs = 0;
  const timed = async (session: ort.InferenceSession, feeds: Record<string, ort.Tensor>) => {
    const t = performance.now();
    const output = Object.values(await session.run(feeds))[0]!;
    runMs += performance.now() - t;
    return output;
  };
  // Row 0 unconditional (BOS, EOS, padding), row 1 a short prompt: the values only need to be valid ids.
  const ids = new Int32Array(2 * TOKENS);
  ids.set([1, 2], 0);
  ids.set([1, 3, 4, 5, 2], TOKENS);
  const context = await timed(text, { input_ids: new ort.Tensor('int32', ids, [2, TOKENS]) });

  const side = size / 8;
  const latentSize = 4 * side * side;
  // Euler on "leading" timesteps with steps_offset, sigmas ending in 0, as diffusers' EulerDiscreteScheduler.
  const ratio = Math.floor(alphasCumprod.length / steps);
  const timesteps = Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + stepsOffset);
  const sigmas = [...timesteps.map((t) => Math.sqrt((1 - alphasCumprod[t]!) / alphasCumprod[t]!)), 0];
  const latents = noise(latentSize, seed).map((x) => x * Math.sqrt(sigmas[0]! ** 2 + 1));
  const batch = new Float32Array(2 * latentSize);
  for (let i = 0; i < steps; i++) {
    const scale = 1 / Math.sqrt(sigmas[i]! ** 2 + 1);
    for (let j = 0; j < latentSize; j++) batch[j] = batch[j + latentSize] = latents[j]! * scale;
    const t = performance.now();
    const out = await timed(unet, {
      sample: new ort.Tensor('float32', batch, [2, 4, side, side]),
      timestep: new ort.Tensor('float32', new Float32Array([timesteps[i]!]), [1]),
      encoder_hidden_states: context,
    });
    unetMs += performance.now() - t;
    const eps = out.data as Float32Array;
    const dt = sigmas[i + 1]! - sigmas[i]!;
    for (let j = 0; j < latentSize; j++) {
      const uncond = eps[j]!;
      latents[j] = latents[j]! + (uncond + guidance * (eps[j + latentSize]! - uncond)) * dt;
    }
  }
  await timed(vae, { latent_sample: new ort.Tensor('float32', latents.map((x) => x / scalingFactor), [1, 4, side, side]) });
  return { type: 'ran', wallMs: performance.now() - started, runMs, unetMs };
}

process.on('message', (command: FloorCommand) => {
  const work = command.type === 'open' ? open(command).then((): FloorReply => ({ type: 'opened' })) : run(command);
  work.then(
    (reply) => process.send!(reply),
    (error: unknown) => process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FloorReply),
  );
});
process.on('disconnect', () => process.exit(0));
