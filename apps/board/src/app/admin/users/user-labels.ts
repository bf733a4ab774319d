import type { MailState, UserState } from '@verkiezingstafel/domain';
import type { MessageKey } from '../../core/i18n/messages.nl';

export const USER_STATE_KEY = {
  invited: 'users.state.invited',
  active: 'users.state.active',
  deactivated: 'users.state.deactivated',
} as const satisfies Record<UserState, MessageKey>;

export const MAIL_STATE_KEY = {
  queued: 'users.mail.queued',
  sent: 'users.mail.sent',
  failed: 'users.mail.failed',
} as const satisfies Record<MailState, MessageKey>;
