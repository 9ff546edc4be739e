import type { PulseQuestion, PulseScale, PulseSettings, Team, Weekday } from '@pulsestage/contracts';
import {
  LABEL_MAX,
  PULSE_COHORTS_MAX,
  PULSE_QUESTION_TEXT_MAX,
  PULSE_SCALES,
  PULSE_THRESHOLD_MAX,
  PULSE_THRESHOLD_MIN,
  WEEKDAYS,
} from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { SMALL_BUTTON } from '../components/button-styles';
import { ErrorNotice } from '../components/notice';
import { PulseNav } from '../components/pulse-nav';
import { SaveRow, Section } from '../components/section';
import { namedOptions, Select } from '../components/select';
import { Spinner } from '../components/spinner';
import type { FieldLabels } from '../lib/errors';
import { type Attempt, useFailureNotice } from '../lib/failure';
import { scaleName } from '../lib/pulse';
import {
  addCohort,
  draftOf,
  removeCohort,
  renameCohort,
  type ScheduleDraft,
  setDay,
  settingsOf,
  timeZoneChoices,
  weekdayName,
} from '../lib/pulse-schedule';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const inputClass =
  'rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600';

const questionLabels = (): FieldLabels => ({
  text: t('moderation.questionField'),
  scale: t('pulseAdmin.scaleField'),
  teamId: t('errors.fields.teamId'),
});

function Failure({ attempts, labels }: { attempts: readonly Attempt[]; labels?: FieldLabels }) {
  return <ErrorNotice message={useFailureNotice(attempts, labels)} className="mb-3" />;
}

interface QuestionDraft {
  text: string;
  scale: PulseScale;
  teamId: string | null;
}

interface QuestionFormProps {
  initial: QuestionDraft;
  teams: readonly Team[];
  submitLabel: string;
  pending: boolean;
  onSubmit(draft: QuestionDraft): void;
  /** Given when editing: the form opens with the focus on its text, and can be left unsaved. */
  onCancel?(): void;
}

