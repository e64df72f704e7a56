// An accessible progress bar: role=progressbar with its value, plus a visible text.
export function ProgressBar({ label, value, max, text }: { label: string; value: number; max: number; text?: string }) {
  const percent = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div className="progress">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={text}
        className="progress-track"
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      {text && <span className="progress-text">{text}</span>}
    </div>
  );
}
