import { type InputHTMLAttributes, type ReactNode, useId } from 'react';
import { DisplayChoices } from './theme-toggle';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 bg-gradient-to-b from-indigo-50 to-slate-50 px-4 py-10">
      <div className="w-full max-w-md rounded-3xl bg-white p-8 shadow-xl ring-1 ring-slate-200">
        <a href="/" className="mb-6 flex items-center gap-2 font-semibold text-slate-900">
          <img src="/favicon.svg" alt="" className="size-8" />
          PulseStage
        </a>
        <h1 className="mb-6 text-2xl font-bold text-slate-900">{title}</h1>
        {children}
      </div>
      <footer>
        <DisplayChoices className="bg-white" />
      </footer>
    </main>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
}

export function Field({ label, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="mb-4">
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        {...input}
        className="w-full rounded-xl border-0 px-3 py-2.5 text-base ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
    </div>
  );
}

export function SubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="w-full rounded-xl bg-indigo-600 px-4 py-3 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-slate-300"
    >
      {children}
    </button>
  );
}
