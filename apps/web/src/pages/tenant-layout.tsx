import type { Tenant, TenantSnapshot } from '@pulsestage/contracts';
import { SSO_REQUIRED_MESSAGE } from '@pulsestage/contracts/sso-messages';
import { t } from 'i18next';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation, useParams } from 'react-router';
import { ConnectionIndicator } from '../components/connection-indicator';
import { NotificationBell } from '../components/notification-bell';
import { Spinner } from '../components/spinner';
import { SsoButton } from '../components/sso-sign-in';
import { UserMenu } from '../components/user-menu';
import { errorCode, errorMessage } from '../lib/errors';
import { useTenantLanguage } from '../lib/language';
import { meetingPath } from '../lib/meeting';
import { hasRole, TenantContext } from '../lib/tenant';
import { LiveEvents } from '../live/live-events';
import { trpc } from '../trpc';

interface NavLinkItem {
  to: string;
  label: string;
  show: boolean;
  end: boolean;
}

/** The organization's links, and the open meeting's own pages when one is open in the address. */
function navLinks(tenant: Tenant, meetingId: string | undefined): NavLinkItem[] {
  const { slug } = tenant;
  const moderator = hasRole(tenant, 'moderator');
  const meetingLinks = meetingId
    ? [
        { to: meetingPath(slug, meetingId), label: t('tenant.questions'), show: true, end: true },
        {
          to: meetingPath(slug, meetingId, 'moderate'),
          label: t('tenant.moderate'),
          show: moderator,
          end: false,
        },
        { to: meetingPath(slug, meetingId, 'present'), label: t('tenant.present'), show: true, end: false },
        {
          to: meetingPath(slug, meetingId, 'analytics'),
          label: t('tenant.analytics'),
          show: moderator,
          end: false,
        },
      ]
    : [];
  return [
    { to: `/t/${slug}`, label: t('tenant.meetings'), show: true, end: true },
    ...meetingLinks,
    { to: `/t/${slug}/pulse`, label: t('tenant.pulse'), show: hasRole(tenant, 'admin'), end: false },
    { to: `/t/${slug}/admin`, label: t('tenant.admin'), show: hasRole(tenant, 'admin'), end: false },
  ];
}

function TenantNav({ tenant, meetingId }: { tenant: Tenant; meetingId: string | undefined }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('tenant.nav')} className="flex gap-1 overflow-x-auto">
      {navLinks(tenant, meetingId)
        .filter((link) => link.show)
        .map((link) => (
          <NavLink
            key={link.to}
            to={link.to}
            end={link.end}
            className={({ isActive }) =>
              `whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium ${
                isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100'
              }`
            }
          >
            {link.label}
          </NavLink>
        ))}
    </nav>
  );
}

/**
 * The tab's one stream: a meeting's page follows that meeting (from the position its snapshot reflects),
 * every other page the whole tenant. A meeting that cannot be loaded leaves the tenant's stream on.
 */
function Live({ tenant, children }: { tenant: TenantSnapshot; children: React.ReactNode }) {
  const { t } = useTranslation();
  const { meeting: meetingId } = useParams();
  const meeting = trpc.meeting.get.useQuery(
    { tenant: tenant.slug, meetingId: meetingId ?? '' },
    { enabled: meetingId !== undefined, retry: false },
  );
  if (meetingId !== undefined && meeting.isPending) return <Spinner label={t('meeting.loading')} />;
  const scope = meetingId !== undefined && meeting.data ? meeting.data : undefined;
  return (
    // Another tenant or another meeting is another stream, with a position of its own.
    <LiveEvents
      key={`${tenant.slug}/${scope?.id ?? '*'}`}
      tenant={tenant.slug}
      meetingId={scope?.id}
      startAt={scope?.sequence ?? tenant.sequence}
    >
      {children}
    </LiveEvents>
  );
}

/** `/t/:tenant/*`: loads the tenant, opens the tab's one live subscription, and frames the page. */
export function TenantLayout() {
  const { t } = useTranslation();
  const { tenant: slug = '', meeting: meetingId } = useParams();
  const location = useLocation();
  const tenant = trpc.tenant.get.useQuery({ tenant: slug }, { retry: false });
  useTenantLanguage(tenant.data?.settings.defaultLanguage ?? null);
  if (tenant.isPending) return <Spinner label={t('tenant.loading')} />;
  if (tenant.isError) {
    if (errorCode(tenant.error) === 'UNAUTHORIZED') {
      const next = encodeURIComponent(location.pathname);
      return <Navigate to={`/sign-in?tenant=${encodeURIComponent(slug)}&next=${next}`} replace />;
    }
    const ssoRequired = errorMessage(tenant.error) === SSO_REQUIRED_MESSAGE;
    return (
      <main className="mx-auto max-w-lg p-8 text-center">
        <h1 className="text-xl font-semibold">{t('tenant.unavailable')}</h1>
        <p className="mt-2 text-slate-600">{ssoRequired ? t('sso.required') : errorMessage(tenant.error)}</p>
        {ssoRequired && (
          <div className="mx-auto mt-4 max-w-xs">
            <SsoButton tenant={slug} next={location.pathname} />
          </div>
        )}
        <a className="mt-4 inline-block text-indigo-700 underline" href="/">
          {t('tenant.back')}
        </a>
      </main>
    );
  }
  const presenting = location.pathname.endsWith('/present');
  // While a page's script arrives, the header and the live connection stay.
  const page = (
    <Suspense fallback={<Spinner label={t('common.loading')} />}>
      <Outlet />
    </Suspense>
  );
  return (
    <TenantContext.Provider value={tenant.data}>
      <Live tenant={tenant.data}>
        {presenting ? (
          page
        ) : (
          <div className="min-h-dvh">
            <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur">
              <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <a href="/" className="flex items-center gap-2 font-semibold text-slate-900">
                  <img src="/favicon.svg" alt="" className="size-7" />
                  <span>{tenant.data.name}</span>
                </a>
                <TenantNav tenant={tenant.data} meetingId={meetingId} />
                <div className="ml-auto flex flex-wrap items-center justify-end gap-x-3 gap-y-2">
                  <ConnectionIndicator />
                  {hasRole(tenant.data, 'member') && <NotificationBell tenant={tenant.data.slug} />}
                  <UserMenu />
                </div>
              </div>
            </header>
            {page}
          </div>
        )}
      </Live>
    </TenantContext.Provider>
  );
}
