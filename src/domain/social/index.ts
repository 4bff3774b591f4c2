// Social: follows and posts, and the same home feed built three ways (push,
// pull, hybrid) so their write amplification and read cost can be measured
// side by side, up to a celebrity with thousands of followers.
import type { DomainDefinition } from '../../engine/index.ts';
import { commands } from './commands.ts';
import { events } from './events.ts';
import { feedHybrid, feedPull, feedPush, feedQueries } from './projections/feeds.ts';
import { FeedSettings, User } from './user.ts';

export const social: DomainDefinition = {
  name: 'social',
  title: 'Social feed',
  description:
    'Users follow each other and publish posts; the home feed is built by fan-out on write (push), on read (pull) and a hybrid with a celebrity threshold, each metered in rows written and read.',
  aggregates: [User, FeedSettings],
  commands,
  events,
  projections: [feedPush, feedPull, feedHybrid],
  queries: feedQueries,
};
