// Runs the Sora Video node inside n8n-core's real execution engine (WorkflowExecute, the real
// request and binary helpers), the way n8n's own node test harness does, so nock sees the
// requests n8n really sends and binary data goes through n8n's real binary store.
// Plain JavaScript: n8n's strict community lint forbids Node built-ins in every .ts file.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const storageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-unit-'));
process.env.N8N_USER_FOLDER = storageRoot;
process.env.N8N_ENCRYPTION_KEY = 'unit-test-encryption-key';
process.env.N8N_DEFAULT_BINARY_DATA_MODE = process.env.N8N_DEFAULT_BINARY_DATA_MODE || 'filesystem';
process.env.N8N_LOG_LEVEL = 'silent';

// n8n-core carries its own @n8n/di; its services are registered in that copy
const { Container } = require(require.resolve('@n8n/di', { paths: [path.dirname(require.resolve('n8n-core'))] }));
const { BinaryDataService, ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } = require('n8n-core');
const { ICredentialsHelper, Workflow, createDeferredPromise } = require('n8n-workflow');

const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const { CometApi } = require('../../credentials/CometApi.credentials');

const NODE_TYPE = 'n8n-nodes-cometapi-sora.soraVideo';
const NODE_NAME = 'Sora Video';

const nodeTypes = {
	getByName: () => new SoraVideo(),
	getByNameAndVersion: () => new SoraVideo(),
	getKnownTypes: () => ({}),
};

/** Resolves `={{...}}`-free templates such as '=Bearer {{$credentials.apiKey}}', as n8n's host would. */
function resolveTemplate(value, credentials) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key) => String(credentials[key] ?? ''));
}

/** Stands in for the host's credentials helper: decrypted data and the credential's generic auth. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(data) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	async authenticate(credentials, _typeName, requestOptions) {
		const { authenticate } = new CometApi();
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const [name, value] of Object.entries(authenticate.properties.headers)) {
			headers[name] = resolveTemplate(value, credentials);
		}
		return { ...requestOptions, headers };
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	getCredentialsProperties() {
		return new CometApi().properties;
	}
	async getDecrypted() {
		return this.data;
	}
	async getCredentials() {
		return { getData: () => this.data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
}

const DEFAULT_CREDENTIALS = { apiKey: 'sk-unit-secret', baseUrl: 'https://api.cometapi.test' };

const running = new Set();

/** Stops executions a failed test left behind, so they cannot consume the next test's interceptors. */
function cancelRunningExecutions() {
	for (const execution of running) execution.cancel();
	running.clear();
}

let binaryReady;
function binaryData() {
	binaryReady ??= (async () => {
		const service = Container.get(BinaryDataService);
		await service.init();
		return service;
	})();
	return binaryReady;
}

/** Stores bytes in n8n's binary store, as an upstream node's binary output would be. */
async function storedBinary(bytes, fileName, mimeType) {
	const service = await binaryData();
	const location = { type: 'execution', workflowId: 'unit', executionId: 'upstream' };
	return await service.store(location, bytes, {
		data: '',
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
	});
}

async function readBinary(binary) {
	const service = await binaryData();
	return await service.getAsBuffer(binary);
}

/** What the host hands every node context: its credentials and its URLs. */
function hostData(credentials) {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
	};
}

/**
 * Calls one of the node's loadOptions methods the way the editor's parameter panel has n8n do it,
 * with the node's `parameters` and the credential; `credentials: null` is a node without one.
 */
async function loadOptions(method, { parameters = {}, credentials = DEFAULT_CREDENTIALS, typeVersion = 2 } = {}) {
	const node = {
		id: 'sora',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters: { resource: 'video', operation: 'create', ...parameters },
		...(credentials ? { credentials: { cometApi: { id: '1', name: 'CometAPI' } } } : {}),
	};
	const workflow = new Workflow({ id: 'unit', nodes: [node], connections: {}, nodeTypes, active: false });
	const context = new LoadOptionsContext(workflow, node, hostData(credentials ?? {}), 'parameters.model');
	return await new SoraVideo().methods.loadOptions[method].call(context);
}

/**
 * Executes one Sora Video node with `parameters` on `items` (`type`: `${NODE_TYPE}Tool` runs it as
 * n8n runs an AI Agent's tool node; `settings`: the workflow's settings, e.g. executionTimeout).
 * Returns { items, error, run, cancel } where items is the node's first output.
 */
function runNode({
	parameters,
	items = [{ json: {} }],
	credentials = DEFAULT_CREDENTIALS,
	continueOnFail = false,
	onError = continueOnFail ? 'continueRegularOutput' : undefined,
	onStart,
	type = NODE_TYPE,
	typeVersion = 1,
	settings,
}) {
	const node = {
		id: 'sora',
		name: NODE_NAME,
		type,
		typeVersion,
		position: [0, 0],
		parameters: { resource: 'video', ...parameters },
		credentials: { cometApi: { id: '1', name: 'CometAPI' } },
		...(onError ? { onError } : {}),
	};
	const workflow = new Workflow({ id: 'unit', nodes: [node], connections: {}, nodeTypes, active: false, settings });
	const hooks = new ExecutionLifecycleHooks('manual', 'unit-execution', { id: 'unit', nodes: [node], connections: {} });
	const finished = createDeferredPromise();
	hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));
	const additionalData = {
		...hostData(credentials),
		hooks,
		executionId: 'unit-execution',
	};
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node, data: { main: [items] }, source: null }],
		},
	};
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	running.add(execution);
	onStart?.(execution);
	return (async () => {
		await binaryData();
		await execution.finally(() => running.delete(execution));
		const run = await finished.promise;
		const task = run.data.resultData.runData[NODE_NAME]?.[0];
		return {
			run,
			items: task?.data?.main?.[0] ?? [],
			outputs: task?.data?.main ?? [],
			error: task?.error ?? run.data.resultData.error,
		};
	})();
}

module.exports = { NODE_TYPE, runNode, loadOptions, storedBinary, readBinary, cancelRunningExecutions, storageRoot, NODE_NAME };
