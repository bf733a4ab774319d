import { parseRoleList, requiresTotp } from './user';

describe('role lists from configuration', () => {
  it('reads a comma-separated list, ignoring blanks and repeats', () => {
    expect(parseRoleList(' admin, chair,,admin ')).toEqual(['admin', 'chair']);
  });

  it('reads an empty list as no roles', () => {
    expect(parseRoleList('')).toEqual([]);
  });

  it('names the entry that is not a role', () => {
    expect(() => parseRoleList('admin,boss')).toThrow('"boss" is not a role');
  });
});

describe('two-factor enrolment requirement', () => {
  it('applies when any role of the user is in the required set', () => {
    expect(requiresTotp(['liaison', 'chair'], ['admin', 'chair'])).toBe(true);
  });

  it('does not apply to a user with none of the required roles', () => {
    expect(requiresTotp(['municipal'], ['admin', 'chair'])).toBe(false);
    expect(requiresTotp(['admin'], [])).toBe(false);
  });
});
