export const ELECTION_TYPES = ['TK', 'EK', 'PS', 'WS', 'GR', 'EP'] as const;
export type ElectionType = (typeof ELECTION_TYPES)[number];

export const ELECTION_PHASES = ['preparation', 'campaign', 'election_day', 'counting', 'evaluation'] as const;
export type ElectionPhase = (typeof ELECTION_PHASES)[number];

export const MILESTONE_CODES = ['candidate_nomination', 'polling_day', 'count', 'results'] as const;
export type MilestoneCode = (typeof MILESTONE_CODES)[number];

/** A date in the election calendar to which measures' deadlines can be tied. */
export interface Milestone {
  code: MilestoneCode;
  date: string;
}

export interface Election {
  id: string;
  code: string;
  name: string;
  type: ElectionType;
  electionDay: string;
  phase: ElectionPhase;
  exercise: boolean;
  milestones: Milestone[];
  municipalities: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
