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
