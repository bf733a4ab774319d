import { Injectable, inject } from '@angular/core';
import type {
  Agency,
  Election,
  Marking,
  Measure,
  MilestoneCode,
  Platform,
  PlatformOutcome,
  PlatformReport,
  RedactedSignal,
  Signal,
  SignalStatus,
  TimelineEntry,
} from '@verkiezingstafel/domain';
import { ApiClient } from '../core/api/api-client.service';

export interface SignalPage {
  items: RedactedSignal[];
  nextCursor: string | null;
}

export interface SignalFilters {
  status?: string;
  category?: string;
  severity?: string;
  marking?: string;
  municipality?: string;
  q?: string;
}

export interface DirectoryEntry {
  id: string;
  name: string;
  agencyCode: string;
}

/** The writable fields of a signal (contract.md), as the form sends them. */
export type SignalInput = Pick<
  Signal,
  | 'title'
  | 'description'
  | 'category'
  | 'severity'
  | 'marking'
  | 'classification'
  | 'sharedWith'
  | 'recipients'
  | 'affectedMunicipalities'
  | 'platforms'
  | 'evidence'
  | 'disarmTechniques'
  | 'source'
  | 'leadAgency'
>;

/** What the flagger records of a report to a platform; `reportedAt` defaults to now. */
export interface PlatformReportInput {
  platform: Platform;
  contentUrl: string;
  ground: string;
  reportedAt?: string;
}

export type TimelineItem = Partial<TimelineEntry> & Pick<TimelineEntry, 'id'>;

/** The newest signals of an election the board shows at most; filters narrow it down. */
export const BOARD_LIMIT = 2000;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The signal endpoints of contract.md, typed. */
@Injectable({ providedIn: 'root' })
export class SignalsApi {
  private readonly api = inject(ApiClient);

  elections(): Promise<Election[]> {
    return this.api.get<Election[]>('/elections');
  }

  agencies(): Promise<Agency[]> {
    return this.api.get<Agency[]>('/agencies');
  }

  directory(): Promise<DirectoryEntry[]> {
    return this.api.get<DirectoryEntry[]>('/users/directory');
  }

  /** Every page of an election's signals under the filters, newest first, up to {@link BOARD_LIMIT}. */
  async listAll(electionId: string, filters: SignalFilters): Promise<{ items: RedactedSignal[]; truncated: boolean }> {
    const items: RedactedSignal[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.api.get<SignalPage>(`/signals${query({ electionId, ...filters, limit: 200, cursor })}`);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < BOARD_LIMIT);
    return { items, truncated: cursor !== undefined };
  }

  get(id: string): Promise<RedactedSignal> {
    return this.api.get<RedactedSignal>(`/signals/${encodeURIComponent(id)}`);
  }

  create(electionId: string, input: SignalInput): Promise<RedactedSignal> {
    return this.api.post<RedactedSignal>('/signals', { electionId, ...input });
  }

  update(id: string, version: number, changes: Partial<SignalInput>): Promise<RedactedSignal> {
    return this.api.patch<RedactedSignal>(`/signals/${encodeURIComponent(id)}`, { ...changes, version });
  }

  transition(id: string, to: SignalStatus, version: number, note?: string): Promise<RedactedSignal> {
    return this.api.post<RedactedSignal>(`/signals/${encodeURIComponent(id)}/transitions`, {
      to,
      version,
      ...(note ? { note } : {}),
    });
  }

  timeline(id: string): Promise<TimelineItem[]> {
    return this.api.get<TimelineItem[]>(`/signals/${encodeURIComponent(id)}/timeline`);
  }

  comment(id: string, text: string, marking?: Marking): Promise<TimelineItem> {
    return this.api.post<TimelineItem>(`/signals/${encodeURIComponent(id)}/timeline`, { text, ...(marking ? { marking } : {}) });
  }

  measures(id: string): Promise<Measure[]> {
    return this.api.get<Measure[]>(`/signals/${encodeURIComponent(id)}/measures`);
  }

  addMeasure(
    id: string,
    measure: { description: string; ownerAgency: string; dueDate?: string; dueMilestone?: MilestoneCode },
  ): Promise<Measure> {
    return this.api.post<Measure>(`/signals/${encodeURIComponent(id)}/measures`, measure);
  }

  updateMeasure(id: string, version: number, changes: Partial<Pick<Measure, 'status' | 'description'>>): Promise<Measure> {
    return this.api.patch<Measure>(`/measures/${encodeURIComponent(id)}`, { ...changes, version });
  }

  platformReports(id: string): Promise<PlatformReport[]> {
    return this.api.get<PlatformReport[]>(`/signals/${encodeURIComponent(id)}/platform-reports`);
  }

  addPlatformReport(id: string, report: PlatformReportInput): Promise<PlatformReport> {
    return this.api.post<PlatformReport>(`/signals/${encodeURIComponent(id)}/platform-reports`, report);
  }

  recordPlatformOutcome(id: string, version: number, outcome: PlatformOutcome): Promise<PlatformReport> {
    return this.api.patch<PlatformReport>(`/platform-reports/${encodeURIComponent(id)}`, { outcome, version });
  }
}
