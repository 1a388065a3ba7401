// Copies what tsc does not emit (icons, codex JSON) into dist/, keeping the source layout.
const { src, dest, task } = require('gulp');

task('build:assets', () =>
	src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'icons/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
