import type { SsoSettings, Tenant } from '@pulsestage/contracts';
import { SSO_DOMAINS_MAX } from '@pulsestage/contracts/sso-messages';
import { t } from 'i18next';
import { type FormEvent, useId, useState } from 'react';
import type { FieldLabels } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { trpc } from '../trpc';
import { Field } from './form';
import { ErrorNotice } from './notice';
import { SaveRow, Section } from './section';

/** Domains typed one per line or separated by commas or spaces, blanks left out. */
function domainsOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((domain) => domain.trim())
    .filter((domain) => domain !== '');
}

function domainLabels(domains: string[]): FieldLabels {
  const labels: Record<string, string> = {
    issuer: t('sso.fields.issuer'),
    clientId: t('sso.fields.clientId'),
    clientSecret: t('sso.fields.clientSecret'),
    allowedDomains: t('sso.fields.allowedDomains'),
  };
  domains.forEach((domain, index) => {
    labels[`allowedDomains.${index}`] = t('sso.fields.domain', { domain });
  });
  return labels;
}

const textareaClass =
  'w-full resize-y rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600';

function Toggle(props: { label: string; hint: string; checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="flex items-start gap-3">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
        className="mt-1 size-4"
      />
      <span>
        <span className="block font-medium">{props.label}</span>
        <span className="text-sm text-slate-600">{props.hint}</span>
      </span>
    </label>
  );
}

function SsoForm({ tenant, saved }: { tenant: Tenant; saved: SsoSettings }) {
  const [form, setForm] = useState({
    ...saved,
    clientSecret: '',
    domainsText: saved.allowedDomains.join('\n'),
  });
  const ids = { domains: useId(), domainsHint: useId() };
  const utils = trpc.useUtils();
  const update = trpc.sso.updateSettings.useMutation({
    onSuccess: (settings) => {
      utils.sso.settings.setData({ tenant: tenant.slug }, settings);
      setForm({ ...settings, clientSecret: '', domainsText: settings.allowedDomains.join('\n') });
    },
  });
  const domains = domainsOf(form.domainsText);
  const failure = useFailureNotice([update], domainLabels(domains));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      tenant: tenant.slug,
      enabled: form.enabled,
      ...(form.issuer ? { issuer: form.issuer } : {}),
      ...(form.clientId ? { clientId: form.clientId } : {}),
      clientSecret: form.clientSecret,
      allowedDomains: domains,
      requireSso: form.requireSso,
    });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4">
      <ErrorNotice message={failure} className="" />
      <p className="text-sm text-slate-600">{t('sso.intro')}</p>
      <dl>
        <dt className="text-sm font-medium">{t('sso.redirectUri')}</dt>
        <dd>
          <code className="block rounded-lg bg-slate-50 p-2 text-sm break-all ring-1 ring-slate-200">
            {saved.redirectUri}
          </code>
        </dd>
      </dl>
      <div>
        <Field
          label={t('sso.issuer')}
          type="url"
          placeholder="https://accounts.google.com"
          value={form.issuer}
          onChange={(event) => setForm({ ...form, issuer: event.target.value })}
        />
        <Field
          label={t('sso.clientId')}
          value={form.clientId}
          autoComplete="off"
          onChange={(event) => setForm({ ...form, clientId: event.target.value })}
        />
        <Field
          label={t(form.clientSecretSet ? 'sso.clientSecretSet' : 'sso.clientSecret')}
          type="password"
          autoComplete="new-password"
          value={form.clientSecret}
          onChange={(event) => setForm({ ...form, clientSecret: event.target.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.domains} className="block font-medium">
          {t('sso.domains')}
        </label>
        <p id={ids.domainsHint} className="mb-2 text-sm text-slate-600">
          {t('sso.domainsHint', { max: SSO_DOMAINS_MAX })}
        </p>
        <textarea
          id={ids.domains}
          value={form.domainsText}
          onChange={(event) => setForm({ ...form, domainsText: event.target.value })}
          rows={2}
          aria-describedby={ids.domainsHint}
          placeholder="example.com"
          className={textareaClass}
        />
      </div>
      <Toggle
        label={t('sso.offer')}
        hint={t('sso.offerHint')}
        checked={form.enabled}
        onChange={(enabled) => setForm({ ...form, enabled })}
      />
      <Toggle
        label={t('sso.require')}
        hint={t('sso.requireHint')}
        checked={form.requireSso}
        onChange={(requireSso) => setForm({ ...form, requireSso })}
      />
      <SaveRow label={t('sso.save')} pending={update.isPending} saved={update.isSuccess} />
    </form>
  );
}

/** Admins only: the organization's OpenID Connect provider. The client secret is never shown. */
export function SsoSettingsSection({ tenant }: { tenant: Tenant }) {
  const settings = trpc.sso.settings.useQuery({ tenant: tenant.slug });
  return (
    <Section title={t('sso.title')}>
      {settings.data && <SsoForm tenant={tenant} saved={settings.data} />}
    </Section>
  );
}
