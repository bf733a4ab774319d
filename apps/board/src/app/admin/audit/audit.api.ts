import { Injectable, inject } from '@angular/core';
import type { AuditPage, AuditVerification } from '@verkiezingstafel/domain';
import { ApiClient } from '../../core/api/api-client.service';

export interface AuditQuery {
  limit?: number;
  cursor?: string;
  entityId?: string;
}

/** `GET /api/audit` (newest first, paged) and `GET /api/audit/verify`. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly api = inject(ApiClient);

  list(query: AuditQuery): Promise<AuditPage> {
    const search = new URLSearchParams();
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    if (query.cursor) search.set('cursor', query.cursor);
    if (query.entityId) search.set('entityId', query.entityId);
    const text = search.toString();
    return this.api.get<AuditPage>(`/audit${text ? `?${text}` : ''}`);
  }

  verify(): Promise<AuditVerification> {
    return this.api.get<AuditVerification>('/audit/verify');
  }
}
