'use strict';

/**
 * End-to-end harness: drives a real n8n host (installed by scripts/install-n8n-hosts.sh) through
 * its CLI. Plain CommonJS without jest, so benchmark scripts can require it too.
 * See test/e2e/README.md.
 */
const { HarnessError } = require('./errors');
const { freePort } = require('./process');

module.exports = {
	HarnessError,
	freePort,
	...require('./hosts'), // REPO_ROOT, hostsDir, hostVersions, hostMajor, hostDir, isHostInstalled, n8nBin, installedN8nVersion
	...require('./user-folder'), // N8N_TEST_ENCRYPTION_KEY, createN8nUserFolder, installCommunityPackage
	...require('./cli'), // DEFAULT_CLI_TIMEOUT_MS, runN8nCli, importCredentials, importWorkflow, activateWorkflow, executeWorkflow, ...
	...require('./run-data'), // parseExecuteOutput, nodeOutput, nodeError, executionError, nodesThatRan, binaryDataRoots, readBinary
	...require('./server'), // startN8n
};
