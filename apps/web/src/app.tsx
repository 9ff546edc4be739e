import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Spinner } from './components/spinner';
import { Home } from './pages/home';
import { NotFound } from './pages/not-found';
import { Participant } from './pages/participant';
import { TenantLayout } from './pages/tenant-layout';
import { createTrpcClient, trpc } from './trpc';

const SignIn = lazy(() => import('./pages/sign-in'));
const SignUp = lazy(() => import('./pages/sign-up'));
const Join = lazy(() => import('./pages/join'));
const OpenDisplay = lazy(() => import('./pages/open-display'));
const Moderate = lazy(() => import('./pages/moderate'));
const Present = lazy(() => import('./pages/present'));
const Admin = lazy(() => import('./pages/admin'));

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
  return (
    <Providers>
      <BrowserRouter>
        <Suspense fallback={<Spinner label="Loading" />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/sign-up" element={<SignUp />} />
            <Route path="/join/:code" element={<Join />} />
            <Route path="/display" element={<OpenDisplay />} />
            <Route path="/t/:tenant" element={<TenantLayout />}>
              <Route index element={<Participant />} />
              <Route path="moderate" element={<Moderate />} />
              <Route path="present" element={<Present />} />
              <Route path="admin" element={<Admin />} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Providers>
  );
}
