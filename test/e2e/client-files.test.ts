// The SDK's sendFile against the real worker: progress, the stored file_share,
// the other clients' `file` events (live and from history), download through
// fileUrl, and the server's refusals as RoomcastError codes.
import { describe, expect, it } from "vitest";
import { type FileShareFrame, RoomcastError, type UploadProgress } from "../../src/client";
import { binaryPng } from "../helpers/files";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";

const fx = useWorkerClients({ vars: { MAX_FILE_BYTES: "200000" } });

function filesOf(client: { on(event: "file", fn: (f: FileShareFrame) => void): unknown }): FileShareFrame[] {
  const files: FileShareFrame[] = [];
  client.on("file", (f) => files.push(f));
  return files;
}

describe("sendFile", () => {
  it("uploads with progress, resolves with the file_share, and others get it as a file event", async () => {
    const room = freshRoom();
    const ada = await fx.join(room, "Ada");
    const ben = await fx.join(room, "Ben");
    const bensFiles = filesOf(ben.client);
    const progress: UploadProgress[] = [];
    ada.client.on("upload_progress", (p) => progress.push(p));
    const bytes = binaryPng(150_000);
    const share = await ada.client.sendFile(bytes, { name: "chart.png", type: "image/png", cid: "file-1" });
    expect(share).toMatchObject({
      type: "file_share",
      room,
      from: { id: "ada" },
      cid: "file-1",
      file: { name: "chart.png", size: 150_000, type: "image/png" },
    });
    expect(progress.at(-1)).toEqual({ cid: "file-1", name: "chart.png", loaded: 150_000, total: 150_000 });
    await ben.rec.until(() => (bensFiles.length > 0 ? true : undefined), "ben's file event");
    expect(bensFiles[0]).toMatchObject({ id: share.id, seq: share.seq });
    const got = await fetch(ben.client.fileUrl(bensFiles[0]?.file ?? share.file));
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

    // A client joining later gets the file from the welcome's history, in seq order.
    const cy = fx.client({ room, token: await signTestToken({ sub: "cy" }) });
    const cysFiles = filesOf(cy);
    await cy.connect();
    expect(cysFiles.map((f) => f.id)).toEqual([share.id]);
  });

  it("rejects with the server's code: a refused type, a file too large, a missing type", async () => {
    const room = freshRoom();
    const ada = await fx.join(room, "Ada");
    const html = new TextEncoder().encode("<script>alert(1)</script>");
    await expect(ada.client.sendFile(html, { type: "text/html" })).rejects.toMatchObject({
      code: "unsupported_type",
    });
    await expect(ada.client.sendFile(html, { type: "image/png" })).rejects.toMatchObject({
      code: "unsupported_type",
    });
    await expect(ada.client.sendFile(binaryPng(300_000), { type: "image/png" })).rejects.toMatchObject({
      code: "file_too_large",
    });
    await expect(ada.client.sendFile(html)).rejects.toBeInstanceOf(RoomcastError);
  });
});
