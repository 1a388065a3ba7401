/**
 * The Sora Video node as an AI Agent's tool in real n8n hosts (test/e2e/hosts.json): n8n's own AI
 * Agent (the version each host ships) with its OpenAI Chat Model pointed at the stand-in language
 * model (tools/stand-in/llm.js), which calls the tool from the JSON schema n8n sends and answers
 * with text naming the tool's result. Measured at the stand-in: what the model read about the tool
 * and the tool message it received. The community tool needs no setting on either host (1.123.81
 * has no N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE any more). `n8n execute` starts at a Manual
 * Trigger, so the agent's prompt is fixed (promptType "define"); the example's Chat Trigger is
 * swapped for one. Node version 3 tools take the model from `$fromAI('model', ...)` (the example's,
 * which names the families and defaults to veo3.1-fast): an agent asked for Veo, for Seedance, or
 * for no model in particular gets one render of that model.
 */
const { executeWorkflow, hostMajor, hostVersions, nodeOutput } = require('../../tools/n8n-harness');
const { startLlmStandIn } = require('../../tools/stand-in');
const e2e = require('./lib/sora-e2e');
const { CREDENTIAL_REF, NODE_TYPE, findNode, loadExample, paidOf, requestsSince } = e2e;

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const TOOL_TYPE = `${NODE_TYPE}Tool`;
const RENDER_MS = 2500;
const TOOL_MESSAGE_BUDGET = 4096;
/** What the node may hand a model, and nothing else. */
const FIELDS_FOR_MODEL = ['id', 'status', 'progress', 'seconds', 'size', 'model', 'expires_at', 'video_url', 'error', 'remixed_from_video_id'];
const LLM_KEY = 'sk-llm-e2e-0123456789';
const LLM_CREDENTIAL = { id: 'openai-demo', name: 'OpenAI' };
/** The agent version each host adds by default. */
const agentVersion = (/** @type {string} */ version) => (hostMajor(version) >= 2 ? 3.1 : 3);

const suite = e2e.useSoraSuite({ timingsTitle: 'Sora agent e2e timings', standIn: { renderMs: RENDER_MS } });
const { apiKey, timed } = suite;
/** @type {import('../../tools/stand-in/llm').LlmStandIn} */
let llm;
/** @type {string[]} */
const measured = [];

beforeAll(async () => {
	llm = await startLlmStandIn({ apiKey: LLM_KEY });
});
afterAll(async () => {
	if (llm) await llm.close();
	if (measured.length) console.log(`What the model received:\n${measured.join('\n')}`);
});

/** @param {any} connectionType @param {string} target */
const to = (connectionType, target) => ({ [connectionType]: [[{ node: target, type: connectionType, index: 0 }]] });

const PROMPT_FROM_AI = "={{ $fromAI('prompt', 'What the video shows', 'string') }}";

/** The Sora Video tool of the first cases: node version 1, sora-2, Create with wait. */
const SORA_TOOL = {
	name: 'Sora Video',
	typeVersion: 1,
	parameters: { resource: 'video', operation: 'create', model: 'sora-2', prompt: PROMPT_FROM_AI, seconds: '4', size: '1280x720', waitForCompletion: true, options: { pollInterval: 0.25 } },
};

/**
 * A Create-with-wait tool of node version 3 whose model the agent picks, with the `$fromAI` of
 * examples/agent-long-render.json (it names the families and defaults to veo3.1-fast); duration
 * and size are left to the model's own defaults.
 */
function familyTool() {
	const { model } = findNode(loadExample('agent-long-render', 'unused'), 'Start Video Render').parameters;
	return {
		name: 'Make Video',
		typeVersion: 3,
		parameters: { resource: 'video', operation: 'create', model, prompt: PROMPT_FROM_AI, waitForCompletion: true, options: { pollInterval: 0.25 } },
	};
}

/**
 * Manual Trigger -> AI Agent with a fixed prompt; OpenAI Chat Model and one video tool connected to it.
 * @param {string} id @param {string} version
 * @param {{ text?: string, tool?: { name: string, typeVersion: number, parameters: Record<string, any> } }} [options]
 */
