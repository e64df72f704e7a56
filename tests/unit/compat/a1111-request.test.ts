// A1111 request bodies in Easel's terms, and the info string A1111 clients read seeds and parameters from.
import { describe, expect, it } from 'vitest';
import { a1111Info, readImg2img, readTxt2img } from '../../../server/compat/a1111-request.js';

describe('A1111 requests', () => {
  it("fills A1111's API defaults and turns batches into a count", () => {
    const job = readTxt2img({ prompt: 'a red circle', batch_size: 2, n_iter: 3, extra_unknown_field: true });
    expect(job.request).toEqual({ prompt: 'a red circle', negativePrompt: '', sampler: 'EULER', steps: 50, guidance: 7, width: 512, height: 512, count: 6 });
    expect(job.samplerName).toBe('Euler');
    expect(job.parameters).toMatchObject({ prompt: 'a red circle', seed: -1, sampler_name: 'Euler', steps: 50, cfg_scale: 7, batch_size: 2, n_iter: 3 });
  });

  it('keeps a seed, maps the sampler, rounds sizes down to latent multiples and reads the checkpoint override', () => {
    const job = readTxt2img({ prompt: 'p', seed: 42, sampler_name: 'Euler a', width: 515, height: 300, cfg_scale: 5.5, override_settings: { sd_model_checkpoint: 'easel-demo' } });
    expect(job.request).toMatchObject({ seed: 42, sampler: 'EULER_A', width: 512, height: 296, guidance: 5.5 });
    expect(job.checkpoint).toBe('easel-demo');
  });

  it('reads img2img: the first init image, the denoising strength, no mask, and no images echoed back', () => {
    const job = readImg2img({ prompt: 'p', init_images: ['AAAA', 'BBBB'], denoising_strength: 0.4 });
    expect(job.request).toMatchObject({ image: 'AAAA', strength: 0.4 });
    expect(job.parameters).toMatchObject({ init_images: null, denoising_strength: 0.4 });
    expect(readImg2img({ prompt: 'p', init_images: ['AAAA'] }).request.strength).toBe(0.75);
    expect(() => readImg2img({ prompt: 'p', init_images: [] })).toThrow(/init_images: img2img needs at least one init image/);
    expect(() => readImg2img({ prompt: 'p', init_images: ['AAAA'], mask: 'AAAA' })).toThrow(/Inpainting \(mask\) is not supported/);
  });

  it('names the field of a malformed request', () => {
    expect(() => readTxt2img({ steps: 'many' })).toThrow(/^steps: /);
    expect(() => readTxt2img({ sampler_name: 'DPM adaptive' })).toThrow(/no exact equivalent/);
  });

  it('writes info as A1111 does: seed, all_seeds, sampler_name, steps, cfg_scale, width, height, infotexts', () => {
    const job = readTxt2img({ prompt: 'a red circle', negative_prompt: 'blur', seed: 7, sampler_name: 'k_euler_a', steps: 12, width: 128, height: 64, batch_size: 2 });
    const info = JSON.parse(a1111Info(job, 'easel-demo', [7, 8], new Date('2026-12-06T23:04:05Z')));
    expect(info).toMatchObject({
      prompt: 'a red circle',
      all_prompts: ['a red circle', 'a red circle'],
      negative_prompt: 'blur',
      seed: 7,
      all_seeds: [7, 8],
      sampler_name: 'Euler a',
      steps: 12,
      cfg_scale: 7,
      width: 128,
      height: 64,
      batch_size: 2,
      sd_model_name: 'easel-demo',
      job_timestamp: '20261206230405',
    });
    expect(info.infotexts[1]).toBe('a red circle\nNegative prompt: blur\nSteps: 12, Sampler: Euler a, CFG scale: 7, Seed: 8, Size: 128x64, Model: easel-demo');
  });

  it('reports the requested seed when no image was made (an interrupt before the first finished)', () => {
    const info = JSON.parse(a1111Info(readTxt2img({ prompt: 'p', seed: 9 }), null, [], new Date()));
    expect(info).toMatchObject({ seed: 9, all_seeds: [], infotexts: [] });
  });
});
