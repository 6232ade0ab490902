// Copies the icons, kept once in icons/ (tiktok.svg for n8n's light theme, tiktok.dark.svg for the dark one),
// to dist/icons/. Nodes and credentials point at them relatively (`file:../../icons/tiktok.svg` from
// nodes/<Node>/, `file:../icons/tiktok.svg` from credentials/), so the same path resolves in the source tree
// (n8n's scanner checks the files exist) and in dist/ (n8n serves them from there). gulp 5 decodes files as
// UTF-8 unless told otherwise, which would corrupt binary icons, hence `encoding: false`.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons')),
);
