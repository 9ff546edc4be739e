import type { ExportFile } from '@pulsestage/contracts';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import { SMALL_BUTTON } from './button-styles';
import { saveFile } from './meeting-export';
import { ErrorNotice } from './notice';

/** A button that fetches a file and saves it, saying so while it is prepared and why it failed. */
export function DownloadButton({
  label,
  fetchFile,
}: {
  label: string;
  fetchFile: () => Promise<ExportFile>;
}) {
  const { t } = useTranslation();
  const download = useMutation({ mutationFn: fetchFile, onSuccess: saveFile });
  const failure = useFailureNotice([download]);
  return (
    <div className="flex flex-col items-end gap-2">
      <button
        type="button"
        className={SMALL_BUTTON}
        disabled={download.isPending}
        onClick={() => download.mutate()}
      >
        {download.isPending ? t('common.preparing') : label}
      </button>
      <ErrorNotice message={failure} className="" />
    </div>
  );
}
