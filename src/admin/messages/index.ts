/** The admin console's message files, by language. */
import type { Lang } from '../../mail/messages.js';
import { en } from './en.js';
import { nl, type Messages } from './nl.js';

export type { Messages };

export const MESSAGES: Record<Lang, Messages> = { nl, en };
