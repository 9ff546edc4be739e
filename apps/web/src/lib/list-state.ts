import type { MergeTarget } from '@pulsestage/contracts';
import { useSearchParams } from 'react-router';
import type { Filters } from '../components/filter-bar';

/**
 * What a question page shows (its tab, filters and sort) lives in the page address, so a reload or
 * Back brings it back as it was: `?tab=answered&sort=newest&team=…&tag=…&q=…`. Defaults are left out.
 */
interface ListState<View extends string> {
  view: View;
  filters: Filters;
}

/** The page's tabs by their name in the address; the first one is the default. */
type TabNames<View extends string> = Readonly<Record<string, View>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_MAX = 200;

/**
 * The address's query that shows a merged question's target in its meeting's list: the tab it is on
 * (the live page and the archive name theirs alike), searched for its text.
 */
export const queryShowing = (target: MergeTarget) =>
  new URLSearchParams({
    tab: target.answered ? 'answered' : 'open',
    q: target.body.slice(0, SEARCH_MAX),
  }).toString();

function defaultView<View extends string>(tabs: TabNames<View>): View {
  const [first] = Object.values(tabs);
  if (first === undefined) throw new Error('a list page has at least one tab');
  return first;
}

function viewNamed<View extends string>(tabs: TabNames<View>, name: string | null): View | undefined {
  return name !== null && Object.hasOwn(tabs, name) ? tabs[name] : undefined;
}

const idParam = (value: string | null) => (value && UUID.test(value) ? value : undefined);

/** Reads the state from the address; anything unknown or malformed falls back to the default. */
export function readListState<View extends string>(
  params: URLSearchParams,
  tabs: TabNames<View>,
): ListState<View> {
  const search = params.get('q')?.trim().slice(0, SEARCH_MAX);
  return {
    view: viewNamed(tabs, params.get('tab')) ?? defaultView(tabs),
    filters: {
      sort: params.get('sort') === 'newest' ? 'newest' : 'top',
      teamId: idParam(params.get('team')),
      tagId: idParam(params.get('tag')),
      search: search || undefined,
    },
  };
}

/** The address for `state`, keeping any other parameter the page has. */
export function writeListState<View extends string>(
  params: URLSearchParams,
  state: ListState<View>,
  tabs: TabNames<View>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const tab = Object.keys(tabs).find((name) => tabs[name] === state.view);
  const values: Record<string, string | undefined> = {
    tab: state.view === defaultView(tabs) ? undefined : tab,
    sort: state.filters.sort === 'top' ? undefined : state.filters.sort,
    team: state.filters.teamId,
    tag: state.filters.tagId,
    q: state.filters.search,
  };
  for (const [name, value] of Object.entries(values)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  return next;
}

/** The page's list state, read from and written to its address (replacing the entry, not adding one). */
export function useListState<View extends string>(tabs: TabNames<View>) {
  const [params, setParams] = useSearchParams();
  const state = readListState(params, tabs);
  const change = (next: (current: ListState<View>) => ListState<View>) => {
    // The router's `params` (and the `prev` it hands a setter) stay those of the last render until it
    // renders the new address; the address itself is already current, so a second choice made before
    // that render keeps the first.
    const current = new URLSearchParams(window.location.search);
    setParams(writeListState(current, next(readListState(current, tabs)), tabs), { replace: true });
  };
  return {
    ...state,
    setView: (view: View) => change((current) => ({ ...current, view })),
    /** Changes some filters, keeping the others as the address has them now. */
    setFilters: (filters: Partial<Filters>) =>
      change((current) => ({ ...current, filters: { ...current.filters, ...filters } })),
  };
}
