'use strict';

/**
 * The n8n harness: drives a real n8n host (installed by scripts/install-n8n-hosts.sh, each on the
 * Node hosts.json names) through its CLI, with a package installed from its `npm pack` tarball.
 * Plain CommonJS without jest, used by test/, bench/ and scripts/. See README.md here.
 */
const { HarnessError } = require('./errors');
const { freePort } = require('./process');

module.exports = {
	HarnessError,
	freePort,
	...require('./hosts'), // REPO_ROOT, hostsDir, hostSpecs, hostVersions, hostMajor, hostDir, isHostInstalled, n8nBin, hostNode, n8nCommand, installedN8nVersion
	...require('./package'), // N8N_INSTALL_ARGS, packPackage, installTarball, installTarballCached
	...require('./user-folder'), // N8N_TEST_ENCRYPTION_KEY, createN8nUserFolder
	...require('./cli'), // DEFAULT_CLI_TIMEOUT_MS, runN8nCli, importCredentials, importWorkflow, activateWorkflow, executeWorkflow, ...
	...require('./run-data'), // parseExecuteOutput, nodeOutput, nodeError, executionError, nodesThatRan, binaryDataRoots, readBinary
	...require('./server'), // startN8n
	...require('./executions'), // readExecutions, toStoredExecutions, EXECUTION_COLUMNS, EXECUTIONS_FROM
	...require('./timings'), // createTimings
	...require('./workflows'), // linearWorkflow, manualTrigger
};
