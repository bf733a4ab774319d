import { DestroyRef, type EnvironmentProviders, effect, inject, makeEnvironmentProviders, provideEnvironmentInitializer } from '@angular/core';
import { PureAbility, createMongoAbility } from '@casl/ability';
import { AbilityServiceSignal } from '@casl/angular';
import { type AppAbility, defineAbilityFor } from '@verkiezingstafel/domain';
import { AuthService } from './auth.service';

/**
 * The board asks the same ability as the API (libs/domain) whether to offer an action. It
 * only hides buttons: the API decides. Signed out, the ability is empty.
 */
export function provideAbility(): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: PureAbility, useFactory: (): AppAbility => createMongoAbility() as AppAbility },
    provideEnvironmentInitializer(() => {
      const auth = inject(AuthService);
      const abilities = inject(AbilityServiceSignal<AppAbility>);
      const ref = effect(() => {
        const user = auth.user();
        abilities.update(user ? defineAbilityFor(user).rules : []);
      });
      inject(DestroyRef).onDestroy(() => ref.destroy());
    }),
  ]);
}

/** The ability as signals: `can(...)` re-evaluates in templates when the user changes. */
export function injectAbility(): AbilityServiceSignal<AppAbility> {
  return inject(AbilityServiceSignal<AppAbility>);
}
