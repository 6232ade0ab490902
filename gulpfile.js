// Copies node and credential icons next to the compiled code. gulp 5 decodes files as UTF-8 unless
// told otherwise, which corrupts binary icons, hence `encoding: false`.
const { src, dest, parallel, task } = require('gulp');

const copyIcons = (from) => () =>
	src(`${from}/**/*.{png,svg}`, { encoding: false }).pipe(dest(`dist/${from}`));

task('build:icons', parallel(copyIcons('nodes'), copyIcons('credentials')));
