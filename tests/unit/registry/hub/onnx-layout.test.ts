import { describe, expect, it } from 'vitest';
import { isLayoutPath, selectLayoutFiles, type HubEntry } from '../../../../server/registry/hub/onnx-layout.js';

const file = (path: string, size = 10, lfs = false): HubEntry => ({
  type: 'file',
  path,
  size,
  oid: 'a'.repeat(40),
  ...(lfs ? { lfs: { oid: 'b'.repeat(64), size: size * 1000 } } : {}),
});

const SD15 = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'text_encoder/config.json',
  'text_encoder/model.onnx',
  'unet/config.json',
  'unet/model.onnx',
  'unet/model.onnx_data',
  'vae_decoder/config.json',
  'vae_decoder/model.onnx',
];

describe('the ONNX layout of a hub repository', () => {
  it('takes the layout files and leaves everything else', () => {
    expect(isLayoutPath('tokenizer_2/vocab.json')).toBe(true);
    expect(isLayoutPath('text_encoder_2/model.onnx_data')).toBe(true);
    expect(isLayoutPath('unet/diffusion_pytorch_model.safetensors')).toBe(false);
    expect(isLayoutPath('unet/extra/model.onnx')).toBe(false);
    expect(isLayoutPath('safety_checker/model.onnx')).toBe(false);
    expect(isLayoutPath('README.md')).toBe(false);
  });

  it('puts model_index.json last and checks LFS files by sha256, git files by their object id', () => {
    const entries = [...SD15.map((p) => file(p, 10, p.endsWith('.onnx') || p.endsWith('_data'))), file('README.md'), file('unet/diffusion_pytorch_model.safetensors', 10, true)];
    const files = selectLayoutFiles('o/n', entries, null);
    expect(files.map((f) => f.path)).toEqual([...SD15.slice(1).sort(), 'model_index.json']);
    expect(files.find((f) => f.path === 'unet/model.onnx')).toMatchObject({ size: 10_000, check: { kind: 'sha256', hex: 'b'.repeat(64) } });
    expect(files.find((f) => f.path === 'unet/config.json')).toMatchObject({ size: 10, check: { kind: 'git-sha1', hex: 'a'.repeat(40) } });
  });

  it('reads a subfolder, giving paths inside the model folder', () => {
    const files = selectLayoutFiles('o/n', SD15.map((p) => file(`onnx/${p}`)), 'onnx');
    expect(files.at(-1)).toMatchObject({ repoPath: 'onnx/model_index.json', path: 'model_index.json' });
  });

  it('refuses a repository without the layout, naming what is missing, what it holds and where an export is', () => {
    const entries = [file('model_index.json'), file('unet/diffusion_pytorch_model.safetensors'), ...SD15.map((p) => file(`onnx/${p}`))];
    expect(() => selectLayoutFiles('o/n', entries, null)).toThrow(
      /"o\/n" holds no ONNX model .*missing text_encoder\/model\.onnx, unet\/model\.onnx, vae_decoder\/model\.onnx\. Found: model_index\.json, unet\/diffusion_pytorch_model\.safetensors, onnx\/.*--subfolder onnx/,
    );
    expect(() => selectLayoutFiles('o/n', [], null)).toThrow(/Found: no files\./);
  });

  it('shortens a long list of what was found', () => {
    const many = Array.from({ length: 40 }, (_, i) => file(`weights/${i}.bin`));
    expect(() => selectLayoutFiles('o/n', many, null)).toThrow(/, … and 15 more\./);
  });
});
