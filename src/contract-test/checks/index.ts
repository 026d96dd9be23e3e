/** Every contract check, in the order the table lists them. */
import type { Check } from '../check.ts';
import { attackChecks } from './attacks.ts';
import { blogReadChecks } from './blog-read.ts';
import { blogWriteChecks } from './blog-write.ts';
import { protocolChecks } from './protocol.ts';
import { userChecks } from './users.ts';
import { writingChecks } from './writing.ts';

export const contractChecks: readonly Check[] = [...blogReadChecks, ...blogWriteChecks, ...writingChecks, ...userChecks, ...protocolChecks, ...attackChecks];
