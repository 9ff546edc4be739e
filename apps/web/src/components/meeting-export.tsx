import type { ExportFile } from '@pulsestage/contracts';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import { trpc } from '../trpc';
import { ErrorNotice } from './notice';

type ExportFormat = 'csv' | 'json';

const FORMATS: readonly ExportFormat[] = ['csv', 'json'];

/** How long the file's address outlives the click: enough for the browser to start the download. */
const OBJECT_URL_LIFETIME_MS = 60_000;

/** Hands the file to the browser's downloads, as a link to it would. */
export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
}

/** Buttons that download a meeting's questions, for moderators, at any point of the meeting. */
export function MeetingExport({ tenant, meetingId }: { tenant: string; meetingId: string }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const download = useMutation({
    mutationFn: (format: ExportFormat) => utils.client.meeting.export.query({ tenant, meetingId, format }),
    onSuccess: saveFile,
  });
  const failure = useFailureNotice([download]);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          disabled={download.isPending}
          onClick={() => download.mutate(format)}
          className="rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-50"
        >
          {download.isPending && download.variables === format
            ? t('common.preparing')
            : t('export.download', { format: format.toUpperCase() })}
        </button>
      ))}
      <ErrorNotice message={failure} className="basis-full" />
    </div>
  );
}
