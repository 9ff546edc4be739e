import type { Member, Role, Tenant, TenantAccessList } from '@pulsestage/contracts';
import { LANGUAGES, type Language } from '@pulsestage/contracts/languages';
import { LABEL_MAX, PER_MINUTE_LIMIT_MAX, QUESTION_BODY_MAX, ROLES } from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { SMALL_BUTTON } from '../components/button-styles';
import { ConfirmButton } from '../components/confirm-button';
import { FirstSteps } from '../components/first-steps';
import { GuestRemovalOffer } from '../components/guest-removal';
import { ErrorNotice } from '../components/notice';
import { PublicUrlWarning } from '../components/public-url-warning';
import { RemovedMembers, removalWarning, useRefreshRemovedMembers } from '../components/removed-members';
import { SafetySettings } from '../components/safety-settings';
import { SaveRow, Section } from '../components/section';
import { namedOptions, Select } from '../components/select';
import { SsoSettingsSection } from '../components/sso-settings';
import type { FieldLabels } from '../lib/errors';
import { type Attempt, useFailureNotice } from '../lib/failure';
import { LANGUAGE_NAMES } from '../lib/language';
import { usePublicOrigin } from '../lib/public-url';
import { hasRole, useTenant } from '../lib/tenant';
import { timeAgo } from '../lib/time';
import { trpc } from '../trpc';

const roleOptions = () => ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));
const dangerButton =
  'rounded-lg px-3 py-1.5 text-sm font-medium text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50';

/** The newest failure of a section's actions, in plain words, while it still applies. */
function Failure({ attempts, labels }: { attempts: readonly Attempt[]; labels?: FieldLabels }) {
  return <ErrorNotice message={useFailureNotice(attempts, labels)} className="mb-3" />;
}

/** A secret shown once, right after it was made, with a copy button. */
function ShownOnce({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="mb-4 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="shown-once">
      <p className="mb-2 text-sm font-medium text-amber-950">{t('admin.shownOnce', { label })}</p>
      <div className="flex gap-2">
        <code className="min-w-0 flex-1 truncate rounded-lg bg-white px-2 py-1.5 text-sm ring-1 ring-amber-200">
          {value}
        </code>
        <button
          type="button"
          className={SMALL_BUTTON}
          onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
        >
          {t(copied ? 'admin.copied' : 'admin.copy')}
        </button>
      </div>
    </div>
  );
}

interface AccessRowProps {
  title: string;
  detail: ReactNode;
  /** What revoking it does to whoever uses it. */
  warning: string;
  onRevoke(): void;
}

/** One link or token that still works, with what it is and a way to revoke it (after asking). */
function AccessRow({ title, detail, warning, onRevoke }: AccessRowProps) {
  const { t } = useTranslation();
  return (
    <li className="flex flex-wrap items-center gap-3 py-2">
      <span className="min-w-48 flex-1">
        <span className="block font-medium">{title}</span>
        <span className="text-sm break-all text-slate-600">{detail}</span>
      </span>
      <ConfirmButton
        label={t('admin.revoke')}
        warning={warning}
        className={dangerButton}
        onConfirm={onRevoke}
      />
    </li>
  );
}

/** The tenant's links and tokens, and a way to load them again after a change. */
function useAccessList(tenant: string) {
  const access = trpc.tenant.access.useQuery({ tenant });
  const utils = trpc.useUtils();
  return { access: access.data, refresh: () => utils.tenant.access.invalidate({ tenant }) };
}

