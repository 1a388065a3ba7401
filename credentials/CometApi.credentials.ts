import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class CometApi implements ICredentialType {
	name = 'cometApi';

	displayName = 'CometAPI API';

	icon: Icon = { light: 'file:../icons/cometapi.svg', dark: 'file:../icons/cometapi.dark.svg' };

	documentationUrl = 'https://apidoc.cometapi.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key, from the CometAPI dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cometapi.com',
			description:
				'Where the API lives, without /v1. Change it only for an OpenAI-compatible relay or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.cometapi.com").replace(/\\/+$/, "").replace(/\\/v1$/, "") }}',
			url: '/v1/models',
			method: 'GET',
		},
	};
}
