import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { TranslatePipe } from '../core/i18n/translate.pipe';

@Component({
  selector: 'vt-not-found-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe],
  template: `
    <h1 class="nl-heading nl-heading--level-1">{{ 'notFound.title' | t }}</h1>
    <p class="nl-paragraph">{{ 'notFound.text' | t }}</p>
    <p class="nl-paragraph">
      <a class="nl-link" routerLink="/">{{ 'notFound.home' | t }}</a>
    </p>
  `,
})
export class NotFoundPageComponent {}
