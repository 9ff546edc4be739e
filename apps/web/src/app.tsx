import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';
import { OfflineBanner } from './components/offline-banner';
import { Spinner } from './components/spinner';
import { Home } from './pages/home';
import { MeetingLayout } from './pages/meeting-layout';
import { NotFound } from './pages/not-found';
import { Participant } from './pages/participant';
import { TenantLayout } from './pages/tenant-layout';
import { createTrpcClient, trpc } from './trpc';

const SignIn = lazy(() => import('./pages/sign-in'));
const SignUp = lazy(() => import('./pages/sign-up'));
const Join = lazy(() => import('./pages/join'));
const JoinMeeting = lazy(() => import('./pages/join-meeting'));
const OpenDisplay = lazy(() => import('./pages/open-display'));
const Meetings = lazy(() => import('./pages/meetings'));
const PresentOpenMeeting = lazy(() => import('./pages/present-open-meeting'));
const Moderate = lazy(() => import('./pages/moderate'));
const Present = lazy(() => import('./pages/present'));
const MeetingAnalytics = lazy(() => import('./pages/meeting-analytics'));
const Admin = lazy(() => import('./pages/admin'));
const Audit = lazy(() => import('./pages/audit'));
const Account = lazy(() => import('./pages/account'));
const PulseAdmin = lazy(() => import('./pages/pulse-admin'));
const PulseResults = lazy(() => import('./pages/pulse-results'));
const PulseLink = lazy(() => import('./pages/pulse-link'));
const EmailOff = lazy(() => import('./pages/email-off'));

function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Live events keep cached data fresh; a refetch is only needed after a resync.
          queries: { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false, retry: 1 },
        },
      }),
  );
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

export function App() {
  const { t } = useTranslation();
  return (
    <Providers>
      <OfflineBanner />
      {/*
        A new address renders at once: a page whose script is still on its way shows that it is loading,
        instead of the router keeping the last page on screen, where a tap or a keystroke meant for the
        next one would land.
      */}
      <BrowserRouter useTransitions={false}>
        <Suspense fallback={<Spinner label={t('common.loading')} />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/sign-up" element={<SignUp />} />
            <Route path="/account" element={<Account />} />
            <Route path="/join/:code" element={<Join />} />
            <Route path="/j/:code" element={<JoinMeeting />} />
            <Route path="/display" element={<OpenDisplay />} />
            <Route path="/pulse/r/:token" element={<PulseLink />} />
            <Route path="/notifications/email-off/:token" element={<EmailOff />} />
            <Route path="/t/:tenant" element={<TenantLayout />}>
              <Route index element={<Meetings />} />
              <Route path="present" element={<PresentOpenMeeting />} />
              <Route path="admin" element={<Admin />} />
              <Route path="audit" element={<Audit />} />
              <Route path="pulse" element={<PulseAdmin />} />
              <Route path="pulse/results" element={<PulseResults />} />
              <Route path="m/:meeting" element={<MeetingLayout />}>
                <Route index element={<Participant />} />
                <Route path="moderate" element={<Moderate />} />
                <Route path="present" element={<Present />} />
                <Route path="analytics" element={<MeetingAnalytics />} />
              </Route>
            </Route>
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Providers>
  );
}
