import { z } from 'zod';
import type { Clock } from '../../ports/clock.js';
import type { Records } from './records.js';

const windowSchema = z.object({ minute: z.number(), count: z.number() });

/**
 * A per-minute ceiling on what anyone on the internet can make the gateway store: registrations
 * and started sign-ins. The web trigger's URL is public and both write a record, so without one a
 * script could fill the installation's storage. One record per kind, read and written back; two
 * requests at once may both pass at the edge, which only lets the ceiling be a little generous.
 */
export async function withinMinuteLimit(records: Records, clock: Clock, name: string, limit: number): Promise<boolean> {
  const minute = Math.floor(clock.now() / 60_000);
  const key = `gw:window:${name}`;
  const current = await records.read(key, windowSchema);
  const count = current?.minute === minute ? current.count : 0;
  if (count >= limit) return false;
  await records.write(key, { minute, count: count + 1 });
  return true;
}

/** Registrations per minute per installation: AI clients register once per connector, people sign in far more often than they register. */
export const REGISTRATIONS_PER_MINUTE = 30;
/** Sign-ins started per minute per installation. */
export const SIGN_INS_PER_MINUTE = 120;
