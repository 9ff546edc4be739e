import type { Member, Tenant } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';
import { trpc } from '../trpc';
import { ConfirmButton } from './confirm-button';

/** The guests `tenant.removeGuests` removes: those an admin made moderator or more stay. */
const isRemovableGuest = (member: Member) => member.guest && member.role === 'member';

/**
 * Once guests are turned off, the guests already in can go too: offered with their count, and done
 * only after asking. Nothing when there are none.
 */
export function GuestRemovalOffer({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const members = trpc.tenant.members.useQuery({ tenant: tenant.slug });
  const utils = trpc.useUtils();
  const removeGuests = trpc.tenant.removeGuests.useMutation({
    onSuccess: () => utils.tenant.members.invalidate({ tenant: tenant.slug }),
  });
  const count = members.data?.filter(isRemovableGuest).length ?? 0;
  if (removeGuests.error) {
    return (
      <p role="alert" className="text-sm text-rose-800">
        {errorMessage(removeGuests.error)}
      </p>
    );
  }
  if (removeGuests.data && count === 0) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        {t('guests.removed', { count: removeGuests.data.removed })}
      </p>
    );
  }
  if (count === 0) return null;
  return (
    // On a phone the question needs the width: its buttons go below it rather than squeeze it.
    <div className="flex flex-wrap pl-7 [&_fieldset>span]:min-w-48">
      <ConfirmButton
        label={t('guests.offer', { count })}
        warning={t('guests.warning', { count })}
        className="rounded-lg px-3 py-1.5 text-sm font-medium text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50"
        onConfirm={() => removeGuests.mutate({ tenant: tenant.slug })}
      />
    </div>
  );
}
