import { ApiProperty } from '@nestjs/swagger';
import { type Election, ELECTION_PHASES, ELECTION_TYPES, type ElectionPhase, type ElectionType, type Milestone, MILESTONE_CODES, type MilestoneCode } from '@verkiezingstafel/domain';

export class MilestoneViewDto implements Milestone {
  @ApiProperty({ enum: MILESTONE_CODES }) code!: MilestoneCode;
  @ApiProperty({ format: 'date' }) date!: string;
}

/** An election as the routes answer it. */
export class ElectionDto implements Election {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'TK2025' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ELECTION_TYPES }) type!: ElectionType;
  @ApiProperty({ format: 'date' }) electionDay!: string;
  @ApiProperty({ enum: ELECTION_PHASES }) phase!: ElectionPhase;
  @ApiProperty({ description: 'A drill, never mixed with real figures' }) exercise!: boolean;
  @ApiProperty({ type: [MilestoneViewDto] }) milestones!: MilestoneViewDto[];
  @ApiProperty({ type: [String], description: 'Participating municipalities (CBS codes)' }) municipalities!: string[];
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
