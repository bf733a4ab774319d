import { SetMetadata } from '@nestjs/common';
import type { AppAction } from '@verkiezingstafel/domain';

export type SubjectType = 'Signal' | 'TimelineEntry' | 'Measure' | 'PlatformReport' | 'Election' | 'Agency' | 'Audit' | 'Stats' | 'User';

export const CAN = 'vt:can';
export interface CanRequirement {
  action: AppAction;
  subject: SubjectType;
}

/**
 * The coarse check at the edge: the session guard refuses (403) a user whose ability has no
 * rule at all for this action on this kind of record. The fine check, on the record itself,
 * is the service's.
 */
export const Can = (action: AppAction, subject: SubjectType) => SetMetadata(CAN, { action, subject } satisfies CanRequirement);

export const AUTHENTICATED = 'vt:authenticated';
/** Any signed-in user, about themselves (their session, their second factor). */
export const Authenticated = () => SetMetadata(AUTHENTICATED, true);
