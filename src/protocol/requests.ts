/**
 * Client → server request shapes as plain types with no runtime code, so the
 * client SDK (and its published declarations) can use them without the schema
 * library. The zod schemas in ./schemas.ts parse frames into these shapes.
 */

/** A history request, from a frame or from the HTTP query. */
export interface HistoryRequest {
  before?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
  /**
   * A request id (1-64 UTF-16 units), echoed as `ref` on the `history` answer
   * and on an `error` refusing the request, so answers need not be matched by order.
   */
  ref?: string | undefined;
}

/**
 * `GET /v1/limits`: the limits a client must respect, as this deployment set
 * them (wrangler vars), so an app need not hard-code the defaults.
 */
export interface ServiceLimits {
  /** `MAX_CONTENT_CHARS`: a message's length in UTF-16 code units (JavaScript `length`). */
  maxContentChars: number;
  /** `MAX_MESSAGE_BYTES`: the largest frame, in UTF-8 bytes. */
  maxMessageBytes: number;
  /** `RATE_LIMIT_PER_MINUTE`: messages per user per room per minute. */
  messagesPerMinute: number;
  /** `TYPING_RATE_PER_MINUTE`: typing frames per user per room per minute (their own budget). */
  typingPerMinute: number;
  /** `MAX_FILE_BYTES`: the largest upload. */
  maxFileBytes: number;
  /** `ALLOWED_FILE_TYPES`: media types that may be uploaded. */
  allowedFileTypes: string[];
  /** `UPLOADS_PER_MINUTE`: uploads per user per room per minute. */
  uploadsPerMinute: number;
}
