// Copies what tsc does not emit (icons, codex JSON, output schemas) into dist/, keeping the source layout.
const { src, dest, parallel, task } = require('gulp');

const SCHEMAS = 'nodes/SoraVideo/__schema__';

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'icons/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

/** Versions 2 and 3 change which fields the editor offers, not what the node outputs: version 1's schemas serve them. */
const schemasOfVersion = (version) =>
	function copySchemas() {
		return src(`${SCHEMAS}/v1.0.0/**/*.json`, { base: `${SCHEMAS}/v1.0.0` }).pipe(
			dest(`dist/${SCHEMAS}/v${version}.0.0`),
		);
	};

task('build:assets', parallel(copyAssets, schemasOfVersion(2), schemasOfVersion(3)));
