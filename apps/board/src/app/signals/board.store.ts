import { DOCUMENT, Injectable, computed, inject, signal, untracked } from '@angular/core';
import {
  type Election,
  type RedactedSignal,
  SIGNAL_STATUSES,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import { ApiError } from '../core/api/api-error';
import { AuthService } from '../core/auth/auth.service';
import { type BoardEvent, RealtimeService } from '../core/realtime/realtime.service';
import { ClientStateService } from '../core/state/client-state.service';
import { type SignalFilters, SignalsApi } from './signals.api';

/** How long a card that changed live stays highlighted. */
const HIGHLIGHT_MS = 2500;
const SEEN_KEY = 'verkiezingstafel.seen';

export type Announcement = { kind: 'updated'; title: string } | { kind: 'revoked' };

export interface Column {
  status: SignalStatus;
  items: RedactedSignal[];
}

/** Whether a live record belongs on a board with these filters (the same filters as the API's). */
export function matchesFilters(signal: RedactedSignal, electionId: string | null, filters: SignalFilters): boolean {
  if (electionId !== null && signal.electionId !== electionId) return false;
  const within = (value: string | undefined, list: string | undefined) =>
    list === undefined || list === '' || (value !== undefined && list.split(',').includes(value));
  if (!within(signal.status, filters.status)) return false;
  if (!within(signal.marking, filters.marking)) return false;
  // Content filters only match where the content is readable, as in the API.
  if (filters.category && !within(signal.category, filters.category)) return false;
  if (filters.severity && !within(signal.severity, filters.severity)) return false;
  if (filters.municipality && !(signal.affectedMunicipalities ?? []).includes(filters.municipality)) return false;
  return true;
}

/**
 * The situation board's state: the election's signals under the filters, kept current by the
 * realtime channel (upserts by version, removals on `signal.revoked`), which cards changed
 * live (highlight) and which are new since the user last looked.
 */
@Injectable({ providedIn: 'root' })
export class BoardStore {
  private readonly api = inject(SignalsApi);
  private readonly auth = inject(AuthService);
  private readonly document = inject(DOCUMENT);

  readonly elections = signal<Election[]>([]);
  readonly electionId = signal<string | null>(null);
  readonly filters = signal<SignalFilters>({});
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly truncated = signal(false);
  /** What just changed live, for the board's live region. */
  readonly announcement = signal<Announcement | null>(null);
  private readonly records = signal<ReadonlyMap<string, RedactedSignal>>(new Map());
  readonly highlighted = signal<ReadonlySet<string>>(new Set());
  readonly unseen = signal<ReadonlySet<string>>(new Set());
  private generation = 0;
  /**
   * What the realtime channel told while the REST load under way was in flight: per signal,
   * the version it told, or that it was revoked. Those outrank the load's (older) answer.
   */
  private toldDuringLoad: Map<string, number | 'revoked'> | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;

  readonly election = computed(() => this.elections().find((e) => e.id === this.electionId()) ?? null);
  readonly signals = computed(() =>
    [...this.records().values()].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id.localeCompare(a.id)),
  );
  readonly columns = computed<Column[]>(() =>
    SIGNAL_STATUSES.map((status) => ({ status, items: this.signals().filter((s) => s.status === status) })),
  );

  constructor() {
    const realtime = inject(RealtimeService);
    realtime.listen((event) => this.apply(event));
    inject(ClientStateService).register(() => this.reset());
  }

  /**
   * Loads the elections (once) and the board of the chosen one. Reads no signal in the
   * caller's reactive context: a page's effect that opens the board runs again only when its
   * own inputs change, not when the elections arrive (which asked for the signals twice).
   */
  open(electionCode?: string): Promise<void> {
    return untracked(() => this.openBoard(electionCode));
  }

  private async openBoard(electionCode?: string): Promise<void> {
    if (this.elections().length === 0) {
      const elections = await this.api.elections();
      this.elections.set(elections);
    }
    const elections = this.elections();
    const chosen =
      elections.find((e) => e.code === electionCode) ??
      elections.find((e) => e.id === this.electionId()) ??
      elections.find((e) => !e.exercise) ??
      elections[0] ??
      null;
    if (chosen && chosen.id !== this.electionId()) {
      this.electionId.set(chosen.id);
      this.records.set(new Map());
    }
    await this.reload();
  }

  /** The list of elections changed (one was created): the next `open()` asks the API again. */
  electionsChanged(): void {
    this.elections.set([]);
  }

  setFilters(filters: SignalFilters): Promise<void> {
    this.filters.set(filters);
    return this.reload();
  }

  async reload(): Promise<void> {
    const electionId = this.electionId();
    if (!electionId) return;
    const generation = ++this.generation;
    const told = new Map<string, number | 'revoked'>();
    this.toldDuringLoad = told;
    this.loading.set(true);
    this.error.set(null);
    try {
      const { items, truncated } = await this.api.listAll(electionId, this.filters());
      if (generation !== this.generation) return;
      const current = this.records();
      const next = new Map<string, RedactedSignal>();
      for (const item of items) {
        // Told live while the page loaded: a revocation, or a version at least as new, outranks
        // the page; what the board holds then is the live state (or nothing).
        const live = told.get(item.id);
        if (live === 'revoked') continue;
        const known = current.get(item.id);
        if (live !== undefined && live >= (item.version ?? 0)) {
          if (known) next.set(item.id, known);
          continue;
        }
        next.set(item.id, known && (known.version ?? 0) > (item.version ?? 0) ? known : item);
      }
      // Created (or brought into sight) live after the page was read: the page cannot have it yet.
      for (const [id, live] of told) {
        const known = current.get(id);
        if (live !== 'revoked' && known && !next.has(id)) next.set(id, known);
      }
      this.records.set(next);
      this.truncated.set(truncated);
      this.markUnseenSinceLastLook(items);
    } catch (error) {
      if (generation === this.generation) this.error.set(ApiError.from(error).message);
    } finally {
      if (generation === this.generation) this.loading.set(false);
      if (this.toldDuringLoad === told) this.toldDuringLoad = null;
    }
  }

  /** Everything on the board counts as seen now. */
  markAllSeen(): void {
    this.unseen.set(new Set());
    this.storeSeenAt(new Date().toISOString());
  }

  private apply(event: BoardEvent): void {
    switch (event.type) {
      case 'resync':
        void this.reload();
        return;
      case 'signal.revoked': {
        const { id } = event.data;
        this.toldDuringLoad?.set(id, 'revoked');
        if (!this.records().has(id)) return;
        const next = new Map(this.records());
        next.delete(id);
        this.records.set(next);
        this.announcement.set({ kind: 'revoked' });
        return;
      }
      case 'signal.created':
      case 'signal.updated': {
        const incoming = event.data;
        const known = this.records().get(incoming.id);
        if (known && (known.version ?? 0) > (incoming.version ?? 0)) return;
        this.toldDuringLoad?.set(incoming.id, incoming.version ?? 0);
        const next = new Map(this.records());
        if (matchesFilters(incoming, this.electionId(), this.filters())) next.set(incoming.id, incoming);
        else next.delete(incoming.id);
        this.records.set(next);
        if (next.has(incoming.id)) {
          this.flash(incoming.id);
          if (incoming.createdBy !== this.auth.user()?.id || this.document.visibilityState === 'hidden') {
            this.unseen.set(new Set([...this.unseen(), incoming.id]));
          }
          this.announcement.set({ kind: 'updated', title: incoming.title ?? incoming.id });
        }
        // A text search cannot be judged here: ask the API again, once for a burst of changes.
        if (this.filters().q) this.scheduleReload();
        return;
      }
      case 'timeline.added':
      case 'measure.changed':
      case 'platform_report.changed':
        return;
    }
  }

  private flash(id: string): void {
    this.highlighted.set(new Set([...this.highlighted(), id]));
    setTimeout(() => {
      const next = new Set(this.highlighted());
      next.delete(id);
      this.highlighted.set(next);
    }, HIGHLIGHT_MS);
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reload();
    }, 400);
  }

  /** Changes since the user last marked the board as seen (kept per user in this browser). */
  private markUnseenSinceLastLook(items: readonly RedactedSignal[]): void {
    const seenAt = this.seenAt();
    if (seenAt === null) {
      this.storeSeenAt(new Date().toISOString());
      return;
    }
    const me = this.auth.user()?.id;
    const unseen = new Set(this.unseen());
    for (const item of items) {
      if ((item.updatedAt ?? '') > seenAt && item.createdBy !== me) unseen.add(item.id);
    }
    this.unseen.set(unseen);
  }

  private seenKey(): string {
    return `${SEEN_KEY}.${this.auth.user()?.id ?? 'anonymous'}`;
  }

  private seenAt(): string | null {
    try {
      return this.document.defaultView?.localStorage.getItem(this.seenKey()) ?? null;
    } catch {
      return null;
    }
  }

  private storeSeenAt(at: string): void {
    try {
      this.document.defaultView?.localStorage.setItem(this.seenKey(), at);
    } catch {
      // Without storage the marker lasts this visit only.
    }
  }

  private reset(): void {
    this.generation++;
    this.toldDuringLoad = null;
    this.elections.set([]);
    this.electionId.set(null);
    this.filters.set({});
    this.records.set(new Map());
    this.highlighted.set(new Set());
    this.unseen.set(new Set());
    this.error.set(null);
    this.truncated.set(false);
    this.announcement.set(null);
  }
}
