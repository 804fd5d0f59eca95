'use strict';
// A real, headless n8n for demos and end-to-end tests. See README.md beside this file.
module.exports = { ...require('./runtime'), ...require('./instance') };
