import { Injectable, inject } from '@angular/core';
import type { Agency, Election, ElectionPhase, ElectionType, Milestone } from '@verkiezingstafel/domain';
import { ApiClient } from '../../core/api/api-client.service';

/** The body of `POST /api/elections` (apps/api/src/elections/dto/create-election.dto.ts). */
export interface ElectionInput {
  code: string;
  name: string;
  type: ElectionType;
  electionDay: string;
  phase: ElectionPhase;
  exercise: boolean;
  milestones: Milestone[];
  /** Participating municipalities by CBS code; absent: all of them. */
  municipalities?: string[];
}

@Injectable({ providedIn: 'root' })
export class ElectionsApi {
  private readonly api = inject(ApiClient);

  list(): Promise<Election[]> {
    return this.api.get<Election[]>('/elections');
  }

  create(input: ElectionInput): Promise<Election> {
    return this.api.post<Election>('/elections', input);
  }

  municipalities(): Promise<Agency[]> {
    return this.api.get<Agency[]>('/agencies').then((agencies) => agencies.filter((a) => a.type === 'municipality'));
  }
}
