'use client';
// Prompt and parameters of a generation: all 18 samplers with their descriptions, steps, guidance, a seed with a
// randomize control, a batch count, an initial image for image-to-image, and the sizes the chosen model allows.
// Each field's problem is shown next to it and goes away once fixed.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTRPC, type ModelRecord } from '../_lib/trpc';
import { InitImageField } from './init-image';
import { COUNT_LIMITS, fieldErrors, GUIDANCE_LIMITS, randomSeed, SEED_MAX, STEP_LIMITS, type FieldName, type GenerationParams } from './params';
import { SelectField } from '../_components/select-field';

interface Props {
  params: GenerationParams;
  onChange: (update: Partial<GenerationParams>) => void;
  onSubmit: () => void;
  /** The model chosen in the picker (its native size and default sampler); undefined while none is. */
  model: ModelRecord | undefined;
  /** Why Generate is disabled apart from the fields (no model, connection lost, request in flight); null when it is not. */
  blockedBy: string | null;
}

/** The smallest side the server accepts; the largest is twice the model's native size. */
const MIN_SIDE = 64;

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

function errorProps(field: FieldName, message: string | undefined): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return message ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};
}

function sizes(min: number, max: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v += 64) out.push(v);
  return out;
}

export function GenerationForm({ params, onChange, onSubmit, model, blockedBy }: Props) {
  const trpc = useTRPC();
  const samplers = useQuery(trpc.pipeline.samplers.queryOptions(undefined, { staleTime: Infinity }));
  const native = model ? model.sampleSize * model.description.vaeScaleFactor : undefined;
  // The prompt's "write a prompt" waits for a first attempt; number fields say what is wrong as soon as it is.
  const [attempted, setAttempted] = useState(false);
  const errors = fieldErrors(params);
  const shown: typeof errors = attempted ? errors : { ...errors, prompt: undefined };
  const valid = Object.keys(errors).length === 0;
  const canSubmit = valid && blockedBy === null;

  // Another model starts at its native size, unless the current size is one it accepts.
  useEffect(() => {
    if (!native) return;
    const fits = (side: number) => side >= MIN_SIDE && side <= native * 2 && side % 8 === 0;
    if (!fits(params.width) || !fits(params.height)) onChange({ width: native, height: native });
    // Keyed on the model alone: re-running on every edit would undo the user's choices.
  }, [model?.id, native]);

  const sizeOptions = native ? sizes(MIN_SIDE, native * 2) : [params.width];
  const sampler = samplers.data?.find((s) => s.name === params.sampler);
  // A distilled model (Turbo, LCM, TCD) says how it wants to be run: its own sampler, steps and guidance.
  const own = model?.description.samplingDefaults;
  const defaultSampler = samplers.data?.find((s) => s.name === (own?.sampler ?? model?.defaultSampler));
  const ownValues = {
    ...(own?.steps !== undefined && { steps: String(own.steps) }),
    ...(own?.guidance !== undefined && { guidance: String(own.guidance) }),
    ...(own?.sampler !== undefined && { sampler: '' }),
  };
  const differsFromOwn = Object.entries(ownValues).some(([field, value]) => params[field as keyof typeof ownValues] !== value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    // Ctrl+Enter arrives here too: it must obey the same rules as the (possibly disabled) button.
    if (canSubmit) onSubmit();
  };
  const numberField = (field: 'steps' | 'guidance' | 'count', label: ReactNode, limits: { min: number; max: number }, step: number) => (
    <div className="field">
      <label htmlFor={field}>{label}</label>
      <input
        id={field}
        type="number"
        inputMode={step === 1 ? 'numeric' : 'decimal'}
        min={limits.min}
        max={limits.max}
        step={step}
        value={params[field]}
        onChange={(e) => onChange({ [field]: e.target.value })}
        {...errorProps(field, shown[field])}
      />
      <FieldError id={`${field}-error`} message={shown[field]} />
    </div>
  );

  return (
    <form className="card generation-form" aria-labelledby="new-image-heading" onSubmit={submit} noValidate>
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
          {...errorProps('prompt', shown.prompt)}
        />
        <FieldError id="prompt-error" message={shown.prompt} />
      </div>
      <div className="field">
        <label htmlFor="negative-prompt">Negative prompt</label>
        <textarea id="negative-prompt" rows={2} value={params.negativePrompt} placeholder="what to keep out of the image" onChange={(e) => onChange({ negativePrompt: e.target.value })} />
      </div>

      <div className="field">
        <label htmlFor="sampler">Sampler</label>
        <select id="sampler" value={params.sampler} aria-describedby="sampler-description" onChange={(e) => onChange({ sampler: e.target.value })}>
          <option value="">Model default{defaultSampler ? ` (${defaultSampler.label})` : ''}</option>
          {samplers.data?.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
            </option>
          ))}
        </select>
        <p id="sampler-description" className="hint">
          {sampler ? `${sampler.description}${sampler.stochastic ? ' (adds noise each step)' : ''}` : 'The model’s configured sampler.'}
        </p>
      </div>

      <div className="field-row">
        {numberField('steps', 'Steps', STEP_LIMITS, 1)}
        {numberField('guidance', 'Guidance', GUIDANCE_LIMITS, 0.5)}
        {numberField('count', 'Batch count', COUNT_LIMITS, 1)}
        <SelectField id="width" label="Width" value={params.width} options={sizeOptions} onChange={(width) => width !== '' && onChange({ width })} />
        <SelectField id="height" label="Height" value={params.height} options={sizeOptions} onChange={(height) => height !== '' && onChange({ height })} />
      </div>

      {own && differsFromOwn && (
        <p className="hint model-defaults" role="note">
          {model!.name} is meant to run with {[own.steps !== undefined && `${own.steps} steps`, own.guidance !== undefined && `guidance ${own.guidance}`, defaultSampler && defaultSampler.label]
            .filter(Boolean)
            .join(', ')}{' '}
          <span title={own.sources.join('; ')}>(read from the model)</span>.{' '}
          <button type="button" onClick={() => onChange(ownValues)}>
            Use the model’s defaults
          </button>
        </p>
      )}
      {native && (
        <p className="hint size-hint">
          This model works best at {native} × {native}; sizes from {MIN_SIDE} to {native * 2} pixels work.
        </p>
      )}
      <div className="field">
        <label htmlFor="seed">Seed</label>
        <div className="input-with-button">
          <input
            id="seed"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={String(SEED_MAX).length}
            placeholder="random"
            value={params.seed}
            onChange={(e) => onChange({ seed: e.target.value.replace(/[^0-9]/g, '').slice(0, String(SEED_MAX).length) })}
            aria-invalid={shown.seed ? true : undefined}
            aria-describedby={shown.seed ? 'seed-error seed-hint' : 'seed-hint'}
          />
          <button type="button" onClick={() => onChange({ seed: randomSeed() })}>
            Randomize seed
          </button>
          <button type="button" onClick={() => onChange({ seed: '' })} disabled={params.seed === ''}>
            Clear seed
          </button>
        </div>
        <FieldError id="seed-error" message={shown.seed} />
        <p id="seed-hint" className="hint">
          Leave empty for a new random seed each time; the same seed and settings give the same image.
        </p>
      </div>

      <InitImageField image={params.image} strength={params.strength} onChange={onChange} />

      <div className="actions">
        <button type="submit" className="primary" disabled={!canSubmit}>
          Generate
        </button>
        {blockedBy && <span className="hint">{blockedBy}</span>}
        {!blockedBy && !valid && <span className="hint">{errors.prompt && !shown.prompt ? 'Write a prompt to generate.' : 'Fix the fields marked above to generate.'}</span>}
      </div>
    </form>
  );
}
