'use strict';

/**
 * End-to-end harness: drives a real n8n host (installed by scripts/install-n8n-hosts.sh) through
 * its CLI. Plain CommonJS without jest, so benchmark scripts can require it too.
 * See test/e2e/README.md.
 */
const { HarnessError } = require('./errors');
const {
	REPO_ROOT,
	hostsDir,
	hostVersions,
	hostMajor,
	hostDir,
	isHostInstalled,
	n8nBin,
	installedN8nVersion,
} = require('./hosts');
const { N8N_TEST_ENCRYPTION_KEY, createN8nUserFolder, installCommunityPackage } = require('./user-folder');
const {
	DEFAULT_CLI_TIMEOUT_MS,
	runN8nCli,
	importCredentials,
	normalizeWorkflow,
	importWorkflow,
	activateWorkflow,
	executeWorkflow,
	interpretExecuteResult,
} = require('./cli');
const {
	parseExecuteOutput,
	nodeOutput,
	nodeError,
	executionError,
	nodesThatRan,
	binaryDataRoots,
	readBinary,
} = require('./run-data');
const { startN8n } = require('./server');
const { freePort } = require('./process');

module.exports = {
	HarnessError,
	// hosts
	REPO_ROOT,
	hostsDir,
	hostVersions,
	hostMajor,
	hostDir,
	isHostInstalled,
	n8nBin,
	installedN8nVersion,
	// user folders
	N8N_TEST_ENCRYPTION_KEY,
	createN8nUserFolder,
	installCommunityPackage,
	// CLI
	DEFAULT_CLI_TIMEOUT_MS,
	runN8nCli,
	importCredentials,
	normalizeWorkflow,
	importWorkflow,
	activateWorkflow,
	executeWorkflow,
	interpretExecuteResult,
	// results
	parseExecuteOutput,
	nodeOutput,
	nodeError,
	executionError,
	nodesThatRan,
	binaryDataRoots,
	readBinary,
	// server
	startN8n,
	freePort,
};
