import { auditExportInput, auditListInput, auditPage, exportFile } from '@pulsestage/contracts';
import { router, tenantProcedure } from '../trpc/trpc.js';
import { exportAuditEntries, listAuditEntries } from './service.js';

export const auditRouter = router({
  list: tenantProcedure('manage')
    .input(auditListInput)
    .output(auditPage)
    .query(({ ctx, input }) => listAuditEntries(ctx.db, ctx.access, input)),
  export: tenantProcedure('manage')
    .input(auditExportInput)
    .output(exportFile)
    .query(({ ctx, input }) => exportAuditEntries(ctx.db, ctx.access, input)),
});
