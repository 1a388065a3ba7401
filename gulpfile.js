// Copies what tsc does not emit (icons, codex JSON, output schemas) into dist/, keeping the source layout.
const { src, dest, parallel, task } = require('gulp');

const SCHEMAS = 'nodes/SoraVideo/__schema__';

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'icons/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

/** Version 2 changes only which options the editor offers: its output is version 1's. */
function copySchemasToVersion2() {
	return src(`${SCHEMAS}/v1.0.0/**/*.json`, { base: `${SCHEMAS}/v1.0.0` }).pipe(
		dest(`dist/${SCHEMAS}/v2.0.0`),
	);
}

task('build:assets', parallel(copyAssets, copySchemasToVersion2));
