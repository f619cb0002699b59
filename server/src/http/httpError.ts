/** An answer other than 200, with the protocol's {"error": "..."} body. Messages are for clients: no stacks. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** A machine-readable reason sent as `error_code` beside the message, where clients react to it. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The client went away: there is nobody to answer. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection');
  }
}
