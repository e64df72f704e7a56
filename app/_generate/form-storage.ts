'use client';
// Keeps the generation form (and the chosen model) in localStorage, so a reload or a new tab starts where the
// person left off. The initial image stays out: it can be megabytes, more than localStorage should hold.
import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_PARAMS, type GenerationParams } from './params';

const KEY = 'easel.generate.form';

interface Stored {
  params: Omit<GenerationParams, 'image'>;
  modelId: string;
}

function read(): Stored | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    const params = { ...DEFAULT_PARAMS, ...parsed.params, image: null };
    // Older or hand-edited values of the wrong type fall back to the defaults field by field.
    for (const key of Object.keys(DEFAULT_PARAMS) as Array<keyof GenerationParams>) {
      if (key !== 'image' && typeof params[key] !== typeof DEFAULT_PARAMS[key]) Object.assign(params, { [key]: DEFAULT_PARAMS[key] });
    }
    return { params, modelId: typeof parsed.modelId === 'string' ? parsed.modelId : '' };
  } catch {
    return null;
  }
}

export function usePersistentForm() {
  const [params, setParams] = useState<GenerationParams>(DEFAULT_PARAMS);
  const [modelId, setModelId] = useState('');
  const [restored, setRestored] = useState(false);

  // Read after mount: the server render has no localStorage, and both renders must agree.
  useEffect(() => {
    const stored = read();
    if (stored) {
      setParams(stored.params as GenerationParams);
      setModelId(stored.modelId);
    }
    setRestored(true);
  }, []);

  useEffect(() => {
    if (!restored) return;
    const { image: _image, ...kept } = params;
    try {
      window.localStorage.setItem(KEY, JSON.stringify({ params: kept, modelId } satisfies Stored));
    } catch {
      // Storage full or disabled: the form still works, it just is not remembered.
    }
  }, [params, modelId, restored]);

  const update = useCallback((change: Partial<GenerationParams>) => setParams((p) => ({ ...p, ...change })), []);
  return { params, update, modelId, setModelId, restored };
}
