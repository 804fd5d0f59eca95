// Copies what tsc does not: the icons (one copy in icons/, which the nodes and the credential reference by a
// relative file: path), the codex files (*.node.json) next to the built code, and the package entry (index.js)
// into dist/, so that the published package holds only dist/.
const { src, dest } = require('gulp');

function copyAssets() {
	return src(['index.js', 'icons/*.{png,svg}', 'nodes/**/*.{png,svg,node.json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:assets'] = copyAssets;
