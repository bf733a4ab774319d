import type { OutgoingMail } from '../mail/mail.types';

export interface InvitationMailInput {
  to: string;
  name: string;
  agencyName: string;
  purpose: 'invite' | 'reset';
  link: string;
  expiresAt: Date;
  invitationId: string;
}

function when(at: Date, locale: 'nl-NL' | 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(at);
}

/**
 * The invitation (or password reset) mail: Dutch first, then English, as the board is. The
 * link carries the token after `#`, so it never reaches a server log or a Referer header.
 */
export function invitationMail(input: InvitationMailInput): OutgoingMail {
  const invite = input.purpose === 'invite';
  const subject = invite
    ? 'Uitnodiging voor de Verkiezingstafel / Invitation to Verkiezingstafel'
    : 'Nieuw wachtwoord instellen voor de Verkiezingstafel / Set a new password for Verkiezingstafel';
  const text = [
    `Beste ${input.name},`,
    '',
    invite
      ? `Er is voor u een account aangemaakt op de Verkiezingstafel van het Ministerie van Binnenlandse Zaken en Koninkrijksrelaties, namens ${input.agencyName}.`
      : `Het wachtwoord van uw account op de Verkiezingstafel (namens ${input.agencyName}) is door de beheerder gewist.`,
    '',
    `Stel uw wachtwoord in via deze link. De link werkt één keer en tot ${when(input.expiresAt, 'nl-NL')} (Nederlandse tijd):`,
    input.link,
    '',
    `Daarna logt u in met uw e-mailadres ${input.to}.`,
    'Verwachtte u deze e-mail niet? Dan kunt u hem negeren; er gebeurt dan niets.',
    '',
    '---',
    '',
    `Dear ${input.name},`,
    '',
    invite
      ? `An account has been created for you on Verkiezingstafel, the election table of the Dutch Ministry of the Interior, on behalf of ${input.agencyName}.`
      : `The password of your Verkiezingstafel account (on behalf of ${input.agencyName}) was cleared by the administrator.`,
    '',
    `Set your password through the link above. It works once, until ${when(input.expiresAt, 'en-GB')} (Dutch time).`,
    `Then sign in with your e-mail address ${input.to}.`,
    'Not expecting this e-mail? Then ignore it; nothing will happen.',
    '',
  ].join('\n');
  return { kind: invite ? 'invitation' : 'password_reset', to: input.to, subject, text, ref: { type: 'invitation', id: input.invitationId } };
}
