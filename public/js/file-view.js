// How a shared file looks in the chat: raster images as a preview (the only
// types the server serves inline), everything else as a download card with its
// name, type and size. Links come from the SDK (signed, expiring); names are
// text, never markup.
import { el } from "./dom.js";

/** Types shown as an image preview: the ones the server serves inline. SVG never is. */
const PREVIEW_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * A file size people read: 512 B, 1.2 KB, 3.4 MB (powers of 1024, as file managers do).
 * @param {number} bytes
 */
export function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * The view of a stored file.
 * @param {{ name: string, size: number, type: string }} file
 * @param {string} url  the signed link (absolute)
 * @returns {HTMLElement}
 */
export function fileView(file, url) {
  const caption = el("span", { className: "file-meta", text: `${file.name} · ${humanSize(file.size)}` });
  if (PREVIEW_TYPES.has(file.type)) {
    const img = el("img", { attrs: { src: url, alt: file.name, loading: "lazy" } });
    const link = el(
      "a",
      { className: "file-preview", attrs: { href: url, target: "_blank", rel: "noopener" } },
      img,
    );
    return el("figure", { className: "file image-file" }, link, el("figcaption", {}, caption));
  }
  // `download` plus the server's Content-Disposition: attachment: saved, never opened in this origin.
  const link = el(
    "a",
    { className: "file-card", attrs: { href: url, download: file.name, title: `Download ${file.name}` } },
    el("span", { className: "file-icon", text: "📄", attrs: { "aria-hidden": "true" } }),
    el(
      "span",
      { className: "file-text" },
      el("span", { className: "file-name", text: file.name }),
      el("span", { className: "file-meta", text: `${file.type} · ${humanSize(file.size)}` }),
    ),
  );
  return el("div", { className: "file" }, link);
}

/**
 * A file this tab is uploading: its name and a progress bar.
 * @param {string} name
 * @param {number} size
 * @returns {HTMLElement}
 */
export function uploadView(name, size) {
  const bar = el("progress", {
    attrs: { max: String(Math.max(size, 1)), value: "0", "aria-label": `Uploading ${name}` },
  });
  return el(
    "div",
    { className: "file uploading" },
    el("span", { className: "file-name", text: name }),
    el("span", { className: "file-meta", text: humanSize(size) }),
    bar,
  );
}
