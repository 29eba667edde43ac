// The package step's entry: `node scripts/forge-package.cjs [--app <dir>] [--out <dir>] [--report <file>] [--smoke]`.
// Forge's bundler refuses to run without `require.main`, which only a CommonJS entry sets. The
// step itself is TypeScript: tsx is registered here, for this thread only (the bundler's worker
// threads start in the app's directory, where `--import tsx` would not resolve).
void import('tsx/esm/api').then(({ register }) => {
  register();
  return import('./forge-package/main.ts');
});
