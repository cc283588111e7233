/**
 * The project's one rule for dependencies (README "Code layout"), checked in `npm test`
 * (test/layers.test.ts): plugins use lib/, never each other; lib/ never reaches up into plugins/,
 * scripts/, bench/ or build.ts; no import cycles anywhere.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which module owns what.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'plugins-use-lib-not-each-other',
      severity: 'error',
      comment: 'A stage hands data to the next through typed page fields, not by importing it; shared code lives in lib/.',
      from: { path: '^plugins/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'lib-stays-below',
      severity: 'error',
      comment: 'lib/ is what plugins, scripts and build.ts stand on; it must not import them.',
      from: { path: '^lib/' },
      to: { path: '^(plugins|scripts|bench)/|^build\\.ts$' },
    },
    {
      name: 'build-needs-no-dev-dependencies',
      severity: 'error',
      comment: 'CI installs the build job with `npm ci --omit=dev` (faster publish path): what builds, checks, deploys and summarises may not need a devDependency at run time (types are fine).',
      from: { path: '^(build\\.ts$|plugins/|lib/|scripts/)' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test/\\.tmp|bench/\\.work)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.mjs', '.js', '.d.mts'] },
  },
};
