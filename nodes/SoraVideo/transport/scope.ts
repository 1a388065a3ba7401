import type {
	IDataObject,
	IExecuteFunctions,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import type { ApiFailure, Details, ErrorScope } from '../utils/errors';
import {
	apiError,
	cancelledError,
	connectionError,
	inputError,
	operationError,
	redact,
} from '../utils/errors';
import type { Session } from './session';

/** The editor's label of a parameter path ("options.storyboard.shots[0].scene" → "Storyboard › Shot 1 › Scene"). */
export type LabelOf = (path: string) => string;

/**
 * One item, while its parameters are read: the node's context and the item's index, with the
 * helpers that refuse bad input before anything is sent.
 */
export class InputScope implements ErrorScope {
	constructor(
		readonly ctx: IExecuteFunctions,
		readonly itemIndex: number,
		private readonly labelOf: LabelOf = (path) => path,
	) {}

	get secret(): string {
		return '';
	}

	/** One of the item's parameters, as n8n resolves it for this item. */
	parameter<T = unknown>(name: string, fallback?: T): T {
		return this.ctx.getNodeParameter(name, this.itemIndex, fallback) as T;
	}

	/** The item's Options collection. */
	options(): IDataObject {
		return this.parameter<IDataObject>('options', {});
	}

	/** The text with the API key taken out: for any text about this item that leaves the node. */
	redacted(text: string): string {
		return redact(text, this.secret);
	}

	fail(message: string, details?: Details): NodeOperationError {
		return operationError(this, message, details);
	}

	/** Bad input, named by the item and the field's editor label, before anything is paid for. */
	badInput(path: string, problem: string, description?: string): NodeOperationError {
		return inputError(this, this.labelOf(path), problem, description);
	}

	/** The label the editor shows for a parameter path, for texts that name a field. */
	label(path: string): string {
		return this.labelOf(path);
	}
}

/**
 * One item's work: its InputScope and the execution's session, with the helpers that fail the
 * item. Every error text goes through them, so the API key is redacted here and nowhere else.
 */
export class ItemScope extends InputScope {
	constructor(
		ctx: IExecuteFunctions,
		readonly session: Session,
		itemIndex: number,
		labelOf?: LabelOf,
	) {
		super(ctx, itemIndex, labelOf);
	}

	override get secret(): string {
		return this.session.secret;
	}

	apiFailed(failure: ApiFailure): NodeApiError {
		return apiError(this, failure);
	}

	connectionFailed(details: Parameters<typeof connectionError>[1]): NodeApiError {
		return connectionError(this, details);
	}

	cancelled(action: string, details?: Parameters<typeof cancelledError>[2]): NodeOperationError {
		return cancelledError(this, action, details);
	}
}
