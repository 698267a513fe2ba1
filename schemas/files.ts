/** Files the API hands out or takes in: presigned upload links and time-limited download links. */
import { z } from 'zod';

/** POST …/uploads: where to PUT a large file, and until when. */
export const UploadLink = z.object({
  uploadId: z.uuid(),
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  /** The largest file the route then accepts (beneficiary lists). */
  maxBytes: z.number().int().positive().optional(),
  expiresAt: z.iso.datetime(),
});

/** A file built into storage, answered with a link valid for `expiresInSeconds`. */
export const DownloadLink = z.object({
  downloadUrl: z.string(),
  format: z.enum(['xlsx', 'csv']).optional(),
  bytes: z.number().int().nonnegative(),
  expiresInSeconds: z.number().int().positive(),
});

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The spreadsheet files officers exchange with the platform. */
export const SPREADSHEET_TYPES = ['text/csv', XLSX] as const;
