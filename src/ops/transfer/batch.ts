/** How many rows a transfer reads or writes at a time: bounded memory, few round trips. */

/** Rows per read and per multi-row INSERT (6 columns × 500 stays far below every driver's parameter limit). */
export const batchSize = 500;
