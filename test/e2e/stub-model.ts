/**
 * A stand-in for an OpenAI-compatible chat model, for the AI Agent e2e case: `POST /v1/chat/completions`
 * on a free loopback port (node:http only), answered the way a real model answers, as one JSON body or,
 * when the request says `stream: true`, as server-sent events (`chat.completion.chunk`s, then `[DONE]`).
 * What to answer is the test's business: `decide` sees the request (messages, tools) and returns either
 * tool calls or a final text. Every request is recorded, so the test can check what n8n sent the model.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool' | string;
	content?: string | Array<{ type: string; text?: string }> | null;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatTool {
	type: 'function';
	function: {
		name: string;
		description?: string;
		parameters?: {
			type?: string;
			properties?: Record<string, { type?: string; description?: string }>;
			required?: string[];
		};
	};
}

export interface ChatRequest {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

export type ModelReply =
	{ toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { text: string };

export interface RecordedRequest {
	path: string;
	authorization?: string;
	body: ChatRequest;
	/** What the stub answered (or the error it answered with) */
	reply?: ModelReply;
	error?: string;
}

/** The text of a message, whether its content is a string or a list of parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	if (Array.isArray(message.content))
		return message.content.map((part) => part.text ?? '').join('');
	return '';
}

export class StubModel {
	readonly requests: RecordedRequest[] = [];
	private callCount = 0;

	private constructor(
		private readonly server: Server,
		readonly baseUrl: string,
	) {}

	/** Starts the stub on 127.0.0.1 and a free port; `baseUrl` ends in `/v1`, as an OpenAI credential's URL does. */
	static async start(
		decide: (request: ChatRequest, index: number) => ModelReply,
	): Promise<StubModel> {
		let stub: StubModel | undefined;
		const server = createServer((req, res) => {
			void stub!.handle(req, res, decide);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const { port } = server.address() as AddressInfo;
		stub = new StubModel(server, `http://127.0.0.1:${port}/v1`);
		return stub;
	}

	/** The chat completion requests (not other paths), in order. */
	get completions(): RecordedRequest[] {
		return this.requests.filter((r) => r.path === '/v1/chat/completions');
	}

	private async handle(
		req: IncomingMessage,
		res: ServerResponse,
		decide: (request: ChatRequest, index: number) => ModelReply,
	): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const text = Buffer.concat(chunks).toString('utf8');
		const record: RecordedRequest = {
			path,
			authorization: req.headers.authorization,
			body: { messages: [] },
		};
		this.requests.push(record);
		const fail = (status: number, message: string) => {
			record.error = message;
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
		};
		if (req.method !== 'POST' || path !== '/v1/chat/completions')
			return fail(
				404,
				`The stub model serves only POST /v1/chat/completions, not ${req.method} ${path}`,
			);
		try {
			record.body = JSON.parse(text) as ChatRequest;
		} catch {
			return fail(400, 'The request body is not JSON');
		}
		let reply: ModelReply;
		try {
			reply = decide(record.body, this.callCount++);
		} catch (error) {
			// A conversation the test did not expect: answered as a model error, so n8n's run fails visibly
			return fail(400, `stub model: ${(error as Error).message}`);
		}
		record.reply = reply;
		const id = `chatcmpl-stub-${this.callCount}`;
		const created = Math.floor(Date.now() / 1000);
		const model = record.body.model ?? 'stub';
		const toolCalls =
			'toolCalls' in reply
				? reply.toolCalls.map((call, i) => ({
						id: `call_stub_${this.callCount}_${i}`,
						type: 'function' as const,
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					}))
				: undefined;
		const content = 'text' in reply ? reply.text : null;
		const finishReason = toolCalls ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

		if (record.body.stream !== true) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model,
					choices: [
						{
							index: 0,
							message: { role: 'assistant', content, ...(toolCalls && { tool_calls: toolCalls }) },
							logprobs: null,
							finish_reason: finishReason,
						},
					],
					usage,
				}),
			);
			return;
		}

		// stream: true, as OpenAI streams: the role first, then the content or each tool call (name, then its
		// arguments in two pieces), then the finish reason, the usage if asked for, and [DONE]
		res.writeHead(200, {
			'Content-Type': 'text/event-stream',
			'Cache-Control': 'no-cache',
			Connection: 'keep-alive',
		});
		const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
			);
		const delta = (d: Record<string, unknown>, finish: string | null = null) =>
			send([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
		delta({ role: 'assistant', content: toolCalls ? null : '' });
		if (toolCalls) {
			toolCalls.forEach((call, index) => {
				delta({
					tool_calls: [
						{
							index,
							id: call.id,
							type: 'function',
							function: { name: call.function.name, arguments: '' },
						},
					],
				});
				const args = call.function.arguments;
				const half = Math.floor(args.length / 2);
				delta({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] });
				delta({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
			});
		} else if (content) {
			const half = Math.floor(content.length / 2);
			delta({ content: content.slice(0, half) });
			delta({ content: content.slice(half) });
		}
		delta({}, finishReason);
		const streamOptions = record.body.stream_options as { include_usage?: boolean } | undefined;
		if (streamOptions?.include_usage) send([], { usage });
		res.end('data: [DONE]\n\n');
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
