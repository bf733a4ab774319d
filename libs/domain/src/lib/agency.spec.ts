import { isCoreTableAgency, isMunicipalityCode } from './agency';

describe('agency codes', () => {
  it('recognises CBS municipality codes', () => {
    expect(isMunicipalityCode('GM0363')).toBe(true);
    expect(isMunicipalityCode('GM363')).toBe(false);
    expect(isMunicipalityCode('gm0363')).toBe(false);
    expect(isMunicipalityCode('BZK')).toBe(false);
  });

  it('counts BZK to KIESRAAD, AP included, as the core table and nobody else', () => {
    for (const code of ['BZK', 'AIVD', 'AP', 'KIESRAAD']) expect(isCoreTableAgency(code)).toBe(true);
    for (const code of ['EC', 'GM0363', 'bzk']) expect(isCoreTableAgency(code)).toBe(false);
  });
});
