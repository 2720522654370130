/**
 * The venues tickflow can trade on, as values (`VenueDefinition`): adding one is a folder beside
 * `paper/` and one line here. `execution.venue.type` in config names one (default `paper`); the
 * rest of `execution.venue` is validated by that venue's own schema at config load.
 */
import { z } from 'zod';
import { TickflowError } from '../../../src/runtime/errors.js';
import { paperVenue } from './paper/paper-venue-actor.js';
import type { VenueDefinition } from './venue.js';

/** Every venue, the default first. */
export const VENUES = [paperVenue] as const satisfies readonly VenueDefinition[];

/** The venue used when config names none. */
export const DEFAULT_VENUE = VENUES[0].name;

/** The venue called `name`; throws `CONFIG_INVALID` listing the known ones. */
export function venueNamed(name: string): VenueDefinition {
  const found = VENUES.find((v) => v.name === name);
  if (found === undefined) throw new TickflowError('CONFIG_INVALID', `unknown venue "${name}"; known: ${VENUES.map((v) => v.name).join(', ')}`, { venue: name });
  return found as unknown as VenueDefinition;
}

/**
 * The schema of `execution.venue`: `type` (default `DEFAULT_VENUE`) picks the venue, whose own
 * schema checks the other keys.
 */
export function venueConfigSchema() {
  const [first, ...rest] = VENUES.map((v) => v.config.extend({ type: z.literal(v.name) }));
  const union = z.discriminatedUnion('type', [first!, ...rest]);
  return z.preprocess((raw) => (raw !== null && typeof raw === 'object' && !('type' in raw) ? { ...raw, type: DEFAULT_VENUE } : raw), union);
}
