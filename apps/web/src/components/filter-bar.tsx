import type { Tag, Team } from '@pulsestage/contracts';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListQuery } from '../lib/questions';
import { namedOptions, Select } from './select';

export type Filters = Pick<ListQuery, 'sort' | 'teamId' | 'tagId' | 'search'>;

interface FilterBarProps {
  teams: Team[];
  tags: Tag[];
  value: Filters;
  /** Called with what changed only, so a search that settles late never undoes a later choice. */
  onChange(change: Partial<Filters>): void;
}

const SEARCH_DELAY_MS = 250;
const SORTS = ['top', 'newest'] as const;
const grow = 'flex-1 sm:flex-none';

export function FilterBar({ teams, tags, value, onChange }: FilterBarProps) {
  const { t } = useTranslation();
  const searchId = useId();
  const [search, setSearch] = useState(value.search ?? '');
  useEffect(() => {
    const settled = search.trim() || undefined;
    if (settled === value.search) return;
    const timer = setTimeout(() => onChange({ search: settled }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);
  return (
    <search className="flex flex-wrap items-center gap-2">
      <label htmlFor={searchId} className="sr-only">
        {t('filters.searchLabel')}
      </label>
      <input
        id={searchId}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder={t('filters.search')}
        className="min-w-0 basis-full rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:basis-0 sm:flex-1"
      />
      <Select
        label={t('filters.sort')}
        value={value.sort}
        options={SORTS.map((sort) => ({ value: sort, label: t(`filters.${sort}`) }))}
        onChange={(sort) => onChange({ sort })}
        className={grow}
      />
      {teams.length > 0 && (
        <Select
          label={t('common.team')}
          value={value.teamId ?? ''}
          options={namedOptions(t('common.allTeams'), teams)}
          onChange={(teamId) => onChange({ teamId: teamId || undefined })}
          className={grow}
        />
      )}
      {tags.length > 0 && (
        <Select
          label={t('common.tag')}
          value={value.tagId ?? ''}
          options={namedOptions(t('common.allTags'), tags)}
          onChange={(tagId) => onChange({ tagId: tagId || undefined })}
          className={grow}
        />
      )}
    </search>
  );
}
