import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';

/**
 * After anything that changes who the person is or where they belong (signing in or up, joining,
 * creating an organization): every cached answer was for the old identity, so all of them are reset
 * (not merely marked stale) before going to `path`; the next page loads afresh instead of acting on
 * a cached "not signed in".
 */
export function useCredentialChange(): (path: string) => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async (path) => {
    await queryClient.resetQueries();
    navigate(path, { replace: true });
  };
}