function agentWorkflow(id, version, { text = 'Make a 4 second video of a paper boat on a pond and tell me its id.', tool = SORA_TOOL } = {}) {
	return {
		id,
		name: `Agent with the ${tool.name} tool (e2e)`,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: agentVersion(version),
				position: [220, 0],
				parameters: { promptType: 'define', text, options: {} },
			},
			chatModelNode([100, 220]),
			{ ...tool, type: TOOL_TYPE, position: [340, 220], credentials: { cometApi: CREDENTIAL_REF } },
		],
		connections: {
			Start: to('main', 'AI Agent'),
			'OpenAI Chat Model': to('ai_languageModel', 'AI Agent'),
			[tool.name]: to('ai_tool', 'AI Agent'),
		},
	};
}

/** @param {number[]} position */
function chatModelNode(position) {
	return {
		name: 'OpenAI Chat Model',
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.3,
		position,
		parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
		credentials: { openAiApi: LLM_CREDENTIAL },
	};
}

/**
 * examples/agent-long-render.json as imported, with a Manual Trigger in place of the Chat Trigger
 * (so the agent's prompt is fixed and the memory's session key too) and a short poll interval.
 * @param {string} id @param {string} prompt
 */
function longRenderExample(id, prompt) {
	const workflow = loadExample('agent-long-render', id);
	e2e.replaceWithManualTrigger(workflow, 'When chat message received');
	Object.assign(findNode(workflow, 'AI Agent').parameters, { promptType: 'define', text: prompt });
	Object.assign(findNode(workflow, 'Simple Memory').parameters, { sessionIdType: 'customKey', sessionKey: 'e2e' });
	findNode(workflow, 'Check Video').parameters.options.pollInterval = 0.25;
	return workflow;
}

/** The tools offered in a model request, by name (chat completions and Responses API shapes). @param {any} body */
function offeredTools(body) {
	return Object.fromEntries((body.tools || []).map((/** @type {any} */ t) => {
		const fn = t.function || t;
		return [fn.name, { description: fn.description, parameters: fn.parameters }];
	}));
}

/** @param {string} version @param {string} label @param {import('../../tools/stand-in/llm').ToolMessage} message */
function expectCompact(version, label, message) {
	measured.push(`  n8n ${version.padEnd(9)} ${label.padEnd(28)} ${String(message.bytes).padStart(4)} bytes: ${message.content}`);
	expect(message.bytes).toBeLessThan(TOOL_MESSAGE_BUDGET);
	expect(message.hasBase64).toBe(false);
	expect(message.content).not.toContain(apiKey);
	const items = /** @type {any[]} */ (message.json);
	expect(Array.isArray(items)).toBe(true);
	for (const item of items) {
		for (const key of Object.keys(item)) expect(FIELDS_FOR_MODEL).toContain(key);
	}
	return items;
}

/** The agent's final answer. @param {any} run */
const agentAnswer = (run) => nodeOutput(run, 'AI Agent')[0].json.output;

