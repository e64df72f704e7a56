'use client';
// Prompt and parameters of a generation: all 18 samplers with their descriptions, steps, guidance, a seed with a
// randomize control, and the sizes the loaded model allows.
import { useQuery } from '@tanstack/react-query';
import { useEffect, type FormEvent } from 'react';
import { useTRPC } from '../_lib/trpc';
import { GUIDANCE_LIMITS, randomSeed, STEP_LIMITS, type GenerationParams } from './params';
import { SelectField } from '../_components/select-field';

interface Props {
  params: GenerationParams;
  onChange: (update: Partial<GenerationParams>) => void;
  onSubmit: () => void;
  loaded: boolean;
  busy: boolean;
}

function sizes(min: number, max: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v += 64) out.push(v);
  return out;
}

export function GenerationForm({ params, onChange, onSubmit, loaded, busy }: Props) {
  const trpc = useTRPC();
  const samplers = useQuery(trpc.pipeline.samplers.queryOptions(undefined, { staleTime: Infinity }));
  const pipeline = useQuery(trpc.pipeline.sampleSize.queryOptions(undefined, { enabled: loaded }));
  const limits = loaded ? pipeline.data : undefined;

  // A newly loaded model starts at its native size and its configured sampler.
  useEffect(() => {
    if (!limits) return;
    onChange({ width: limits.width, height: limits.height, ...(params.sampler ? {} : { sampler: limits.sampler }) });
    // Keyed on the model alone: re-running on every edit would undo the user's choices.
  }, [limits?.modelId]);

  const sizeOptions = limits ? sizes(Math.max(64, limits.minSide - (limits.minSide % 64)), limits.maxSide) : [params.width];
  const sampler = samplers.data?.find((s) => s.name === params.sampler);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };

  return (
    <form className="card generation-form" aria-labelledby="new-image-heading" onSubmit={submit}>
      <h2 id="new-image-heading">New image</h2>
      <div className="field">
        <label htmlFor="prompt">Prompt</label>
        <textarea
          id="prompt"
          rows={3}
          value={params.prompt}
          placeholder="a red circle on a blue background"
          onChange={(e) => onChange({ prompt: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="negative-prompt">Negative prompt</label>
        <textarea id="negative-prompt" rows={2} value={params.negativePrompt} placeholder="what to keep out of the image" onChange={(e) => onChange({ negativePrompt: e.target.value })} />
      </div>

      <div className="field">
        <label htmlFor="sampler">Sampler</label>
        <select id="sampler" value={params.sampler} aria-describedby="sampler-description" onChange={(e) => onChange({ sampler: e.target.value })}>
          {!params.sampler && <option value="">Model default</option>}
          {samplers.data?.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
            </option>
          ))}
        </select>
        <p id="sampler-description" className="hint">
          {sampler ? `${sampler.description}${sampler.stochastic ? ' (adds noise each step)' : ''}` : 'The loaded model’s configured sampler.'}
        </p>
      </div>

      <div className="field-row">
        <div className="field">
          <label htmlFor="steps">Steps</label>
          <input id="steps" type="number" min={STEP_LIMITS.min} max={STEP_LIMITS.max} step={1} value={params.steps} onChange={(e) => onChange({ steps: e.target.valueAsNumber })} />
        </div>
        <div className="field">
          <label htmlFor="guidance">Guidance</label>
          <input id="guidance" type="number" min={GUIDANCE_LIMITS.min} max={GUIDANCE_LIMITS.max} step={0.5} value={params.guidance} onChange={(e) => onChange({ guidance: e.target.valueAsNumber })} />
        </div>
        <SelectField id="width" label="Width" value={params.width} options={sizeOptions} onChange={(width) => width !== '' && onChange({ width })} />
        <SelectField id="height" label="Height" value={params.height} options={sizeOptions} onChange={(height) => height !== '' && onChange({ height })} />
      </div>

      {limits && (
        <p className="hint size-hint">
          This model works best at {limits.width} × {limits.height}; sizes from {limits.minSide} to {limits.maxSide} pixels work.
        </p>
      )}
      <div className="field">
        <label htmlFor="seed">Seed</label>
        <div className="input-with-button">
          <input id="seed" inputMode="numeric" pattern="[0-9]*" placeholder="random" value={params.seed} onChange={(e) => onChange({ seed: e.target.value.replace(/[^0-9]/g, '') })} aria-describedby="seed-hint" />
          <button type="button" onClick={() => onChange({ seed: randomSeed() })}>
            Randomize seed
          </button>
          <button type="button" onClick={() => onChange({ seed: '' })} disabled={params.seed === ''}>
            Clear seed
          </button>
        </div>
        <p id="seed-hint" className="hint">
          Leave empty for a new random seed each time; the same seed and settings give the same image.
        </p>
      </div>

      <div className="actions">
        <button type="submit" className="primary" disabled={!loaded || busy || params.prompt.trim() === ''}>
          Generate
        </button>
        {!loaded && <span className="hint">Load a model to generate.</span>}
      </div>
    </form>
  );
}
