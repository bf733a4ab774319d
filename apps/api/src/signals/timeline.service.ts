import { Injectable } from '@nestjs/common';
import { isStricterOrEqual, markingRank, redactTimelineEntry, signalSubject, type TimelineEntry } from '@verkiezingstafel/domain';
import { SqlParams } from '../authorization/ability-sql';
import { notFound, validationProblem } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreateTimelineEntryDto } from './dto/timeline.dto';
import { audienceOf, SignalAccessService } from './signal-access.service';
import { TimelineRepository } from './timeline.repository';

export type RedactedTimelineEntry = Partial<TimelineEntry> & { id: string };

@Injectable()
export class TimelineService {
  constructor(
    private readonly entries: TimelineRepository,
    private readonly access: SignalAccessService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<RedactedTimelineEntry[]> {
    const signal = await this.access.findReadable(requester, signalId);
    await this.access.auditReads(requester, [signal], 'timeline');
    const params = new SqlParams([signalId]);
    const entries = await this.entries.listOf(this.access.entryReadCondition(requester.ability, params), params);
    return entries
      .map((entry) => redactTimelineEntry(requester.ability, entry, audienceOf(signal)))
      .filter((entry): entry is RedactedTimelineEntry => entry !== null);
  }

  /**
   * A comment or assessment. Without a marking, or at the signal's, it follows the signal's
   * marking from then on (rule 7); a stricter one is the author's own and stays with the entry.
   */
  async add(requester: Requester, signalId: string, input: CreateTimelineEntryDto): Promise<RedactedTimelineEntry> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal = await this.access.findReadable(requester, signalId, { tx, lock: 'share' });
      // Whoever may read the signal may comment, except observers and admins (the guard) and
      // readers the rule refuses on this signal (DEP_V without the clearance): for them it does not exist.
      if (!requester.ability.can('comment', signalSubject(signal))) throw notFound('signal');
      const marking = input.marking ?? signal.marking;
      if (!isStricterOrEqual(marking, signal.marking)) {
        throw validationProblem([
          { field: 'marking', code: 'too_loose', message: `a timeline entry may not be looser than its signal (${signal.marking})` },
        ]);
      }
      const entry = await this.entries.insert(tx, {
        signalId,
        kind: input.kind ?? 'comment',
        text: input.text,
        marking,
        ownMarking: markingRank(marking) > markingRank(signal.marking),
        author: { id: requester.user.id, name: requester.user.name, agency: requester.user.agency.code },
      });
      journal.audit({
        action: 'timeline.add',
        entityType: 'signal',
        entityId: signalId,
        details: { entryId: entry.id, kind: entry.kind, marking, ownMarking: entry.ownMarking },
      });
      journal.emit('timeline.added', { entry, signal });
      return redactTimelineEntry(requester.ability, entry, audienceOf(signal)) ?? { id: entry.id };
    });
  }
}
