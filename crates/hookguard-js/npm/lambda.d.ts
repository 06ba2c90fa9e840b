// hookguard as an AWS Lambda handler (`hookguard/lambda`): API Gateway REST (1.0) and HTTP API
// (2.0) events, and function URLs.
import type { Gate } from './index.js';
import type { SharedGate } from './shared.js';
import type { DeliveryHandler, FetchHandlerOptions } from './fetch.js';

/** The parts of an API Gateway (1.0 or 2.0) or function URL event the handler reads. */
export interface LambdaHttpEvent {
  version?: string;
  httpMethod?: string;
  path?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  requestContext?: { http?: { method?: string } } & Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** What the handler answers, as API Gateway and function URLs read it. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** A Lambda handler that checks each delivery with `gate` and hands valid ones to `onDelivery`. */
export function lambdaHandler(
  gate: Gate | SharedGate,
  onDelivery: DeliveryHandler,
  options?: FetchHandlerOptions,
): (event: LambdaHttpEvent, context?: unknown) => Promise<LambdaHttpResult>;

/** The event's request, as a fetch `Request`. */
export function requestOfEvent(event: LambdaHttpEvent): Request;
/** A `Response` as the event's result. */
export function resultOfResponse(response: Response): Promise<LambdaHttpResult>;
