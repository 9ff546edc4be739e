import { router } from '../trpc/trpc.js';
import { reportProcedures } from './reports-router.js';

export const meetingRouter = router({
  ...reportProcedures,
});
