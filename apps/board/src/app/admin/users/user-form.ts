import { type Agency, type FieldError, ROLES, type Role } from '@verkiezingstafel/domain';
import type { MessageKey } from '../../core/i18n/messages.nl';
import type { FormMessage } from '../../shared/forms/form-message';

/** The fields of the account forms, as the API names them. */
export type UserField = 'email' | 'name' | 'agency' | 'roles' | 'clearance';

/**
 * What the account forms say for each reason the API gives (its field error `code`), in the
 * board's words: specific where the form knows the field, "check this field" otherwise.
 */
const MESSAGES: Partial<Record<UserField, Partial<Record<string, MessageKey>>>> = {
  email: { required: 'users.error.emailRequired', invalid_format: 'users.error.emailFormat', already_exists: 'users.error.emailTaken', too_long: 'users.error.emailFormat' },
  name: { required: 'users.error.nameRequired', too_long: 'users.error.nameTooLong' },
  agency: { required: 'users.error.agencyRequired', unknown_agency: 'users.error.agencyUnknown', invalid_format: 'users.error.agencyRequired' },
  roles: { too_few: 'users.error.rolesRequired', required: 'users.error.rolesRequired', conflict: 'users.error.rolesConflict', not_allowed: 'users.error.ownAccount' },
  clearance: { not_allowed: 'users.error.ownAccount' },
};

export function userFieldMessage(field: UserField, code: string | undefined): FormMessage {
  return { key: (code !== undefined ? MESSAGES[field]?.[code] : undefined) ?? 'users.error.checkField' };
}

/** The API's field errors as the form's messages, the first per field. */
export function userFieldMessages(errors: readonly FieldError[], fields: readonly UserField[]): Partial<Record<UserField, FormMessage>> {
  const result: Partial<Record<UserField, FormMessage>> = {};
  for (const error of errors) {
    const field = error.field.replace(/[[.].*$/, '') as UserField;
    if (fields.includes(field) && !result[field]) result[field] = userFieldMessage(field, error.code);
  }
  return result;
}

/** Agencies for a choice: the core table, then the municipalities, then the others, each by name. */
export function agencyGroups(agencies: readonly Agency[]): { label: MessageKey; items: Agency[] }[] {
  const all = [...agencies].sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  return [
    { label: 'users.agencyGroup.core' as const, items: all.filter((a) => a.type === 'core') },
    { label: 'users.agencyGroup.municipality' as const, items: all.filter((a) => a.type === 'municipality') },
    { label: 'users.agencyGroup.external' as const, items: all.filter((a) => a.type === 'external') },
  ].filter((group) => group.items.length > 0);
}

/** The roles of a checkbox group, in the domain's order. */
export function chosenRoles(value: Partial<Record<Role, boolean>>): Role[] {
  return ROLES.filter((role) => value[role] === true);
}
