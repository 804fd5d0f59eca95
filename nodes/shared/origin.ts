/**
 * Where the API key may go: only to the origin (scheme, host, port) of the credential's Base URL, over
 * HTTPS unless that host is this machine, and only to a host the credential's "Allowed HTTP Request
 * Domains" lists. Every check here runs before a request is sent.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

const CREDENTIAL_NAME = "'Agile Telecom API' credential";

/** `localhost`, 127.0.0.0/8 and [::1]: plain HTTP to these never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The Base URL as a URL, refused when it cannot carry the key safely. */
export function checkBaseUrl(node: INode, baseUrl: string): URL {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		throw new NodeOperationError(node, `The Base URL "${baseUrl}" is not a valid URL`, {
			description: `Set the Base URL in the ${CREDENTIAL_NAME} to an address such as https://lora-api.agiletelecom.com`,
		});
	}
	if (url.protocol === 'https:') return url;
	if (url.protocol === 'http:') {
		if (isLoopbackHost(url.hostname)) return url;
		throw new NodeOperationError(node, `The Base URL ${url.origin} uses plain HTTP: the API key would cross the network unencrypted`, {
			description: `Use https:// in the Base URL of the ${CREDENTIAL_NAME} (plain http:// is accepted only for localhost, 127.0.0.1 and [::1])`,
		});
	}
	throw new NodeOperationError(node, `The Base URL must start with https://, not ${url.protocol}//`, {
		description: `Set the Base URL in the ${CREDENTIAL_NAME} to an address such as https://lora-api.agiletelecom.com`,
	});
}

/**
 * The credential's own list of allowed domains when it restricts them ("Specific Domains"), as n8n
 * stores it; undefined when the credential allows all. 'None' is about n8n's HTTP Request node: n8n does
 * not apply it to the nodes a credential belongs to, and neither does this package.
 */
export function allowedDomainsOf(node: INode, credentials: ICredentialDataDecryptedObject): string | undefined {
	if (credentials.allowedHttpRequestDomains !== 'domains') return undefined;
	const list = typeof credentials.allowedDomains === 'string' ? credentials.allowedDomains.trim() : '';
	if (list === '') {
		throw new NodeOperationError(node, 'The credential restricts its domains but lists none', {
			description: `Add the API's host to Allowed Domains in the ${CREDENTIAL_NAME}, or set Allowed HTTP Request Domains to All`,
		});
	}
	return list;
}

/** n8n's matching: an exact host, or `*.example.com` for its subdomains (not example.com itself). */
export function isHostAllowed(hostname: string, allowedDomains: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return allowedDomains
		.split(',')
		.map((domain) => domain.trim().toLowerCase().replace(/\.$/, ''))
		.filter(Boolean)
		.some((domain) => (domain.startsWith('*.') ? domain.length > 2 && host.endsWith(domain.slice(1)) : host === domain));
}

export function checkAllowedDomain(node: INode, url: URL, allowedDomains: string | undefined): void {
	if (allowedDomains === undefined || isHostAllowed(url.hostname, allowedDomains)) return;
	throw new NodeOperationError(
		node,
		`Domain not allowed: the credential may be sent only to ${allowedDomains}, and the Base URL's host is ${url.hostname}`,
		{
			description: `Add ${url.hostname} to Allowed Domains in the ${CREDENTIAL_NAME}, or correct its Base URL`,
		},
	);
}

export type RedirectTarget = { url: URL } | { refused: string };

/** Where a 3xx answer's Location leads from `from`, or why it may not be followed with the key. */
export function redirectTarget(location: unknown, from: URL, apiOrigin: string): RedirectTarget {
	if (typeof location !== 'string' || location.trim() === '') return { refused: 'without a Location to go to' };
	let url: URL;
	try {
		url = new URL(location.trim(), from);
	} catch {
		return { refused: 'to a Location that is not a valid URL' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refused: `to a ${url.protocol} URL, which is not a web address` };
	if (url.origin !== apiOrigin) return { refused: `to ${url.origin}` };
	return { url };
}
