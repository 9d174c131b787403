// Three ways to pick files to share: the attach button, dropping files on the
// conversation, and pasting them (a screenshot, say) into the message box.

/**
 * @param {{ button: HTMLButtonElement, input: HTMLInputElement, dropZone: HTMLElement, textarea: HTMLTextAreaElement, onFiles: (files: File[]) => void }} parts
 */
export function wireAttachments({ button, input, dropZone, textarea, onFiles }) {
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const files = Array.from(input.files ?? []);
    input.value = ""; // the same file can be picked again
    if (files.length > 0) onFiles(files);
  });

  const hasFiles = (/** @type {DragEvent} */ event) => event.dataTransfer?.types.includes("Files") ?? false;
  let depth = 0; // dragenter/dragleave fire for every child element crossed
  dropZone.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    depth += 1;
    dropZone.classList.add("dropping");
  });
  dropZone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) dropZone.classList.remove("dropping");
  });
  dropZone.addEventListener("dragover", (event) => {
    // Without this the browser opens the dropped file itself.
    if (hasFiles(event)) event.preventDefault();
  });
  dropZone.addEventListener("drop", (event) => {
    depth = 0;
    dropZone.classList.remove("dropping");
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files);
  });

  textarea.addEventListener("paste", (event) => {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return; // plain text pastes as usual
    event.preventDefault();
    onFiles(files);
  });
}
