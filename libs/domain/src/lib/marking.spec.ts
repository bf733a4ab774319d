import { type Audience, isAuditedOnRead, isStateSecretClassification, loosensAudience, type Marking } from './marking';

function audience(marking: Marking, extra: Partial<Omit<Audience, 'marking'>> = {}): Audience {
  return {
    marking,
    classification: extra.classification ?? 'NONE',
    sharedWith: extra.sharedWith ?? [],
    recipients: extra.recipients ?? [],
    affectedMunicipalities: extra.affectedMunicipalities ?? [],
  };
}

/** Loosest first, restated from TLP 2.0 (not taken from marking.ts). */
const ORDER: Marking[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

describe('isAuditedOnRead', () => {
  it.each(ORDER.flatMap((marking) => (['NONE', 'DEP_V'] as const).map((classification) => [marking, classification] as const)))(
    'a read of a %s/%s record is audited exactly when it is AMBER+STRICT, RED or DEP_V',
    (marking, classification) => {
      expect(isAuditedOnRead({ marking, classification })).toBe(marking === 'AMBER_STRICT' || marking === 'RED' || classification === 'DEP_V');
    },
  );
});

describe('loosensAudience', () => {
  const pairs = ORDER.flatMap((from, i) => ORDER.map((to, j) => [from, to, j < i] as const));

  it.each(pairs)('marking %s → %s loosens: %s', (from, to, loosens) => {
    expect(loosensAudience(audience(from), audience(to))).toBe(loosens);
  });

  it('an unchanged audience does not loosen', () => {
    const same = audience('AMBER', { classification: 'DEP_V', sharedWith: ['EC'], recipients: ['u-1'], affectedMunicipalities: ['GM0363'] });
    expect(loosensAudience(same, { ...same })).toBe(false);
  });

  it('DEP_V → NONE loosens, NONE → DEP_V does not', () => {
    expect(loosensAudience(audience('RED', { classification: 'DEP_V' }), audience('RED', { classification: 'NONE' }))).toBe(true);
    expect(loosensAudience(audience('CLEAR', { classification: 'NONE' }), audience('CLEAR', { classification: 'DEP_V' }))).toBe(false);
  });

  it.each(['AMBER', 'AMBER_STRICT'] as const)('adding an agency to sharedWith under %s loosens', (marking) => {
    expect(loosensAudience(audience(marking, { sharedWith: ['NCTV'] }), audience(marking, { sharedWith: ['NCTV', 'GM0599'] }))).toBe(true);
    expect(loosensAudience(audience(marking), audience(marking, { sharedWith: ['EC'] }))).toBe(true);
  });

  it('replacing one sharedWith agency by another under AMBER_STRICT loosens (the new one gains sight)', () => {
    expect(loosensAudience(audience('AMBER_STRICT', { sharedWith: ['NCTV'] }), audience('AMBER_STRICT', { sharedWith: ['EC'] }))).toBe(true);
  });

  it('tightening AMBER to AMBER_STRICT while sharing with a new agency loosens for that agency', () => {
    expect(loosensAudience(audience('AMBER'), audience('AMBER_STRICT', { sharedWith: ['GM0599'] }))).toBe(true);
  });

  it('adding a recipient under RED loosens; replacing one recipient by another too', () => {
    expect(loosensAudience(audience('RED'), audience('RED', { recipients: ['u-1'] }))).toBe(true);
    expect(loosensAudience(audience('RED', { recipients: ['u-1'] }), audience('RED', { recipients: ['u-2'] }))).toBe(true);
  });

  it('adding an affected municipality under AMBER loosens', () => {
    expect(loosensAudience(audience('AMBER'), audience('AMBER', { affectedMunicipalities: ['GM0363'] }))).toBe(true);
    expect(
      loosensAudience(audience('AMBER', { affectedMunicipalities: ['GM0363'] }), audience('AMBER', { affectedMunicipalities: ['GM0363', 'GM0599'] })),
    ).toBe(true);
  });

  it('adding an affected municipality under AMBER_STRICT or RED does not loosen (they do not admit it)', () => {
    expect(loosensAudience(audience('AMBER_STRICT'), audience('AMBER_STRICT', { affectedMunicipalities: ['GM0363'] }))).toBe(false);
    expect(loosensAudience(audience('RED'), audience('RED', { affectedMunicipalities: ['GM0363'] }))).toBe(false);
  });

  it('removing sharedWith agencies, recipients or affected municipalities does not loosen', () => {
    expect(loosensAudience(audience('AMBER', { sharedWith: ['EC', 'NCTV'] }), audience('AMBER', { sharedWith: ['NCTV'] }))).toBe(false);
    expect(loosensAudience(audience('AMBER_STRICT', { sharedWith: ['EC'] }), audience('AMBER_STRICT'))).toBe(false);
    expect(loosensAudience(audience('RED', { recipients: ['u-1', 'u-2'] }), audience('RED', { recipients: ['u-2'] }))).toBe(false);
    expect(loosensAudience(audience('AMBER', { affectedMunicipalities: ['GM0363', 'GM0599'] }), audience('AMBER', { affectedMunicipalities: ['GM0599'] }))).toBe(
      false,
    );
  });

  it('tightening the marking and the classification together does not loosen', () => {
    expect(
      loosensAudience(audience('GREEN', { sharedWith: ['EC'] }), audience('RED', { classification: 'DEP_V', sharedWith: ['EC'], recipients: [] })),
    ).toBe(false);
  });

  it('a lower marking loosens even when lists shrink', () => {
    expect(loosensAudience(audience('RED', { recipients: ['u-1'] }), audience('AMBER_STRICT', { recipients: [] }))).toBe(true);
  });
});

describe('isStateSecretClassification', () => {
  it.each(['STG_GEHEIM', 'Stg. Geheim', 'STG_ZEER_GEHEIM', 'stg confidentieel', 'STG_CONFIDENTIEEL', 'Stg. Zeer Geheim', 'stg-geheim'])(
    '%j is a state secret and is refused',
    (value) => {
      expect(isStateSecretClassification(value)).toBe(true);
    },
  );

  it.each(['DEP_V', 'NONE', 'Departementaal Vertrouwelijk', '', 'TLP:RED', 'geheimhouding'])('%j is not a state secret', (value) => {
    expect(isStateSecretClassification(value)).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['STG_GEHEIM']])('a non-string (%j) is not a state secret', (value) => {
    expect(isStateSecretClassification(value)).toBe(false);
  });
});
