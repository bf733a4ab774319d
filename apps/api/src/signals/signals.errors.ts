import { problemsOf } from '../common/problem.exception';

/**
 * Why a change to a signal, its timeline or its measures was refused, besides what every
 * feature shares (`ApiError`: bad input, not found, forbidden, version conflict).
 */
export enum SignalError {
  /** Only the owner agency loosens a marking or widens an audience. */
  LooseningForbidden = 'loosening_forbidden',
  /** The lifecycle does not lead from the current state to the one asked for. */
  InvalidTransition = 'invalid_transition',
  /** Departementaal Vertrouwelijk needs the DEP_V clearance. */
  ClearanceRequired = 'clearance_required',
}

export const signalProblem = problemsOf<SignalError>({
  [SignalError.LooseningForbidden]: 403,
  [SignalError.InvalidTransition]: 409,
  [SignalError.ClearanceRequired]: 403,
});
