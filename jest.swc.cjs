/**
 * SWC options shared by every Jest project: TypeScript with Nest-style decorators, and the
 * `@verkiezingstafel/domain` alias rewritten at transform time (global setups run outside
 * Jest's module mapper).
 */
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: __dirname,
    paths: { '@verkiezingstafel/domain': ['libs/domain/src/index.ts'] },
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
