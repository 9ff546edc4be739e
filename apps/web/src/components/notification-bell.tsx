import type { Notification } from '@pulsestage/contracts';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFailureNotice } from '../lib/failure';
import { queryShowing } from '../lib/list-state';
import { meetingPath, ownQuestionsPath } from '../lib/meeting';
import { useTimeAgo } from '../lib/time';
import { trpc } from '../trpc';
import { SMALL_BUTTON } from './button-styles';
import { ErrorNotice } from './notice';

const PAGE_SIZE = 20;

function BellIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path strokeLinecap="round" strokeLinejoin="round" d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path strokeLinecap="round" strokeLinejoin="round" d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

interface ItemProps {
  tenant: string;
  notification: Notification;
  onOpen(notification: Notification): void;
}

/** Where a notification leads, its heading, its main line and the line below it. */
interface NotificationView {
  to: string;
  heading: string;
  main: string;
  detail: string;
}

function useNotificationView(tenant: string, notification: Notification): NotificationView {
  const { t } = useTranslation();
  const { kind, meetingId, mergedInto, read } = notification;
  if (kind === 'merged') {
    return {
      to: mergedInto
        ? `${meetingPath(tenant, meetingId)}?${queryShowing(mergedInto)}`
        : ownQuestionsPath(tenant, meetingId),
      heading: t(read ? 'notifications.merged' : 'notifications.newlyMerged'),
      main: mergedInto ? `“${mergedInto.body}”` : notification.questionText,
      detail: t(mergedInto ? 'notifications.voteMoved' : 'notifications.mergedTargetHidden'),
    };
  }
  return {
    to: ownQuestionsPath(tenant, meetingId),
    heading: t(read ? 'notifications.answered' : 'notifications.newlyAnswered'),
    main: notification.questionText,
    detail: notification.answerPreview ?? t('notifications.answeredLive'),
  };
}

function NotificationItem({ tenant, notification, onOpen }: ItemProps) {
  const when = useTimeAgo(notification.createdAt);
  const { to, heading, main, detail } = useNotificationView(tenant, notification);
  return (
    <li data-testid="notification" data-kind={notification.kind} data-read={notification.read}>
      <Link
        to={to}
        onClick={() => onOpen(notification)}
        className={`block rounded-xl p-3 hover:bg-slate-50 ${notification.read ? '' : 'bg-indigo-50'}`}
      >
        <span className="flex items-center gap-2 text-xs font-semibold text-slate-600">
          {!notification.read && <span className="size-2 rounded-full bg-indigo-600" aria-hidden="true" />}
          <span>{heading}</span>
          <span className="ml-auto font-normal">{when}</span>
        </span>
        <span className="mt-1 line-clamp-2 block break-words font-medium text-slate-900">{main}</span>
        <span className="mt-1 line-clamp-2 block break-words text-sm text-slate-700">{detail}</span>
      </Link>
    </li>
  );
}

/** The person's notifications, newest first; opening one marks it read. */
interface PanelProps {
  id: string;
  tenant: string;
  /** Just below the bell, wherever the header's rows put it. */
  top: number;
  onClose(): void;
}

function NotificationPanel({ id, tenant, top, onClose }: PanelProps) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const list = trpc.notification.list.useInfiniteQuery(
    { tenant, limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchOnMount: 'always' },
  );
  const markRead = trpc.notification.markRead.useMutation({
    onSuccess: ({ unreadCount }) => {
      utils.notification.unreadCount.setData({ tenant }, { unreadCount });
      void utils.notification.list.invalidate({ tenant });
    },
  });
  const failure = useFailureNotice([markRead]);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = list.data?.pages[0]?.unreadCount ?? 0;
  const open = (notification: Notification) => {
    if (!notification.read) markRead.mutate({ tenant, notificationId: notification.id });
    onClose();
  };
  return (
    <section
      id={id}
      aria-label={t('notifications.title')}
      style={{ top }}
      className="fixed inset-x-2 z-30 max-h-[70dvh] overflow-y-auto rounded-2xl bg-white p-3 shadow-lg ring-1 ring-slate-200 sm:left-auto sm:right-4 sm:w-96"
    >
      <div className="mb-2 flex items-center gap-2 px-1">
        <h2 className="font-semibold text-slate-900">{t('notifications.title')}</h2>
        <button
          type="button"
          className={`ml-auto ${SMALL_BUTTON}`}
          disabled={unread === 0 || markRead.isPending}
          onClick={() => markRead.mutate({ tenant })}
        >
          {t('notifications.markAllRead')}
        </button>
      </div>
      <ErrorNotice message={failure} className="mb-2" />
      {list.isPending ? (
        <p className="p-3 text-sm text-slate-600">{t('notifications.loading')}</p>
      ) : items.length === 0 ? (
        <p className="p-3 text-sm text-slate-600">{t('notifications.empty')}</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {items.map((notification) => (
            <NotificationItem
              key={notification.id}
              tenant={tenant}
              notification={notification}
              onOpen={open}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className={`mt-2 w-full ${SMALL_BUTTON}`}
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t('notifications.showOlder')}
        </button>
      )}
    </section>
  );
}

/** Closes the panel on Escape or a click outside it. */
function useDismiss(open: boolean, container: React.RefObject<HTMLElement | null>, close: () => void) {
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    const onPointer = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, container, close]);
}

/**
 * The header's bell: the unread count, kept current by the live stream (an answer to one of this tab's
 * own questions) and by asking again when the browser tab regains focus, never on a timer.
 */
export function NotificationBell({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const [panelTop, setPanelTop] = useState<number | null>(null);
  const open = panelTop !== null;
  const panelId = useId();
  const container = useRef<HTMLDivElement>(null);
  const unread = trpc.notification.unreadCount.useQuery({ tenant }, { refetchOnWindowFocus: 'always' });
  const count = unread.data?.unreadCount ?? 0;
  const close = useCallback(() => setPanelTop(null), []);
  useDismiss(open, container, close);
  return (
    <div ref={container}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={count > 0 ? t('notifications.unread', { count }) : t('notifications.title')}
        onClick={(event) => setPanelTop(open ? null : event.currentTarget.getBoundingClientRect().bottom + 8)}
        className="relative rounded-md p-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        <BellIcon />
        {count > 0 && (
          <span
            data-testid="notification-badge"
            className="absolute -right-1 -top-1 min-w-5 rounded-full bg-rose-700 px-1 text-center text-xs font-semibold leading-5 text-white"
          >
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && <NotificationPanel id={panelId} tenant={tenant} top={panelTop} onClose={close} />}
    </div>
  );
}
