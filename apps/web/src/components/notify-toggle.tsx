import type { OwnQuestion } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import type { Where } from '../lib/questions';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';

/** The author's choice, on their own unanswered question, of being told when it is answered. */
export function NotifyToggle({ question, where }: { question: OwnQuestion; where: Where }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const setNotify = trpc.question.setNotify.useMutation({
    onSettled: () => utils.question.mine.invalidate(where),
  });
  const failure = useFailureNotice([setNotify]);
  const checked = setNotify.isPending ? setNotify.variables.notify : question.notifyWhenAnswered;
  return (
    <div className="mt-3">
      <label className="flex w-fit cursor-pointer items-center gap-2 text-sm font-medium text-slate-700">
        <input
          type="checkbox"
          checked={checked}
          disabled={setNotify.isPending}
          onChange={(event) =>
            setNotify.mutate({ ...where, questionId: question.id, notify: event.target.checked })
          }
          className="size-4 accent-indigo-600"
        />
        {t('notifications.notifyMe')}
      </label>
      <ErrorNotice message={failure} className="mt-2" />
    </div>
  );
}