function Members({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const members = trpc.tenant.members.useQuery({ tenant: tenant.slug });
  const utils = trpc.useUtils();
  const onSuccess = (list: Member[]) => utils.tenant.members.setData({ tenant: tenant.slug }, list);
  const setRole = trpc.tenant.setRole.useMutation({ onSuccess });
  // The team a member's pulse answers count for; guests are never asked.
  const teams = trpc.team.list.useQuery({ tenant: tenant.slug });
  const setTeam = trpc.tenant.setMemberTeam.useMutation({ onSuccess });
  const refreshRemoved = useRefreshRemovedMembers(tenant.slug);
  const remove = trpc.tenant.removeMember.useMutation({
    onSuccess: (list) => {
      onSuccess(list);
      refreshRemoved();
    },
  });
  return (
    <Section
      title={members.data ? t('admin.membersCount', { count: members.data.length }) : t('admin.members')}
    >
      <Failure attempts={[setRole, setTeam, remove]} />
      <ul className="divide-y divide-slate-100">
        {members.data?.map((member) => (
          <li key={member.userId} className="flex flex-wrap items-center gap-3 py-2">
            <span className="min-w-48 flex-1 break-words">
              <span className="block font-medium">{member.name}</span>
              <span className="text-sm text-slate-600">{member.guest ? t('admin.guest') : member.email}</span>
            </span>
            <Select
              label={t('admin.roleOf', { name: member.name })}
              value={member.role}
              options={roleOptions()}
              onChange={(role) => setRole.mutate({ tenant: tenant.slug, userId: member.userId, role })}
            />
            {!member.guest && (
              <Select
                label={t('admin.teamOf', { name: member.name })}
                value={member.teamId ?? ''}
                options={namedOptions(t('admin.noTeam'), teams.data ?? [])}
                onChange={(teamId) =>
                  setTeam.mutate({ tenant: tenant.slug, userId: member.userId, teamId: teamId || null })
                }
              />
            )}
            <ConfirmButton
              label={t('admin.remove')}
              warning={removalWarning(member.name)}
              className={dangerButton}
              onConfirm={() => remove.mutate({ tenant: tenant.slug, userId: member.userId })}
            />
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Links({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const slug = tenant.slug;
  const { access, refresh } = useAccessList(slug);
  const origin = usePublicOrigin();
  const [displayToken, setDisplayToken] = useState<string | null>(null);
  const createJoin = trpc.tenant.createJoinLink.useMutation({ onSuccess: refresh });
  const createDisplay = trpc.tenant.createDisplayLink.useMutation({
    onSuccess: (link) => {
      setDisplayToken(link.token);
      void refresh();
    },
  });
  const revoke = trpc.tenant.revokeLink.useMutation({ onSuccess: refresh });
  const revokeLink = (linkId: string) => () => revoke.mutate({ tenant: slug, linkId });
  return (
    <Section
      title={t('admin.links.title')}
      action={
        <div className="flex flex-wrap gap-2">
          <button type="button" className={SMALL_BUTTON} onClick={() => createJoin.mutate({ tenant: slug })}>
            {t('admin.links.newJoin')}
          </button>
          <button
            type="button"
            className={SMALL_BUTTON}
            onClick={() => createDisplay.mutate({ tenant: slug })}
          >
            {t('admin.links.newDisplay')}
          </button>
        </div>
      }
    >
      <Failure attempts={[createJoin, createDisplay, revoke]} />
      {displayToken && origin && (
        <ShownOnce label={t('admin.links.displayShown')} value={`${origin}/display#${displayToken}`} />
      )}
      <ul className="divide-y divide-slate-100">
        {access?.joinLinks.map((link) => (
          <AccessRow
            key={link.id}
            title={t('admin.links.join')}
            warning={t('admin.links.joinWarning')}
            detail={origin && <code>{`${origin}/join/${link.code}`}</code>}
            onRevoke={revokeLink(link.id)}
          />
        ))}
        {access?.displayLinks.map((link) => (
          <AccessRow
            key={link.id}
            title={t('admin.links.display')}
            warning={t('admin.links.displayWarning')}
            detail={t('admin.created', { ago: timeAgo(link.createdAt) })}
            onRevoke={revokeLink(link.id)}
          />
        ))}
      </ul>
    </Section>
  );
}

function ServiceTokens({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const slug = tenant.slug;
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [shown, setShown] = useState<string | null>(null);
  const { access, refresh } = useAccessList(slug);
  const create = trpc.tenant.createServiceToken.useMutation({
    onSuccess: (token) => {
      setShown(token.token);
      setName('');
      void refresh();
    },
  });
  const revoke = trpc.tenant.revokeServiceToken.useMutation({ onSuccess: refresh });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ tenant: slug, name, role });
  };
  return (
    <Section title={t('admin.tokens.title')}>
      <Failure attempts={[create, revoke]} labels={{ name: t('admin.tokens.nameField') }} />
      {shown && <ShownOnce label={t('admin.tokens.token')} value={shown} />}
      <form onSubmit={onSubmit} className="mb-4 flex flex-wrap gap-2">
        <label className="sr-only" htmlFor="token-name">
          {t('admin.tokens.name')}
        </label>
        <input
          id="token-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder={t('admin.tokens.placeholder')}
          maxLength={LABEL_MAX}
          className="min-w-0 flex-1 rounded-lg border-0 px-3 py-1.5 text-sm ring-1 ring-slate-300"
        />
        <Select<Role>
          label={t('admin.tokens.role')}
          value={role}
          options={roleOptions().filter((option) => option.value !== 'owner')}
          onChange={setRole}
        />
        <button type="submit" disabled={!name.trim()} className={SMALL_BUTTON}>
          {t('admin.tokens.create')}
        </button>
      </form>
      <ul className="divide-y divide-slate-100">
        {access?.serviceTokens.map((token) => (
          <AccessRow
            key={token.id}
            title={token.name}
            warning={t('admin.tokens.warning')}
            detail={`${tokenStanding(token)} · ${t('admin.created', { ago: timeAgo(token.createdAt) })}`}
            onRevoke={() => revoke.mutate({ tenant: slug, tokenId: token.id })}
          />
        ))}
      </ul>
    </Section>
  );
}

/** A token acts with no more than its creator holds now; say so where that is less than it was given. */
function tokenStanding({ role, effectiveRole }: TenantAccessList['serviceTokens'][number]): string {
  const given = t(`roles.${role}`);
  if (effectiveRole === null) return t('admin.tokens.orphaned', { role: given });
  if (effectiveRole !== role)
    return t('admin.tokens.actingAs', { role: given, effective: t(`roles.${effectiveRole}`) });
  return given;
}

type CountSetting =
  | 'minQuestionLength'
  | 'maxQuestionLength'
  | 'submitLimitPerMinute'
  | 'upvoteLimitPerMinute';

const BROWSERS_OWN = 'browser' as const;

/** The language for everyone who has chosen none; without it, each browser's own. */
function DefaultLanguage({
  value,
  onChange,
}: {
  value: Language | null;
  onChange(language: Language | null): void;
}) {
  const { t } = useTranslation();
  const options = [
    { value: BROWSERS_OWN, label: t('admin.settings.browserLanguage') },
    ...LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] })),
  ];
  return (
    <div className="flex flex-col gap-1">
      <span aria-hidden className="font-medium">
        {t('admin.settings.language')}
      </span>
      <Select<Language | typeof BROWSERS_OWN>
        label={t('admin.settings.language')}
        value={value ?? BROWSERS_OWN}
        options={options}
        onChange={(choice) => onChange(choice === BROWSERS_OWN ? null : choice)}
        className="max-w-full self-start"
      />
      <span className="text-sm text-slate-600">{t('admin.settings.languageHint')}</span>
    </div>
  );
}

function Settings({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState(tenant.settings);
  const utils = trpc.useUtils();
  const update = trpc.tenant.updateSettings.useMutation({
    onSuccess: (updated) => utils.tenant.get.setData({ tenant: tenant.slug }, updated),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ tenant: tenant.slug, ...settings });
  };
  const toggle = (key: 'requireApproval' | 'allowGuests', label: string, hint: string) => (
    <label className="flex items-start gap-3">
      <input
        type="checkbox"
        checked={settings[key]}
        onChange={(event) => setSettings({ ...settings, [key]: event.target.checked })}
        className="mt-1 size-4"
      />
      <span>
        <span className="block font-medium">{label}</span>
        <span className="text-sm text-slate-600">{hint}</span>
      </span>
    </label>
  );
  const count = (key: CountSetting, label: string, max: number) => (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {label}
      <input
        type="number"
        min={1}
        max={max}
        value={settings[key]}
        onChange={(event) => setSettings({ ...settings, [key]: Number(event.target.value) })}
        className="w-28 rounded-lg border-0 px-2 py-1.5 ring-1 ring-slate-300"
      />
    </label>
  );
  return (
    <Section title={t('admin.settings.title')}>
      <form onSubmit={onSubmit} className="flex flex-col gap-4">
        <Failure attempts={[update]} />
        {toggle('requireApproval', t('admin.settings.review'), t('admin.settings.reviewHint'))}
        {toggle('allowGuests', t('admin.settings.guests'), t('admin.settings.guestsHint'))}
        {!tenant.settings.allowGuests && !settings.allowGuests && <GuestRemovalOffer tenant={tenant} />}
        <div className="flex gap-4">
          {count('minQuestionLength', t('admin.settings.shortest'), QUESTION_BODY_MAX)}
          {count('maxQuestionLength', t('admin.settings.longest'), QUESTION_BODY_MAX)}
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="font-medium">{t('admin.settings.pace')}</legend>
          <p className="text-sm text-slate-600">{t('admin.settings.paceHint')}</p>
          <div className="flex flex-wrap gap-4">
            {count('submitLimitPerMinute', t('errors.fields.submitLimitPerMinute'), PER_MINUTE_LIMIT_MAX)}
            {count('upvoteLimitPerMinute', t('errors.fields.upvoteLimitPerMinute'), PER_MINUTE_LIMIT_MAX)}
          </div>
        </fieldset>
        <DefaultLanguage
          value={settings.defaultLanguage}
          onChange={(defaultLanguage) => setSettings({ ...settings, defaultLanguage })}
        />
        <SaveRow label={t('admin.settings.save')} pending={update.isPending} saved={update.isSuccess} />
      </form>
    </Section>
  );
}

/** `/t/:tenant/admin`: members and roles, links, service tokens and settings. */
export default function Admin() {
  const { t } = useTranslation();
  const tenant = useTenant();
  // `?welcome`: the organization was just created, so its first steps come first.
  const [params, setParams] = useSearchParams();
  if (!hasRole(tenant, 'admin')) return <Navigate to={`/t/${tenant.slug}`} replace />;
  return (
    <main className="mx-auto grid max-w-6xl grid-cols-1 items-start gap-6 px-4 py-6 lg:grid-cols-2">
      <div className="flex flex-wrap items-baseline gap-3 lg:col-span-2">
        <h1 className="text-xl font-bold">{t('admin.title')}</h1>
        <Link to={`/t/${tenant.slug}/audit`} className="text-sm font-medium text-indigo-700 hover:underline">
          {t('admin.auditLog')}
        </Link>
      </div>
      {params.has('welcome') && (
        <FirstSteps tenant={tenant} onDone={() => setParams({}, { replace: true })} />
      )}
      <PublicUrlWarning />
      <Members tenant={tenant} />
      <div className="flex flex-col gap-6">
        <Settings tenant={tenant} />
        <SafetySettings tenant={tenant} />
        <SsoSettingsSection tenant={tenant} />
        <Links tenant={tenant} />
        <ServiceTokens tenant={tenant} />
        <RemovedMembers tenant={tenant} />
      </div>
    </main>
  );
}
