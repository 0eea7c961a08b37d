/** The privacy log: write, verify, read, retain. */
export { ENTRY_KINDS, type EntryKind, type PrivacyEvent } from './entry.js';
export { loadPrivacyLogKey, privacyLogKeyFor } from './key.js';
export { disclosureReport, exportEntries, type LogFilter } from './query.js';
export { closedHeads, purgePartitions } from './retention.js';
export { verifyPrivacyLog, type Anchor, type VerifyReport } from './verify.js';
export { createPrivacyLogWriter, type PrivacyLogWriter } from './writer.js';
