import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FormControl, type FormGroup, type NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { type Agency, CLEARANCES, ROLES, type Role, TEXT_LIMITS } from '@verkiezingstafel/domain';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { FormFieldComponent, type FormFieldOption } from '../../shared/forms/form-field.component';
import { roleKey } from '../../core/i18n/i18n.service';
import { agencyGroups, type UserField } from './user-form';

export type UserFieldsForm = FormGroup<{
  email: FormControl<string>;
  name: FormControl<string>;
  agency: FormControl<string>;
  roles: FormGroup<Record<Role, FormControl<boolean>>>;
  clearance: FormControl<string>;
}>;

export const USER_FIELD_IDS: Record<UserField, string> = {
  email: 'user-email',
  name: 'user-name',
  agency: 'user-agency',
  roles: 'user-roles',
  clearance: 'user-clearance',
};

const ROLE_HINT = {
  liaison: 'users.roleHint.liaison',
  chair: 'users.roleHint.chair',
  municipal: 'users.roleHint.municipal',
  observer: 'users.roleHint.observer',
  admin: 'users.roleHint.admin',
} as const satisfies Record<Role, MessageKey>;

const CLEARANCE_OPTIONS: readonly FormFieldOption[] = CLEARANCES.map((clearance) => ({
  value: clearance,
  label: clearance === 'DEP_V' ? 'clearance.DEP_V' : 'clearance.NONE',
}));

/**
 * The fields of an account: e-mail address (fixed once created), name, agency, roles and
 * clearance, with their errors. The page owning the form decides what is sent.
 */
@Component({
  selector: 'vt-user-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe, FormFieldComponent],
  styles: ':host { display: contents; }',
  template: `
    <ng-container [formGroup]="form()">
      @if (withEmail()) {
        <vt-form-field
          [control]="form().controls.email"
          [fieldId]="ids.email"
          label="users.email"
          hint="users.emailHint"
          [error]="errors()['email']"
          autocomplete="off"
          [spellcheck]="false"
          [maxlength]="limits.email.max"
          wide
          required
        />
      }
      <vt-form-field
        [control]="form().controls.name"
        [fieldId]="ids.name"
        label="users.name"
        [error]="errors()['name']"
        autocomplete="off"
        [maxlength]="limits.userName.max"
        wide
        required
      />
      <div class="utrecht-form-field utrecht-form-field--text" [class.utrecht-form-field--invalid]="errors()['agency']">
        <div class="utrecht-form-field__label">
          <label class="utrecht-form-label" [for]="ids.agency">{{ 'users.agency' | t }} *</label>
        </div>
        @if (errors()['agency']; as message) {
          <div class="utrecht-form-field__error-message">
            <p class="utrecht-form-field-error-message" [id]="ids.agency + '-error'">{{ message }}</p>
          </div>
        }
        <select
          class="utrecht-select utrecht-select--html-select vt-select"
          [class.utrecht-select--invalid]="errors()['agency']"
          [id]="ids.agency"
          formControlName="agency"
          required
          [attr.aria-invalid]="errors()['agency'] ? 'true' : null"
          [attr.aria-describedby]="errors()['agency'] ? ids.agency + '-error' : null"
        >
          <option value="">{{ 'users.chooseAgency' | t }}</option>
          @for (group of groups(); track group.label) {
            <optgroup [label]="group.label | t">
              @for (item of group.items; track item.code) {
                <option [value]="item.code">{{ item.name }}</option>
              }
            </optgroup>
          }
        </select>
      </div>
      <fieldset
        class="utrecht-form-fieldset vt-fieldset"
        [id]="ids.roles"
        tabindex="-1"
        [class.utrecht-form-fieldset--invalid]="errors()['roles']"
        [attr.aria-describedby]="errors()['roles'] ? ids.roles + '-error' : null"
        formGroupName="roles"
      >
        <legend class="utrecht-form-fieldset__legend">{{ 'users.roles' | t }} *</legend>
        @if (errors()['roles']; as message) {
          <p class="utrecht-form-field-error-message" [id]="ids.roles + '-error'">{{ message }}</p>
        }
        @for (role of roles; track role) {
          <div class="utrecht-form-field utrecht-form-field--checkbox vt-choice vt-choice--described">
            <input type="checkbox" class="utrecht-checkbox utrecht-checkbox--html-input" [id]="'user-role-' + role" [formControlName]="role"
              [attr.aria-describedby]="'user-role-' + role + '-hint'" />
            <label class="utrecht-form-label utrecht-form-label--checkbox" [for]="'user-role-' + role">{{ roleLabel(role) | t }}</label>
            <p class="utrecht-form-field-description vt-choice__hint" [id]="'user-role-' + role + '-hint'">{{ roleHint[role] | t }}</p>
          </div>
        }
      </fieldset>
      <vt-form-field
        [control]="form().controls.clearance"
        [fieldId]="ids.clearance"
        label="users.clearance"
        hint="users.clearanceHint"
        type="select"
        [options]="clearanceOptions"
        [error]="errors()['clearance']"
      />
    </ng-container>
  `,
})
export class UserFieldsComponent {
  readonly form = input.required<UserFieldsForm>();
  readonly agencies = input.required<readonly Agency[]>();
  readonly errors = input.required<Partial<Record<UserField, string>>>();
  /** The address is the sign-in name: set when the account is made, not changed after. */
  readonly withEmail = input(true);

  protected readonly ids = USER_FIELD_IDS;
  protected readonly limits = TEXT_LIMITS;
  protected readonly roles = ROLES;
  protected readonly roleHint = ROLE_HINT;
  protected readonly clearanceOptions = CLEARANCE_OPTIONS;
  protected readonly groups = computed(() => agencyGroups(this.agencies()));

  protected roleLabel(role: Role): MessageKey {
    return roleKey(role);
  }
}

/** A form for the account fields, empty or filled from an account. */
export function userFieldsForm(
  fb: NonNullableFormBuilder,
  from?: { email: string; name: string; agency: { code: string }; roles: readonly Role[]; clearance: string },
): UserFieldsForm {
  return fb.group({
    email: from?.email ?? '',
    name: from?.name ?? '',
    agency: from?.agency.code ?? '',
    roles: fb.group(Object.fromEntries(ROLES.map((role) => [role, from?.roles.includes(role) ?? false])) as Record<Role, boolean>),
    clearance: from?.clearance ?? 'NONE',
  });
}
