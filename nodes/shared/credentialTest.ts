/**
 * The credential's Test. n8n's credentials tester sends a credential's declarative `test.request` itself,
 * without the rules every other request of the package keeps (HTTPS unless loopback, the credential's
 * Allowed Domains), so the Test is a method instead, named by both nodes' `testedBy`: one request for one
 * number through the package's own transport, with the same checks, redirect rules, limits and messages.
 */
import { NodeApiError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { API_KEY_HEADER, CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS } from './constants';
import { type ApiContext, readPhoneNumberPages } from './transport';

/** What the Test says for the answers a user can fix in the credential or the dashboard. */
const VERDICTS: Readonly<Record<string, string>> = {
	401: 'The API key is wrong or no longer active: check it in the Qlara dashboard',
	403: 'The API key works but has no permission for WhatsApp numbers: enable the WhatsApp channel for this key in the Qlara dashboard',
};

/**
 * The tester's context as the transport's: n8n gives a credential test only its plain request helper, so
 * the key is added here, as the credential's `authenticate` block adds it everywhere else, after the
 * transport has checked where the request goes.
 */
function testContext(ctx: ICredentialTestFunctions, credential: ICredentialsDecrypted): ApiContext {
	const data: ICredentialDataDecryptedObject = credential.data ?? {};
	// The nodes' pacer key for this credential: a Test shares the key's pace with its running workflows.
	const node: INode = {
		id: 'credentialTest',
		name: credential.name || 'Agile Telecom API',
		type: CREDENTIAL_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	return {
		getNode: () => node,
		getCredentials: async <T extends object>() => data as T,
		logger: ctx.logger,
		helpers: {
			async httpRequestWithAuthentication(_type: string, options: IHttpRequestOptions) {
				const url = /^https?:\/\//i.test(options.url) ? options.url : `${options.baseURL ?? ''}${options.url}`;
				return await ctx.helpers.request({
					method: options.method,
					uri: url,
					qs: options.qs,
					headers: { ...options.headers, [API_KEY_HEADER]: typeof data.apiKey === 'string' ? data.apiKey : '' },
					timeout: options.timeout,
					// The transport has checked the host against them already; n8n checks it once more.
					...(options.allowedDomains ? { allowedDomains: options.allowedDomains } : {}),
					followRedirect: false,
					json: false,
					resolveWithFullResponse: true,
					simple: false,
				});
			},
		},
	};
}

export async function testAgileTelecomApi(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		// The list's first page of one number; the Test answers within the default timeout, retries included.
		const pages = readPhoneNumberPages(testContext(this, credential), { deadlineAt: Date.now() + DEFAULT_TIMEOUT_MS }, 1);
		await pages.next();
		await pages.return(undefined);
		return { status: 'OK', message: 'Connection tested successfully' };
	} catch (error) {
		const verdict = error instanceof NodeApiError && error.httpCode ? VERDICTS[error.httpCode] : undefined;
		if (verdict) return { status: 'Error', message: verdict };
		const { message, description } = error as { message: string; description?: string | null };
		return { status: 'Error', message: description ? `${message}. ${description}` : message };
	}
}
