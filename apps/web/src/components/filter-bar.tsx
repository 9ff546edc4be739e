import type { Tag, Team } from '@pulsestage/contracts';
import { useEffect, useId, useState } from 'react';
import type { ListQuery } from '../lib/questions';

export type Filters = Pick<ListQuery, 'sort' | 'teamId' | 'tagId' | 'search'>;

interface FilterBarProps {
  teams: Team[];
  tags: Tag[];
  value: Filters;
  onChange(value: Filters): void;
}

const SEARCH_DELAY_MS = 250;
const control =
  'rounded-lg border-0 py-2 pl-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600';

export function FilterBar({ teams, tags, value, onChange }: FilterBarProps) {
  const ids = { search: useId(), sort: useId(), team: useId(), tag: useId() };
  const [search, setSearch] = useState(value.search ?? '');
  useEffect(() => {
    const timer = setTimeout(
      () => onChange({ ...value, search: search.trim() || undefined }),
      SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [search]);
  return (
    <search className="flex flex-wrap items-center gap-2">
      <label htmlFor={ids.search} className="sr-only">
        Search questions
      </label>
      <input
        id={ids.search}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder="Search"
        className={`${control} min-w-0 basis-full pr-3 sm:basis-0 sm:flex-1`}
      />
      <label htmlFor={ids.sort} className="sr-only">
        Sort
      </label>
      <select
        id={ids.sort}
        value={value.sort}
        onChange={(event) => onChange({ ...value, sort: event.target.value as Filters['sort'] })}
        className={`${control} flex-1 pr-8 sm:flex-none`}
      >
        <option value="top">Top</option>
        <option value="newest">Newest</option>
      </select>
      {teams.length > 0 && (
        <>
          <label htmlFor={ids.team} className="sr-only">
            Team
          </label>
          <select
            id={ids.team}
            value={value.teamId ?? ''}
            onChange={(event) => onChange({ ...value, teamId: event.target.value || undefined })}
            className={`${control} flex-1 pr-8 sm:flex-none`}
          >
            <option value="">All teams</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </>
      )}
      {tags.length > 0 && (
        <>
          <label htmlFor={ids.tag} className="sr-only">
            Tag
          </label>
          <select
            id={ids.tag}
            value={value.tagId ?? ''}
            onChange={(event) => onChange({ ...value, tagId: event.target.value || undefined })}
            className={`${control} flex-1 pr-8 sm:flex-none`}
          >
            <option value="">All tags</option>
            {tags.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {tag.name}
              </option>
            ))}
          </select>
        </>
      )}
    </search>
  );
}
