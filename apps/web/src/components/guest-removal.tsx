import type { Member, Tenant } from '@pulsestage/contracts';
import { errorMessage } from '../lib/errors';
import { trpc } from '../trpc';
import { ConfirmButton } from './confirm-button';

/** The guests `tenant.removeGuests` removes: those an admin made moderator or more stay. */
const isRemovableGuest = (member: Member) => member.guest && member.role === 'member';

const guests = (count: number) => (count === 1 ? 'the guest' : `the ${count} guests`);

function removalWarning(count: number): string {
  const who = count === 1 ? 'The guest loses' : `The ${count} guests lose`;
  return `${who} access at once; their questions stay, anonymous. They can come back only as new guests, if guests are allowed again.`;
}

/**
 * Once guests are turned off, the guests already in can go too: offered with their count, and done
 * only after asking. Nothing when there are none.
 */
export function GuestRemovalOffer({ tenant }: { tenant: Tenant }) {
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
        Removed {removeGuests.data.removed === 1 ? '1 guest' : `${removeGuests.data.removed} guests`}
      </p>
    );
  }
  if (count === 0) return null;
  return (
    // On a phone the question needs the width: its buttons go below it rather than squeeze it.
    <div className="flex flex-wrap pl-7 [&_fieldset>span]:min-w-48">
      <ConfirmButton
        label={`Also remove ${guests(count)} already in`}
        warning={removalWarning(count)}
        className="rounded-lg px-3 py-1.5 text-sm font-medium text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50"
        onConfirm={() => removeGuests.mutate({ tenant: tenant.slug })}
      />
    </div>
  );
}
