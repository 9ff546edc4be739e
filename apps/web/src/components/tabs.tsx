interface TabsProps<Value extends string> {
  label: string;
  tabs: { value: Value; label: string; count?: number | undefined }[];
  value: Value;
  onChange(value: Value): void;
}

/** A row of toggle buttons choosing what the list below shows. */
export function Tabs<Value extends string>({ label, tabs, value, onChange }: TabsProps<Value>) {
  return (
    <fieldset className="flex gap-1 rounded-xl bg-slate-100 p-1">
      <legend className="sr-only">{label}</legend>
      {tabs.map((tab) => (
        <button
          key={tab.value}
          type="button"
          aria-pressed={tab.value === value}
          onClick={() => onChange(tab.value)}
          className={`flex-1 rounded-lg px-3 py-1.5 text-sm font-medium whitespace-nowrap ${
            tab.value === value ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'
          }`}
        >
          {tab.label}
          {tab.count !== undefined && <span className="ml-1 text-slate-600 tabular-nums">({tab.count})</span>}
        </button>
      ))}
    </fieldset>
  );
}
