import { Injectable, inject } from '@angular/core';
import type { AuditAction, AuditEntityType, AuditKind, AuditPage, AuditVerification } from '@verkiezingstafel/domain';
import { ApiClient } from '../../core/api/api-client.service';

/** What the trail may be narrowed to (`GET /api/audit` and its CSV export take the same). */
export interface AuditFilter {
  action?: AuditAction;
  actor?: string;
  agency?: string;
  entityType?: AuditEntityType;
  entityId?: string;
  /** ISO instants: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
}

export interface AuditQuery extends AuditFilter {
  kind?: AuditKind;
  limit?: number;
  cursor?: string;
}

/** `GET /api/audit` (newest first, paged, filtered) and `GET /api/audit/verify`. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly api = inject(ApiClient);

  list(query: AuditQuery): Promise<AuditPage> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
    const text = search.toString();
    return this.api.get<AuditPage>(`/audit${text ? `?${text}` : ''}`);
  }

  verify(): Promise<AuditVerification> {
    return this.api.get<AuditVerification>('/audit/verify');
  }
}
