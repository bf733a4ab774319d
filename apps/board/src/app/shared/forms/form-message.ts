import type { I18nService, MessageParams } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';

/**
 * A message kept as a key rather than a text, so that it follows a language switch while it
 * is on screen. `waitSeconds` fills `{wait}` with a translated duration.
 */
export interface FormMessage {
  key: MessageKey;
  params?: MessageParams;
  waitSeconds?: number;
}

export function renderMessage(i18n: I18nService, message: FormMessage): string {
  const params: Record<string, string | number> = { ...message.params };
  if (message.waitSeconds !== undefined) params['wait'] = i18n.duration(message.waitSeconds);
  return i18n.t(message.key, params);
}

/** A loose check only: the server decides; this catches the obvious typo early. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;
export const TOTP_PATTERN = /^\d{6}$/;