describe.each(hostVersions())('n8n %s', (version) => {
	const agent = agentWorkflow('soraAgentTool01', version);
	const renderLater = longRenderExample('soraAgentLong01', 'Make a Sora video of a kite over a beach, then check whether it is ready.');
	const veoLater = longRenderExample('soraAgentVeo0001', 'Make a Veo video of a lighthouse at night, then check whether it is ready.');
	// the example's check waits at most 45 s, one chat turn; here 2 s, for a render that takes a minute
	const stillRendering = longRenderExample('soraAgentLate001', 'Make a Veo video of a slow sunrise, then check whether it is ready.');
	stillRendering.nodes.find((n) => n.name === 'Check Video').parameters.options.timeout = 2;
	const seedanceAgent = agentWorkflow('soraAgentSeed001', version, { text: 'Make a Seedance video of a hot-air balloon over a canyon and tell me its id.', tool: familyTool() });
	const anyModelAgent = agentWorkflow('soraAgentAny0001', version, { text: 'Make a video of a red tram in the snow and tell me its id.', tool: familyTool() });
	const folder = e2e.useHostFolder(suite, version, {
		workflows: [agent, renderLater, veoLater, stillRendering, seedanceAgent, anyModelAgent],
		credentials: () => [
			e2e.cometCredential({ apiKey, baseUrl: suite.standIn.baseUrl }),
			{ ...LLM_CREDENTIAL, type: 'openAiApi', data: { apiKey: LLM_KEY, url: `${llm.baseUrl}/v1`, header: false } },
		],
	});

	beforeEach(() => llm.reset());

	/**
	 * Runs an agent workflow with the language model scripted by `llmOptions`; gives the execution
	 * and the video stand-in's requests during it.
	 * @param {{ id: string }} workflow @param {string} step @param {Record<string, any>} llmOptions
	 */
	async function runAgent(workflow, step, llmOptions) {
		llm.setOptions({ tool: undefined, args: {}, turns: [], ...llmOptions });
		const mark = suite.standIn.requests.length;
		const result = await timed(version, step, () => executeWorkflow(folder, workflow.id));
		const requests = requestsSince(suite.standIn, mark);
		return { result, requests, paid: paidOf(requests) };
	}

	/**
	 * A workflow built on the long-render example, the model scripted to call Start_Video_Render
	 * with `startArgs`, then Check_Video with the id it returned.
	 * @param {{ id: string }} workflow @param {string} step @param {Record<string, string>} startArgs
	 */
	const runLongRender = (workflow, step, startArgs) =>
		runAgent(workflow, step, {
			turns: [
				{ call: 'Start_Video_Render', args: startArgs },
				{ call: 'Check_Video', args: { videoId: '{{lastId}}' } },
			],
		});

	it('an AI Agent calls the tool once: one paid render, the answer names the video, the tool message is a few hundred bytes', async () => {
		const prompt = '[render:1500] a paper boat drifting on a pond';
		llm.setOptions({ tool: 'Sora_Video', args: { prompt }, turns: [] });
		const mark = suite.standIn.requests.length;
		const result = await timed(version, 'execute agent (create + wait tool)', () => executeWorkflow(folder, agent.id));
		expect(result.exitCode).toBe(0);

		const paid = paidOf(requestsSince(suite.standIn, mark));
		expect(paid).toHaveLength(1);
		expect(paid[0].bodySummary.fields).toMatchObject({ prompt, model: 'sora-2', seconds: '4', size: '1280x720' });
		const videoId = paid[0].jobId;
		// waited, but did not download the MP4 no model could use
		expect(requestsSince(suite.standIn, mark).filter((r) => r.path.endsWith('/content'))).toEqual([]);

		const [firstCall] = llm.completions();
		const tool = offeredTools(firstCall.body).Sora_Video;
		expect(tool.description).toMatch(/paid render/);
		expect(tool.description).toMatch(/minutes/);
		expect(tool.description).toMatch(/Returns JSON: id, status/);
		expect(tool.parameters.required).toEqual(['prompt']);

		expect(llm.toolCalls().map((c) => [c.name, c.arguments])).toEqual([['Sora_Video', { prompt }]]);
		const messages = llm.toolMessages();
		expect(messages).toHaveLength(1);
		const items = expectCompact(version, 'create + wait', messages[0]);
		expect(items).toEqual([{ id: videoId, status: 'completed', progress: 100, seconds: '4', size: '1280x720', model: 'sora-2', expires_at: expect.any(Number) }]);

		expect(agentAnswer(result.run)).toContain(videoId);
		expect(JSON.stringify(llm.requests)).not.toContain(apiKey);
		expect(result.stdout + result.stderr).not.toContain(apiKey);
	});

	it('a failed render reaches the model as the tool result, naming the video: one paid render, the agent answers', async () => {
		const prompt = '[fail] [render:800] a render the moderation blocks';
		llm.setOptions({ tool: 'Sora_Video', args: { prompt }, turns: [{ call: 'Sora_Video' }, { text: (ctx) => `The tool said: ${ctx.lastTool ? ctx.lastTool.content : 'nothing'}` }] });
		const mark = suite.standIn.requests.length;
		const result = await timed(version, 'execute agent (failing render)', () => executeWorkflow(folder, agent.id));
		const paid = paidOf(requestsSince(suite.standIn, mark));
		expect(paid).toHaveLength(1);
		const videoId = paid[0].jobId;
		const messages = llm.toolMessages();
		measured.push(`  n8n ${version.padEnd(9)} ${'failed render'.padEnd(28)} ${messages.map((m) => `${m.bytes} bytes: ${m.content}`).join(' | ')} (exit ${result.exitCode})`);
		expect(messages).toHaveLength(1);
		expect(messages[0].content).toContain(`Video ${videoId} failed`);
		expect(messages[0].content).toContain('Your request was blocked by our moderation system.');
		expect(messages[0].bytes).toBeLessThan(TOOL_MESSAGE_BUDGET);
		expect(messages[0].json).toEqual([expect.objectContaining({ videoId })]);
		expect(result.exitCode).toBe(0);
		expect(agentAnswer(result.run)).toContain(videoId);
	});

	it('agent-long-render example: starts the render without waiting, checks it later with Retrieve with wait, then answers', async () => {
		const prompt = `[comet] [render:${RENDER_MS}] a kite over a beach`;
		// the user asked for Sora
		const { result, requests, paid } = await runLongRender(renderLater, 'execute agent-long-render example', { model: 'sora-2', prompt, seconds: '4', size: '1280x720' });
		expect(result.exitCode).toBe(0);

		expect(paid).toHaveLength(1);
		const videoId = paid[0].jobId;
		expect(paid[0].bodySummary.fields).toMatchObject({ prompt, seconds: '4', size: '1280x720' });

		expect(llm.toolCalls().map((c) => c.name)).toEqual(['Start_Video_Render', 'Check_Video']);
		expect(llm.toolCalls()[1].arguments).toEqual({ videoId });
		const [started, checked] = llm.toolMessages();
		const [startedItem] = expectCompact(version, 'start (no wait)', started);
		expect(startedItem).toMatchObject({ id: videoId, status: 'queued' });
		const [checkedItem] = expectCompact(version, 'check (retrieve + wait)', checked);
		expect(checkedItem).toMatchObject({ id: videoId, status: 'completed', progress: 100, video_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//) });

		// the start answered before the render was done: the model had the id while it rendered
		const modelCalls = llm.completions();
		const startAnswered = modelCalls[1].time;
		const createdAt = paid[0].time;
		expect(startAnswered - createdAt).toBeLessThan(RENDER_MS);
		// the check waited: status requests until completed, no download
		expect(requests.filter((r) => r.path === `/v1/videos/${videoId}`).length).toBeGreaterThanOrEqual(1);
		expect(requests.filter((r) => r.path.endsWith('/content'))).toEqual([]);
		const offered = offeredTools(modelCalls[0].body);
		expect(offered.Start_Video_Render.description).toMatch(/returns at once with status "queued"/);
		expect(offered.Check_Video.description).toMatch(/Waits until a video/);
		expect(offered.Start_Video_Render.parameters.required.sort()).toEqual(['prompt', 'seconds']);

		expect(agentAnswer(result.run)).toContain(videoId);
		expect(result.stdout + result.stderr).not.toContain(apiKey);
	});

	it('agent-long-render example: a check within one chat turn hands back a video still rendering as its status, not as an error', async () => {
		const check = JSON.parse(JSON.stringify(stillRendering.nodes.find((n) => n.name === 'Check Video').parameters.options));
		expect(loadExample('agent-long-render', 'x').nodes.find((n) => n.name === 'Check Video').parameters.options).toEqual({ pollInterval: 5, timeout: 45, onTimeout: 'outputJob' });
		expect(check).toMatchObject({ timeout: 2, onTimeout: 'outputJob' });
		const prompt = '[render:60000] a slow sunrise over the hills';
		const { result, paid } = await runLongRender(stillRendering, 'execute agent-long-render (still rendering)', { model: 'veo3.1-fast', prompt, seconds: '4', size: '1280x720' });
		expect(result.exitCode).toBe(0);
		expect(paid).toHaveLength(1);
		const videoId = paid[0].jobId;
		const [, checked] = llm.toolMessages();
		const [checkedItem] = expectCompact(version, 'check, still rendering', checked);
		expect(checkedItem).toMatchObject({ id: videoId, status: expect.stringMatching(/^(queued|in_progress)$/) });
		expect(checkedItem.error).toBeUndefined();
		expect(agentAnswer(result.run)).toContain(videoId);
	});

	it('agent-long-render example, asked for a Veo video: the call carries veo3.1-fast (the default its description names), one paid Veo render, checked until finished', async () => {
		const prompt = '[render:1500] a lighthouse at night, its beam sweeping over the sea';
		const { result, requests, paid } = await runLongRender(veoLater, 'execute agent-long-render (Veo)', { model: 'veo3.1-fast', prompt, seconds: '6', size: '720x1280' });
		expect(result.exitCode).toBe(0);

		const { model } = offeredTools(llm.completions()[0].body).Start_Video_Render.parameters.properties;
		expect(model.description).toMatch(/^Video model\. Use veo3\.1-fast .* unless the user names another: /);
		for (const family of ['veo3.1', 'doubao-seedance-2-0', 'wan2.6', 'viduq3', 'happyhorse-1.0', 'omni-fast', 'sora-2']) expect(model.description).toContain(family);
		expect(model.default).toBe('veo3.1-fast');

		const [startCall] = llm.toolCalls();
		expect(startCall.arguments).toMatchObject({ model: 'veo3.1-fast' });
		expect(paid).toHaveLength(1);
		expect(paid[0].bodySummary.fields).toEqual({ model: 'veo3.1-fast', prompt, seconds: '6', size: '720x1280' });
		const videoId = paid[0].jobId;
		expect(videoId).toMatch(/^task_/);

		const [started, checked] = llm.toolMessages();
		expect(expectCompact(version, 'Veo start (no wait)', started)).toEqual([expect.objectContaining({ id: videoId, status: 'queued', model: 'veo3.1-fast' })]);
		const [checkedItem] = expectCompact(version, 'Veo check (retrieve + wait)', checked);
		expect(checkedItem).toMatchObject({ id: videoId, status: 'completed', progress: 100, model: 'veo3.1-fast', video_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/signed\//) });
		expect(requests.filter((r) => r.path.endsWith('/content'))).toEqual([]);
		expect(agentAnswer(result.run)).toContain(videoId);
		expect(result.stdout + result.stderr).not.toContain(apiKey);
	});

	it('an agent asked for a Seedance video: the call carries doubao-seedance-2-0, one paid Seedance render waited through its upper-case statuses, the answer names it', async () => {
		const prompt = '[render:1500] a hot-air balloon over a canyon';
		const { result, requests, paid } = await runAgent(seedanceAgent, 'execute agent (Seedance, create + wait)', { tool: 'Make_Video', args: { model: 'doubao-seedance-2-0', prompt } });
		expect(result.exitCode).toBe(0);

		expect(llm.toolCalls().map((c) => [c.name, c.arguments])).toEqual([['Make_Video', { model: 'doubao-seedance-2-0', prompt }]]);
		expect(paid).toHaveLength(1);
		// only what the agent chose: no duration, size or resolution of another model's form
		expect(paid[0].bodySummary.fields).toEqual({ model: 'doubao-seedance-2-0', prompt });
		const videoId = paid[0].jobId;
		expect(videoId).toMatch(/^task_/);
		// it polled while the stand-in said SUBMITTED / IN_PROGRESS, and stopped at SUCCESS
		const job = suite.standIn.jobs.get(videoId);
		const polls = requests.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${videoId}`);
		expect(polls.filter((r) => r.time < job.createdMs + job.renderMs).length).toBeGreaterThanOrEqual(1);
		expect(polls.filter((r) => r.time >= job.createdMs + job.renderMs)).toHaveLength(1);

		const [message] = llm.toolMessages();
		const [item] = expectCompact(version, 'Seedance create + wait', message);
		expect(item).toMatchObject({ id: videoId, status: 'SUCCESS', progress: 100, model: 'doubao-seedance-2-0', video_url: expect.stringMatching(/\/signed\//) });
		// waited, but fetched no file for a model that cannot use one
		expect(requests.filter((r) => r.server === 'files' || r.path.endsWith('/content'))).toEqual([]);
		expect(agentAnswer(result.run)).toContain(videoId);
		expect(result.stdout + result.stderr).not.toContain(apiKey);
	});

	it('an agent asked for a video of no named model: the call leaves the model out, the tool renders veo3.1-fast (the $fromAI default)', async () => {
		const prompt = '[render:1000] a red tram in the snow';
		const { result, paid } = await runAgent(anyModelAgent, 'execute agent (no model named)', { tool: 'Make_Video', args: { prompt } });
		expect(result.exitCode).toBe(0);

		const { parameters } = offeredTools(llm.completions()[0].body).Make_Video;
		expect(parameters.required).toEqual(['prompt']);
		expect(llm.toolCalls().map((c) => [c.name, c.arguments])).toEqual([['Make_Video', { prompt }]]);
		expect(paid).toHaveLength(1);
		expect(paid[0].bodySummary.fields).toEqual({ model: 'veo3.1-fast', prompt });
		const [item] = expectCompact(version, 'no model named: create + wait', llm.toolMessages()[0]);
		expect(item).toMatchObject({ id: paid[0].jobId, status: 'completed', model: 'veo3.1-fast' });
		expect(agentAnswer(result.run)).toContain(paid[0].jobId);
	});
});
