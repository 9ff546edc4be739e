import type { Tenant } from '@pulsestage/contracts';
import { Navigate, NavLink, Outlet, useLocation, useParams } from 'react-router';
import { ConnectionIndicator } from '../components/connection-indicator';
import { Spinner } from '../components/spinner';
import { UserMenu } from '../components/user-menu';
import { errorCode, errorMessage } from '../lib/errors';
import { hasRole, TenantContext } from '../lib/tenant';
import { LiveEvents } from '../live/live-events';
import { trpc } from '../trpc';

function TenantNav({ tenant }: { tenant: Tenant }) {
  const { slug } = tenant;
  const links = [
    { to: `/t/${slug}`, label: 'Questions', show: true, end: true },
    { to: `/t/${slug}/moderate`, label: 'Moderate', show: hasRole(tenant, 'moderator'), end: false },
    { to: `/t/${slug}/present`, label: 'Present', show: true, end: false },
    { to: `/t/${slug}/admin`, label: 'Admin', show: hasRole(tenant, 'admin'), end: false },
  ];
  return (
    <nav aria-label="Organization" className="flex gap-1 overflow-x-auto">
      {links
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

/** `/t/:tenant/*`: loads the tenant, opens the tab's one live subscription, and frames the page. */
export function TenantLayout() {
  const { tenant: slug = '' } = useParams();
  const location = useLocation();
  const tenant = trpc.tenant.get.useQuery({ tenant: slug }, { retry: false });
  if (tenant.isPending) return <Spinner label="Loading the organization" />;
  if (tenant.isError) {
    if (errorCode(tenant.error) === 'UNAUTHORIZED') {
      return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
    }
    return (
      <main className="mx-auto max-w-lg p-8 text-center">
        <h1 className="text-xl font-semibold">This organization is not available</h1>
        <p className="mt-2 text-slate-600">{errorMessage(tenant.error)}</p>
        <a className="mt-4 inline-block text-indigo-700 underline" href="/">
          Back to your organizations
        </a>
      </main>
    );
  }
  const presenting = location.pathname.endsWith('/present');
  return (
    <TenantContext.Provider value={tenant.data}>
      {/* Another tenant is another stream, with a position of its own. */}
      <LiveEvents key={tenant.data.slug} tenant={tenant.data.slug} startAt={tenant.data.sequence}>
        {presenting ? (
          <Outlet />
        ) : (
          <div className="min-h-dvh">
            <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur">
              <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <a href="/" className="flex items-center gap-2 font-semibold text-slate-900">
                  <img src="/favicon.svg" alt="" className="size-7" />
                  <span>{tenant.data.name}</span>
                </a>
                <TenantNav tenant={tenant.data} />
                <div className="ml-auto flex items-center gap-3">
                  <ConnectionIndicator />
                  <UserMenu />
                </div>
              </div>
            </header>
            <Outlet />
          </div>
        )}
      </LiveEvents>
    </TenantContext.Provider>
  );
}
