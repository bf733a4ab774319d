import { problemsOf } from '../common/problem.exception';

/** Why an election was refused (besides bad input and "not found", common to every feature). */
export enum ElectionError {
  DuplicateCode = 'duplicate_code',
}

export const electionProblem = problemsOf<ElectionError>({
  [ElectionError.DuplicateCode]: 409,
});
