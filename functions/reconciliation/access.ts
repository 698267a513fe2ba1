/** Finance officers see the imports of their jurisdiction; auditors read everything. Others see nothing. */
import type { Principal } from '../../schemas/roles.js';
import { getJob } from '../jobs/job-store.js';
import { notFound } from '../shared/http.js';
import type { StatementImportJob } from './import-job.js';

export async function visibleImport(principal: Principal | null, importId: string): Promise<StatementImportJob> {
  const job = await getJob<StatementImportJob>(importId);
  const mine = job?.kind === 'statement-import' && job.jurisdiction === principal?.jurisdiction;
  if (job?.kind !== 'statement-import' || !(principal?.roles.includes('auditor') || mine)) throw notFound();
  return job;
}

/** An import the caller may act on: its own jurisdiction's only; the auditor role grants no write. */
export async function importToChange(principal: Principal | null, importId: string): Promise<StatementImportJob> {
  const job = await getJob<StatementImportJob>(importId);
  if (job?.kind !== 'statement-import' || !principal?.jurisdiction || job.jurisdiction !== principal.jurisdiction)
    throw notFound();
  return job;
}
