import type { Tenant, TenantSafetySettings } from '@pulsestage/contracts';
import { FRAME_ORIGINS_MAX, RESTRICTED_WORDS_MAX } from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { type FormEvent, useId, useState } from 'react';
import type { FieldLabels } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';
import { SaveRow, Section } from './section';

/** Entries typed one per line or separated by commas, blanks left out. */
function entriesOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Names each entry the server may refuse by what was typed, so the admin sees which one to fix. */
function entryLabels(words: string[], origins: string[]): FieldLabels {
  const labels: Record<string, string> = {
    restrictedWords: t('safety.wordsField'),
    displayFrameOrigins: t('safety.sitesField'),
  };
  words.forEach((word, index) => {
    labels[`restrictedWords.${index}`] = t('safety.word', { word });
  });
  origins.forEach((origin, index) => {
    labels[`displayFrameOrigins.${index}`] = t('safety.site', { origin });
  });
  return labels;
}

const textareaClass =
  'w-full resize-y rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600';

function SafetyForm({ tenant, saved }: { tenant: Tenant; saved: TenantSafetySettings }) {
  const [wordsText, setWordsText] = useState(saved.restrictedWords.join('\n'));
  const [originsText, setOriginsText] = useState(saved.displayFrameOrigins.join('\n'));
  const ids = { words: useId(), wordsHint: useId(), count: useId(), origins: useId(), originsHint: useId() };
  const utils = trpc.useUtils();
  const update = trpc.tenant.updateSafetySettings.useMutation({
    onSuccess: (settings) => {
      utils.tenant.safetySettings.setData({ tenant: tenant.slug }, settings);
      // Shows the lists as stored: duplicates gone, spacing tidied.
      setWordsText(settings.restrictedWords.join('\n'));
      setOriginsText(settings.displayFrameOrigins.join('\n'));
    },
  });
  const words = entriesOf(wordsText);
  const origins = entriesOf(originsText);
  const failure = useFailureNotice([update], entryLabels(words, origins));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ tenant: tenant.slug, restrictedWords: words, displayFrameOrigins: origins });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4">
      <ErrorNotice message={failure} className="" />
      <div>
        <label htmlFor={ids.words} className="block font-medium">
          {t('safety.words')}
        </label>
        <p id={ids.wordsHint} className="mb-2 text-sm text-slate-600">
          {t('safety.wordsHint')}
        </p>
        <textarea
          id={ids.words}
          value={wordsText}
          onChange={(event) => setWordsText(event.target.value)}
          rows={4}
          aria-describedby={`${ids.wordsHint} ${ids.count}`}
          className={textareaClass}
        />
        <p
          id={ids.count}
          className={`text-sm tabular-nums ${words.length > RESTRICTED_WORDS_MAX ? 'font-semibold text-rose-700' : 'text-slate-500'}`}
        >
          {t('safety.wordCount', { used: words.length, max: RESTRICTED_WORDS_MAX })}
        </p>
      </div>
      <div>
        <label htmlFor={ids.origins} className="block font-medium">
          {t('safety.sites')}
        </label>
        <p id={ids.originsHint} className="mb-2 text-sm text-slate-600">
          {t('safety.sitesHint', { max: FRAME_ORIGINS_MAX })}
        </p>
        <textarea
          id={ids.origins}
          value={originsText}
          onChange={(event) => setOriginsText(event.target.value)}
          rows={2}
          aria-describedby={ids.originsHint}
          placeholder="https://intranet.example.com"
          className={textareaClass}
        />
      </div>
      <SaveRow label={t('safety.save')} pending={update.isPending} saved={update.isSuccess} />
    </form>
  );
}

/** Admins only: the tenant's restricted words and the sites allowed to frame its presenter display. */
export function SafetySettings({ tenant }: { tenant: Tenant }) {
  const safety = trpc.tenant.safetySettings.useQuery({ tenant: tenant.slug });
  return (
    <Section title={t('safety.title')}>
      {safety.data && <SafetyForm tenant={tenant} saved={safety.data} />}
    </Section>
  );
}
