import { useSearchParams } from 'react-router';

/** Where to go after signing in: the page that asked (`?next=`, same site only), else the home page. */
export function useNextPath(): string {
  const [params] = useSearchParams();
  const next = params.get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** `path`, carrying on where to go afterwards unless that is the home page. */
export function withNext(path: string, next: string): string {
  return next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`;
}
