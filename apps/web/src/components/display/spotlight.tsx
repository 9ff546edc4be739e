import type { Question } from '@pulsestage/contracts';
import { useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useOverflowing } from '../../lib/fit';
import { TagChip } from '../tag-chip';
import { typedAddress } from './join-code';

/**
 * Type size and line budget by length: a short question fills the screen, a long one gets smaller
 * type, and past the budget it is cut with a "continued" cue. Sizes follow the screen's height (and
 * width, on narrow screens), so the same question fits a 720p projector and a 1080p screen alike.
 */
const SIZES = [
  { upTo: 90, type: 'text-[min(6vh,5vw)] leading-[1.15] line-clamp-4' },
  { upTo: 200, type: 'text-[min(4.8vh,4vw)] leading-[1.2] line-clamp-5' },
  { upTo: 400, type: 'text-[min(3.8vh,3.2vw)] leading-[1.25] line-clamp-6' },
  { upTo: Number.POSITIVE_INFINITY, type: 'text-[min(3.2vh,2.7vw)] leading-[1.3] line-clamp-7' },
] as const;

const sizeFor = (body: string) => SIZES.find((size) => body.length <= size.upTo)?.type ?? '';

/** The pinned question, as large as its length allows. */
export function Spotlight({ question }: { question: Question }) {
  const { t } = useTranslation();
  const body = useRef<HTMLQuoteElement>(null);
  const continued = useOverflowing(body, question.body);
  return (
    <figure
      data-testid="spotlight"
      className="flex min-h-0 shrink-0 flex-col rounded-3xl bg-white/5 p-[3vh] ring-2 ring-amber-300/70"
    >
      <p className="mb-[1.5vh] text-[clamp(1rem,2.2vh,1.5rem)] font-semibold tracking-widest text-amber-300 uppercase">
        {t('present.nowAnswering')}
      </p>
      <blockquote
        ref={body}
        data-testid="spotlight-body"
        className={`${sizeFor(question.body)} font-semibold text-balance wrap-anywhere text-white`}
      >
        {question.body}
      </blockquote>
      {continued && (
        <p
          data-testid="spotlight-continued"
          className="mt-[1vh] text-[clamp(1rem,2.4vh,1.75rem)] text-amber-200"
        >
          {t('present.continued')}
        </p>
      )}
      <figcaption className="mt-[2vh] flex flex-wrap items-center gap-4 text-[clamp(1rem,2.4vh,1.75rem)] text-slate-300">
        <span className="tabular-nums">▲ {t('present.votes', { count: question.upvoteCount })}</span>
        {question.tags.map((tag) => (
          <TagChip key={tag.id} tag={tag} dark />
        ))}
      </figcaption>
    </figure>
  );
}

/** What the room sees while nothing is pinned: an invitation to ask, with the address to ask at. */
export function Invitation({ joinUrl }: { joinUrl: string | undefined }) {
  const { t } = useTranslation();
  return (
    <section data-testid="spotlight-empty" aria-label={t('present.howToAsk')} className="shrink-0 py-[2vh]">
      <p className="text-[min(6vh,6vw)] leading-tight font-semibold text-white">{t('present.gotQuestion')}</p>
      <p className="mt-[1.5vh] text-[min(3.2vh,4vw)] text-slate-300 wrap-anywhere">
        {joinUrl ? (
          <Trans
            i18nKey="present.scan"
            values={{ address: typedAddress(joinUrl) }}
            components={{ address: <span className="font-mono font-semibold text-white" /> }}
          />
        ) : (
          t('present.openOnPhone')
        )}
      </p>
    </section>
  );
}
