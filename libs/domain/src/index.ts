export * from './lib/agency';
export * from './lib/election';
export * from './lib/problem';
export * from './lib/user';
