import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { parseMeetingCode } from '../lib/meetings';

/** "Have a code?": takes a meeting's join code as shown on screen (`#482913`) and opens its join page. */
export function MeetingCodeBox({ framed = true }: { framed?: boolean }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [tried, setTried] = useState(false);
  const navigate = useNavigate();
  const ids = { input: useId(), note: useId() };
  const code = parseMeetingCode(typed);
  const wrong = tried && code === null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (code) navigate(`/j/${code}`);
  };
  return (
    <form
      onSubmit={onSubmit}
      className={framed ? 'rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200' : ''}
    >
      <label htmlFor={ids.input} className="mb-2 block font-semibold text-slate-900">
        {t('codeBox.label')}
      </label>
      <div className="flex gap-2">
        <input
          id={ids.input}
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setTried(false);
          }}
          inputMode="numeric"
          autoComplete="off"
          placeholder="#482913"
          aria-invalid={wrong ? true : undefined}
          aria-describedby={ids.note}
          className="min-w-0 flex-1 rounded-xl border-0 px-3 py-2.5 font-mono text-base tracking-wider ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-2 aria-invalid:ring-rose-600"
        />
        <button
          type="submit"
          className="rounded-xl bg-indigo-600 px-5 py-2.5 font-semibold text-white hover:bg-indigo-700"
        >
          {t('codeBox.join')}
        </button>
      </div>
      <p id={ids.note} className={`mt-2 text-sm ${wrong ? 'font-medium text-rose-700' : 'text-slate-600'}`}>
        {t(wrong ? 'codeBox.wrong' : 'codeBox.hint')}
      </p>
    </form>
  );
}
