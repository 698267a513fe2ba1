/** Where a list's files live in the uploads bucket. */
export const listKeys = {
  incoming: (jurisdiction: string, uploadId: string) => `incoming/${jurisdiction}/${uploadId}`,
  chunk: (listId: string, index: number) => `lists/${listId}/chunks/${String(index).padStart(5, '0')}.jsonl`,
  result: (listId: string, ext: 'csv' | 'xlsx') => `lists/${listId}/result.${ext}`,
};
