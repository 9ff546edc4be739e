import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { trpc } from '../trpc';

export function UserMenu() {
  const me = trpc.auth.me.useQuery();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = trpc.auth.signOut.useMutation({
    onSuccess: () => {
      queryClient.clear();
      navigate('/sign-in');
    },
  });
  if (!me.data) return null;
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="hidden text-slate-600 sm:inline">{me.data.name}</span>
      <button
        type="button"
        onClick={() => signOut.mutate()}
        className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        Sign out
      </button>
    </div>
  );
}
