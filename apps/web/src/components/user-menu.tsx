import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { trpc } from '../trpc';
import { DisplayChoices } from './theme-toggle';

/**
 * A page the browser brings back from its back-forward cache shows what it held when it was left,
 * signed in or not: everything is asked again (the session first), and a signed-out caller is sent to
 * sign in instead of seeing the page.
 */
function useRecheckWhenRestored() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) void queryClient.resetQueries();
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, [queryClient]);
}

/** Once this browser is signed out: nothing signed-in stays cached, and the sign-in page comes next. */
export function useLeaveSignedOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    // A load still under way would put the signed-in data back after the clear.
    await queryClient.cancelQueries();
    queryClient.clear();
    // Replaced, so Back does not lead to the page that was signed out of.
    navigate('/sign-in', { replace: true });
  };
}

export function UserMenu() {
  const { t } = useTranslation();
  const me = trpc.auth.me.useQuery();
  useRecheckWhenRestored();
  const leaveSignedOut = useLeaveSignedOut();
  const signOut = trpc.auth.signOut.useMutation({ onSuccess: leaveSignedOut });
  if (!me.data) return null;
  return (
    <div className="flex flex-wrap items-center justify-end gap-2 text-sm">
      <span className="hidden text-slate-600 sm:inline">{me.data.name}</span>
      <DisplayChoices />
      <Link
        to="/account"
        className="whitespace-nowrap rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        {t('userMenu.account')}
      </Link>
      <button
        type="button"
        onClick={() => signOut.mutate()}
        className="whitespace-nowrap rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        {t('userMenu.signOut')}
      </button>
    </div>
  );
}
