import { useId } from 'react';

interface SelectProps<Value extends string> {
  /** Read by screen readers; the options speak for themselves on screen. */
  label: string;
  value: Value;
  options: readonly { value: Value; label: string }[];
  onChange(value: Value): void;
  disabled?: boolean;
  className?: string;
}

export function Select<Value extends string>({
  label,
  value,
  options,
  onChange,
  disabled,
  className = '',
}: SelectProps<Value>) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as Value)}
        className={`rounded-lg border-0 py-2 pr-8 pl-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 ${className}`}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** Options for a list of named things, after a first option that means "none of them" (value ''). */
export function namedOptions(none: string, items: readonly { id: string; name: string }[]) {
  return [{ value: '', label: none }, ...items.map((item) => ({ value: item.id, label: item.name }))];
}
