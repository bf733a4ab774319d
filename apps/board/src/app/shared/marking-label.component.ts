import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Classification, Marking } from '@verkiezingstafel/domain';

/**
 * The TLP marking as FIRST's label: black background, the colour in the text ("TLP:AMBER"),
 * so the marking reads in words and in colour alike; Dep.V. as a second label.
 */
@Component({
  selector: 'vt-marking-label',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'vt-marking-host' },
  template: `
    <span class="vt-tlp vt-tlp--{{ marking().toLowerCase() }}" data-testid="marking-label" [attr.data-marking]="marking()">{{
      text()
    }}</span>
    @if (classification() === 'DEP_V') {
      <span class="vt-depv" data-testid="classification-label">Dep.V.</span>
    }
  `,
})
export class MarkingLabelComponent {
  readonly marking = input.required<Marking>();
  readonly classification = input<Classification | undefined>(undefined);
  protected readonly text = computed(() => `TLP:${this.marking() === 'AMBER_STRICT' ? 'AMBER+STRICT' : this.marking()}`);
}
