// A labelled <select> over a list of values, optionally with an "any" choice whose value is ''.
interface Props<T extends string | number> {
  id: string;
  label: string;
  value: T | '';
  options: readonly T[];
  onChange: (value: T | '') => void;
  /** Text of the empty choice (e.g. "Any"); without it every choice is a value. */
  emptyLabel?: string;
}

export function SelectField<T extends string | number>({ id, label, value, options, onChange, emptyLabel }: Props<T>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const raw = e.target.value;
          onChange(raw === '' ? '' : (options.find((o) => String(o) === raw) ?? ''));
        }}
      >
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}
