// Sharing files from the demo: the attach button, drops and pastes upload each
// file with a progress bar in the list; refusals (too large, wrong type) say why,
// with a Retry only where retrying could work.
import { newCid } from "../vendor/roomcast-client.js";
import { wireAttachments } from "./attachments.js";
import { byId } from "./dom.js";
import { canRetry, describeError } from "./refusals.js";

/**
 * Wires the composer's file inputs to the current room's client.
 * @param {() => import("../vendor/roomcast-client.js").RoomcastClient | undefined} current
 * @param {import("./message-list.js").MessageList} messages
 * @param {import("./toasts.js").Toasts} toasts
 */
export function wireUploads(current, messages, toasts) {
  const sendFiles = (/** @type {File[]} */ files) => {
    const c = current();
    if (!c) return;
    for (const file of files) {
      const cid = newCid();
      messages.addPendingFile(cid, file.name || "file", file.size, Date.now());
      // A file the browser could not type (no extension) goes as bytes; the server decides.
      c.sendFile(file, {
        cid,
        type: file.type || "application/octet-stream",
        onProgress: (p) => messages.progress(cid, p.loaded, p.total),
      }).then(
        (share) => messages.fileStored(cid, share, c.fileUrl(share.file)),
        (err) => {
          if (c !== current()) return;
          // A 413, 415 or 403 would only come again: no Retry for those.
          messages.failed(cid, describeError(err), canRetry(err) ? () => sendFiles([file]) : undefined);
          toasts.show(describeError(err));
        },
      );
    }
  };
  wireAttachments({
    button: byId("attach"),
    input: byId("file-input"),
    dropZone: byId("conversation"),
    textarea: byId("composer-input"),
    onFiles: sendFiles,
  });
}