/** The text (with what is left of its length), the scale and who is asked. */
function QuestionForm({ initial, teams, submitLabel, pending, onSubmit, onCancel }: QuestionFormProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const ids = { text: useId(), count: useId(), scale: useId() };
  const text = useRef<HTMLTextAreaElement>(null);
  const editing = onCancel !== undefined;
  useEffect(() => {
    if (editing) text.current?.focus();
  }, [editing]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ ...draft, text: draft.text.trim() });
  };
  const length = draft.text.trim().length;
  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <div>
        <label htmlFor={ids.text} className="mb-1 block text-sm font-medium">
          {t('pulseAdmin.question')}
        </label>
        <textarea
          ref={text}
          id={ids.text}
          value={draft.text}
          rows={2}
          maxLength={PULSE_QUESTION_TEXT_MAX}
          aria-describedby={ids.count}
          onChange={(event) => setDraft({ ...draft, text: event.target.value })}
          placeholder={t('pulseAdmin.placeholder')}
          className={`w-full resize-y ${inputClass}`}
        />
        <p id={ids.count} className="text-right text-sm text-slate-600 tabular-nums">
          {t('pulseAdmin.characters', { used: length, max: PULSE_QUESTION_TEXT_MAX })}
        </p>
      </div>
      <fieldset className="flex flex-wrap gap-x-5 gap-y-2">
        <legend className="mb-1 text-sm font-medium">{t('pulseAdmin.scale')}</legend>
        {PULSE_SCALES.map((scale) => (
          <label key={scale} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name={ids.scale}
              value={scale}
              checked={draft.scale === scale}
              onChange={() => setDraft({ ...draft, scale })}
              className="size-4 accent-indigo-600"
            />
            {scaleName(scale)}
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <Select
          label={t('pulseAdmin.whoIsAsked')}
          className="max-w-full min-w-0"
          value={draft.teamId ?? ''}
          options={namedOptions(t('pulseAdmin.everyoneAsked'), teams).map((option) =>
            option.value ? { ...option, label: t('pulseAdmin.onlyAsked', { team: option.label }) } : option,
          )}
          onChange={(teamId) => setDraft({ ...draft, teamId: teamId || null })}
        />
        <div className="ml-auto flex gap-2">
          {onCancel && (
            <button type="button" className={SMALL_BUTTON} onClick={onCancel}>
              {t('common.cancel')}
            </button>
          )}
          <button
            type="submit"
            disabled={pending || length === 0}
            className="rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
          >
            {submitLabel}
          </button>
        </div>
      </div>
    </form>
  );
}

interface Move {
  questionId: string;
  direction: 'up' | 'down';
}

/** A move the server made: the order the list shows once it did, and the button to keep the focus on. */
interface MadeMove extends Move {
  order: string;
}

const moveButtonId = (questionId: string, direction: Move['direction']) => `move-${direction}-${questionId}`;
const orderOf = (ids: readonly string[]) => ids.join(',');

/**
 * Once the list shows a move, the button pressed gets the focus back (or its twin, at an end of the
 * list): moving an item in the page takes the focus away from it.
 */
function useFocusAfterMove(questions: readonly PulseQuestion[] | undefined) {
  const [made, setMade] = useState<MadeMove | null>(null);
  useEffect(() => {
    if (!made || !questions || orderOf(questions.map((question) => question.id)) !== made.order) return;
    const pressed = document.getElementById(moveButtonId(made.questionId, made.direction));
    const twin = document.getElementById(
      moveButtonId(made.questionId, made.direction === 'up' ? 'down' : 'up'),
    );
    const target = pressed instanceof HTMLButtonElement && !pressed.disabled ? pressed : twin;
    target?.focus();
    setMade(null);
  }, [made, questions]);
  return setMade;
}

interface QuestionRowProps {
  question: PulseQuestion;
  place: number;
  count: number;
  teamName: string | undefined;
  busy: boolean;
  onMove(direction: Move['direction']): void;
  onEdit(): void;
  onToggleActive(): void;
}

function QuestionRow({
  question,
  place,
  count,
  teamName,
  busy,
  onMove,
  onEdit,
  onToggleActive,
}: QuestionRowProps) {
  const { t } = useTranslation();
  const quoted = `“${question.text}”`;
  return (
    <div className="flex items-start gap-3">
      <span className="mt-0.5 w-6 shrink-0 text-right font-semibold text-slate-500 tabular-nums" aria-hidden>
        {place}
      </span>
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <div>
          <p className={`break-words font-medium ${question.active ? 'text-slate-900' : 'text-slate-500'}`}>
            {question.text}
          </p>
          <p className="text-sm text-slate-600">
            {scaleName(question.scale)} ·{' '}
            {teamName ? t('pulseResults.teamOnly', { team: teamName }) : t('common.everyone')}
            {!question.active && (
              <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700">
                {t('pulseResults.inactive')}
              </span>
            )}
          </p>
        </div>
        <div className="flex flex-wrap gap-1">
          <button
            id={moveButtonId(question.id, 'up')}
            type="button"
            className={SMALL_BUTTON}
            disabled={busy || place === 1}
            aria-label={t('pulseAdmin.moveUp', { question: quoted })}
            onClick={() => onMove('up')}
          >
            {t('pulseAdmin.up')}
          </button>
          <button
            id={moveButtonId(question.id, 'down')}
            type="button"
            className={SMALL_BUTTON}
            disabled={busy || place === count}
            aria-label={t('pulseAdmin.moveDown', { question: quoted })}
            onClick={() => onMove('down')}
          >
            {t('pulseAdmin.down')}
          </button>
          <button
            type="button"
            className={SMALL_BUTTON}
            aria-label={t('pulseAdmin.editNamed', { question: quoted })}
            onClick={onEdit}
          >
            {t('common.edit')}
          </button>
          <button
            type="button"
            className={SMALL_BUTTON}
            disabled={busy}
            aria-label={t(question.active ? 'pulseAdmin.deactivateNamed' : 'pulseAdmin.activateNamed', {
              question: quoted,
            })}
            onClick={onToggleActive}
          >
            {t(question.active ? 'pulseAdmin.deactivate' : 'pulseAdmin.activate')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The ids in their new order, `questionId` one place up or down. */
function movedOrder(questions: readonly PulseQuestion[], { questionId, direction }: Move): string[] {
  const ids = questions.map((question) => question.id);
  const from = ids.indexOf(questionId);
  const to = direction === 'up' ? from - 1 : from + 1;
  const other = ids[to];
  if (from === -1 || other === undefined) return ids;
  ids[to] = questionId;
  ids[from] = other;
  return ids;
}

function Questions({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const questions = trpc.pulse.questions.useQuery({ tenant });
  const teams = trpc.team.list.useQuery({ tenant });
  const utils = trpc.useUtils();
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const replace = (updated: PulseQuestion) =>
    utils.pulse.questions.setData({ tenant }, (list) =>
      list?.map((question) => (question.id === updated.id ? updated : question)),
    );
  const create = trpc.pulse.createQuestion.useMutation({
    onSuccess: (created) => {
      utils.pulse.questions.setData({ tenant }, (list) => [...(list ?? []), created]);
      // A new key gives the next question an empty form.
      setAdding((count) => count + 1);
      setAnnouncement(t('pulseAdmin.added', { question: created.text }));
    },
  });
  const update = trpc.pulse.updateQuestion.useMutation({
    onSuccess: (updated) => {
      replace(updated);
      setEditing(null);
    },
  });
  const focusAfterMove = useFocusAfterMove(questions.data);
  const reorder = trpc.pulse.reorderQuestions.useMutation({
    onSuccess: (list) => utils.pulse.questions.setData({ tenant }, list),
  });
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;
  const list = questions.data ?? [];
  const onMove = (move: Move) =>
    reorder.mutate(
      { tenant, questionIds: movedOrder(list, move) },
      {
        onSuccess: (reordered) => {
          const place = reordered.findIndex((question) => question.id === move.questionId);
          focusAfterMove({ ...move, order: orderOf(reordered.map((question) => question.id)) });
          setAnnouncement(
            t('pulseAdmin.moved', {
              question: reordered[place]?.text,
              place: place + 1,
              count: reordered.length,
            }),
          );
        },
      },
    );
  return (
    <Section title={t('tenant.questions')}>
      <p className="mb-4 text-sm text-slate-600">{t('pulseAdmin.rotation')}</p>
      <Failure attempts={[create, update, reorder]} labels={questionLabels()} />
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {questions.isPending && <Spinner label={t('pulseAdmin.loadingQuestions')} />}
      {questions.data?.length === 0 && <p className="mb-4 text-slate-600">{t('pulseAdmin.noQuestion')}</p>}
      <ol className="mb-5 divide-y divide-slate-100" data-testid="pulse-questions">
        {list.map((question, index) => (
          <li key={question.id} className="py-3">
            {editing === question.id ? (
              <QuestionForm
                initial={{ text: question.text, scale: question.scale, teamId: question.teamId }}
                teams={teams.data ?? []}
                submitLabel={t('pulseAdmin.saveQuestion')}
                pending={update.isPending}
                onSubmit={(draft) => update.mutate({ tenant, questionId: question.id, ...draft })}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <QuestionRow
                question={question}
                place={index + 1}
                count={list.length}
                teamName={teamName(question.teamId)}
                busy={reorder.isPending || update.isPending}
                onMove={(direction) => onMove({ questionId: question.id, direction })}
                onEdit={() => setEditing(question.id)}
                onToggleActive={() =>
                  update.mutate({ tenant, questionId: question.id, active: !question.active })
                }
              />
            )}
          </li>
        ))}
      </ol>
      <h3 className="mb-2 font-semibold">{t('pulseAdmin.addAQuestion')}</h3>
      <QuestionForm
        key={adding}
        initial={{ text: '', scale: 'agree5', teamId: null }}
        teams={teams.data ?? []}
        submitLabel={t('pulseAdmin.addQuestion')}
        pending={create.isPending}
        onSubmit={(draft) => create.mutate({ tenant, ...draft })}
      />
    </Section>
  );
}

/** How each settings field is named when the server refuses it. */
function scheduleLabels(cohorts: readonly string[]): FieldLabels {
  const labels: Record<string, string> = {
    enabled: t('pulseAdmin.fields.enabled'),
    timeZone: t('pulseAdmin.fields.timeZone'),
    timeOfDay: t('pulseAdmin.fields.timeOfDay'),
    cohorts: t('pulseAdmin.fields.cohorts'),
    threshold: t('pulseAdmin.fields.threshold'),
  };
  cohorts.forEach((name, index) => {
    labels[`cohorts.${index}`] = cohortName(index, name);
  });
  for (const day of WEEKDAYS)
    labels[`schedule.${day}`] = t('pulseAdmin.fields.day', { day: weekdayName(day) });
  return labels;
}

/** "Cohort 2", with its name when it has one: "Cohort 2 (Night shift)". */
const cohortName = (index: number, name: string) =>
  name.trim()
    ? t('pulseAdmin.cohortNamed', { place: index + 1, name: name.trim() })
    : t('pulseAdmin.cohort', { place: index + 1 });

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function CohortList({ draft, onChange }: { draft: ScheduleDraft; onChange(draft: ScheduleDraft): void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 font-medium">{t('pulseAdmin.cohorts')}</legend>
      <p className="text-sm text-slate-600">{t('pulseAdmin.cohortsHint')}</p>
      <ul className="flex flex-col gap-2">
        {draft.cohorts.map((name, index) => (
          <li key={index} className="flex gap-2">
            <input
              value={name}
              aria-label={t('pulseAdmin.cohort', { place: index + 1 })}
              maxLength={LABEL_MAX}
              onChange={(event) => onChange(renameCohort(draft, index, event.target.value))}
              className={`min-w-0 flex-1 ${inputClass}`}
            />
            <button
              type="button"
              className={SMALL_BUTTON}
              disabled={draft.cohorts.length === 1}
              aria-label={
                name.trim()
                  ? t('pulseAdmin.removeCohortNamed', { place: index + 1, name: name.trim() })
                  : t('pulseAdmin.removeCohort', { place: index + 1 })
              }
              onClick={() => onChange(removeCohort(draft, index))}
            >
              {t('admin.remove')}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className={`${SMALL_BUTTON} w-fit`}
        disabled={draft.cohorts.length >= PULSE_COHORTS_MAX}
        onClick={() => onChange(addCohort(draft))}
      >
        {t('pulseAdmin.addCohort')}
      </button>
    </fieldset>
  );
}

function WeekPlan({ draft, onChange }: { draft: ScheduleDraft; onChange(draft: ScheduleDraft): void }) {
  const { t } = useTranslation();
  const options = [
    { value: '', label: t('pulseAdmin.nobody') },
    ...draft.cohorts.map((name, index) => ({
      value: String(index),
      label: name.trim() || t('pulseAdmin.cohort', { place: index + 1 }),
    })),
  ];
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 font-medium">{t('pulseAdmin.eachDay')}</legend>
      <ul className="grid max-w-md gap-2">
        {WEEKDAYS.map((day: Weekday) => (
          <li key={day} className="flex items-center gap-3">
            <span className="w-24 text-sm" aria-hidden>
              {weekdayName(day)}
            </span>
            <Select
              label={t('pulseAdmin.askedOn', { day: weekdayName(day) })}
              value={draft.days[day] === null ? '' : String(draft.days[day])}
              options={options}
              onChange={(value) => onChange(setDay(draft, day, value === '' ? null : Number(value)))}
              className="min-w-0 flex-1"
            />
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function ScheduleForm({ tenant, saved }: { tenant: string; saved: PulseSettings }) {
  const { t } = useTranslation();
  const [proposedZone] = useState(browserTimeZone);
  const [draft, setDraft] = useState(() => draftOf(saved, proposedZone));
  const [zones] = useState(() =>
    timeZoneChoices(Intl.supportedValuesOf('timeZone'), saved.timeZone, proposedZone),
  );
  const ids = { zone: useId(), time: useId(), threshold: useId(), thresholdHint: useId() };
  const utils = trpc.useUtils();
  const update = trpc.pulse.updateSettings.useMutation({
    onSuccess: (settings) => {
      utils.pulse.settings.setData({ tenant }, settings);
      setDraft(draftOf(settings, proposedZone));
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ tenant, ...settingsOf(draft) });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-5">
      <Failure attempts={[update]} labels={scheduleLabels(draft.cohorts)} />
      <label className="flex items-start gap-3">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => setDraft({ ...draft, enabled: event.target.checked })}
          className="mt-1 size-4 accent-indigo-600"
        />
        <span>
          <span className="block font-medium">{t('pulseAdmin.send')}</span>
          <span className="text-sm text-slate-600">{t('pulseAdmin.sendHint')}</span>
        </span>
      </label>
      <div className="flex flex-wrap gap-4">
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <label htmlFor={ids.zone} className="text-sm font-medium">
            {t('pulseAdmin.timeZone')}
          </label>
          <select
            id={ids.zone}
            value={draft.timeZone}
            onChange={(event) => setDraft({ ...draft, timeZone: event.target.value })}
            className={`min-w-0 ${inputClass}`}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.time} className="text-sm font-medium">
            {t('pulseAdmin.timeOfDay')}
          </label>
          <input
            id={ids.time}
            type="time"
            required
            value={draft.timeOfDay}
            onChange={(event) => setDraft({ ...draft, timeOfDay: event.target.value })}
            className={inputClass}
          />
        </div>
      </div>
      <CohortList draft={draft} onChange={setDraft} />
      <WeekPlan draft={draft} onChange={setDraft} />
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.threshold} className="text-sm font-medium">
          {t('pulseAdmin.threshold')}
        </label>
        <p id={ids.thresholdHint} className="text-sm text-slate-600">
          {t('pulseAdmin.thresholdHint', { min: PULSE_THRESHOLD_MIN })}
        </p>
        <input
          id={ids.threshold}
          type="number"
          min={PULSE_THRESHOLD_MIN}
          max={PULSE_THRESHOLD_MAX}
          required
          aria-describedby={ids.thresholdHint}
          value={draft.threshold}
          onChange={(event) => setDraft({ ...draft, threshold: Number(event.target.value) })}
          className={`w-28 ${inputClass}`}
        />
      </div>
      <SaveRow label={t('pulseAdmin.saveSchedule')} pending={update.isPending} saved={update.isSuccess} />
    </form>
  );
}

function Schedule({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const settings = trpc.pulse.settings.useQuery({ tenant });
  return (
    <Section title={t('pulseAdmin.schedule')}>
      {settings.isPending && <Spinner label={t('pulseAdmin.loadingSchedule')} />}
      {settings.data && <ScheduleForm tenant={tenant} saved={settings.data} />}
    </Section>
  );
}

/** `/t/:tenant/pulse`: admins write the pulse questions and plan when who is asked. */
export default function PulseAdmin() {
  const { t } = useTranslation();
  const tenant = useTenant();
  if (!hasRole(tenant, 'admin')) return <Navigate to={`/t/${tenant.slug}`} replace />;
  return (
    <main className="mx-auto grid max-w-6xl grid-cols-1 items-start gap-6 px-4 py-6 lg:grid-cols-2">
      <PulseNav tenant={tenant.slug} title={t('tenant.pulse')} />
      <Questions tenant={tenant.slug} />
      <Schedule tenant={tenant.slug} />
    </main>
  );
}
