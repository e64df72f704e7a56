'use client';
// Image-to-image: an initial image chosen, dropped or sent from a result, and the strength of the repaint.
import { useId, useState, type DragEvent } from 'react';
import type { GenerationParams } from './params';

/** The largest initial image the server takes (its limit is 9 MB of bytes). */
const MAX_BYTES = 9 * 1024 * 1024;

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

interface Props {
  image: string | null;
  strength: number;
  onChange: (update: Partial<GenerationParams>) => void;
}

export function InitImageField({ image, strength, onChange }: Props) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  const take = async (file: File | undefined) => {
    if (!file) return;
    if (!/^image\/(png|jpeg)$/.test(file.type)) return setError(`${file.name} is not a PNG or JPEG image.`);
    if (file.size > MAX_BYTES) return setError(`${file.name} is larger than 9 MB.`);
    setError(null);
    onChange({ image: await readAsDataUrl(file) });
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    // Handled here: the page's own drop (reading parameters from a PNG) must not also take it.
    e.stopPropagation();
    setOver(false);
    void take(e.dataTransfer.files[0]);
  };

  return (
    <fieldset className="init-image">
      <legend>Image to image</legend>
      <div
        className={`drop-zone${over ? ' drop-over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        data-testid="init-image-drop"
      >
        {image ? <img src={image} alt="Initial image" className="init-preview" /> : <p className="muted small">Drop a PNG or JPEG here, or choose one.</p>}
        <label htmlFor={`${id}-file`} className="button">
          {image ? 'Choose another image' : 'Choose an image'}
        </label>
        <input
          id={`${id}-file`}
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg"
          aria-label="Initial image"
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        {image && (
          <button type="button" onClick={() => onChange({ image: null })}>
            Remove image
          </button>
        )}
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
      {image && (
        <div className="field">
          <label htmlFor={`${id}-strength`}>Strength: {strength.toFixed(2)}</label>
          <input
            id={`${id}-strength`}
            type="range"
            min={0.05}
            max={1}
            step={0.05}
            value={strength}
            onChange={(e) => onChange({ strength: e.target.valueAsNumber })}
            aria-describedby={`${id}-strength-hint`}
          />
          <p id={`${id}-strength-hint`} className="hint">
            How much of the image is repainted: low keeps it close to the original, 1 replaces it.
          </p>
        </div>
      )}
    </fieldset>
  );
}
